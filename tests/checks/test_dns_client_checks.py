"""The "client-dns" check (client-helo, client-rdns: FCrDNS), and all DNS checks of a message against
a DNS server that never answers: the analysis ends within its budget and every DNS field is unverifiable."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from support.dns_facts import context, facts_for, message_bytes, run_dns_checks
from support.dns_server import DnsServer, Mode, ZoneDict

from mailcheck.auth.spf import SpfResult
from mailcheck.checks import client_dns
from mailcheck.context import Context
from mailcheck.lookup.contract import DnsStatus, OfflineDns, StaticDns, message_budget
from mailcheck.lookup.resolver import Resolver
from mailcheck.model import Basis, Finding, Label

IP = "192.0.2.10"
REV = "10.2.0.192.in-addr.arpa"
RAW = message_bytes("Return-Path: <a@example.com>", "Received: from x by mx.example.org", "From: a@example.com")
ZONE = {
    (REV, "PTR"): ["mail.example.com"],
    ("mail.example.com", "A"): [IP],
    ("mail.example.com", "TXT"): ["v=spf1 a -all"],
    ("liar.example", "TXT"): ["v=spf1 -all"],
    ("example.com", "TXT"): ["v=spf1 -all"],
    ("11.2.0.192.in-addr.arpa", "PTR"): ["elsewhere.example", "mail.example.com"],
    ("elsewhere.example", "A"): ["198.51.100.7"],
    ("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", "PTR"): ["v6.example.com"],
    ("v6.example.com", "AAAA"): ["2001:db8::1"],
}


def check(ctx: Context, ip: str | None = IP, helo: str | None = "mail.example.com",
          rdns: str | None = None, spf: SpfResult | None = None) -> dict[str, Finding]:
    facts = facts_for(RAW, ip=ip, helo=helo, rdns=rdns)
    if spf is not None:
        facts.results.spf = spf
    return {f.name: f for f in client_dns.run(facts, ctx)}


def test_fcrdns_confirmed() -> None:
    found = check(context(StaticDns(ZONE)), rdns="mail.example.com")["client-rdns"]
    assert (found.label, found.value) == (Label.VALIDATED, "mail.example.com")
    assert found.evidence == (
        "forward-confirmed: 192.0.2.10 has the PTR name mail.example.com, whose address records include 192.0.2.10",
        f"DNS PTR {REV}: mail.example.com", "DNS A mail.example.com: 192.0.2.10")


def test_fcrdns_tries_every_ptr_name_and_ipv6() -> None:
    found = check(context(StaticDns({**ZONE, ("mail.example.com", "A"): ["192.0.2.11"]})), ip="192.0.2.11")
    assert found["client-rdns"].label is Label.VALIDATED
    assert found["client-rdns"].value == "mail.example.com"  # nothing recorded: the confirmed name
    six = check(context(StaticDns(ZONE)), ip="2001:db8::1", helo="v6.example.com")
    assert six["client-rdns"].label is Label.VALIDATED
    mapped = check(context(StaticDns(ZONE)), ip="::ffff:192.0.2.10")
    assert mapped["client-rdns"].label is Label.VALIDATED


def test_a_ptr_that_does_not_confirm_is_unverifiable_not_forged() -> None:
    dns = StaticDns({(REV, "PTR"): ["elsewhere.example"], ("elsewhere.example", "A"): ["198.51.100.7"]})
    found = check(context(dns), rdns="elsewhere.example")["client-rdns"]
    assert (found.label, found.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert "none of them resolves back to it" in found.evidence[0]
    assert "DNS A elsewhere.example: 198.51.100.7" in found.evidence


def test_no_ptr_and_failed_ptr() -> None:
    nothing = check(context(StaticDns({})))["client-rdns"]
    assert (nothing.label, nothing.evidence[0]) == (Label.UNVERIFIABLE, "192.0.2.10 has no reverse DNS (no PTR record)")
    failed = check(context(StaticDns({}, fail={REV: DnsStatus.SERVFAIL})))["client-rdns"]
    assert (failed.label, failed.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert failed.evidence[1] == f"DNS PTR {REV}: SERVFAIL"


def test_a_different_name_recorded_at_receipt_is_only_noted() -> None:
    found = check(context(StaticDns(ZONE)), rdns="old-name.example.com")["client-rdns"]
    assert found.label is Label.VALIDATED and found.value == "old-name.example.com"
    assert found.evidence[-1].startswith(
        "your server recorded the name old-name.example.com at receipt; DNS now says mail.example.com")


@pytest.mark.parametrize(("helo_result", "label"), [("pass", Label.VALIDATED), ("fail", Label.FORGED)])
def test_helo_follows_spf(helo_result: str, label: Label) -> None:
    from mailcheck.checks import spf as spf_check

    helo = "mail.example.com" if helo_result == "pass" else "liar.example"
    facts = facts_for(RAW, helo=helo)
    ctx = context(StaticDns(ZONE))
    list(spf_check.run(facts, ctx))
    found = {f.name: f for f in client_dns.run(facts, ctx)}["client-helo"]
    assert (found.value, found.label, found.basis) == (helo, label, Basis.CHECKED)
    assert found.evidence[0].startswith(f"SPF {helo_result} for {helo} (helo identity postmaster@{helo}")


def test_helo_without_spf_verdict() -> None:
    dns = StaticDns(ZONE)
    # SPF none for the HELO, but it is the client's forward-confirmed name.
    fcrdns_name = check(context(dns), helo="mail.example.com")["client-helo"]
    assert fcrdns_name.label is Label.VALIDATED
    assert fcrdns_name.evidence[0].startswith("the HELO name is the client's forward-confirmed reverse DNS name")
    literal = check(context(dns), helo="[192.0.2.10]")["client-helo"]
    assert literal.label is Label.VALIDATED
    other = check(context(dns), helo="[10.0.0.5]")["client-helo"]  # behind NAT, say: not forged
    assert (other.label, other.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    none = check(context(dns), helo=None)["client-helo"]
    assert (none.value, none.label) == ("(none recorded)", Label.UNVERIFIABLE)


def test_offline_and_no_entry_client() -> None:
    offline = check(context(OfflineDns()), rdns="mail.example.com")
    for name in ("client-helo", "client-rdns"):
        assert (offline[name].label, offline[name].basis) == (Label.UNVERIFIABLE, Basis.NOT_RUN)
        assert offline[name].evidence[0].startswith("not run (offline)")
    missing = check(context(StaticDns(ZONE)), ip=None)
    for name in ("client-helo", "client-rdns"):
        assert missing[name].label is Label.UNVERIFIABLE
        assert missing[name].evidence[0].startswith("no entry client: every hop is trusted")


# -- everything at once, against real servers -------------------------------------------------

SERVER_ZONE: ZoneDict = {
    "example.com": {"MX": ["10 mail.example.com"], "TXT": ["v=spf1 a:mail.example.com -all"]},
    "mail.example.com": {"A": [IP], "TXT": ["v=spf1 a -all"]},
    REV: {"PTR": ["mail.example.com"]},
}
DNS_FIELDS = ("envelope-sender-domain", "from-domain", "client-helo", "client-rdns")


def test_all_dns_fields_against_a_working_server(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(SERVER_ZONE)
    dns = Resolver([server.address], timeout=0.5, budget=5.0)
    facts = facts_for(RAW, rdns="mail.example.com")
    with message_budget(dns) as message:
        fields = run_dns_checks(facts, context(dns))
    assert {n: fields[n].label for n in DNS_FIELDS} == dict.fromkeys(DNS_FIELDS, Label.VALIDATED)
    spf = facts.results.spf
    assert spf is not None and spf.mail_from is not None and spf.helo is not None
    assert spf.mail_from.result == "pass" and spf.helo.result == "pass"
    assert message.sent < message.asked  # repeated questions came from the cache


def test_a_server_that_never_answers_ends_within_the_budget(dns_server: Callable[..., DnsServer]) -> None:
    server = dns_server(SERVER_ZONE, mode=Mode.TIMEOUT)
    budget = 1.0
    dns = Resolver([server.address], timeout=0.4, budget=budget)
    facts = facts_for(RAW, rdns="mail.example.com")
    began = time.monotonic()
    with message_budget(dns) as message:
        fields = run_dns_checks(facts, context(dns))
    elapsed = time.monotonic() - began
    # dnspython may overrun a lookup by one 0.1 s back-off; the rest is slack for a loaded machine.
    # Without the budget the nine questions would take 9 x 0.4 s.
    assert elapsed < budget + 0.5
    for name in DNS_FIELDS:
        assert (fields[name].label, fields[name].basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED), name
    spf = facts.results.spf
    assert spf is not None and spf.mail_from is not None and spf.helo is not None
    assert spf.mail_from.result == "temperror" and spf.helo.result == "temperror"
    assert message.refused > 0  # later questions were not even sent
    assert any("BUDGET-EXHAUSTED" in line for line in fields["client-rdns"].evidence)
