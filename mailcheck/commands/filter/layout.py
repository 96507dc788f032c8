"""The filter's one split of a raw message: the From_ line, the header block as fields, the rest.

Computed once per filter run and handed to everything that looks at the header block (is this a
message, which fields your servers wrote, which fields go, where ours go), so they all see the same
fields. Where the block ends is parse/header_block's rule, the analysis's too, and procmail's: every
line its header conditions see up to the block's end is a field the analysis read and the filter
cleans. A CR LF message is header to procmail further down, up to its first line of LF alone: the
lines there that would pass for our fields are in `procmail_tail`, for rewrite.py to remove.
"""

from __future__ import annotations

from mailcheck.parse.header_block import LF, field_name, named_items, procmail_header_end, split_block
from mailcheck.value_types import NamedTuple


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
    eol: bytes  # the message's line ending: b"\r\n", b"\n" or b"\r"
    # The part of `rest` procmail still reads as header (a CR LF message's body, up to a line of LF
    # alone), as lines with their continuation lines; b"" for every LF message.
    procmail_tail: tuple[Field, ...] = ()


def field(data: bytes) -> Field:
    name = field_name(data)
    if name is None:
        return Field(data, None, 0)
    return Field(data, name.lower(), data.index(b":") + 1)


def _fields(raw: bytes, start: int, end: int, eol: bytes) -> tuple[Field, ...]:
    """field(raw[a:b]) of every item, from the one match that found the item and its name."""
    return tuple(Field(raw[m.start():m.end()], None, 0) if (name := m.group(1)) is None
                 else Field(raw[m.start():m.end()], name.lower(), m.start(2) - m.start())
                 for m in named_items(raw, start, end, eol))


def layout(raw: bytes) -> Layout:
    """Split off the From_ line and the header block, and the block into fields (RFC 5322 §2.2.3: a
    line starting with white space continues the one before; a line that is no field is one of its own)."""
    block = split_block(raw)
    fields = _fields(raw, block.from_end, block.end, block.eol)
    tail_end = procmail_header_end(raw, block.from_end)
    tail = _fields(raw, block.end, tail_end, LF) if tail_end > block.end else ()
    return Layout(raw, raw[:block.from_end], fields, raw[block.end:], block.eol, tail)
