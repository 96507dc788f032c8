"""Authentication-Results: parsing with authres, and receipt-time results explained against the re-check."""

from __future__ import annotations

from support.signing import arc_seal, message, rsa_key, sign

from mailcheck.auth.arc import verify_chain
from mailcheck.auth.authresults import ArMethod, ArProperty, AuthResults, compare, parse
from mailcheck.auth.dkim_verify import verify_all
from mailcheck.auth.dmarc import evaluate
from mailcheck.auth.spf import SpfOutcome, SpfResult
from mailcheck.context import Results
from mailcheck.lookup.contract import DnsStatus, StaticDns
from mailcheck.model import Basis, Label
from mailcheck.parse.message import parse as parse_message

RSA = rsa_key(2048)
OTHER = rsa_key(1024)
KEY = ("sel._domainkey.example.com", "TXT")


def test_parse_a_full_header() -> None:
    parsed = parse("mx.example.org; dkim=pass (2048-bit key) header.d=example.com header.s=sel "
                   "header.b=AbCd1234; spf=pass smtp.mailfrom=bounce@example.com; "
                   "dmarc=pass header.from=example.com")
    assert parsed is not None
    assert parsed.authserv_id == "mx.example.org"
    assert [m.method for m in parsed.methods] == ["dkim", "spf", "dmarc"]
    dkim = parsed.methods[0]
    assert dkim.result == "pass"
    assert dkim.properties == (ArProperty("header", "d", "example.com"), ArProperty("header", "s", "sel"),
                               ArProperty("header", "b", "AbCd1234"))
    assert dkim.get("header", "b") == "AbCd1234" and dkim.get("smtp", "mailfrom") is None
    assert parsed.methods[1].describe() == "spf=pass smtp.mailfrom=bounce@example.com"


def test_parse_none_and_garbage() -> None:
    empty = parse("mx.example.org; none")
    assert empty is not None and empty.methods == ()
    assert parse("; dkim=pass") is None
    assert parse("mx.example.org; dkim") is None
    assert parse("mx.example.org 2; dkim=pass") is None  # only version 1 exists


def ar(text: str) -> AuthResults:
    parsed = parse(text)
    assert parsed is not None
    return parsed


def dkim_results(raw: bytes, zone: dict[tuple[str, str], list[str]],
                 key_failure: DnsStatus | None = None) -> Results:
    dns = StaticDns(zone, fail={KEY[0]: key_failure} if key_failure else None)
    return Results(dkim=verify_all(parse_message(raw), dns))


def test_a_rotated_key_is_explained() -> None:
    raw = sign(message(), RSA)
    then = ar("mx.example.org; dkim=pass header.d=example.com header.s=sel")
    (sentence,) = compare([then], dkim_results(raw, {}))
    assert sentence == (
        "at receipt mx.example.org recorded dkim=pass header.d=example.com header.s=sel; now the key at "
        "sel._domainkey.example.com is gone (NXDOMAIN): the key was probably rotated since; the body hash "
        "still matches, so the body is unchanged since signing")


def test_a_revoked_key_is_explained() -> None:
    raw = sign(message(), RSA)
    (sentence,) = compare([ar("mx.example.org; dkim=pass header.d=example.com")],
                          dkim_results(raw, {KEY: ["v=DKIM1; p="]}))
    assert "is revoked (empty p=): the key was probably rotated" in sentence


def test_agreement_and_a_body_changed_after_receipt() -> None:
    raw = sign(message(), RSA)
    then = [ar("mx.example.org; dkim=pass header.d=example.com")]
    assert compare(then, dkim_results(raw, {KEY: [RSA.record()]}))[0].endswith("now dkim[0] d=example.com "
                                                                                 "verifies too")
    changed = raw.replace(b"this is", b"that is")
    (sentence,) = compare(then, dkim_results(changed, {KEY: [RSA.record()]}))
    assert "the body was changed after receipt" in sentence


def test_header_b_picks_the_signature_among_several_of_one_domain() -> None:
    raw = sign(sign(message(), RSA), OTHER, selector="old")  # dkim[0] s=old, dkim[1] s=sel
    results = dkim_results(raw, {KEY: [RSA.record()]})
    signatures = results.dkim
    assert signatures is not None
    b_old = signatures[0].b_prefix[:8]
    (sentence,) = compare([ar(f"mx.example.org; dkim=pass header.d=example.com header.b={b_old}")], results)
    assert "old._domainkey.example.com is gone" in sentence


def test_a_signature_removed_after_receipt() -> None:
    (sentence,) = compare([ar("mx.example.org; dkim=pass header.d=example.com")],
                          dkim_results(message(), {}))
    assert "no DKIM signature matching it" in sentence


def test_a_failure_at_receipt_that_verifies_now() -> None:
    (sentence,) = compare([ar("mx.example.org; dkim=fail header.d=example.com")],
                          dkim_results(sign(message(), RSA), {KEY: [RSA.record()]}))
    assert "now dkim[0] d=example.com verifies" in sentence


def test_a_dns_failure_now() -> None:
    (sentence,) = compare([ar("mx.example.org; dkim=pass header.d=example.com")],
                          dkim_results(sign(message(), RSA), {}, DnsStatus.TIMEOUT))
    assert "could not be re-checked" in sentence


def spf_now(result: str) -> Results:
    outcome = SpfOutcome("mailfrom", "bounce@example.com", "example.com", "203.0.113.9", result, "",
                         Label.UNVERIFIABLE, Basis.UNDECIDED)
    return Results(spf=SpfResult(True, sender="bounce@example.com", sender_source="Return-Path",
                                 mail_from=outcome))


def test_spf_changed_since_receipt() -> None:
    then = [ar("mx.example.org; spf=pass smtp.mailfrom=bounce@example.com")]
    (changed,) = compare(then, spf_now("fail"))
    assert changed.endswith("now SPF for example.com gives fail: the SPF record of example.com (or a record "
                            "it includes) has probably changed since")
    assert compare(then, spf_now("pass"))[0].endswith("the re-check now agrees (pass)")
    assert compare(then, Results())[0].endswith("SPF could not be re-checked now")


def test_dmarc_and_arc_compared() -> None:
    dns = StaticDns({("_dmarc.example.com", "TXT"): ["v=DMARC1; p=reject"]})
    dmarc = evaluate(["a@example.com"], verify_all(parse_message(sign(message(), RSA)), dns), None, dns)
    (sentence,) = compare([ar("mx.example.org; dmarc=pass header.from=example.com")], Results(dmarc=dmarc))
    assert "now dmarc=fail" in sentence and "no-key" in sentence
    chain = verify_chain(parse_message(arc_seal(message(), RSA)), StaticDns({}))
    (arc_sentence,) = compare([ar("mx.example.org; arc=pass")], Results(arc=chain))
    assert "now the chain's result is cv=fail" in arc_sentence and "could not be checked" in arc_sentence


def test_unknown_methods_are_left_alone() -> None:
    assert compare([AuthResults("mx.example.org", (ArMethod("iprev", "pass"),), "")], Results()) == ()
