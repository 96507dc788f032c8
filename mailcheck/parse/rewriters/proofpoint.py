"""Proofpoint URL Defense v1, v2 and v3 links decoded offline (providers.md §5; PP-DEC, PP-CARDI)."""

from __future__ import annotations

import base64
import re

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, param, percent_decode, plus_note

NAME = "Proofpoint URL Defense"
SOURCE = "PP-DEC, PP-CARDI"
_HOSTS = ("urldefense.proofpoint.com", "urldefense.com")
_VERSION = re.compile(r"/v([0-9]+)/")
# v3 run markers: "**X" stands for a run of index(X) + 2 replaced characters (A = 2 … _ = 65).
_RUN_LENGTH = {c: i + 2 for i, c in
               enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_V2_UNMANGLE = str.maketrans("-_", "%/")


def _matches(w: Wrapper) -> bool:
    # Exact hosts (urldefense.com also serves other pages): a version path marks a rewritten link.
    return w.host in _HOSTS and _VERSION.match(w.path) is not None


def _layer(version: str, target: str | None, notes: list[str]) -> Layer:
    return Layer(f"{NAME} v{version}", target, note="; ".join(notes), source=SOURCE)


def _unescape(text: str) -> str:
    import html  # its entity table costs ~1.5 ms to load: only for the few v1/v2 links

    return html.unescape(text)


def _v1(w: Wrapper) -> Layer:
    # PP-DEC: the target is the text between u= and &k=, percent-encoded, then HTML-escaped.
    found = param(w.query, "u", ("k",))
    if found is None or not found[0]:
        return _layer("1", None, ["malformed: it has no u= target"])
    notes: list[str] = []
    target = _unescape(percent_decode(found[0], notes))
    plus_note(target, notes)
    return _layer("1", target, notes)


def _v2(w: Wrapper) -> Layer:
    # PP-DEC, PP-CARDI: '%' was written '-' and '/' written '_'; the target never holds a raw '&'.
    found = param(w.query, "u", ("d", "c"))
    if found is None or not found[0]:
        return _layer("2", None, ["malformed: it has no u= target"])
    notes: list[str] = []
    target = _unescape(percent_decode(found[0].translate(_V2_UNMANGLE), notes))
    plus_note(target, notes)
    return _layer("2", target, notes)


def _base64url(text: str) -> bytes | None:
    """RFC 4648 §5 base64url with or without padding; None for anything else (garbage is not skipped)."""
    if not _BASE64URL.fullmatch(text):
        return None
    bare = text.rstrip("=")
    if len(bare) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))
    except ValueError:
        return None


def _byte_sizes(chars: str) -> list[int]:
    # Surrogate escapes stand for one byte that was not UTF-8; every other character for its UTF-8 length.
    return [1 if "\udc80" <= c <= "\udcff" else len(c.encode("utf-8")) for c in chars]


def substitute(mangled: str, replacement: bytes) -> tuple[str | None, list[str]]:
    """The v3 URL with its '*' and '**X' markers replaced from the replacement bytes, and notes.

    Run lengths count UTF-8 bytes (PP-CARDI's test vectors): whole characters are taken until the run's
    bytes are used up, and a character that straddles the end of a run counts against the next one. The
    byte goal is cumulative, which carries such a remainder forward without extra bookkeeping. One pass
    over the mangled text and the replacement: linear time."""
    chars = replacement.decode("utf-8", "surrogateescape")
    sizes = _byte_sizes(chars)
    out: list[str] = []
    goal = taken = used = pos = 0
    while (star := mangled.find("*", pos)) >= 0:
        out.append(mangled[pos:star])
        if mangled.startswith("**", star):
            marker = mangled[star + 2 : star + 3]
            if marker not in _RUN_LENGTH or not marker:
                return None, [f"malformed: '**' at offset {star} is not followed by a run-length letter"]
            goal += _RUN_LENGTH[marker]
            pos = star + 3
        else:
            goal += 1
            pos = star + 1
        while taken < goal:
            if used >= len(chars):
                return None, ["malformed: its markers ask for more replaced characters than the link carries"]
            out.append(chars[used])
            taken += sizes[used]
            used += 1
    out.append(mangled[pos:])
    notes: list[str] = []
    if used < len(chars):
        notes.append(f"{len(chars) - used} replaced characters were left over")
    target = "".join(out)
    if any("\udc80" <= c <= "\udcff" for c in chars[:used]):
        target = re.sub("[\udc80-\udcff]", "\ufffd", target)
        notes.append("replaced bytes that are not UTF-8 were shown as U+FFFD")
    return target, notes


def _v3(w: Wrapper) -> Layer:
    # https://urldefense.com/v3/__<mangled>__;<base64url>!!<org-id>!<token>$ (PP-DEC revision 3). The
    # mangled URL sits in the path unencoded, '?' and all, so it is read from the raw text.
    body = w.rest[len("/v3/__") :] if w.rest.startswith("/v3/__") else ""
    end = body.find("__;")
    if end <= 0:
        return _layer("3", None, ["malformed: no '__;' closes the wrapped URL"])
    bang = body.find("!", end + 3)
    if bang < 0:
        return _layer("3", None, ["malformed: no '!' closes its replaced characters"])
    replacement = _base64url(body[end + 3 : bang])
    if replacement is None:
        return _layer("3", None, ["malformed: its replaced characters are not base64url"])
    target, notes = substitute(body[:end], replacement)
    # The result keeps the target's own percent-escapes ('%' itself was a replaced character).
    return _layer("3", target, notes)


def _decode(w: Wrapper) -> Layer:
    match = _VERSION.match(w.path)
    version = match.group(1) if match else "?"
    decoder = {"1": _v1, "2": _v2, "3": _v3}.get(version)
    if decoder is None:
        return _layer(version, None, [f"opaque: URL Defense version {version} has no known decoding"])
    return decoder(w)


FAMILY = Family(NAME, SOURCE, _matches, _decode)
