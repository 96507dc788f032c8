"""Probes through the real pieces: the DNS test server, the dnspython resolver, build_context, aiosmtpd."""

from __future__ import annotations

from collections.abc import Callable

from support.dns_server import DnsServer, Mode
from support.smtp_servers import KNOWN_USER, AiosmtpdServer

from mailcheck.checks import probe
from mailcheck.commands.settings import Settings, build_context
from mailcheck.context import Facts
from mailcheck.model import Basis, Boundary, Finding, Label
from mailcheck.parse.message import parse

ZONE = {
    "sender.test": {"MX": ["10 mx.sender.test."]},
    "mx.sender.test": {"A": ["127.0.0.1"]},
    "implicit.test": {"A": ["127.0.0.1"]},
    "nullmx.test": {"MX": ["0 ."], "A": ["127.0.0.1"]},
}


def message(sender: str) -> bytes:
    return f"Return-Path: <{sender}>\nFrom: {sender}\nSubject: hi\n\nHello.\n".encode()


def run(raw: bytes, settings: Settings) -> tuple[dict[str, Finding], Facts]:
    ctx = build_context(settings)
    try:
        return _check(raw, ctx)
    finally:
        ctx.dns.close()


def _check(raw: bytes, ctx: object) -> tuple[dict[str, Finding], Facts]:
    facts = Facts(parse(raw), (), Boundary(0, None, "no Received lines in this test"))
    return {f.name: f for f in probe.run(facts, ctx)}, facts  # type: ignore[arg-type]


def settings_for(server: DnsServer, port: int, *probes: str) -> Settings:
    return Settings(resolvers=[server.resolver], timeout=1.0, probes=list(probes), smtp_port=port,
                    helo="probe.mailcheck.test", probe_private=True)


def test_callout_through_real_dns(dns_server: Callable[..., DnsServer],
                                  smtp_reject_unknown: AiosmtpdServer) -> None:
    server = dns_server(ZONE)
    findings, _ = run(message("mallory@sender.test"), settings_for(server, smtp_reject_unknown.port, "callout"))
    assert findings["sender-callout"].label is Label.FORGED
    assert "MX sender.test: 10 mx.sender.test" in findings["sender-server"].evidence
    assert server.hits_for("sender.test", "MX") and server.hits_for("mx.sender.test", "A")
    assert smtp_reject_unknown.recorder.conversations[0].commands[0] == "EHLO probe.mailcheck.test"


def test_one_connection_per_domain_across_messages_of_a_run(dns_server: Callable[..., DnsServer],
                                                           smtp_reject_unknown: AiosmtpdServer) -> None:
    server = dns_server(ZONE)
    ctx = build_context(settings_for(server, smtp_reject_unknown.port, "callout"))
    try:
        for _ in range(3):
            findings, _ = _check(message(KNOWN_USER), ctx)
            assert findings["sender-callout"].label is Label.UNVERIFIABLE
    finally:
        ctx.dns.close()
    assert len(smtp_reject_unknown.recorder.conversations) == 1
    assert ctx.probe_cache.made == 1


def test_implicit_mx_through_real_dns(dns_server: Callable[..., DnsServer], smtp_accept_all: AiosmtpdServer) -> None:
    server = dns_server(ZONE)
    findings, _ = run(message("bob@implicit.test"), settings_for(server, smtp_accept_all.port, "responsive"))
    assert findings["sender-server"].value == f"implicit.test (127.0.0.1:{smtp_accept_all.port})"


def test_null_mx_through_real_dns(dns_server: Callable[..., DnsServer], smtp_accept_all: AiosmtpdServer) -> None:
    server = dns_server(ZONE)
    findings, _ = run(message("bob@nullmx.test"), settings_for(server, smtp_accept_all.port, "responsive"))
    assert "null MX (RFC 7505)" in " ".join(findings["sender-server"].evidence)
    assert smtp_accept_all.recorder.conversations == []  # the A record is not an implicit MX here


def test_dns_timeout_is_undecided(dns_server: Callable[..., DnsServer], smtp_accept_all: AiosmtpdServer) -> None:
    server = dns_server(ZONE, mode=Mode.TIMEOUT)
    settings = settings_for(server, smtp_accept_all.port, "callout")
    settings.timeout = 0.3
    findings, _ = run(message(KNOWN_USER), settings)
    for finding in findings.values():
        assert (finding.label, finding.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert "TIMEOUT" in " ".join(findings["sender-server"].evidence)
    assert smtp_accept_all.recorder.conversations == []


def test_default_context_does_not_probe_loopback(dns_server: Callable[..., DnsServer],
                                                 smtp_accept_all: AiosmtpdServer) -> None:
    server = dns_server(ZONE)
    settings = settings_for(server, smtp_accept_all.port, "responsive")
    settings.probe_private = False
    findings, _ = run(message(KNOWN_USER), settings)
    assert "not a public address" in " ".join(findings["sender-server"].evidence)
    assert smtp_accept_all.recorder.conversations == []
