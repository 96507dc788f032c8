"""Real signed mail (stalwart mail-auth resources, vendored) verifies with its recorded keys; tampered
copies come out forged; the same through the shared corpora when present."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.authdata import DATA, records_and_message, shared, static_dns

from mailcheck.auth.dkim_verify import DkimOutcome, verify_all
from mailcheck.lookup.contract import StaticDns
from mailcheck.model import Label
from mailcheck.parse.message import parse

STALWART = sorted((DATA / "dkim" / "stalwart").glob("0*.txt"))
# 005 (topicbox.com) expired on 2022-11-08 (x=): it verifies only with the clock of its arrival.
CLOCK = {"005.txt": datetime(2022, 11, 7, 18, 0, tzinfo=UTC)}
SIGNATURES = {"001.txt": 2, "002.txt": 1, "003.txt": 2, "004.txt": 1, "005.txt": 1, "006.txt": 1}


def test_the_vendored_set_is_complete() -> None:
    assert [p.name for p in STALWART] == sorted(SIGNATURES)


@pytest.mark.parametrize("path", STALWART, ids=lambda p: p.name)
def test_real_signatures_verify_with_their_recorded_keys(path: Path) -> None:
    records, raw = records_and_message(path)
    results = verify_all(parse(raw), static_dns(records), CLOCK.get(path.name))
    assert len(results) == SIGNATURES[path.name]
    assert all(r.outcome is DkimOutcome.VERIFIED for r in results), [(r.outcome, r.reason) for r in results]


def test_the_expired_signature_is_unverifiable_by_the_real_clock() -> None:
    records, raw = records_and_message(DATA / "dkim" / "stalwart" / "005.txt")
    (result,) = verify_all(parse(raw), static_dns(records))
    assert result.outcome is DkimOutcome.EXPIRED
    assert result.label is Label.UNVERIFIABLE
    assert any("for information" in n and "verifies" in n for n in result.notes)


def _tamper_body(raw: bytes) -> bytes:
    head, sep, body = raw.partition(b"\n\n")
    return head + sep + body.replace(b"e", b"E", 1)


def _tamper_subject(raw: bytes) -> bytes:
    start = raw.index(b"\nSubject:") + len(b"\nSubject:")
    return raw[:start] + b" [altered]" + raw[start:]


@pytest.mark.parametrize("path", STALWART, ids=lambda p: p.name)
def test_a_tampered_body_is_forged(path: Path) -> None:
    records, raw = records_and_message(path)
    results = verify_all(parse(_tamper_body(raw)), static_dns(records), CLOCK.get(path.name))
    assert [r.outcome for r in results] == [DkimOutcome.BODY_HASH_MISMATCH] * SIGNATURES[path.name]
    assert all(r.label is Label.FORGED and r.headers_matched for r in results)


@pytest.mark.parametrize("path", STALWART, ids=lambda p: p.name)
def test_a_tampered_subject_is_forged(path: Path) -> None:
    records, raw = records_and_message(path)
    results = verify_all(parse(_tamper_subject(raw)), static_dns(records), CLOCK.get(path.name))
    assert all("subject" in r.signed_headers for r in results)
    assert [r.outcome for r in results] == [DkimOutcome.SIGNATURE_MISMATCH] * SIGNATURES[path.name]
    assert all(r.body_matched for r in results)


@pytest.mark.parametrize("path", STALWART, ids=lambda p: p.name)
def test_without_the_recorded_keys_nothing_is_forged(path: Path) -> None:
    _, raw = records_and_message(path)
    results = verify_all(parse(_tamper_body(raw)), StaticDns({}), CLOCK.get(path.name))
    assert all(r.outcome is DkimOutcome.NO_KEY and r.label is Label.UNVERIFIABLE for r in results)


def test_the_shared_copies_match_the_vendored_ones() -> None:
    folder = shared("stalwart-mail-auth-resources", "resources", "dkim")
    for path in STALWART:
        assert (folder / path.name).read_bytes() == path.read_bytes(), path.name


def test_mailauth_ed25519_and_rsa_fixture() -> None:
    folder = shared("mailauth-fixtures", "test", "dkim", "ec", "fixtures")
    zone = json.loads((folder / "dns.json").read_text())
    dns = StaticDns({(name, "TXT"): ["".join(parts) for parts in types["TXT"]]
                     for name, types in zone.items()})
    results = verify_all(parse((folder / "signed.eml").read_bytes()), dns)
    assert [(r.algorithm, r.outcome) for r in results] == [
        ("ed25519-sha256", DkimOutcome.VERIFIED), ("rsa-sha256", DkimOutcome.VERIFIED)]
