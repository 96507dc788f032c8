"""The MIME tree of a large message without the stdlib's line-by-line feedparser, which needs ~7× the input.

The feedparser decodes the whole message to text, splits it into one string per line and joins each
part's lines again: a 106 MB message with a 100 MB base64 attachment peaked at ~790 MB. Above
LEAN_ABOVE the tree is built here instead: delimiter lines are found with one regular-expression
search over the bytes, each part's header block goes to the stdlib's own header parser, and each leaf's
body is decoded to text once, as the feedparser would store it (ASCII, surrogateescape). The result is
the same compat32 Message tree for well-formed MIME; anything this reader does not handle (a part it
cannot split) makes it give the message to the feedparser after all, so the tree is never worse.
"""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import Message
from email.parser import BytesHeaderParser
from itertools import pairwise

LEAN_ABOVE = 8 << 20  # bytes: smaller messages keep the feedparser (its exact handling of odd input)
_MAX_DEPTH = 50  # nested multiparts read as trees; deeper ones stay text (the stdlib bounds nesting too)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_LINE_END = re.compile(rb"\r\n|\n|\r")
_EOL = (b"\r\n", b"\n", b"\r")


class _Unsplittable(Exception):
    """A part this reader does not split the way the feedparser would: the feedparser takes the message."""


def stdlib_parse(raw: bytes) -> Message:
    """message_from_bytes(raw), built without the feedparser when raw is over LEAN_ABOVE bytes."""
    if len(raw) <= LEAN_ABOVE:
        return message_from_bytes(raw)
    try:
        return _part(memoryview(raw), 0)
    except (_Unsplittable, RecursionError, ValueError, LookupError):  # UnicodeError is a ValueError
        return message_from_bytes(raw)


def _text(data: memoryview) -> str:
    return str(data, "ascii", "surrogateescape")  # the feedparser's decoding, one copy


def _part(data: memoryview, depth: int, default_type: str = "text/plain", in_multipart: bool = False) -> Message:
    """One part (or the message). In a multipart, the line break before the next delimiter belongs to the
    delimiter (RFC 2046 §5.1.1): taken off a text body and a nested multipart's epilogue, as the feedparser
    does, and left on an attached message."""
    unixfrom = None
    if depth == 0 and _at(data, 0, b"From "):  # an mbox separator line, as the feedparser keeps it
        line = _LINE_END.search(data)
        if line is None:
            raise _Unsplittable
        unixfrom, data = _text(data[:line.start()]), data[line.end():]
    if _at(data, 0, b"\n") or _at(data, 0, b"\r"):  # no header block: the part is all body
        msg, body = Message(), data[2 if _at(data, 0, b"\r\n") else 1:]
    else:
        found = _BLANK_LINE.search(data)
        cut = found.start() + (2 if _at(data, found.start(), b"\r\n") else 1) if found else len(data)
        head, body = data[:cut], data[found.end():] if found else data[len(data):]
        msg = BytesHeaderParser().parsebytes(bytes(head))
        if msg.get_payload() or msg.defects:
            raise _Unsplittable  # a line in the header block that is no field: the feedparser's defect handling
    if unixfrom is not None:
        msg.set_unixfrom(unixfrom)
    if default_type != "text/plain":
        msg.set_default_type(default_type)
    maintype = msg.get_content_maintype()
    if maintype == "multipart" and depth < _MAX_DEPTH:
        _multipart(msg, body, depth)
        if in_multipart:
            _drop_last_eol(msg)
    elif maintype == "message" and depth < _MAX_DEPTH:
        if msg.get_content_subtype() == "delivery-status":
            raise _Unsplittable  # blocks of fields, not a message: the feedparser's reading
        inner = _part(body, depth + 1)
        msg.set_payload([inner])
        if in_multipart:
            _drop_last_eol(inner)  # the feedparser takes it off the last message it made inside
    else:
        msg.set_payload(_text(_strip_eol(body) if in_multipart else body))  # no copy of the text to strip
    return msg


def _multipart(msg: Message, body: memoryview, depth: int) -> None:
    boundary = msg.get_boundary()
    if not boundary:
        raise _Unsplittable
    try:
        encoded = boundary.encode("ascii", "surrogateescape")
    except UnicodeError as exc:  # an RFC 2231 boundary with non-ASCII characters: the feedparser's own reading
        raise _Unsplittable from exc
    delimiter = re.compile(rb"^--" + re.escape(encoded)
                           + rb"(--)?[ \t]*(?:\r\n|\r|\n|\Z)", re.MULTILINE)
    starts: list[tuple[int, int]] = []  # (start, end) of each delimiter line, up to the close delimiter
    closed = False
    for line in delimiter.finditer(body):
        starts.append((line.start(), line.end()))
        if line.group(1):
            closed = True
            break
    if not starts or not closed:
        raise _Unsplittable  # no delimiter or no close delimiter: the feedparser's defect handling
    if any(end == nxt for (_, end), (nxt, _) in pairwise(starts)):
        raise _Unsplittable  # delimiter lines in a row: the feedparser folds them into one
    if starts[0][0]:  # any line before the first delimiter makes a preamble, an empty one too
        msg.preamble = _text(_strip_eol(body[:starts[0][0]]))
    child = "message/rfc822" if msg.get_content_subtype() == "digest" else "text/plain"  # RFC 2046 §5.1.5
    parts: list[Message | str] = [_part(body[end:nxt], depth + 1, child, in_multipart=True)
                                  for (_, end), (nxt, _) in pairwise(starts)]
    if not parts:
        raise _Unsplittable
    msg.set_payload(parts)
    msg.epilogue = _text(body[starts[-1][1]:])


def _strip_eol(data: memoryview) -> memoryview:
    """The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1)."""
    for eol in _EOL:
        if _at(data, len(data) - len(eol), eol):
            return data[:-len(eol)]
    return data


def _drop_last_eol(msg: Message) -> None:
    """The line break before a delimiter, off the last message made inside a part: an attached message's
    own innermost message, a multipart's epilogue (None when nothing is left), or a text body."""
    payload = msg.get_payload()
    while msg.get_content_maintype() == "message" and isinstance(payload, list) and payload:
        if not isinstance(payload[0], Message):
            return
        msg = payload[0]
        payload = msg.get_payload()
    if isinstance(payload, list):
        msg.epilogue = _strip_text_eol(msg.epilogue) if msg.epilogue else None
    elif isinstance(payload, str):
        msg.set_payload(_strip_text_eol(payload))


def _strip_text_eol(text: str) -> str:
    for eol in ("\r\n", "\n", "\r"):
        if text.endswith(eol):
            return text[:-len(eol)]
    return text


def _at(data: memoryview, where: int, text: bytes) -> bool:
    return where >= 0 and bytes(data[where:where + len(text)]) == text  # a copy of len(text) bytes only
