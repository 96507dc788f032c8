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


def read_addresses(values: tuple[str, ...]) -> list[tuple[str, str]]:
    """(display name, address) pairs of every value, in order, display names not decoded. Never raises.

    Read the way mail clients show them: a stray comma does not split a display name.
    """
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
