"""SPF when DNS fails: every resolver failure is a temperror, never a void lookup (issue 11 item 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from support.dns_server import DnsServer, ZoneDict

from mailcheck.auth.dmarc import evaluate as dmarc_evaluate
from mailcheck.auth.dmarc import from_label
from mailcheck.auth.dmarc_result import SpfIdentity
from mailcheck.auth.spf import check_mail_from
from mailcheck.lookup.contract import DnsStatus, StaticDns
from mailcheck.lookup.resolver import Resolver
from mailcheck.model import Label

IP = "192.0.2.10"
# Three a: names that fail: as void lookups they would exceed the limit of two (RFC 7208 §4.6.4).
RECORD = "v=spf1 a:n1.bad.example a:n2.bad.example a:n3.bad.example -all"
FAILING = ("n1.bad.example", "n2.bad.example", "n3.bad.example")
ZONE = {
    ("bad.example", "TXT"): [RECORD],
    ("_dmarc.bad.example", "TXT"): ["v=DMARC1; p=reject"],
    ("ptr.example", "TXT"): ["v=spf1 ptr -all"],
    ("10.2.0.192.in-addr.arpa", "PTR"): ["broken.ptr.example", "host.ptr.example"],
    ("host.ptr.example", "A"): [IP],
}
FAILURES = [DnsStatus.CNAME_LOOP, DnsStatus.ERROR, DnsStatus.SERVFAIL, DnsStatus.TIMEOUT, DnsStatus.REFUSED,
            DnsStatus.BUDGET]


def dns_failing(status: DnsStatus) -> StaticDns:
    return StaticDns(ZONE, fail=dict.fromkeys(FAILING, status))


def dmarc_from_label(dns: StaticDns, spf_result: str) -> Label:
    identity = SpfIdentity("bad.example", spf_result, "the envelope sender")
    label, _, _ = from_label(dmarc_evaluate(["ceo@bad.example"], [], identity, dns))
    return label


@pytest.mark.parametrize("status", FAILURES)
def test_a_resolver_failure_is_temperror(status: DnsStatus) -> None:
    dns = dns_failing(status)
    outcome = check_mail_from(dns, IP, "a@bad.example", "mail.example.com")
    assert outcome.result == "temperror", status
    assert outcome.label is Label.UNVERIFIABLE
    assert any(status.value.upper() in line for line in outcome.evidence())
    # Under p=reject a temperror settles nothing: From is not called forged.
    assert dmarc_from_label(dns, outcome.result) is not Label.FORGED


@pytest.mark.parametrize("status", [DnsStatus.NXDOMAIN, DnsStatus.NODATA])
def test_an_answered_empty_lookup_stays_a_void_lookup(status: DnsStatus) -> None:
    outcome = check_mail_from(dns_failing(status), IP, "a@bad.example", "mail.example.com")
    assert outcome.result == "permerror"
    assert "Void lookup limit" in outcome.explanation


@pytest.mark.parametrize("status", [DnsStatus.CNAME_LOOP, DnsStatus.SERVFAIL])
def test_a_failing_ptr_name_is_skipped(status: DnsStatus) -> None:
    # RFC 7208 §5.5: a DNS error while validating one PTR name skips it; the next one matches.
    dns = StaticDns(ZONE, fail={"broken.ptr.example": status})
    assert check_mail_from(dns, IP, "a@ptr.example", "mail.example.com").result == "pass"


LOOP_ZONE: ZoneDict = {
    "loop.example": {"TXT": ["v=spf1 a:l1.loop.example a:l2.loop.example a:l3.loop.example -all"]},
    "l1.loop.example": {"CNAME": ["l2.loop.example"]},
    "l2.loop.example": {"CNAME": ["l1.loop.example"]},
    "l3.loop.example": {"CNAME": ["l3.loop.example"]},
}


def test_a_cname_loop_through_the_loopback_server_is_temperror(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(LOOP_ZONE)
    dns = Resolver([server.address], timeout=0.3, budget=None)
    outcome = check_mail_from(dns, IP, "a@loop.example", "mail.example.com")
    assert outcome.result == "temperror"
    assert any("CNAME-LOOP" in line for line in outcome.evidence())
    policy = StaticDns({("_dmarc.loop.example", "TXT"): ["v=DMARC1; p=reject"]})
    label, _, _ = from_label(dmarc_evaluate(["ceo@loop.example"], [], SpfIdentity(
        "loop.example", outcome.result, "the envelope sender"), policy))
    assert label is not Label.FORGED
