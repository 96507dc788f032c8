"""Where a raw message's header block ends: one rule for the analysis, the filter and scan.

Our verdict is read by procmail recipes, so the header block is where procmail says it is, and a
field a recipe can match is a field we have analysed (and the filter has cleaned):

- The line break is LF, as procmail, Postfix and Dovecot have it; CR LF is LF preceded by a CR.
  Only a message with no LF at all (old Mac files) is read in lines ending at CR.
- The block ends at the first empty line. In an LF message that is a line of LF alone: a line of
  CR LF is *not* empty to procmail, which reads on past it, so it is a malformed line inside the
  block, not its end. In a CR LF message an empty line is CR LF (RFC 5322) or a bare LF (procmail).
- A line that is no field (no colon after a field name) does not end the block either: procmail and
  Dovecot read on past it (Postfix's cleanup ends its own block there, but it adds nothing below, so
  the lines after it still reach procmail as header). It is kept out of the fields and noted.

procmail's own header is everything up to the first line of LF alone, even in a CR LF message whose
body it therefore reads as header: `procmail_header_end` says where, so that the filter can remove
lines there that a recipe would take for our result fields (rewrite.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailcheck.parse.field_name import FIELD_NAME, FIELD_START
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.value_types import NamedTuple

LF, CRLF, CR = b"\n", b"\r\n", b"\r"

# One line and the continuation lines folded under it (RFC 5322 §2.2.3: they start with white space).
# Each repetition takes at least one byte and nothing follows the group: the match is linear.
ITEM_LF = rb"[^\n]*\n?(?:[ \t][^\n]*\n?)*"
_ITEM_CR = rb"[^\r]*\r?(?:[ \t][^\r]*\r?)*"
_ITEM = {LF: lazy_compile(ITEM_LF), CR: lazy_compile(_ITEM_CR)}

# The same items, each with its field name (group 1, None for a line that is no field) and an empty group 2
# where the value starts, after the colon: one regular-expression pass per field instead of two. The name
# and colon never pass a line break, so the optional group changes no item's extent; the lookahead keeps
# the search from an empty match at the end.
_NAMED_START = rb"(?=[\s\S])(?:(" + FIELD_NAME + rb")[ \t]*:())?"
_NAMED_ITEM = {
    LF: lazy_compile(_NAMED_START + ITEM_LF),
    CR: lazy_compile(_NAMED_START + _ITEM_CR),
}


class Block(NamedTuple):
    """The parts of a raw message, as offsets: from_end, end, body mark where they start."""

    eol: bytes  # the message's line ending: LF, CRLF or CR (that of its first line)
    from_end: int  # the end of the leading mbox "From " line (0 when there is none)
    end: int  # where the empty line that ends the header block starts (len(raw) when there is none)
    body: int  # the first byte after that empty line (len(raw) when there is none)

    @property
    def ended(self) -> bool:
        """True when an empty line ends the block (a message without one is all header)."""
        return self.body > self.end


def line_ending(raw: bytes, start: int = 0) -> bytes:
    """LF, CRLF or CR: the ending of the first line from `start` (after a From_ line, which procmail
    writes with LF whatever the message uses), CR only when the message has no LF at all."""
    first_lf = raw.find(b"\n", start)
    if first_lf == -1:
        if start:
            return line_ending(raw[:start])
        return CR if b"\r" in raw else LF
    return CRLF if first_lf > 0 and raw[first_lf - 1] == 0x0D else LF


def _from_line_end(raw: bytes) -> int:
    if not raw.startswith(b"From "):
        return 0
    stop = raw.find(b"\n")
    if stop == -1:
        stop = raw.find(b"\r")  # a message with no LF at all: its lines end at CR
    return len(raw) if stop == -1 else stop + 1


def split_block(raw: bytes) -> Block:
    """Where the From_ line, the header block and the body are, by the rule above."""
    start = _from_line_end(raw)
    eol = line_ending(raw, start)
    if eol == CR:
        empties: tuple[bytes, ...] = (CR,)
        ends: tuple[tuple[bytes, int], ...] = ((b"\r\r", 1),)
    elif eol == CRLF:
        empties = (CRLF, LF)
        ends = ((b"\n\r\n", 2), (b"\n\n", 1))
    else:
        empties = (LF,)
        ends = ((b"\n\n", 1),)
    for empty in empties:
        if raw.startswith(empty, start):  # no header field at all: the body starts at once
            return Block(eol, start, start, start + len(empty))
    best = len(raw)
    body = len(raw)
    for pattern, empty_length in ends:
        found = raw.find(pattern, start, best + len(pattern))
        if found != -1 and found + 1 < best:
            best, body = found + 1, found + 1 + empty_length
    return Block(eol, start, best, body)


def items(raw: bytes, start: int, end: int, eol: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of raw[start:end] with its continuation lines: a field, or a line
    that is no field (with whatever is folded under it). Their concatenation is raw[start:end]."""
    item = _ITEM[CR if eol == CR else LF]
    pos = start
    while pos < end:
        found = item.match(raw, pos, end)
        stop = found.end() if found is not None else end
        if stop == pos:  # cannot happen (a line takes at least its line break); never loop forever
            stop = end
        yield pos, stop
        pos = stop


def named_items(raw: bytes, start: int, end: int, eol: bytes) -> Iterator[re.Match[bytes]]:
    """The items of `items`, as matches: span() is the item, group(1) its field name as written (None for a
    line that is no field), start(2) where its value starts (after the colon)."""
    return _NAMED_ITEM[CR if eol == CR else LF].finditer(raw, start, end)


def field_name(data: bytes) -> bytes | None:
    """The field name a header line starts with (as written), or None for a line that is no field."""
    start = FIELD_START.match(data)
    return start.group(1) if start is not None else None


def procmail_header_end(raw: bytes, from_end: int = 0) -> int:
    """Where procmail's header ends: after the first line of LF alone (len(raw) when there is none)."""
    if raw.startswith(b"\n", from_end):
        return from_end
    found = raw.find(b"\n\n", from_end)
    return len(raw) if found == -1 else found + 1
