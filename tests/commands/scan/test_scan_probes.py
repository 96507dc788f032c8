"""Probes in a scan: only with --allow-probes, and one connection per domain for the whole run even
when two worker processes see mail from the same domain (issue 5)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from support.dns_server import DnsServer
from support.smtp_servers import AiosmtpdServer

from mailcheck.cli import cli


def mbox(path: Path, count: int) -> Path:
    messages = []
    for n in range(count):
        messages.append(
            f"From someone@sender.test Wed Nov 18 12:00:{n:02d} 2026\n"
            "Return-Path: <someone@sender.test>\n"
            "Received: from relay.sender.test (relay.sender.test [203.0.113.9])\n"
            f"\tby mx.example.org (Postfix) with ESMTP id A{n}; Wed, 18 Nov 2026 12:00:{n:02d} +0000\n"
            f"From: someone@sender.test\nSubject: message {n}\n\nbody {n}\n\n")
    path.write_text("".join(messages))
    return path


def test_probes_in_a_scan_need_allow_probes(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", "--offline", "--probe", "responsive", str(mbox(tmp_path / "m", 1))])
    assert result.exit_code == 2 and "--allow-probes" in result.output


def test_two_workers_share_one_probe_per_domain(tmp_path: Path, dns_server: Callable[..., DnsServer],
                                                 smtp_accept_all: AiosmtpdServer) -> None:
    dns = dns_server({"sender.test": {"MX": ["10 mx.sender.test"]}, "mx.sender.test": {"A": ["127.0.0.1"]}})
    archive = mbox(tmp_path / "archive.mbox", 8)
    args = ["scan", "--format", "jsonl", "--jobs", "2", "--chunk", "1", "--resolver", dns.resolver,
            "--timeout", "1", "--probe", "responsive", "--allow-probes", "--probe-private",
            "--smtp-port", str(smtp_accept_all.port), "--helo", "checker.example.org", str(archive)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.count('"sender-server"') == 8
    assert len(smtp_accept_all.recorder.conversations) == 1  # eight messages, two workers, one connection
