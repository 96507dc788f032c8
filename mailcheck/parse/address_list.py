"""An address-list field split the way mail clients show it: a stray comma inside a display name joins it."""

from __future__ import annotations

# Phishing writes "Microsoft account team ,_<x@example.com>": RFC 5322 reads "Microsoft account team"
# as a broken address and "_" as the display name, but mail clients show everything before the '<'
# as one name. So a piece with no address of its own (no '@', no '<') joins the piece after it.


def pieces(value: str) -> list[str]:
    """The field cut at commas outside quotes, angle brackets and comments."""
    found: list[str] = []
    start = 0
    depth = 0  # parentheses
    angle = quoted = escaped = False
    for i, ch in enumerate(value):
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
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif depth:
            continue
        elif ch == "<":
            angle = True
        elif ch == ">":
            angle = False
        elif ch == "," and not angle:
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
