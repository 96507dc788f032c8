"""Make untrusted text safe to show: no control characters, escape sequences, or invisible characters."""

from __future__ import annotations

import re
import unicodedata

from mailcheck.parse.lazy_pattern import lazy_compile

# Every character outside printable ASCII is looked at; most are letters and stay as they are.
_CANDIDATE = lazy_compile("[^ -~]")
_WHITE_SPACE = lazy_compile(r"[ \t\r\n]+")
# Shown as escapes: controls (C0, DEL, C1), format characters (bidi overrides and isolates,
# CVE-2021-42574 style, zero-width spaces and joiners, U+2060 word joiner, U+061C, tag characters),
# line and paragraph separators (U+2028/2029, which some terminals treat as new lines), and lone
# surrogates: a file name's undecodable byte arrives as U+DC80–U+DCFF (surrogateescape) and would
# reach the terminal as the raw byte (0x9b is an 8-bit CSI) or crash the encoder.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SURROGATE_BYTES = range(0xDC80, 0xDD00)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code in _SURROGATE_BYTES:
        return f"\\x{code - 0xDC00:02x}"  # the byte the name had on disk
    if unicodedata.category(char) not in _HIDDEN:
        return char
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe_text(value: str, limit: int | None = None) -> str:
    """One printable line: hidden characters shown as \\xNN / \\uNNNN escapes, white space runs
    folded, optionally cut."""
    text = _WHITE_SPACE.sub(" ", value)
    text = _CANDIDATE.sub(_escape, text).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text
