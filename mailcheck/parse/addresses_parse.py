"""Address-list field values → (display name, address) pairs: the stdlib's reading, kept linear and raise-free.

email.utils.getaddresses recurses once per nested group ("a:a:a:…") and per nested comment ("((((…"),
so a thousand of either raises RecursionError, and it builds a group's members by list concatenation,
quadratic in their number. Ordinary fields go to it whole, as before. A field shaped like that is cut
at its top-level commas first and each piece is read alone, with deep nesting flattened: the pieces
hold the same addresses, and no piece can nest or grow a group.
"""

from __future__ import annotations

import email.utils

from mailcheck.parse.address_list import CLOSE, OPEN, TOP, join_stray_phrases, lexical, pieces
from mailcheck.parse.lazy_pattern import lazy_compile

# Nesting the stdlib's recursion handles comfortably (a few frames per level, far below the limit).
MAX_NESTING = 32
# Members of one group read by the stdlib in one go: its list concatenation costs their number squared.
MAX_GROUP_MEMBERS = 1000


def _shape(value: str) -> tuple[int, int, int]:
    """(deepest comment nesting, top-level ':', top-level ','), counted outside quotes and angle brackets."""
    deepest = colons = commas = 0
    for ch, kind, depth in lexical(value):
        if kind is OPEN:
            deepest = max(deepest, depth)
        elif kind is TOP:
            colons += ch == ":"
            commas += ch == ","
    return deepest, colons, commas


def _flatten(piece: str) -> str:
    """piece without group syntax (the group names before ':' and the ';') and with comments one level deep."""
    out: list[str] = []
    for ch, kind, depth in lexical(piece):
        if (kind is OPEN and depth > 1) or (kind is CLOSE and depth):
            ch = " "  # an inner comment's text stays part of the outer one
        elif kind is TOP and ch == ":":
            out.clear()  # what came before is the names of the groups this address sits in
            continue
        elif kind is TOP and ch == ";":
            continue
        out.append(ch)
    return "".join(out)


def _hostile(value: str) -> bool:
    deepest, colons, commas = _shape(value)
    return deepest > MAX_NESTING or colons > MAX_NESTING or (colons > 0 and commas > MAX_GROUP_MEMBERS)


def _read_pieces(value: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for piece in pieces(value):
        deepest, colons, _commas = _shape(piece)
        if deepest > MAX_NESTING or colons > 1:
            piece = _flatten(piece)
        try:
            pairs.extend(email.utils.getaddresses([piece]))
        except RecursionError:  # not expected after flattening; a piece lost beats a crashed field
            continue
    return pairs


# The commonest plain forms, read here without the stdlib's character-by-character parser: "a@b.c",
# "a@b.c (Name)", "Name <a@b.c>", "\"Name\" <a@b.c>", "<a@b.c>" and comma lists of them. The character classes
# are the stdlib's own (email._parseaddr): an atom is anything but its specials, white space and line breaks
# (and, to stay clear of its escapes, a backslash); a phrase word may hold "."; a comment after an address is
# its display name, verbatim (several: joined by a space), when it holds no parenthesis, backslash or line
# break. Anything else (comments elsewhere, groups, routes, empty or name-only pieces, spaces inside the angle
# brackets) goes to the full reading below.
_ATOM = r"[^()<>@,:;.\"\[\]\\ \t\r\n]++"
_ADDR = rf"{_ATOM}(?:\.{_ATOM})*@{_ATOM}(?:\.{_ATOM})*"
_WORD = r'[^()<>@,:;"\[\]\\ \t\r\n]++|"[^"\\\r\n]*+"'
# Possessive (++, *+): a run of words must not be re-split on a failed match, which is exponential.
_COMMENT = r"\([^()\\\r\n]*+\)"
_PLAIN_PIECE = lazy_compile(rf"[ \t]*+(?:({_ADDR})((?:[ \t]*+{_COMMENT})*+)|((?:(?:{_WORD})[ \t]*+)*+)<({_ADDR})>)"
                            r"[ \t]*+(?:,|\Z)")
_PHRASE_WORD = lazy_compile(r'"([^"]*)"|([^ \t"]+)')
_COMMENT_TEXT = lazy_compile(r"\(([^()]*)\)")  # in a comment run _PLAIN_PIECE matched


def _plain(values: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """What the full reading gives for values made only of the plain forms above, else None. Each piece has
    an address of its own, so join_stray_phrases leaves them as they are; the stdlib joins a phrase's words
    (a quoted one without its quotes) with one space."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        pos, end = 0, len(value)
        if not end:
            return None
        while pos < end:
            found = _PLAIN_PIECE.match(value, pos)
            if found is None:
                return None
            bare, comments, phrase, routed = found.groups()
            if bare is not None:
                pairs.append((" ".join(_COMMENT_TEXT.findall(comments)) if comments else "", bare))
            else:
                words = [word.group(1) if word.group(1) is not None else word.group(2)
                         for word in _PHRASE_WORD.finditer(phrase)]
                pairs.append((" ".join(words), routed))
            pos = found.end()
            if value[pos - 1] == "," and pos == end:
                return None  # a trailing comma: the stdlib reads an empty address after it
    return pairs


def read_addresses(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(display name, address) pairs of every value, in order, display names not decoded. Never raises.

    Read the way mail clients show them: a stray comma does not split a display name.
    """
    plain = _plain(values)
    return plain if plain is not None else read_fully(values)


def read_fully(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """read_addresses without the plain-form shortcut (the reading it must agree with)."""
    prepared = [join_stray_phrases(v) for v in values]
    if not any(map(_hostile, prepared)):
        try:
            return email.utils.getaddresses(prepared)
        except RecursionError:
            pass  # nesting our count did not see: read piece by piece below
    pairs: list[tuple[str, str]] = []
    for value in prepared:
        pairs.extend(_read_pieces(value))
    return pairs
