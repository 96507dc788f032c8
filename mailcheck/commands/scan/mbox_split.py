"""An mbox's bytes → its messages (Pieces), by the splitting rules of sources.py's docstring, in few steps per read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mailcheck.parse.field_name import FIELD_START
from mailcheck.value_types import NamedTuple

_HEADER_FIELD = FIELD_START  # a line that starts a header field (RFC 5322 §3.6.8)
# The separator as mbox writers produce it: "From sender date", the date in asctime form
# ("Wed Aug 21 12:34:56 2002", some with a zone) or RFC 5322 form ("Wed, 21 Aug 2002 12:34:56").
_SEPARATOR = re.compile(
    rb"From \S*[ \t]+(?:[A-Za-z]{3},?[ \t]+)?"
    rb"(?:[A-Za-z]{3}[ \t]+\d{1,2}|\d{1,2}[ \t]+[A-Za-z]{3}(?:[ \t]+\d{4})?)[ \t]+\d{1,2}:\d{2}"
)
_BLANK = (b"\n", b"\r\n")
_BLANK_LAST = (b"\n\n", b"\n\r\n")  # bytes that end in a blank line (a blank line alone is in _BLANK)


def is_from_line(line: bytes) -> bool:
    """A line that may be an mbox separator: "From " at the start, and not a header field ("From :")."""
    return line.startswith(b"From ") and _HEADER_FIELD.match(line) is None


def looks_like_header(line: bytes) -> bool:
    return _HEADER_FIELD.match(line) is not None


class Piece(NamedTuple):
    """One message of an mbox: where it starts, its bytes, and the blank line after it that belongs to
    the mbox format (b"" when the writer put none)."""

    offset: int
    data: bytes
    tail: bytes

    @property
    def size(self) -> int:
        return len(self.data) + len(self.tail)


def split_mbox(chunks: Iterable[bytes]) -> Iterator[Piece]:
    """Split an mbox given as chunks of bytes (lines, or large blocks: only their concatenation counts) into
    Pieces, lazily; the Pieces' sizes add up to the input's length. See the module docstring for the rules.

    The rules look only at lines that start with "From ": the lines between them are taken as runs
    (_elements), each judged by its first line (does it look like a header field, for a From line held
    before it) and its last (is it blank, for a From line after it), so a large read is split in a few steps."""
    parts: list[bytes] = []
    start = pos = 0
    prev_blank = False
    held: bytes | None = None  # a From line that awaits the next line to be judged

    def emit() -> Piece:
        # Writers put a blank line after each message: it is the Piece's tail. parts[-1] holds whole lines.
        last = parts[-1]
        cut = last.rfind(b"\n", 0, len(last) - 1) + 1
        if last[cut:] in _BLANK:
            return Piece(start, b"".join([*parts[:-1], last[:cut]]), last[cut:])
        return Piece(start, b"".join(parts), b"")

    for element in _elements(chunks):
        if held is not None:
            if looks_like_header(element):  # (a match cannot pass the element's first line)
                yield emit()  # the line before the held one is blank exactly when it was held after one
                parts, start = [held], pos
            else:
                parts.append(held)
            pos += len(held)
            held = None
            prev_blank = False
        if parts and element.startswith(b"From ") and is_from_line(element):  # a From line is an element of its own
            strict = _SEPARATOR.match(element) is not None
            if prev_blank and strict:
                yield emit()
                parts, start = [element], pos
                pos += len(element)
                prev_blank = False
                continue
            if prev_blank or strict:
                held = element
                continue
        parts.append(element)
        pos += len(element)
        prev_blank = element in _BLANK or element.endswith(_BLANK_LAST)
    if held is not None:  # a From line at the very end, with nothing after it to confirm it
        parts.append(held)
    if parts:
        yield emit()  # writers put a blank line after the last message too


def _elements(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The concatenated chunks again, cut into whole lines that start with "From " (one element each) and runs
    of other whole lines between them; a last line with no line end comes last, as it is."""
    carry: list[bytes] = []  # a line not ended yet, in the pieces it came in
    for chunk in chunks:
        end = chunk.rfind(b"\n") + 1
        if end and end == len(chunk) and not carry and chunk.find(b"\n") == end - 1:
            yield chunk  # one whole line (a stream read line by line): nothing to cut
            continue
        if not end:
            carry.append(chunk)
            continue
        buf = b"".join([*carry, chunk]) if carry else chunk
        end += len(buf) - len(chunk)
        carry = [buf[end:]] if end < len(buf) else []
        at = 0
        while at < end:
            if buf.startswith(b"From ", at):
                stop = buf.index(b"\n", at) + 1
            else:
                found = buf.find(b"\nFrom ", at, end)
                stop = end if found == -1 else found + 1
            yield buf if at == 0 and stop == len(buf) else buf[at:stop]
            at = stop
    rest = b"".join(carry)
    if rest:
        yield rest
