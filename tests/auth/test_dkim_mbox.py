"""DKIM and ARC on mail stored in an mbox: ">From " quoting undone, and never called forged when it cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.mbox_quoting import FROM_BODY, QUOTED_BODY, stored
from support.signing import KeyPair, arc_seal, ed25519_key, message, rsa_key, sign

from mailcheck.auth.arc import ArcOutcome, ArcResult, verify_chain
from mailcheck.auth.dkim_mbox import MBOX_QUOTED_REASON
from mailcheck.auth.dkim_result import DkimOutcome, DkimResult
from mailcheck.auth.dkim_verify import verify_all
from mailcheck.checks import dkim as dkim_check
from mailcheck.commands.scan.sources import items
from mailcheck.context import Context, Facts
from mailcheck.lookup.contract import StaticDns
from mailcheck.model import Basis, Boundary, Label
from mailcheck.parse.message import parse

RSA = rsa_key(2048)
ED = ed25519_key()
KEY_NAME = "sel._domainkey.example.com"
LIST_KEY = "arc._domainkey.lists.example.org"


def zone(key: KeyPair = RSA) -> StaticDns:
    return StaticDns({(KEY_NAME, "TXT"): [key.record()], (LIST_KEY, "TXT"): [RSA.record()]})


def verify(raw: bytes, key: KeyPair = RSA) -> DkimResult:
    results = verify_all(parse(raw), zone(key))
    assert len(results) == 1
    return results[0]


def signed(body: str, key: KeyPair = RSA) -> bytes:
    return sign(message(body), key)


# -- DKIM: quoting undone -------------------------------------------------------------------------


@pytest.mark.parametrize("key", [RSA, ED], ids=["rsa-sha256", "ed25519-sha256"])
@pytest.mark.parametrize("rd", [False, True], ids=["mboxo", "mboxrd"])
def test_from_lines_quoted_by_an_mbox_are_unquoted_and_validated(key: KeyPair, rd: bool) -> None:
    raw = stored(signed(FROM_BODY, key), rd=rd)
    assert b"\n>From the minutes" in raw and b"\n>From here on" in raw  # the archive really changed it
    result = verify(raw, key)
    assert result.outcome is DkimOutcome.VERIFIED
    assert (result.label, result.basis) == (Label.VALIDATED, Basis.CHECKED)
    assert result.body_matched and result.headers_matched and result.mbox_unquoted
    note = next(n for n in result.notes if ">From quoting is undone" in n)
    assert "2 lines of the body start with >From" in note


def test_mboxrd_double_quoting_of_a_signed_from_line_is_undone_exactly() -> None:
    # The benchmark case: the signed body had a ">From " line of its own, and mboxrd made it ">>From ".
    raw = stored(signed(QUOTED_BODY), rd=True)
    assert b"\n>>From an earlier archive" in raw
    result = verify(raw)
    assert result.outcome is DkimOutcome.VERIFIED and result.mbox_unquoted
    assert any("3 lines of the body start with >From" in n for n in result.notes)


def test_quoted_lines_without_a_from_separator_are_unquoted_too() -> None:
    # A message copied out of an mbox into a Maildir or .eml keeps the quoting but loses the From_ line.
    raw = stored(signed(FROM_BODY))
    raw = raw[raw.index(b"\n") + 1:]
    assert parse(raw).mbox_from is None
    result = verify(raw)
    assert result.outcome is DkimOutcome.VERIFIED and result.mbox_unquoted


def test_a_signed_body_with_its_own_quoted_lines_verifies_as_is() -> None:
    # Nothing to undo: the first hash matches, so no unquoting is tried or reported.
    result = verify(stored(signed(QUOTED_BODY.replace("\r\nFrom ", "\r\nSo ")), quote=False))
    assert result.outcome is DkimOutcome.VERIFIED
    assert not result.mbox_unquoted and not result.notes


def test_unquoting_applies_to_the_body_the_l_tag_counts() -> None:
    raw = sign(message(FROM_BODY), RSA, length=len(FROM_BODY))
    result = verify(stored(raw + b"appended after signing\r\n"))
    assert result.outcome is DkimOutcome.VERIFIED and result.mbox_unquoted
    # The unsigned tail is measured on the unquoted body: 24 bytes, as appended (CRLF canonicalized).
    assert any("24 bytes after them are not signed" in n for n in result.notes)


def test_the_check_reports_the_unquoting_as_evidence() -> None:
    facts = Facts(parse(stored(signed(FROM_BODY))), (), Boundary(0, None, "test"))
    (finding,) = dkim_check.run(facts, Context(dns=zone()))
    assert (finding.name, finding.label) == ("dkim[0]", Label.VALIDATED)
    assert any(">From quoting is undone" in line for line in finding.evidence)


# -- DKIM: cannot be undone, or genuinely tampered ------------------------------------------------


def test_mboxo_quoting_of_a_body_with_its_own_quoted_line_is_unverifiable_not_forged() -> None:
    # mboxo left the original ">From " as is: one level of unquoting turns it into "From ", which was never
    # signed. The true body cannot be recovered, so nothing is decided.
    result = verify(stored(signed(QUOTED_BODY)))
    assert result.outcome is DkimOutcome.MBOX_QUOTED
    assert (result.label, result.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert result.reason == MBOX_QUOTED_REASON
    assert result.body_matched is False and result.headers_matched is True and not result.mbox_unquoted
    assert any("3 lines of the body start with >From" in n for n in result.notes)
    assert not result.settled  # so DMARC does not rely on it as a failure


@pytest.mark.parametrize("rd", [False, True], ids=["mboxo", "mboxrd"])
def test_a_tampered_body_with_from_lines_is_unverifiable_not_forged(rd: bool) -> None:
    raw = stored(signed(FROM_BODY), rd=rd).replace(b"all is well", b"pay invoice 7")
    result = verify(raw)
    assert (result.outcome, result.label, result.basis) == (DkimOutcome.MBOX_QUOTED, Label.UNVERIFIABLE,
                                                            Basis.UNDECIDED)
    assert result.reason == MBOX_QUOTED_REASON


def test_a_tampered_body_without_from_lines_is_still_forged() -> None:
    raw = stored(signed("Hello,\r\n\r\nall is well.\r\n")).replace(b"all is well", b"pay invoice 7")
    assert parse(raw).mbox_from is not None
    result = verify(raw)
    assert (result.outcome, result.label) == (DkimOutcome.BODY_HASH_MISMATCH, Label.FORGED)
    assert "body was changed after signing" in result.reason


def test_a_changed_signed_header_is_forged_whatever_the_body_quoting() -> None:
    # mbox writers never touch header fields, so a header signature that fails is not the archive's doing.
    raw = stored(signed(FROM_BODY)).replace(b"Subject: Test message", b"Subject: Urgent payment")
    assert verify(raw).outcome is DkimOutcome.SIGNATURE_MISMATCH
    tampered = raw.replace(b"all is well", b"pay invoice 7")
    result = verify(tampered)
    assert (result.outcome, result.label) == (DkimOutcome.SIGNATURE_MISMATCH, Label.FORGED)


def test_through_an_mbox_file_read_by_sources(tmp_path: Path) -> None:
    # The whole path a scan takes: mbox file → sources (bytes kept as in the file) → DKIM.
    intact = stored(signed(FROM_BODY), rd=True)
    tampered = stored(signed(FROM_BODY)).replace(b"all is well", b"pay invoice 7")
    plain = stored(signed("Hello,\r\n\r\nall is well.\r\n")).replace(b"all is well", b"pay invoice 7")
    path = tmp_path / "archive.mbox"
    path.write_bytes(b"\n".join([intact, tampered, plain]))
    datas = [i.data for i in items(str(path)) if not i.skipped]
    assert len(datas) == 3 and all(d is not None for d in datas)
    outcomes = [verify(d).outcome for d in datas if d is not None]
    assert outcomes == [DkimOutcome.VERIFIED, DkimOutcome.MBOX_QUOTED, DkimOutcome.BODY_HASH_MISMATCH]


# -- ARC: the newest ARC-Message-Signature's body hash ---------------------------------------------


def arc(raw: bytes) -> ArcResult:
    return verify_chain(parse(raw), zone())


def sealed(body: str) -> bytes:
    return arc_seal(signed(body), RSA)


@pytest.mark.parametrize("rd", [False, True], ids=["mboxo", "mboxrd"])
def test_arc_chain_with_quoted_from_lines_passes_after_unquoting(rd: bool) -> None:
    result = arc(stored(sealed(FROM_BODY), rd=rd))
    assert (result.cv, result.outcome, result.label) == ("pass", ArcOutcome.PASS, Label.VALIDATED)
    assert ">From quoting is undone" in result.reason
    assert all(s.ams_valid and s.seal_valid for s in result.sets)


def test_arc_intact_chain_says_nothing_about_quoting() -> None:
    result = arc(stored(sealed("Hello,\r\n\r\nall is well.\r\n")))
    assert result.outcome is ArcOutcome.PASS and "quoting" not in result.reason


def test_arc_tampered_body_with_from_lines_is_unverifiable_not_forged() -> None:
    result = arc(stored(sealed(FROM_BODY)).replace(b"all is well", b"pay invoice 7"))
    assert (result.cv, result.outcome) == ("fail", ArcOutcome.MBOX_QUOTED)
    assert (result.label, result.basis) == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert MBOX_QUOTED_REASON in result.reason and "ARC-Message-Signature i=1" in result.reason


def test_arc_tampered_body_without_from_lines_is_still_forged() -> None:
    result = arc(stored(sealed("Hello,\r\n\r\nall is well.\r\n")).replace(b"all is well", b"pay invoice 7"))
    assert (result.outcome, result.label) == (ArcOutcome.AMS_FAILED, Label.FORGED)
    assert "body was changed" in result.reason


@pytest.mark.parametrize("tamper_body", [False, True], ids=["quoted-body", "tampered-body"])
def test_arc_changed_signed_header_is_forged_whatever_the_body_quoting(tamper_body: bool) -> None:
    raw = stored(sealed(FROM_BODY)).replace(b"Subject: Test message", b"Subject: Urgent payment")
    if tamper_body:
        raw = raw.replace(b"all is well", b"pay invoice 7")
    result = arc(raw)
    assert (result.outcome, result.label) == (ArcOutcome.AMS_FAILED, Label.FORGED)
    assert "signed header field was changed" in result.reason or "body hash does not match" in result.reason
    if not tamper_body:
        assert "matches once the mbox's >From quoting is undone" in result.reason


def test_the_reason_itself_says_the_quoting_was_undone() -> None:
    raw = stored(signed(FROM_BODY))
    assert verify(raw).reason == ("the body hash matches once the mbox's >From quoting is undone, and the "
                                  "signature over the signed header fields verifies")
    changed = verify(raw.replace(b"Subject: Test message", b"Subject: Urgent payment"))
    assert changed.outcome is DkimOutcome.SIGNATURE_MISMATCH and changed.mbox_unquoted
    assert changed.reason.startswith("the body hash matches once the mbox's >From quoting is undone, but")
