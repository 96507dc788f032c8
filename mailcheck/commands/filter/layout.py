"""The filter's one split of a raw message: the From_ line, the header block as fields, the rest.

Computed once per filter run and handed to everything that looks at the header block (is this a
message, which fields your servers wrote, which fields go, where ours go), so they all see the same
fields. The block ends at the first empty line — procmail's own rule, so every line its header
conditions see is a line the filter cleans (the analysis's parser may stop earlier, at a line that
is no field; a sender must not hide a planted field behind such a line).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mailcheck.parse.field_name import FIELD_START

_LINES = re.compile(rb"[^\n]*\n|[^\n]+")


class Field(NamedTuple):
    """One field of the header block: its first line and the continuation lines folded under it."""

    data: bytes  # exactly as in the message, line endings included
    key: bytes | None  # its name, lower-cased; None for a line that is no field
    colon: int  # where the value starts (after the colon); 0 for a line that is no field

    @property
    def value(self) -> bytes:
        return self.data[self.colon:]


class Layout(NamedTuple):  # not a dataclass: one filter start would pay ~0.5 ms to build its class
    """Where the parts of a raw message are; from_line + fields + rest is the message again."""

    raw: bytes
    from_line: bytes  # the leading mbox "From " line with its line ending, or b""
    fields: tuple[Field, ...]  # the header block, field by field
    rest: bytes  # the blank line ending the header block and the body (b"" when there is none)
    eol: bytes  # the message's line ending: b"\r\n" or b"\n"


def _field(data: bytes) -> Field:
    start = FIELD_START.match(data)
    if start is None:
        return Field(data, None, 0)
    return Field(data, start.group(1).lower(), start.end())


def layout(raw: bytes) -> Layout:
    """Split off the From_ line and the header block, and the block into fields (RFC 5322 §2.2.3: a
    line starting with white space continues the one before; a line that is no field is one of its own)."""
    lines = _LINES.findall(raw)
    from_line = b""
    if lines and lines[0].startswith(b"From "):
        from_line = lines.pop(0)
    grouped: list[list[bytes]] = []  # lines per field, joined once (a long fold must not cost n² copies)
    for line in lines:
        if line in (b"\n", b"\r\n"):
            break
        if grouped and line[:1] in (b" ", b"\t"):
            grouped[-1].append(line)
        else:
            grouped.append([line])
    fields = [b"".join(group) for group in grouped]
    consumed = len(from_line) + sum(map(len, fields))
    # The line ending of the first header line (or of the From_ line when there is none) is the message's.
    first = grouped[0][0] if grouped else from_line
    eol = b"\r\n" if first.endswith(b"\r\n") else b"\n"
    return Layout(raw, from_line, tuple(map(_field, fields)), raw[consumed:], eol)
