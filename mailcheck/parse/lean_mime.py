"""The MIME tree the stdlib's feedparser builds (compat32), built without walking the message line by line.

The feedparser decodes the whole message to text, splits it into one string per line, matches each line
against every enclosing boundary and joins each part's lines again: slow for any multipart, and for a
106 MB message with a 100 MB base64 attachment it peaked at ~790 MB. Here delimiter lines are found with
bytes.find, each part's header fields are split in one pass (or, when any line in them is unusual, by the
stdlib's own header parser), and each leaf's body is decoded to text once, as the feedparser would store
it (ASCII, surrogateescape). The result is the same Message tree; anything this reader does not handle
the feedparser's way (its defect handling for broken MIME, a delivery report, a tree deeper than
_MAX_DEPTH in a message up to DEEP_UP_TO bytes) makes it give the message to the feedparser after all.
"""

from __future__ import annotations

from email import message_from_bytes
from email.errors import CloseBoundaryNotFoundDefect, InvalidMultipartContentTransferEncodingDefect
from email.message import Message
from itertools import pairwise

from mailcheck.parse.field_name import FIELD_NAME
from mailcheck.parse.header_block import ITEM_LF
from mailcheck.parse.lazy_pattern import lazy_compile

_MAX_DEPTH = 50  # nested multiparts read as trees here
# Up to this size a deeper tree is the feedparser's to read (it reads any depth); above it the parts below
# _MAX_DEPTH stay text, sparing the feedparser's copies of a large message.
DEEP_UP_TO = 8 << 20
_BLANK_LINE = lazy_compile(rb"\r?\n\r?\n")
_LINE_END = lazy_compile(rb"\r\n|\n|\r")
# A header block's fields as the feedparser reads a plain one: (name, the rest of the field). A name of ""
# (a line that is no field, white space before the colon) sends the block to the stdlib's header parser.
_FIELD = lazy_compile(r"(?=[\s\S])(?:(" + FIELD_NAME.decode("ascii") + r"):)?(" + ITEM_LF.decode("ascii") + ")")
_EOL = (b"\r\n", b"\n", b"\r")
_LINE_BREAKS = b"\r\n"
_BLANKS = b" \t"


class _Unsplittable(Exception):
    """A part this reader does not split the way the feedparser would: the feedparser takes the message."""


def stdlib_parse(raw: bytes) -> Message:
    """message_from_bytes(raw): the same tree, built here when the message is well-formed MIME."""
    try:
        return _Reader(raw).part(0, len(raw), 0)
    except (_Unsplittable, RecursionError, ValueError, LookupError):  # UnicodeError is a ValueError
        return message_from_bytes(raw)


class _Reader:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.view = memoryview(raw)
        self.exact_depth = len(raw) <= DEEP_UP_TO

    def text(self, start: int, end: int) -> str:
        return str(self.view[start:end], "ascii", "surrogateescape")  # the feedparser's decoding, one copy

    def part(self, start: int, end: int, depth: int, default_type: str = "text/plain",
             in_multipart: bool = False) -> Message:
        """One part (or the message), raw[start:end]. In a multipart, the line break before the next
        delimiter belongs to the delimiter (RFC 2046 §5.1.1): taken off a text body and a nested multipart's
        epilogue, as the feedparser does, and left on an attached message."""
        raw = self.raw
        unixfrom = None
        if depth == 0 and raw.startswith(b"From ", start, end):  # an mbox separator line, as the feedparser keeps it
            line = _LINE_END.search(raw, start, end)
            if line is None:
                raise _Unsplittable
            unixfrom, start = self.text(start, line.start()), line.end()
        if raw.startswith(_EOL, start, end):  # no header block: the part is all body
            msg, body = Message(), start + (2 if raw.startswith(b"\r\n", start, end) else 1)
        else:
            found = _BLANK_LINE.search(raw, start, end)
            cut = found.start() + (2 if raw.startswith(b"\r\n", found.start()) else 1) if found else end
            body = found.end() if found else end
            msg = self.header_fields(start, cut)
        if unixfrom is not None:
            if msg.get_unixfrom() is not None:
                raise _Unsplittable  # a second From_ line: the feedparser's own reading of where the body starts
            msg.set_unixfrom(unixfrom)
        if default_type != "text/plain":
            msg.set_default_type(default_type)
        maintype = msg.get_content_maintype()
        if maintype in ("multipart", "message") and depth >= _MAX_DEPTH and self.exact_depth:
            raise _Unsplittable  # the feedparser reads deeper
        if maintype == "multipart" and depth < _MAX_DEPTH:
            self.multipart(msg, body, end, depth)
            if in_multipart:
                _drop_last_eol(msg)
        elif maintype == "message" and depth < _MAX_DEPTH:
            if msg.get_content_subtype() == "delivery-status":
                raise _Unsplittable  # blocks of fields, not a message: the feedparser's reading
            inner = self.part(body, end, depth + 1)
            msg.set_payload([inner])
            if in_multipart:
                _drop_last_eol(inner)  # the feedparser takes it off the last message it made inside
        else:
            msg.set_payload(self.text(body, _strip_eol(raw, body, end) if in_multipart else end))
        return msg

    def header_fields(self, start: int, end: int) -> Message:
        """A Message holding the fields of raw[start:end], a header block, as the feedparser stores them."""
        text = self.text(start, end)
        if text.count("\r") != text.count("\r\n"):
            raise _Unsplittable  # a CR alone is a line break to the feedparser: a blank line may end the block there
        fields = _FIELD.findall(text)
        if any(not name for name, _rest in fields):
            from email.parser import BytesHeaderParser  # only here: most messages never need email.feedparser

            msg = BytesHeaderParser().parsebytes(bytes(self.view[start:end]))
            if msg.get_payload() or msg.defects:
                raise _Unsplittable  # a line in the header block that is no field: the feedparser's defect handling
            return msg
        msg = Message()
        for name, rest in fields:
            # compat32's header_source_parse, of the field's lines joined
            msg.set_raw(name, rest.lstrip(" \t").rstrip("\r\n"))
        return msg

    def multipart(self, msg: Message, start: int, end: int, depth: int) -> None:
        boundary = msg.get_boundary()
        if not boundary:
            raise _Unsplittable
        try:
            encoded = boundary.encode("ascii", "surrogateescape")
        except UnicodeError as exc:  # an RFC 2231 boundary with non-ASCII characters: the feedparser's own reading
            raise _Unsplittable from exc
        if str(msg.get("content-transfer-encoding", "8bit")).lower() not in ("7bit", "8bit", "binary"):
            msg.defects.append(InvalidMultipartContentTransferEncodingDefect())  # as the feedparser notes it
        lines, closed = self.delimiters(b"--" + encoded, start, end)
        if not lines:
            raise _Unsplittable  # no delimiter: the feedparser's defect handling
        if any(stop == nxt for (_, stop), (nxt, _) in pairwise(lines)):
            raise _Unsplittable  # delimiter lines in a row: the feedparser folds them into one
        if lines[0][0] > start:  # any line before the first delimiter makes a preamble, an empty one too
            msg.preamble = self.text(start, _strip_eol(self.raw, start, lines[0][0]))
        child = "message/rfc822" if msg.get_content_subtype() == "digest" else "text/plain"  # RFC 2046 §5.1.5
        # Each part runs from a delimiter line to the next; without a close delimiter, the last one to the end.
        ends = [at for at, _ in lines[1:]] + ([] if closed else [end])
        parts: list[Message | str] = [self.part(stop, nxt, depth + 1, child, in_multipart=True)
                                      for (_, stop), nxt in zip(lines, ends, strict=False)]
        if not parts:
            raise _Unsplittable
        msg.set_payload(parts)
        if closed:
            msg.epilogue = self.text(lines[-1][1], end)
        else:
            msg.defects.append(CloseBoundaryNotFoundDefect())  # as the feedparser notes it, with no epilogue

    def delimiters(self, dashes: bytes, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
        """(start, end) of each delimiter line in raw[start:end] up to the close delimiter, and whether that
        came. A delimiter line is, as the feedparser matches its lines: at a line start (after LF or CR),
        "--" boundary, "--" for the close delimiter, spaces or tabs, then the line break or the end."""
        raw = self.raw
        lines: list[tuple[int, int]] = []
        at = raw.find(dashes, start, end)
        while at >= 0:
            if at == start or raw[at - 1] in _LINE_BREAKS:
                pos = at + len(dashes)
                closing = raw.startswith(b"--", pos, end)
                pos += 2 if closing else 0
                while pos < end and raw[pos] in _BLANKS:
                    pos += 1
                if pos == end or raw[pos] in _LINE_BREAKS:
                    pos += 2 if raw.startswith(b"\r\n", pos, end) else 1 if pos < end else 0
                    lines.append((at, pos))
                    if closing:
                        return lines, True
            at = raw.find(dashes, at + 1, end)
        return lines, False


def _strip_eol(raw: bytes, start: int, end: int) -> int:
    """Where raw[start:end] ends without the line break before a delimiter (RFC 2046 §5.1.1)."""
    for eol in _EOL:
        if raw.startswith(eol, end - len(eol), end) and end - len(eol) >= start:
            return end - len(eol)
    return end


def _drop_last_eol(msg: Message) -> None:
    """The line break before a delimiter, off the last message made inside a part: an attached message's
    own innermost message, a multipart's epilogue (None when nothing is left), or a text body."""
    payload = msg._payload  # type: ignore[attr-defined]  # as stored: get_payload() replaces surrogate escapes
    while msg.get_content_maintype() == "message" and isinstance(payload, list) and payload:
        if not isinstance(payload[0], Message):
            return
        msg = payload[0]
        payload = msg._payload  # type: ignore[attr-defined]
    if isinstance(payload, list):
        msg.epilogue = _strip_text_eol(msg.epilogue) if msg.epilogue else None
    elif isinstance(payload, str):
        msg.set_payload(_strip_text_eol(payload))


def _strip_text_eol(text: str) -> str:
    for eol in ("\r\n", "\n", "\r"):
        if text.endswith(eol):
            return text[:-len(eol)]
    return text
