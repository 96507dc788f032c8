"""The authserv-id an Authentication-Results value starts with, read one CFWS-aware way for the check and the filter.

RFC 8601 §2.2: `authres-header-field = ... [CFWS] authserv-id [CFWS] ...`, with authserv-id a
`value` (RFC 2045: a token or a quoted-string). CFWS is white space and RFC 5322 §3.2.2 comments,
which nest and may hold quoted-pairs. A reader that takes "the first word" sees `(comment)` where a
sender put a comment before your authserv-id, and a planted result then passes for someone else's.
ARC-Authentication-Results (RFC 8617 §4.1.1) put `i=N ;` before the same payload; it is skipped.

Everything here is one left-to-right pass: hostile input (a million `(`) costs linear time.
"""

from __future__ import annotations

from mailcheck.parse.lazy_pattern import lazy_compile

# A token as readers meet it: anything up to white space, ';', a comment or a quote. Wider than the
# RFC 2045 token on purpose: an id with a stray tspecial must still be read as the id it claims to be.
_TOKEN = lazy_compile(r"[^\s;()\"]+")
_INSTANCE = lazy_compile(r"[iI][ \t\r\n]*=[ \t\r\n]*[0-9]+")
_WSP = " \t\r\n"


def skip_cfws(text: str, pos: int = 0) -> int:
    """The position after the white space and comments starting at pos (an unclosed comment runs to the end)."""
    depth = 0
    end = len(text)
    while pos < end:
        c = text[pos]
        if depth:
            if c == "\\":
                pos += 2  # a quoted-pair: "\)" does not close the comment
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
        elif c == "(":
            depth = 1
        elif c not in _WSP:
            break
        pos += 1
    return min(pos, end)


def _quoted(text: str, pos: int) -> str:
    """The content of the quoted-string opening at pos, quoted-pairs resolved (unclosed: to the end)."""
    out: list[str] = []
    pos += 1
    end = len(text)
    while pos < end and text[pos] != '"':
        if text[pos] == "\\":
            pos += 1
        out.append(text[pos:pos + 1])
        pos += 1
    return "".join(out)


def authserv_id(value: str) -> str:
    """The authserv-id of an Authentication-Results (or ARC-Authentication-Results) value, lower-cased;
    "" when there is none to read."""
    pos = skip_cfws(value)
    instance = _INSTANCE.match(value, pos)
    if instance is not None:  # ARC: "i=1; authserv-id; …"
        pos = skip_cfws(value, instance.end())
        if not value.startswith(";", pos):
            return ""
        pos = skip_cfws(value, pos + 1)
    if value.startswith('"', pos):
        return _quoted(value, pos).lower()
    token = _TOKEN.match(value, pos)
    return token.group().lower() if token else ""
