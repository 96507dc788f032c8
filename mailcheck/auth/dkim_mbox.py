"""Mail read from an mbox: the bytes a signer signed, and the ">From " quoting an mbox writer may have added.

Shared by DKIM and ARC verification: that quoting is the archive's doing, so it must never make a
signature look forged.
"""

from __future__ import annotations

import re

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.message import Message


def signed_bytes(message: Message) -> bytes:
    """The bytes the signer signed: the raw message without the mbox "From " line an MDA put first."""
    if message.mbox_from is None:
        return message.raw
    return message.raw[message.raw.find(b"\n") + 1:]


# RFC 4155: mbox writers quote body lines starting "From " as ">From " (mboxo), and mboxrd writers also
# add a ">" to lines already starting ">From" (">From " → ">>From "). The DKIM body is CRLF-separated.
_QUOTED_FROM = lazy_compile(rb"^>+From ", re.MULTILINE)
_ONE_LEVEL = lazy_compile(rb"^>(>*From )", re.MULTILINE)


def quoted_from_lines(body: bytes) -> int:
    """How many body lines start with ">From ", ">>From ", …: lines an mbox writer may have quoted."""
    return len(_QUOTED_FROM.findall(body))


def unquote_from_lines(body: bytes) -> bytes:
    """The body with one level of mbox >From quoting removed (exact for mboxrd; for mboxo only when the
    original had no ">From " lines of its own, which mboxo leaves unquoted and so cannot be told apart)."""
    return _ONE_LEVEL.sub(rb"\1", body)


def unquoted_bytes(message: Message) -> bytes | None:
    """signed_bytes(message) with one level of >From quoting removed from the body; None when the body has
    no >From lines (then there is nothing to undo, mbox "From " separator line or not)."""
    signed = signed_bytes(message)
    cut = message.header_end - (len(message.raw) - len(signed))  # header_end counts the From line
    body = signed[cut:]
    if not _QUOTED_FROM.search(body):
        return None
    return signed[:cut] + unquote_from_lines(body)


MBOX_QUOTED_REASON = ("the body hash does not match, but the body has >From lines that an mbox may have quoted "
                      "(mboxo quoting cannot be undone exactly)")


def lines_starting(count: int) -> str:
    return "1 line of the body starts" if count == 1 else f"{count} lines of the body start"


def unquoted_sentence(count: int) -> str:
    return (f"the body hash matches only once the mbox's >From quoting is undone: {lines_starting(count)} with >From "
            "(an mbox writer turns \"From \" at the start of a line into \">From \", and mboxrd also \">From\" "
            "into \">>From\"); with one \">\" removed from each, the body is exactly what was signed. That "
            "quoting is what an mbox archive does to a message, not a change to its content")

