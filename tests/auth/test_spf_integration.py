"""SPF through the whole real path: pyspf → our hook → our Resolver (dnspython) → the loopback server."""

from __future__ import annotations

import time
from collections.abc import Callable

from support.dns_server import DnsServer, Mode, ZoneDict

from mailcheck.auth.spf import check_helo, check_mail_from
from mailcheck.lookup.contract import message_budget
from mailcheck.lookup.resolver import Resolver

IP = "192.0.2.5"
ZONE: ZoneDict = {
    "example.com": {"TXT": ["v=spf1 include:_spf.example.com -all"]},
    "_spf.example.com": {"TXT": ["v=spf1 ip4:192.0.2.0/28 ip6:2001:db8::/32 -all"]},
    "glued.example": {"TXT": [["v=spf1 ip4:", "192.0.2.5 -all"]]},  # two strings, no separator (§3.3)
    "big.example": {"TXT": ["v=spf1 " + " ".join(f"ip4:198.51.100.{i}" for i in range(40)) + " ip4:192.0.2.5 -all",
                            "filler " + "z" * 400]},
    "mail.example.com": {"TXT": ["v=spf1 a -all"], "A": [IP]},
    "ptr.example": {"TXT": ["v=spf1 ptr -all"]},
    "5.2.0.192.in-addr.arpa": {"PTR": ["loop.ptr.example", "host.ptr.example"]},
    "loop.ptr.example": {"CNAME": ["loop.ptr.example"]},
    "host.ptr.example": {"A": [IP]},
    "slow.example": {"TXT": ["v=spf1 a:dead.slow.example -all"]},
}


def client(server: DnsServer, timeout: float = 0.3) -> Resolver:
    return Resolver([server.address], timeout=timeout, budget=None)


def test_pass_and_fail_through_the_server(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    dns = client(server)
    assert check_mail_from(dns, IP, "a@example.com", "mail.example.com").result == "pass"
    assert check_mail_from(dns, "2001:db8::7", "a@example.com", "mail.example.com").result == "pass"
    assert check_mail_from(dns, "198.51.100.1", "a@example.com", "mail.example.com").result == "fail"
    assert check_helo(dns, IP, "mail.example.com").result == "pass"
    # Every lookup went through our resolver to this server (and the run cache kept repeats away).
    assert [(h.name, h.rdtype) for h in server.hits] == [
        ("example.com", "TXT"), ("_spf.example.com", "TXT"), ("mail.example.com", "TXT"), ("mail.example.com", "A")]


def test_strings_of_one_record_are_glued(dns_server: Callable[..., DnsServer]) -> None:
    assert check_mail_from(client(dns_server(ZONE)), IP, "a@glued.example", "h.example").result == "pass"


def test_a_record_too_big_for_udp_comes_over_tcp(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE)
    assert check_mail_from(client(server), IP, "a@big.example", "h.example").result == "pass"
    assert [h.transport for h in server.hits_for("big.example", "TXT")] == ["udp", "tcp"]


def test_a_cname_loop_behind_a_ptr_is_skipped(dns_server: Callable[..., DnsServer]) -> None:
    # RFC 7208 §5.5: a DNS error while checking one PTR name skips that name; the other one matches.
    server = dns_server(ZONE)
    assert check_mail_from(client(server), IP, "a@ptr.example", "h.example").result == "pass"
    assert server.hits_for("loop.ptr.example", "A")  # the loop was met, not avoided


def test_servfail_is_temperror(dns_server: Callable[..., DnsServer]) -> None:
    outcome = check_mail_from(client(dns_server(ZONE, mode=Mode.SERVFAIL)), IP, "a@example.com", "h.example")
    assert outcome.result == "temperror"
    assert any("SERVFAIL" in line for line in outcome.evidence())


def test_a_timeout_deep_in_the_record_is_temperror_within_the_budget(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(ZONE, modes={"dead.slow.example": Mode.TIMEOUT})
    dns = Resolver([server.address], timeout=2.0, budget=0.5)
    began = time.monotonic()
    with message_budget(dns):
        outcome = check_mail_from(dns, IP, "a@slow.example", "h.example")
    assert outcome.result == "temperror"
    assert time.monotonic() - began < 0.5 + 0.4  # the lookup alone would take 2 s
    assert any("BUDGET-EXHAUSTED" in line for line in outcome.evidence())
