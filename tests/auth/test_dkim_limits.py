"""DKIM work stays bounded whatever the sender chooses: the body hashed once, a cap on signatures, no huge keys."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from support.dns_server import DnsServer
from support.signing import message, rsa_key, sign

from mailcheck.auth import dkim_signature
from mailcheck.auth.dkim_key import MAX_RSA_BITS, KeyProblem
from mailcheck.auth.dkim_verify import MAX_SIGNATURES, DkimOutcome, verify_all
from mailcheck.lookup.contract import DnsAnswer, StaticDns
from mailcheck.lookup.resolver import Resolver
from mailcheck.model import Label
from mailcheck.parse.message import parse

Start = Callable[..., DnsServer]
RSA = rsa_key(2048)
KEY_NAME = "sel._domainkey.example.com"


def _copies(raw: bytes, count: int) -> bytes:
    """raw (signed once) with its DKIM-Signature repeated: `count` signatures that each verify."""
    head, _, rest = raw.partition(b"\r\nFrom: ")
    return head + b"\r\n" + (head + b"\r\n") * (count - 1) + b"From: " + rest


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    calls: list[bytes] = []
    real = dkim_signature.canonical_body

    def counted(body: bytes, c_value: bytes) -> bytes:
        calls.append(c_value)
        return real(body, c_value)

    monkeypatch.setattr(dkim_signature, "canonical_body", counted)
    return calls


def test_the_body_is_canonicalized_once_for_all_signatures(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    raw = _copies(sign(message(), RSA), 10)
    results = verify_all(parse(raw), StaticDns({(KEY_NAME, "TXT"): [RSA.record()]}))
    assert [r.outcome for r in results] == [DkimOutcome.VERIFIED] * 10
    assert len(calls) == 1


def test_one_canonical_body_per_canonicalization_and_mbox_unquoting(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting(monkeypatch)
    body = "From the start\r\n>From an mbox\r\n"
    simple = sign(message(body), RSA, canonicalize="relaxed/simple")
    relaxed = sign(simple, RSA, canonicalize="relaxed/relaxed")
    raw = _copies(relaxed, 2).replace(b"\r\n>From an mbox", b"\r\n>>From an mbox")  # every body hash fails
    results = verify_all(parse(raw), StaticDns({(KEY_NAME, "TXT"): [RSA.record()]}))
    assert len(results) == 4
    # simple and relaxed, each as written and with the mbox quoting undone: four, not eight.
    assert len(calls) == 4


def test_signatures_beyond_the_cap_are_each_listed_as_not_examined(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    dns = StaticDns({(KEY_NAME, "TXT"): [RSA.record()]})
    real_query = dns.query

    def query(name: str, rtype: str) -> DnsAnswer:
        asked.append(name)
        return real_query(name, rtype)

    monkeypatch.setattr(dns, "query", query)
    total = MAX_SIGNATURES + 5
    results = verify_all(parse(_copies(sign(message(), RSA), total)), dns)
    assert [r.index for r in results] == list(range(total))  # none silently dropped
    assert all(r.outcome is DkimOutcome.VERIFIED for r in results[:MAX_SIGNATURES])
    beyond = results[MAX_SIGNATURES:]
    assert all(r.outcome is DkimOutcome.NOT_EXAMINED and r.label is Label.UNVERIFIABLE for r in beyond)
    assert all(f"not examined: more than {MAX_SIGNATURES} signatures" in r.reason for r in beyond)
    assert beyond[0].value() == "d=example.com s=sel a=rsa-sha256"  # still says whose signature it was
    assert len(asked) == MAX_SIGNATURES  # no key lookup for the ones not examined


def _der_integer(value: int) -> bytes:
    data = value.to_bytes(value.bit_length() // 8 + 1, "big")  # a leading zero octet keeps it positive
    return b"\x02" + _der_length(len(data)) + data


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    octets = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def _rsa_record(modulus: int, exponent: int) -> str:
    """A TXT key record holding an RSAPublicKey (RFC 8017 A.1.1) with these numbers; no private key exists."""
    body = _der_integer(modulus) + _der_integer(exponent)
    der = b"\x30" + _der_length(len(body)) + body
    return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode('ascii')}"


@pytest.mark.parametrize(("modulus_bits", "exponent_bits", "why"), [
    (16384, 16384, "modulus has 16384 bits"),  # the hostile key: ~14 s per signature before
    (MAX_RSA_BITS + 8, 17, f"more than the {MAX_RSA_BITS}"),  # e = 65537, the usual exponent
    (2048, 301, "exponent has 301 bits"),
])
def test_a_key_too_large_to_check_is_refused_through_the_dns_server(
        dns_server: Start, monkeypatch: pytest.MonkeyPatch, modulus_bits: int, exponent_bits: int, why: str) -> None:
    import dkim

    def no_rsa(*args: object) -> bool:
        raise AssertionError("the RSA check must not run with this key")

    monkeypatch.setattr(dkim, "RSASSA_PKCS1_v1_5_verify", no_rsa)
    modulus = (1 << (modulus_bits - 1)) | 0xF1  # odd, exactly modulus_bits long
    exponent = (1 << (exponent_bits - 1)) | 1
    server = dns_server({KEY_NAME: {"TXT": [_rsa_record(modulus, exponent)]}})
    (result,) = verify_all(parse(sign(message(), RSA)), Resolver([server.address], timeout=0.5, budget=None))
    assert result.outcome is DkimOutcome.KEY_TOO_LARGE and result.label is Label.UNVERIFIABLE
    assert result.key is not None and result.key.problem is KeyProblem.TOO_LARGE
    assert result.reason.startswith("key too large to check") and why in result.reason


def test_an_ordinary_key_is_not_too_large() -> None:
    dns = StaticDns({(KEY_NAME, "TXT"): [RSA.record()]})
    (result,) = verify_all(parse(sign(message(), RSA)), dns)
    assert result.outcome is DkimOutcome.VERIFIED
