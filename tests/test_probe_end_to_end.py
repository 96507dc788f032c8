"""Probes in a whole analysis: analyze() with the real DNS and SMTP servers, and `mailcheck --probe`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from support.dns_server import DnsServer
from support.messages import build
from support.smtp_servers import KNOWN_USER, AiosmtpdServer

from mailcheck.cli import cli
from mailcheck.commands.settings import Settings, build_context
from mailcheck.model import Label, Report, StepStatus
from mailcheck.pipeline import analyze

ZONE = {"sender.test": {"MX": ["10 mx.sender.test."]}, "mx.sender.test": {"A": ["127.0.0.1"]}}


def message(sender: str) -> bytes:
    # Return-Path above the Received line our server wrote: the envelope sender (DESIGN §3).
    return build(f"From: <{sender}>\nSubject: hi\nMessage-ID: <1@sender.test>\n", top=f"Return-Path: <{sender}>\n")


def analysed(raw: bytes, server: DnsServer, port: int) -> Report:
    settings = Settings(resolvers=[server.resolver], timeout=1.0, probes=["callout"], smtp_port=port,
                        helo="probe.mailcheck.test", probe_private=True)
    ctx = build_context(settings)
    try:
        return analyze(raw, ctx, "test.eml")
    finally:
        ctx.dns.close()


def fields(report: Report) -> dict[str, Label]:
    return {f.name: f.label for f in report.fields}


def test_rejected_sender_makes_the_message_forged(dns_server: Callable[..., DnsServer],
                                                  smtp_reject_unknown: AiosmtpdServer) -> None:
    report = analysed(message("mallory@sender.test"), dns_server(ZONE), smtp_reject_unknown.port)
    assert fields(report)["sender-callout"] is Label.FORGED
    assert report.verdict is Label.FORGED and "sender-callout" in report.verdict_reason
    steps = {s.name: s for s in report.continuum}
    assert steps["Sender server responsive"].status is StepStatus.RAN
    assert steps["Sender callout"].status is StepStatus.RAN
    assert "DATA" not in smtp_reject_unknown.recorder.verbs


def test_existing_sender_does_not_validate_the_message(dns_server: Callable[..., DnsServer],
                                                       smtp_reject_unknown: AiosmtpdServer) -> None:
    report = analysed(message(KNOWN_USER), dns_server(ZONE), smtp_reject_unknown.port)
    assert fields(report)["sender-callout"] is Label.UNVERIFIABLE
    assert fields(report)["sender-server"] is Label.UNVERIFIABLE
    assert report.verdict is not Label.FORGED


def test_scan_like_run_connects_once(dns_server: Callable[..., DnsServer],
                                     smtp_reject_unknown: AiosmtpdServer) -> None:
    server = dns_server(ZONE)
    ctx = build_context(Settings(resolvers=[server.resolver], probes=["responsive"],
                                 smtp_port=smtp_reject_unknown.port, helo="probe.mailcheck.test"))
    ctx = ctx._replace(probe_private=True)
    try:
        for n in range(5):
            analyze(message(f"user{n}@sender.test"), ctx, f"{n}.eml")
    finally:
        ctx.dns.close()
    assert len(smtp_reject_unknown.recorder.conversations) == 1


def test_cli_lists_probe_fields_as_not_run_by_default(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(message(KNOWN_USER))
    result = CliRunner().invoke(cli, ["--offline", "--format", "json", str(path)])
    data = json.loads(result.output)
    probe_fields = {f["name"]: f for f in data["fields"] if f["name"] in ("sender-server", "sender-callout")}
    assert set(probe_fields) == {"sender-server", "sender-callout"}
    assert all(f["label"] == "unverifiable" and f["basis"] == "not-run" for f in probe_fields.values())


def test_cli_probe_options_reach_the_probe(tmp_path: Path, dns_server: Callable[..., DnsServer],
                                           smtp_reject_unknown: AiosmtpdServer) -> None:
    # Through the CLI the loopback server is found through DNS, and then not contacted: the MX of a
    # message's sender domain must not make mailcheck connect into its own network.
    server = dns_server(ZONE)
    path = tmp_path / "m.eml"
    path.write_bytes(message(KNOWN_USER))
    result = CliRunner().invoke(cli, [
        "--format", "json", "--resolver", server.resolver, "--probe", "callout",
        "--smtp-port", str(smtp_reject_unknown.port), "--helo", "probe.mailcheck.test", str(path)])
    data = json.loads(result.output)
    sender_server = next(f for f in data["fields"] if f["name"] == "sender-server")
    assert "mx.sender.test (127.0.0.1): not a public address" in " ".join(sender_server["evidence"])
    assert server.hits_for("sender.test", "MX")
    assert smtp_reject_unknown.recorder.conversations == []
