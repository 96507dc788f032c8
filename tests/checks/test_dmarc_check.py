"""DMARC end to end: signed messages analysed with the dkim, spf and dmarc checks, through an in-memory
zone and through the real resolver and a DNS server."""

from __future__ import annotations

from collections.abc import Callable

from support.dns_server import DnsServer
from support.messages import TRUSTED_HOP, field
from support.signing import message, rsa_key, sign

from mailcheck.auth.dkim_verify import DkimOutcome, DkimResult
from mailcheck.auth.dmarc import DmarcOutcome, DmarcResult
from mailcheck.checks import dmarc as dmarc_check
from mailcheck.context import Context, Facts
from mailcheck.lookup.contract import StaticDns
from mailcheck.lookup.resolver import Resolver
from mailcheck.model import Boundary, Label
from mailcheck.parse.message import parse
from mailcheck.pipeline import analyze

RSA = rsa_key(2048)
KEY = ("sel._domainkey.example.com", "TXT")
# The envelope sender is a bulk mailer's bounce domain: SPF passes for it, but it is not aligned.
ENVELOPE = "Return-Path: <bounce@mailer.example.net>\r\n" + TRUSTED_HOP.replace("\n", "\r\n")
ZONE = {
    ("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject"],
    ("mailer.example.net", "TXT"): ["v=spf1 ip4:203.0.113.9 -all"],
    ("mailer.example.net", "MX"): ["10 mx.mailer.example.net"],
    ("example.com", "MX"): ["10 mx.example.com"],
}


def received(raw: bytes) -> bytes:
    return ENVELOPE.encode() + raw


def run(raw: bytes, zone: dict[tuple[str, str], list[str]]) -> dict[str, tuple[Label, tuple[str, ...]]]:
    report = analyze(raw, Context(dns=StaticDns(zone)))
    return {f.name: (f.label, f.evidence) for f in report.fields}


def test_signed_by_the_from_domain_validates_from() -> None:
    fields = run(received(sign(message(), RSA)), {**ZONE, KEY: [RSA.record()]})
    assert fields["dkim[0]"][0] is Label.VALIDATED
    assert fields["from"][0] is Label.VALIDATED
    assert "DKIM passes for example.com" in fields["from"][1][0]


def test_tampered_body_under_reject_makes_from_forged() -> None:
    raw = received(sign(message(), RSA).replace(b"this is a test", b"please wire money"))
    fields = run(raw, {**ZONE, KEY: [RSA.record()]})
    assert fields["dkim[0]"][0] is Label.FORGED
    assert fields["from"][0] is Label.FORGED
    assert any("p=reject" in e for e in fields["from"][1])


def test_a_rotated_key_never_makes_from_forged() -> None:
    fields = run(received(sign(message(), RSA)), ZONE)  # the key is gone
    assert fields["dkim[0]"][0] is Label.UNVERIFIABLE
    assert fields["from"][0] is Label.UNVERIFIABLE
    assert "no-key" in fields["from"][1][0]


def test_offline_from_is_not_run() -> None:
    report = analyze(received(sign(message(), RSA)), Context())
    assert field(report, "from").label is Label.UNVERIFIABLE
    assert field(report, "dkim[0]").basis.value == "not-run"


def test_the_check_stores_a_result_and_labels_no_field_itself() -> None:
    facts = Facts(parse(message()), (), Boundary(0, None, "test"))
    facts.results.dkim = (DkimResult(0, DkimOutcome.VERIFIED, "test", domain="example.com"),)
    findings = list(dmarc_check.run(facts, Context(dns=StaticDns(ZONE))))
    assert findings == []
    result = facts.results.dmarc
    assert isinstance(result, DmarcResult) and result.outcome is DmarcOutcome.ALIGNED_PASS


def test_a_crashed_dkim_check_never_lets_dmarc_fail() -> None:
    facts = Facts(parse(message()), (), Boundary(0, None, "test"))  # no "dkim" result at all
    list(dmarc_check.run(facts, Context(dns=StaticDns(ZONE))))
    result = facts.results.dmarc
    assert isinstance(result, DmarcResult) and result.outcome is DmarcOutcome.FAIL_UNSETTLED


def test_np_policy_through_a_dns_server(dns_server: Callable[..., DnsServer]) -> None:
    # ghost.example.com does not exist: NXDOMAIN for A, AAAA and MX from a real server, so np= applies;
    # www.example.com exists (an A record) so sp= does.
    server = dns_server({
        "_dmarc.example.com": {"TXT": ["v=DMARC1; p=reject; sp=none; np=quarantine"]},
        "www.example.com": {"A": ["192.0.2.80"]},
        "mailer.example.net": {"TXT": ["v=spf1 ip4:203.0.113.9 -all"]},
    })
    resolver = Resolver([server.address], timeout=1.0, budget=None)
    for author, applied, label in (("ghost.example.com", "np", Label.FORGED),
                                   ("www.example.com", "sp", Label.UNVERIFIABLE)):
        raw = received(message(from_=f"Alice <alice@{author}>"))
        report = analyze(raw, Context(dns=resolver))
        assert field(report, "from").label is label, field(report, "from").evidence
        assert any(f"{applied}=" in e and "applies" in e for e in field(report, "from").evidence)
    assert server.hits_for("ghost.example.com", "MX")
