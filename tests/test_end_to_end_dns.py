"""The whole DNS-backed path as a user runs it: `mailcheck FILE --resolver 127.0.0.1:PORT`, against a real
DNS server on loopback serving the samples' domains."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from click.testing import CliRunner
from support.dns_server import DnsServer, Mode
from support.messages import SAMPLES

from mailcheck.cli import cli

# example.com sends from 192.0.2.25 only and asks for rejection of everything else (DMARC p=reject).
ZONE = {
    "example.com": {"MX": ["10 mail.example.com"], "TXT": ["v=spf1 ip4:192.0.2.25 -all"], "A": ["192.0.2.25"]},
    "mail.example.com": {"A": ["192.0.2.25"]},
    "_dmarc.example.com": {"TXT": ["v=DMARC1; p=reject"]},
    "25.2.0.192.in-addr.arpa": {"PTR": ["mail.example.com."]},
}


def check(server: DnsServer, sample: str, *extra: str) -> tuple[int, dict[str, Any]]:
    args = ["check", "--format", "json", "--resolver", f"127.0.0.1:{server.port}", "--timeout", "1",
            "--budget", "3", *extra, str(SAMPLES / sample)]
    result = CliRunner().invoke(cli, args)
    return result.exit_code, json.loads(result.output)


def fields(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in report["fields"]}


def test_clean_message_is_validated_by_spf_and_dmarc(dns_server: Callable[..., DnsServer]) -> None:
    code, report = check(dns_server(ZONE), "clean.eml", "--authserv-id", "mx.example.org")
    got = fields(report)
    assert code == 0 and report["verdict"] == "validated"
    assert got["envelope-sender"]["label"] == "validated"
    assert any("SPF pass" in e for e in got["envelope-sender"]["evidence"])
    assert got["from"]["label"] == "validated"
    assert got["envelope-sender-domain"]["label"] == "validated"
    assert got["client-rdns"]["label"] == "validated"
    ours = got["header:Authentication-Results[0]"]
    assert ours["label"] == "validated" and len(ours["evidence"]) > 1  # receipt-time result beside the re-check
    steps = {s["name"]: s["status"] for s in report["continuum"]}
    assert steps["SPF"] == "ran" and steps["Sender domain exists"] == "ran"


def test_spf_fail_under_dmarc_reject_is_forged(dns_server: Callable[..., DnsServer]) -> None:
    # planted-authres.eml claims example.com but came from 203.0.113.50, which example.com's SPF excludes.
    code, report = check(dns_server(ZONE), "planted-authres.eml")
    got = fields(report)
    assert code == 1
    assert got["envelope-sender"]["label"] == "forged"
    assert got["from"]["label"] == "forged"


def test_dead_dns_server_leaves_every_dns_field_unverifiable(dns_server: Callable[..., DnsServer]) -> None:
    code, report = check(dns_server(ZONE, mode=Mode.TIMEOUT), "clean.eml")
    got = fields(report)
    assert code == 0
    for name in ("envelope-sender", "from", "envelope-sender-domain", "from-domain", "client-rdns"):
        assert got[name]["label"] == "unverifiable", name
        assert got[name]["basis"] == "undecided", name


def test_record_then_replay_reproduces_the_analysis(dns_server: Callable[..., DnsServer], tmp_path: Any) -> None:
    record = tmp_path / "answers.jsonl"
    server = dns_server(ZONE)
    _, first = check(server, "clean.eml", "--dns-record", str(record))
    server.stop()
    args = ["check", "--format", "json", "--dns-replay", str(record), str(SAMPLES / "clean.eml")]
    replayed = json.loads(CliRunner().invoke(cli, args).output)
    assert [(f["name"], f["label"]) for f in replayed["fields"]] == [(f["name"], f["label"]) for f in first["fields"]]
