"""Is this input a mail message, an Outlook .msg, or no mail at all: the one judgement every command uses.

`mailcheck FILE` refuses input that is no mail (exit 2), `scan` lists it and goes on, `filter` passes it
on with the verdict `error`: all three ask `unusable()` about the same split of the header block (the
filter's Layout). An Outlook .msg is recognised by its content, never by its name: an OLE2 compound
file (MS-CFB magic D0 CF 11 E0 A1 B1 1A E1) whose directory names MAPI property streams
(`__substg1.0_…`, MS-OXMSG §2.1), which no Word or Excel file has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mailcheck.value_types import NamedTuple

OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# Directory entry names are UTF-16LE (MS-CFB §2.6.1); every .msg has property streams named so. (ASCII in
# UTF-16LE, spelt out: the utf-16-le codec would be one more module for every filter start to load.)
_MSG_STREAM = "".join(f"{c}\0" for c in "__substg1.0_").encode("ascii")

OUTLOOK_MSG = "outlook-msg"
RFC5322 = "rfc5322"


class FieldLike(Protocol):
    """One field of a header block as the filter's layout gives it."""

    @property
    def data(self) -> bytes: ...

    @property
    def key(self) -> bytes | None: ...


class HeaderLayout(Protocol):
    """The raw bytes and their header block, field by field (commands/filter/layout.Layout)."""

    @property
    def raw(self) -> bytes: ...

    @property
    def fields(self) -> Sequence[FieldLike]: ...


def is_outlook_msg(data: bytes) -> bool:
    """An Outlook .msg, judged by its bytes: the OLE2 magic and MAPI property streams in the directory."""
    return data.startswith(OLE2_MAGIC) and _MSG_STREAM in data


def unusable(parts: HeaderLayout) -> str | None:
    """Why these bytes are no message we can analyse (our reason text), or None."""
    if not parts.raw:
        return "empty input"
    if any(b"\x00" in field.data for field in parts.fields):
        return "the input is not a mail message (NUL bytes in the header)"
    if parts.fields and parts.fields[0].data[:1] in (b" ", b"\t"):
        return "the input is not a mail message (it starts with a continuation line)"
    if all(field.key is None for field in parts.fields):
        return "the input is not a mail message (no header fields)"
    return None


class MailInput(NamedTuple):
    """The bytes to analyse and where they came from: the input itself, or a message rebuilt from a .msg."""

    raw: bytes  # RFC 5322 bytes
    kind: str = RFC5322  # RFC5322, or OUTLOOK_MSG when raw was rebuilt from an Outlook .msg
    notes: tuple[str, ...] = ()  # what a reader must know about these bytes (they go into the report's errors)

    @property
    def body_rebuilt(self) -> bool:
        """The body is not the bytes the sender's signature covered (DKIM and ARC body hashes cannot be checked)."""
        return self.kind == OUTLOOK_MSG


class NotMail(ValueError):
    """The input is no mail message: `reason` says why, in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def from_outlook(data: bytes) -> MailInput:
    """A .msg rebuilt as RFC 5322 bytes; NotMail when it cannot be read (or extract-msg is not installed)."""
    from mailcheck.parse.outlook_msg import MsgError, rebuild  # extract-msg loads only for a .msg

    try:
        rebuilt = rebuild(data)
    except MsgError as exc:
        raise NotMail(str(exc)) from exc
    return MailInput(rebuilt.raw, OUTLOOK_MSG, rebuilt.notes)


def as_mail_input(data: bytes) -> MailInput:
    """For analyze() given bytes: a .msg is rebuilt; anything else, a .msg that cannot be read included,
    is analysed as it is (the reason is noted), since analyze never refuses input."""
    if not is_outlook_msg(data):
        return MailInput(data)
    try:
        return from_outlook(data)
    except NotMail as exc:
        return MailInput(data, notes=(exc.reason,))
