"""An ARC chain longer than RFC 8617 allows (i= above 50) is malformed and not examined: no keys, no hashing."""

from __future__ import annotations

import re

import dkim
import pytest
from support.signing import arc_seal, message, rsa_key, sign

from mailcheck.auth.arc import MAX_INSTANCES, ArcOutcome, verify_chain
from mailcheck.lookup.contract import StaticDns
from mailcheck.model import Label
from mailcheck.parse.message import parse

RSA = rsa_key(2048)
ZONE = StaticDns({("arc._domainkey.lists.example.org", "TXT"): [RSA.record()]})


def _renumbered(raw: bytes, instance: int) -> bytes:
    return re.sub(rb"(ARC-[A-Za-z-]+: i=)1;", rb"\g<1>" + str(instance).encode() + b";", raw)


def test_a_chain_beyond_fifty_sets_is_not_examined(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> object:
        raise AssertionError("dkimpy must not verify a chain over the limit")

    monkeypatch.setattr(dkim.ARC, "verify", never)
    raw = _renumbered(arc_seal(sign(message(), RSA), RSA), MAX_INSTANCES + 1)
    result = verify_chain(parse(raw), ZONE)
    assert (result.outcome, result.label, result.instances) == (ArcOutcome.STRUCTURE, Label.UNVERIFIABLE, 51)
    assert result.reason.startswith("not examined") and "RFC 8617 §4.2.1" in result.reason
    assert result.keys == ()


def test_a_chain_within_the_limit_is_still_verified() -> None:
    raw = arc_seal(sign(message(), RSA), RSA)
    assert verify_chain(parse(raw), ZONE).outcome is ArcOutcome.PASS
