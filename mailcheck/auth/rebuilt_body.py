"""DKIM and ARC results for a message whose body was rebuilt (an Outlook .msg): body hashes cannot be checked.

A .msg keeps no original MIME bytes (parse/outlook_msg.py), so a DKIM body hash (bh=) or an ARC message
signature's cannot be compared with anything: a mismatch is not evidence of a change, and a match could only
be chance. Every result that would have been decided (validated or forged) becomes unverifiable with that
reason; the cryptographic result over the header fields is kept for information only, since Outlook may
re-fold or re-encode the header fields it keeps and the MIME fields were replaced. Results that were
undecided already (no key, DNS failure, offline, …) keep their own reason, with the body's noted.
"""

from __future__ import annotations

from mailcheck.auth.arc import ArcOutcome, ArcResult
from mailcheck.auth.dkim_result import DkimOutcome, DkimResult
from mailcheck.model import Label

WHY = ("the body hash cannot be checked: the body was rebuilt from an Outlook .msg, which keeps no original MIME "
       "bytes")
_MIME_FIELDS = {"content-type", "content-transfer-encoding"}


def _header_sentence(result: DkimResult) -> str | None:
    if result.headers_matched is True:
        return "for information: the signature over the signed header fields verifies against Outlook's copy"
    if result.headers_matched is False:
        if _MIME_FIELDS & set(result.signed_headers):
            return ("for information: the signature over the signed header fields does not verify here, as "
                    "expected: it signs the original Content-Type, which was replaced by the rebuilt body's")
        return ("for information: the signature over the signed header fields does not verify against Outlook's "
                "copy, which may re-fold or re-encode header fields")
    return None


def dkim_without_body(results: tuple[DkimResult, ...]) -> tuple[DkimResult, ...]:
    """Each signature as it stands when the body is not the one that was signed."""
    out = []
    for result in results:
        if result.label is Label.UNVERIFIABLE:
            out.append(result._replace(notes=(*result.notes, f"also: {WHY}")))
            continue
        sentence = _header_sentence(result)
        notes = (*result.notes, *((sentence,) if sentence else ()))
        out.append(result._replace(outcome=DkimOutcome.BODY_NOT_ORIGINAL, reason=WHY, notes=notes,
                                   body_matched=None))
    return tuple(out)


def arc_without_body(result: ArcResult) -> ArcResult:
    """The chain as it stands when the body is not the one the newest message signature covered."""
    if result.label is Label.UNVERIFIABLE:
        return result
    # cv "none": with the body unchecked the chain's status is not known, and nothing may count it as passed.
    return result._replace(cv="none", outcome=ArcOutcome.BODY_NOT_ORIGINAL,
                           reason=f"the newest ARC-Message-Signature's {WHY} (for information: {result.reason})")
