"""Facts built by hand for the DNS-backed checks: a message plus a one-hop trusted chain whose entry
client is given directly, so these checks are tested without the Received parser."""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.context import Context, Facts
from mailcheck.lookup.contract import DnsClient
from mailcheck.model import Boundary, Finding, Hop, HopView
from mailcheck.parse.message import parse


def message_bytes(*headers: str, body: str = "hello\n") -> bytes:
    return ("\n".join(headers) + "\n\n" + body).encode("utf-8")


def facts_for(raw: bytes, ip: str | None = "192.0.2.10", helo: str | None = "mail.example.com",
              rdns: str | None = None) -> Facts:
    """ip=None gives a chain with no entry hop (everything trusted, nothing untrusted recorded)."""
    message = parse(raw)
    if ip is None:
        hop = Hop(raw="from localhost by mx.example.org", by="mx.example.org")
        view = HopView(0, hop, True, False, None, "the top hop: your server")
        return Facts(message, (view,), Boundary(1, None, "every hop is trusted; none records an outside client"))
    hop = Hop(raw=f"from {helo} ({rdns} [{ip}]) by mx.example.org", ip=ip, rdns=rdns, helo=helo,
              by="mx.example.org", protocol="ESMTP")
    view = HopView(0, hop, True, True, None, "the top hop: your server")
    return Facts(message, (view,), Boundary(1, 0, "received[0] was written by your server mx.example.org"))


def context(dns: DnsClient) -> Context:
    return Context(dns=dns)


def run_dns_checks(facts: Facts, ctx: Context) -> dict[str, Finding]:
    """The DNS checks of this area in registry order (sender_domain, spf, client_dns), by field name."""
    from mailcheck.checks import client_dns, sender_domain, spf

    findings: list[Finding] = []
    for check in (sender_domain, spf, client_dns):
        findings.extend(check.run(facts, ctx))
    return _by_name(findings)


def _by_name(findings: Iterable[Finding]) -> dict[str, Finding]:
    result: dict[str, Finding] = {}
    for finding in findings:
        assert finding.name not in result, f"field {finding.name} written twice"
        result[finding.name] = finding
    return result
