"""The filter's pure core: message bytes + our header fields → the bytes to deliver.

The output is the input, byte for byte, with two changes only: our fields are inserted at the top
of the header block (after an mbox `From ` line, which procmail hands to filters and which must
stay first), and header fields a sender could use to pre-set our result are removed, folded
continuation lines included: every `X-Mailcheck*` field, and each Authentication-Results field
carrying one of our authserv-ids (RFC 8601 §5) that your servers did not write — one below the
entry hop's Received line (DESIGN §3; the verdict-headers check labels the same ones forged). When
no analysis placed the boundary, every such field goes: a planted result must never survive.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mailcheck.trust import ours_above

if TYPE_CHECKING:
    from mailcheck.model import Boundary

# A field's first line: a name (RFC 5322 §3.6.8 ftext) then optional white space before the colon
# (the obsolete syntax of §4.5 that many readers accept, so a sender could use it to slip past).
_FIELD = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_OURS = re.compile(rb"x-mailcheck", re.IGNORECASE)
_AUTHRES = re.compile(rb"authentication-results\Z", re.IGNORECASE)
_RECEIVED = re.compile(rb"received\Z", re.IGNORECASE)
_LINES = re.compile(rb"[^\n]*\n|[^\n]+")


@dataclass(frozen=True)
class Layout:
    """Where the parts of a raw message are."""

    from_line: bytes  # the leading mbox "From " line with its line ending, or b""
    header_lines: tuple[bytes, ...]  # every line of the header block, with their line endings
    rest: bytes  # the blank line ending the header block and the body (b"" when there is none)
    eol: bytes  # the message's line ending: b"\r\n" or b"\n"


def layout(raw: bytes) -> Layout:
    """Split off the From_ line and the header block. The block ends at the first empty line —
    procmail's own rule, so every line its header conditions see is a line we clean."""
    lines = _LINES.findall(raw)
    from_line = b""
    if lines and lines[0].startswith(b"From "):
        from_line = lines.pop(0)
    header: list[bytes] = []
    for line in lines:
        if line in (b"\n", b"\r\n"):
            break
        header.append(line)
    consumed = len(from_line) + sum(map(len, header))
    first = header[0] if header else from_line
    eol = b"\r\n" if first.endswith(b"\r\n") else b"\n"
    return Layout(from_line, tuple(header), raw[consumed:], eol)


def authserv_id_of(value: bytes) -> str:
    """The authserv-id an Authentication-Results value starts with (RFC 8601 §2.2: [CFWS] value),
    lowercased; comments (nested, with quoted-pairs) and a quoted-string form are handled."""
    text = value.decode("latin-1")
    i, depth = 0, 0
    while i < len(text):  # skip CFWS
        c = text[i]
        if depth and c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")" and depth:
            depth -= 1
        elif not depth and c not in " \t\r\n":
            break
        i += 1
    if text[i:i + 1] == '"':
        out, i = [], i + 1
        while i < len(text) and text[i] != '"':
            if text[i] == "\\":
                i += 1
            out.append(text[i:i + 1])
            i += 1
        return "".join(out).lower()
    match = re.match(r"[^\s;()\"]+", text[i:])
    return match.group().lower() if match else ""


def _removable(field: bytes, authserv_ids: frozenset[str]) -> bool:
    match = _FIELD.match(field)
    if match is None:
        return False
    name = match.group(1)
    if _OURS.match(name):
        return True
    return bool(authserv_ids) and bool(_AUTHRES.match(name)) and \
        authserv_id_of(field[match.end():]) in authserv_ids


def _fields(header_lines: Sequence[bytes]) -> list[bytes]:
    """The header block as fields: each line with its continuation lines (RFC 5322 §2.2.3: a line
    starting with white space continues the one before). A line that is no field is one on its own."""
    fields: list[bytes] = []
    for line in header_lines:
        if fields and line[:1] in (b" ", b"\t"):
            fields[-1] += line
        else:
            fields.append(line)
    return fields


def remove_ours(header_lines: Sequence[bytes], authserv_ids: Sequence[str] = (), ours_above: int = 0) -> list[bytes]:
    """The header lines without our fields (any case, any white space before the colon, with their
    continuation lines). Authentication-Results among the first `ours_above` fields are your servers'
    and stay. A line that is no field at all is kept as it is."""
    ids = frozenset(a.lower() for a in authserv_ids)
    kept: list[bytes] = []
    for position, field in enumerate(_fields(header_lines)):
        if not _removable(field, ids) or (position < ours_above and not _OURS.match(field)):
            kept.append(field)
    return kept


def written_by_us(raw: bytes, boundary: Boundary) -> int:
    """How many header fields from the top your servers wrote: those above the entry hop's Received
    line (or above the last trusted one when no hop records an untrusted client) — trust.ours_above,
    the limit the verdict-headers check uses, over this module's own split of the raw header block."""
    fields = _fields(layout(raw).header_lines)
    received = [i for i, f in enumerate(fields) if (m := _FIELD.match(f)) and _RECEIVED.match(m.group(1))]
    return ours_above(received, boundary)


def has_header_fields(parts: Layout) -> bool:
    return any(_FIELD.match(line) for line in parts.header_lines)


def compose(raw: bytes, fields: Sequence[str], authserv_ids: Sequence[str] = (), ours_above: int = 0) -> bytes:
    """raw with `fields` (text, physical lines joined by "\\n") on top and our old fields removed."""
    parts = layout(raw)
    from_line = parts.from_line
    if from_line and not from_line.endswith(b"\n"):
        from_line += parts.eol  # a bare From_ line with nothing after it: ours must start a new line
    added = b"".join(
        line.encode("ascii") + parts.eol for field in fields for line in field.split("\n")
    )
    kept = remove_ours(parts.header_lines, authserv_ids, ours_above)
    return from_line + added + b"".join(kept) + parts.rest


def unusable(raw: bytes) -> str | None:
    """Why these bytes are no message we can analyse (our reason text), or None."""
    if not raw:
        return "empty input"
    parts = layout(raw)
    if any(b"\x00" in line for line in parts.header_lines):
        return "the input is not a mail message (NUL bytes in the header)"
    if parts.header_lines and parts.header_lines[0][:1] in (b" ", b"\t"):
        return "the input is not a mail message (it starts with a continuation line)"
    if not has_header_fields(parts):
        return "the input is not a mail message (no header fields)"
    return None
