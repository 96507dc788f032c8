"""Make untrusted text safe to show: no control characters, escape sequences or bidi overrides."""

from __future__ import annotations

import re

# C0 controls (tab and newline too: a value is shown on one line), DEL, C1 controls, and the
# bidirectional overrides/isolates that can reorder what a terminal shows (CVE-2021-42574 style).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in "\t\n\r":
        return " "
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(value: str, limit: int | None = None) -> str:
    """One printable line: controls shown as \\xNN escapes, white space runs folded, optionally cut."""
    text = re.sub(r"[ \t\r\n]+", " ", value)
    text = _UNSAFE.sub(_escape, text).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text
