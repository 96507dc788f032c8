"""An address-list field split the way mail clients show it: a stray comma inside a display name joins it."""

from __future__ import annotations

from collections.abc import Iterator

# Phishing writes "Microsoft account team ,_<x@example.com>": RFC 5322 reads "Microsoft account team"
# as a broken address and "_" as the display name, but mail clients show everything before the '<'
# as one name. So a piece with no address of its own (no '@', no '<') joins the piece after it.


OPEN, CLOSE, TOP, INNER = "open", "close", "top", "inner"


def lexical(value: str) -> Iterator[tuple[str, str, int]]:
    """Each character with its kind and the comment depth after it: OPEN/CLOSE for a comment's
    parentheses, TOP outside quotes, comments and angle brackets, INNER anywhere else. The one reading
    of quotes, backslash escapes, comments and <…> that every splitter of an address list shares."""
    depth = 0
    angle = quoted = escaped = False
    for ch in value:
        kind = INNER
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == "(":
            depth += 1
            kind = OPEN
        elif ch == ")":
            depth = max(depth - 1, 0)
            kind = CLOSE
        elif depth:
            pass
        elif ch == "<":
            angle = True
        elif ch == ">":
            angle = False
        elif not angle:
            kind = TOP
        yield ch, kind, depth


def pieces(value: str) -> list[str]:
    """The field cut at commas outside quotes, angle brackets and comments."""
    found: list[str] = []
    start = 0
    for i, (ch, kind, _depth) in enumerate(lexical(value)):
        if kind is TOP and ch == ",":
            found.append(value[start:i])
            start = i + 1
    found.append(value[start:])
    return found


def _phrase_only(piece: str) -> bool:
    # ':' and ';' belong to RFC 5322 groups, which keep their own reading
    return bool(piece.strip()) and not any(ch in piece for ch in "@<:;")


def join_stray_phrases(value: str) -> str:
    """value with every comma that only splits a display name quoted into it; otherwise value unchanged."""
    if "," not in value or "<" not in value:
        return value
    parts = pieces(value)
    out: list[str] = []
    pending: list[str] = []
    changed = False
    for piece in parts:
        if _phrase_only(piece):
            pending.append(piece)
            continue
        if pending and "<" in piece:
            name, _lt, rest = piece.partition("<")
            phrase = ",".join([*pending, name]).strip()
            escaped = phrase.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f' "{escaped}" <{rest}')
            changed = True
        else:
            out.extend(pending)
            out.append(piece)
        pending = []
    out.extend(pending)
    return ",".join(out).strip() if changed else value
