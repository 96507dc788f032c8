"""Two answers the stdlib's parameter parsing gives a MIME part, read cheaply where that is sure to agree.

Every text part is asked for its file name (is it an attachment?) and its charset. The stdlib answers both
by parsing every parameter of the field, RFC 2231 continuations included, which costs more than the rest of
reading a small part. Most fields are plain (``text/plain; charset="us-ascii"``): those are read here, by
the stdlib's own rules reduced to what a plain field can need, and anything else (8-bit text, RFC 2231
``*``, backslashes, quotes that could hide a ``;``) is left to the stdlib, so the answer is always its answer.
"""

from __future__ import annotations

from email.message import Message
from email.utils import unquote


def names_no_file(part: Message) -> bool:
    """True only where part.get_filename() is None: neither field it reads (Content-Disposition filename=,
    Content-Type name=) has "name" in it, so no parameter of that name, plain or RFC 2231, can be there."""
    for field in ("content-disposition", "content-type"):
        value = part.get(field)  # the first such field, as get_filename reads it
        if value is not None and (not isinstance(value, str) or "name" in value.lower()):
            return False
    return True


def content_charset(part: Message) -> str | None:
    """part.get_content_charset()."""
    value = part.get("content-type")
    if value is None:
        return None
    plain, charset = plain_charset(value) if isinstance(value, str) else (False, None)
    return charset if plain else part.get_content_charset()


def plain_charset(value: str) -> tuple[bool, str | None]:
    """(True, the charset parameter lower-cased or None) for a plain Content-Type value; (False, None) for any
    other value, which needs the stdlib's reading.

    A plain value is ASCII with no backslash, no "*" and at most one pair of quotes with no ";" between them:
    then the stdlib's split at ";" (outside quotes) is str.split, no parameter is RFC 2231, and its quoting
    and unquoting of each value give utils.unquote of it."""
    if not value.isascii() or "\\" in value or "*" in value:
        return False, None
    quotes = value.count('"')
    if quotes and (quotes != 2 or ";" in value[value.index('"'):value.rindex('"')]):
        return False, None
    for piece in value.split(";"):  # the first piece (the type) counts too, as the stdlib compares it as well
        name, equals, text = piece.partition("=")
        if name.strip().lower() == "charset":
            return True, unquote(text.strip()).lower() if equals else ""
    return True, None
