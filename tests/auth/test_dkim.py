"""DKIM verification of messages signed at test time: every outcome, through an in-memory zone."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from support.signing import KeyPair, ed25519_key, message, rsa_key, sign

from mailcheck.auth.dkim_verify import DkimOutcome, DkimResult, verify_all
from mailcheck.checks import dkim as dkim_check
from mailcheck.context import Context, Facts
from mailcheck.lookup.contract import DnsStatus, OfflineDns, StaticDns
from mailcheck.model import Basis, Boundary, Label
from mailcheck.parse.message import parse

KEY_NAME = "sel._domainkey.example.com"
RSA = rsa_key(2048)
ED = ed25519_key()


def zone(record: str | None, name: str = KEY_NAME, **more: str) -> StaticDns:
    records = {(name, "TXT"): [record]} if record is not None else {}
    records.update({(n, "TXT"): [r] for n, r in more.items()})
    return StaticDns(records)


def verify(raw: bytes, dns: StaticDns | OfflineDns, now: datetime | None = None) -> DkimResult:
    results = verify_all(parse(raw), dns, now)
    assert len(results) == 1
    return results[0]


@pytest.mark.parametrize("key", [RSA, ED], ids=["rsa-sha256", "ed25519-sha256"])
def test_a_good_signature_is_validated(key: KeyPair) -> None:
    result = verify(sign(message(), key), zone(key.record()))
    assert result.outcome is DkimOutcome.VERIFIED
    assert (result.label, result.basis) == (Label.VALIDATED, Basis.CHECKED)
    assert result.body_matched and result.headers_matched
    assert result.value() == f"d=example.com s=sel a={'ed25519' if key.kind == 'ed25519' else 'rsa'}-sha256"
    assert result.signed_headers == ("from", "to", "subject", "date", "message-id")


@pytest.mark.parametrize("key", [RSA, ED], ids=["rsa", "ed25519"])
def test_a_changed_body_is_forged_and_named(key: KeyPair) -> None:
    raw = sign(message(), key).replace(b"this is a test", b"this is a fake")
    result = verify(raw, zone(key.record()))
    assert result.outcome is DkimOutcome.BODY_HASH_MISMATCH
    assert result.label is Label.FORGED
    # The header signature still verifies: the signer's header is genuine, the body is not what it signed.
    assert result.body_matched is False and result.headers_matched is True
    assert "body hash does not match" in result.reason


@pytest.mark.parametrize("key", [RSA, ED], ids=["rsa", "ed25519"])
def test_a_changed_signed_header_is_forged_and_named(key: KeyPair) -> None:
    raw = sign(message(), key).replace(b"Subject: Test message", b"Subject: Urgent payment")
    result = verify(raw, zone(key.record()))
    assert result.outcome is DkimOutcome.SIGNATURE_MISMATCH
    assert result.label is Label.FORGED
    assert result.body_matched is True and result.headers_matched is False
    assert "signed header" in result.reason


@pytest.mark.parametrize("key", [RSA, ED], ids=["rsa", "ed25519"])
def test_a_truncated_signature_value_does_not_verify(key: KeyPair) -> None:
    raw = sign(message(), key)
    start = raw.index(b" b=", raw.index(b"bh=")) + len(b" b=")
    end = raw.index(b"\r\nFrom:")
    result = verify(raw[:start] + b"AAAA" + raw[end:], zone(key.record()))
    assert result.outcome is DkimOutcome.SIGNATURE_MISMATCH and result.body_matched is True


def test_body_and_header_both_changed() -> None:
    raw = sign(message(), RSA).replace(b"Subject: Test", b"Subject: Fake").replace(b"this is", b"that is")
    result = verify(raw, zone(RSA.record()))
    assert result.outcome is DkimOutcome.SIGNATURE_MISMATCH
    assert result.body_matched is False and result.headers_matched is False
    assert "neither" in result.reason


def test_an_unsigned_header_may_change() -> None:
    raw = sign(message(extra_headers="X-Mailer: one\r\n"), RSA).replace(b"X-Mailer: one", b"X-Mailer: two")
    assert verify(raw, zone(RSA.record())).outcome is DkimOutcome.VERIFIED


def test_an_added_from_field_breaks_the_signature_and_is_explained() -> None:
    raw = sign(message(), RSA) + b""
    raw = raw.replace(b"To: Bob", b"From: Mallory <m@evil.example>\r\nTo: Bob")
    result = verify(raw, zone(RSA.record()))
    assert result.outcome is DkimOutcome.SIGNATURE_MISMATCH
    assert any("2 From fields" in n for n in result.notes)


def test_lf_line_ends_and_mbox_from_line_still_verify() -> None:
    # MDAs store mail with LF and an mbox "From " line first; DKIM canonicalises both away.
    raw = sign(message(), RSA).replace(b"\r\n", b"\n")
    assert verify(raw, zone(RSA.record())).outcome is DkimOutcome.VERIFIED
    mbox = b"From alice@example.com Mon Jan  6 10:00:00 2025\n" + raw
    assert verify(mbox, zone(RSA.record())).outcome is DkimOutcome.VERIFIED


@pytest.mark.parametrize(("status", "expected"), [
    (DnsStatus.NXDOMAIN, "does not exist"),
    (DnsStatus.NODATA, "has no TXT record"),
])
def test_no_key_is_unverifiable_not_forged(status: DnsStatus, expected: str) -> None:
    # For NODATA the key's name exists (a name below it has a record) but holds no TXT of its own.
    dns = StaticDns({("x.sel._domainkey.example.com", "TXT"): ["unrelated"]} if status is DnsStatus.NODATA
                    else {})
    result = verify(sign(message(), RSA), dns)
    assert result.outcome is DkimOutcome.NO_KEY
    assert (result.label, result.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert expected in result.reason
    assert result.body_matched is True  # computed without the key, reported for the reader


@pytest.mark.parametrize("failure",
                         [DnsStatus.TIMEOUT, DnsStatus.SERVFAIL, DnsStatus.REFUSED, DnsStatus.BUDGET])
def test_dns_failure_is_unverifiable(failure: DnsStatus) -> None:
    result = verify(sign(message(), RSA), StaticDns({}, fail={KEY_NAME: failure}))
    assert result.outcome is DkimOutcome.DNS_FAILURE
    assert (result.label, result.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert failure.value in result.reason


def test_offline_is_not_run() -> None:
    result = verify(sign(message(), RSA), OfflineDns())
    assert result.outcome is DkimOutcome.NOT_RUN
    assert (result.label, result.basis) == (Label.UNVERIFIABLE, Basis.NOT_RUN)


def test_revoked_key() -> None:
    result = verify(sign(message(), RSA), zone("v=DKIM1; k=rsa; p="))
    assert result.outcome is DkimOutcome.KEY_REVOKED
    assert result.label is Label.UNVERIFIABLE and "revoked" in result.reason


def test_512_bit_key_is_unverifiable_even_when_it_verifies() -> None:
    weak = rsa_key(512)
    result = verify(sign(message(), weak), zone(weak.record()))
    assert result.outcome is DkimOutcome.KEY_TOO_SMALL
    assert result.label is Label.UNVERIFIABLE and "RFC 8301" in result.reason
    assert result.headers_matched is True
    assert any("for information" in n and "verifies" in n for n in result.notes)


def test_1024_bit_key_is_enough() -> None:
    key = rsa_key(1024)
    assert verify(sign(message(), key), zone(key.record())).outcome is DkimOutcome.VERIFIED


def test_rsa_sha1_is_unverifiable() -> None:
    result = verify(sign(message(), RSA, algorithm="rsa-sha1"), zone(RSA.record()))
    assert result.outcome is DkimOutcome.RSA_SHA1
    assert result.label is Label.UNVERIFIABLE and "RFC 8301" in result.reason


def test_expiry_follows_the_analysis_clock() -> None:
    signed_at = int(datetime(2024, 3, 1, tzinfo=UTC).timestamp())
    raw = sign(message(), RSA, timestamp=signed_at, expires=signed_at + 86400)
    dns = zone(RSA.record())
    before = verify(raw, dns, datetime(2024, 3, 1, 12, tzinfo=UTC))
    assert before.outcome is DkimOutcome.VERIFIED
    after = verify(raw, dns, datetime(2024, 3, 3, tzinfo=UTC))
    assert after.outcome is DkimOutcome.EXPIRED
    assert after.label is Label.UNVERIFIABLE and "2024-03-02 00:00:00 UTC" in after.reason
    assert verify(raw, dns).outcome is DkimOutcome.EXPIRED  # the real clock is long past 2024


def test_signature_from_the_future_is_noted() -> None:
    later = int(time.time()) + 7 * 86400
    result = verify(sign(message(), RSA, timestamp=later), zone(RSA.record()))
    assert result.outcome is DkimOutcome.VERIFIED
    assert any("after the analysis clock" in n for n in result.notes)


@pytest.mark.parametrize(("edit", "outcome", "words"), [
    ((b"a=rsa-sha256", b"a=rsa-sha512"), DkimOutcome.UNSUPPORTED_ALGORITHM, "rsa-sha512"),
    ((b"v=1;", b"v=2;"), DkimOutcome.UNSUPPORTED_VERSION, "v=2"),
    ((b"c=relaxed/simple", b"c=fancy/simple"), DkimOutcome.UNSUPPORTED_TAG, "canonicalization"),
    ((b"s=sel;", b"s=sel; q=http/get;"), DkimOutcome.UNSUPPORTED_TAG, "q=http/get"),
    ((b" bh=", b" xx="), DkimOutcome.SYNTAX, "bh="),
    ((b"h=from:", b"h="), DkimOutcome.SYNTAX, "From"),
    ((b"t=", b"t=soon"), DkimOutcome.SYNTAX, "not a number"),
    ((b"v=1;", b"v=1; v=1;"), DkimOutcome.SYNTAX, "cannot be parsed"),
])
def test_signature_problems_are_unverifiable_with_their_reason(edit: tuple[bytes, bytes],
                                                              outcome: DkimOutcome, words: str) -> None:
    raw = sign(message(), RSA).replace(*edit, 1)
    result = verify(raw, zone(RSA.record()))
    assert result.outcome is outcome, result.reason
    assert (result.label, result.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert words in result.reason


def test_identity_outside_the_signing_domain_is_a_syntax_error() -> None:
    result = verify(sign(message(), RSA, identity="@example.net"), zone(RSA.record()))
    assert result.outcome is DkimOutcome.SYNTAX and "i=" in result.reason


@pytest.mark.parametrize(("record", "outcome", "words"), [
    ("v=DKIM2; k=rsa; p={p}", DkimOutcome.UNSUPPORTED_VERSION, "v=DKIM2"),
    ("v=DKIM1; k=dsa; p={p}", DkimOutcome.UNSUPPORTED_ALGORITHM, "k=dsa"),
    ("v=DKIM1; k=ed25519; p={p}", DkimOutcome.KEY_INVALID, "cannot be read"),
    ("v=DKIM1; k=rsa; h=sha1; p={p}", DkimOutcome.KEY_INAPPROPRIATE, "h=sha1"),
    ("v=DKIM1; k=rsa; s=tlsrpt; p={p}", DkimOutcome.KEY_INAPPROPRIATE, "not email"),
    ("v=DKIM1; k=rsa; p=bm90IGEga2V5", DkimOutcome.KEY_INVALID, "cannot be read"),
    ("v=spf1 -all", DkimOutcome.KEY_INVALID, "is a DKIM key record"),
])
def test_key_problems_are_unverifiable_with_their_reason(record: str, outcome: DkimOutcome,
                                                        words: str) -> None:
    result = verify(sign(message(), RSA), zone(record.format(p=RSA.public)))
    assert result.outcome is outcome, result.reason
    assert result.label is Label.UNVERIFIABLE
    assert words in result.reason


def test_ed25519_key_for_an_rsa_signature_is_inappropriate_not_forged() -> None:
    result = verify(sign(message(), RSA), zone(ED.record()))
    assert result.outcome is DkimOutcome.KEY_INAPPROPRIATE
    assert "k=ed25519" in result.reason


def test_key_service_list_with_email_is_accepted() -> None:
    assert verify(sign(message(), RSA), zone(RSA.record(s="email:tlsrpt"))).outcome is DkimOutcome.VERIFIED


def test_strict_key_flag_refuses_a_subdomain_identity() -> None:
    raw = sign(message(), RSA, identity="alice@mail.example.com")
    assert verify(raw, zone(RSA.record())).outcome is DkimOutcome.VERIFIED
    result = verify(raw, zone(RSA.record(t="s")))
    assert result.outcome is DkimOutcome.KEY_INAPPROPRIATE and "t=s" in result.reason


def test_testing_key_turns_a_failure_into_unverifiable() -> None:
    raw = sign(message(), RSA).replace(b"this is", b"that is")
    result = verify(raw, zone(RSA.record(t="y")))
    assert result.outcome is DkimOutcome.TESTING and result.label is Label.UNVERIFIABLE
    passing = verify(sign(message(), RSA), zone(RSA.record(t="y")))
    assert passing.outcome is DkimOutcome.VERIFIED
    assert any("t=y" in n for n in passing.notes)


def test_body_length_limit_reports_unsigned_content() -> None:
    body = "Signed part.\r\n"
    raw = sign(message(body), RSA, length=len(body)) + b""
    raw = raw + b"Appended by someone else.\r\n"
    result = verify(raw, zone(RSA.record()))
    assert result.outcome is DkimOutcome.VERIFIED
    assert result.body_length == len(body)
    assert any("not signed" in n for n in result.notes)


def test_every_signature_in_header_order() -> None:
    other = rsa_key(1024)
    raw = sign(sign(message(), RSA), other, selector="s2", domain="example.net")  # s2 ends up on top
    raw = sign(raw, ED, selector="ed")
    dns = StaticDns({(KEY_NAME, "TXT"): [RSA.record()], ("ed._domainkey.example.com", "TXT"): [ED.record()]})
    results = verify_all(parse(raw), dns)
    assert [(r.index, r.selector, r.outcome) for r in results] == [
        (0, "ed", DkimOutcome.VERIFIED),
        (1, "s2", DkimOutcome.NO_KEY),
        (2, "sel", DkimOutcome.VERIFIED),
    ]


def test_unparsable_header_block() -> None:
    raw = sign(message(), RSA).replace(b"To: Bob", b"\x01broken line\r\nTo: Bob")
    results = verify_all(parse(raw), zone(RSA.record()))
    assert [r.outcome for r in results] == [DkimOutcome.SYNTAX]
    assert results[0].label is Label.UNVERIFIABLE


def test_no_signature_no_result() -> None:
    assert verify_all(parse(message()), zone(RSA.record())) == ()


def facts_for(raw: bytes) -> Facts:
    return Facts(parse(raw), (), Boundary(0, None, "test"))


def test_the_check_yields_one_field_per_signature_with_evidence() -> None:
    raw = sign(sign(message(), RSA), ED, selector="ed").replace(b"this is", b"that is")
    dns = StaticDns({(KEY_NAME, "TXT"): [RSA.record()], ("ed._domainkey.example.com", "TXT"): [ED.record()]})
    facts = facts_for(raw)
    findings = list(dkim_check.run(facts, Context(dns=dns)))
    assert [(f.name, f.label) for f in findings] == [("dkim[0]", Label.FORGED), ("dkim[1]", Label.FORGED)]
    assert findings[0].value == "d=example.com s=ed a=ed25519-sha256"
    evidence = " | ".join(findings[0].evidence)
    assert "signed these header fields: from, to, subject, date, message-id" in evidence
    assert "TXT ed._domainkey.example.com: v=DKIM1; k=ed25519; p=" in evidence
    assert "body hash does not match" in evidence
    stored = facts.results.dkim
    assert isinstance(stored, tuple) and [r.index for r in stored] == [0, 1]


def test_the_check_offline_says_not_run() -> None:
    findings = list(dkim_check.run(facts_for(sign(message(), RSA)), Context()))
    assert [(f.label, f.basis) for f in findings] == [(Label.UNVERIFIABLE, Basis.NOT_RUN)]
    assert any("offline" in e for e in findings[0].evidence)


@pytest.mark.parametrize(("identity", "decoded"), [
    ("=40example.com", "@example.com"),
    ("user=40sub.example.com", "user@sub.example.com"),
    ("first=2Elast@example.com", "first.last@example.com"),
])
def test_a_quoted_printable_identity_is_decoded(identity: str, decoded: str) -> None:
    # RFC 6376 §2.11: i= is dkim-quoted-printable, so "=40" is the '@'
    result = verify(sign(message(), RSA, identity=identity), zone(RSA.record()))
    assert result.outcome is DkimOutcome.VERIFIED
    assert result.identity == decoded


def test_an_identity_outside_d_is_explained_in_plain_text() -> None:
    result = verify(sign(message(), RSA, identity="=40evil.example"), zone(RSA.record()))
    assert result.outcome is DkimOutcome.SYNTAX
    assert "b'" not in result.reason
    assert "i=@evil.example" in result.reason and "d=example.com" in result.reason
