"""ARC chains sealed at test time and real Gmail-sealed messages: pass, forged and could-not-check."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.authdata import DATA, records_and_message, shared, static_dns
from support.signing import arc_seal, message, rsa_key, sign

from mailcheck.auth.arc import ArcOutcome, ArcResult, verify_chain
from mailcheck.checks import arc as arc_check
from mailcheck.context import Context, Facts
from mailcheck.lookup.contract import DnsStatus, OfflineDns, StaticDns
from mailcheck.model import Basis, Boundary, Label
from mailcheck.parse.message import parse

RSA = rsa_key(2048)
LIST_KEY = "arc._domainkey.lists.example.org"
FWD_KEY = "arc._domainkey.forward.example.net"
ZONE = StaticDns({(LIST_KEY, "TXT"): [RSA.record()], (FWD_KEY, "TXT"): [RSA.record()],
                  ("sel._domainkey.example.com", "TXT"): [RSA.record()]})


def chain(sets: int = 1) -> bytes:
    raw = arc_seal(sign(message(), RSA), RSA)
    if sets == 2:
        raw = arc_seal(raw, RSA, domain="forward.example.net", authserv_id="forward.example.net")
    return raw


def check(raw: bytes, dns: StaticDns | OfflineDns = ZONE) -> ArcResult:
    return verify_chain(parse(raw), dns)


@pytest.mark.parametrize("sets", [1, 2])
def test_an_intact_chain_passes(sets: int) -> None:
    result = check(chain(sets))
    assert (result.cv, result.outcome, result.instances) == ("pass", ArcOutcome.PASS, sets)
    assert (result.label, result.basis) == (Label.VALIDATED, Basis.CHECKED)
    assert [s.instance for s in result.sets] == list(range(sets, 0, -1))
    assert all(s.seal_valid and s.ams_valid for s in result.sets)
    assert "not for the author" in result.reason


def test_no_chain() -> None:
    result = check(sign(message(), RSA))
    assert (result.cv, result.outcome, result.label) == ("none", ArcOutcome.NONE, Label.UNVERIFIABLE)
    assert result.value() == "no ARC chain"


def test_body_changed_after_sealing_is_forged() -> None:
    result = check(chain().replace(b"this is a test", b"this is a fake"))
    assert (result.cv, result.outcome, result.label) == ("fail", ArcOutcome.AMS_FAILED, Label.FORGED)
    assert "body was changed" in result.reason


def test_signed_header_changed_after_sealing_is_forged() -> None:
    result = check(chain().replace(b"Subject: Test message", b"Subject: Changed"))
    assert result.outcome is ArcOutcome.AMS_FAILED
    assert "signed header field was changed" in result.reason


def test_an_older_sealers_recorded_results_changed_is_a_broken_seal() -> None:
    raw = chain(2)
    at = raw.index(b"dkim=pass", raw.index(b"ARC-Authentication-Results: i=1"))
    result = check(raw[:at] + b"dkim=fail" + raw[at + len(b"dkim=pass"):])
    assert (result.outcome, result.label) == (ArcOutcome.SEAL_FAILED, Label.FORGED)
    assert "ARC-Seal i=" in result.reason


@pytest.mark.parametrize(("dns", "outcome", "basis"), [
    (StaticDns({}), ArcOutcome.KEY_UNUSABLE, Basis.UNDECIDED),
    (StaticDns({(LIST_KEY, "TXT"): ["v=DKIM1; k=rsa; p="]}), ArcOutcome.KEY_UNUSABLE, Basis.UNDECIDED),
    (StaticDns({}, fail={LIST_KEY: DnsStatus.TIMEOUT}), ArcOutcome.DNS_FAILURE, Basis.UNDECIDED),
    (StaticDns({}, fail={LIST_KEY: DnsStatus.SERVFAIL}), ArcOutcome.DNS_FAILURE, Basis.UNDECIDED),
    (OfflineDns(), ArcOutcome.NOT_RUN, Basis.NOT_RUN),
])
def test_keys_we_cannot_get_are_never_forged(dns: StaticDns | OfflineDns, outcome: ArcOutcome,
                                             basis: Basis) -> None:
    # Even with the body changed: without a usable key nothing can be said about the seal.
    result = check(chain().replace(b"this is a test", b"this is a fake"), dns)
    assert result.cv == "fail"
    assert (result.outcome, result.label, result.basis) == (outcome, Label.UNVERIFIABLE, basis)
    assert "could not be checked" in result.reason


def test_weak_sealer_key_is_unverifiable() -> None:
    weak = rsa_key(512)
    raw = arc_seal(message(), weak)
    result = check(raw, StaticDns({(LIST_KEY, "TXT"): [weak.record()]}))
    assert (result.outcome, result.label) == (ArcOutcome.KEY_UNUSABLE, Label.UNVERIFIABLE)
    assert "RFC 8301" in result.reason


def test_a_sealer_that_recorded_a_broken_chain() -> None:
    # The second sealer received a chain whose body had been changed, and recorded arc=fail.
    bad = arc_seal(chain().replace(b"this is a test", b"this is a fake"), RSA, domain="forward.example.net",
                   authserv_id="forward.example.net", results="arc=fail")
    result = check(bad)
    assert result.outcome is ArcOutcome.SEALER_REPORTED_FAIL
    assert (result.cv, result.label, result.basis) == ("fail", Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert result.sets[0].seal_cv == "fail"


def test_ed25519_arc_set_is_unsupported_not_forged() -> None:
    records, raw = records_and_message(DATA / "arc" / "stalwart" / "002.txt")
    result = verify_chain(parse(raw), static_dns(records))
    assert (result.outcome, result.label) == (ArcOutcome.UNSUPPORTED, Label.UNVERIFIABLE)
    assert "rsa-sha256" in result.reason


def gmail_dns() -> StaticDns:
    records, _ = records_and_message(DATA / "arc" / "stalwart" / "001.txt")
    return static_dns(records)


def test_real_gmail_chain_in_stalwart_resources_passes() -> None:
    records, raw = records_and_message(DATA / "arc" / "stalwart" / "001.txt")
    result = verify_chain(parse(raw), static_dns(records))
    assert (result.cv, result.outcome) == ("pass", ArcOutcome.PASS)
    assert {s.seal_domain for s in result.sets} == {"google.com"}


@pytest.mark.parametrize(("name", "outcome"), [
    ("arc-pass.eml", ArcOutcome.PASS),
    ("arc-pass2.eml", ArcOutcome.PASS),
    ("arc-fail.eml", ArcOutcome.SEAL_FAILED),
    ("arc-fail3.eml", ArcOutcome.SEALER_REPORTED_FAIL),
])
def test_vendored_gmail_messages(name: str, outcome: ArcOutcome) -> None:
    result = verify_chain(parse((DATA / "arc" / "mailauth" / name).read_bytes()), gmail_dns())
    assert result.outcome is outcome, result.reason
    assert result.instances == 2


def test_tampered_copy_of_a_real_chain_is_forged() -> None:
    raw = (DATA / "arc" / "mailauth" / "arc-pass.eml").read_bytes()
    head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    result = verify_chain(parse(head + sep + body.replace(b"a", b"4", 1)), gmail_dns())
    assert (result.outcome, result.label) == (ArcOutcome.AMS_FAILED, Label.FORGED)
    assert "body" in result.reason


SHARED_GMAIL = {
    "arc-pass.eml": ArcOutcome.PASS, "arc-pass2.eml": ArcOutcome.PASS, "authtest.eml": ArcOutcome.PASS,
    "bimi.eml": ArcOutcome.PASS, "message3.eml": ArcOutcome.PASS, "zbimi.eml": ArcOutcome.PASS,
    "arc-fail.eml": ArcOutcome.SEAL_FAILED, "arc-fail2.eml": ArcOutcome.SEAL_FAILED,
    "arc-fail3.eml": ArcOutcome.SEALER_REPORTED_FAIL, "message1.eml": ArcOutcome.NONE,
    "message2.eml": ArcOutcome.NONE, "message4.eml": ArcOutcome.NONE, "zproov.eml": ArcOutcome.NONE,
}


def test_every_mailauth_fixture_in_the_shared_corpora() -> None:
    folder: Path = shared("mailauth-fixtures", "test", "fixtures")
    found = {p.name for p in folder.glob("*.eml")}
    assert found == set(SHARED_GMAIL)
    dns = gmail_dns()
    for name, outcome in SHARED_GMAIL.items():
        result = verify_chain(parse((folder / name).read_bytes()), dns)
        assert result.outcome is outcome, (name, result.reason)


def test_the_check_yields_the_arc_field_with_every_sealer() -> None:
    facts = Facts(parse(chain(2)), (), Boundary(0, None, "test"))
    (finding,) = arc_check.run(facts, Context(dns=ZONE))
    assert (finding.name, finding.value, finding.label) == ("arc", "cv=pass, 2 sets", Label.VALIDATED)
    text = " | ".join(finding.evidence)
    assert "ARC set i=2: ARC-Seal d=forward.example.net s=arc cv=pass verifies" in text
    assert "ARC set i=1: ARC-Seal d=lists.example.org s=arc cv=none verifies" in text
    assert "records (the sealer's claim): i=1; lists.example.org; dkim=pass" in text
    assert "TXT arc._domainkey.lists.example.org: v=DKIM1; k=rsa; p=" in text
    assert isinstance(facts.results.arc, ArcResult)
