"""Mailbox names as IMAP sends them: modified UTF-7 (RFC 3501 §5.1.3).

Printable US-ASCII stands for itself, except "&", which is written "&-"; every run of other characters
is its UTF-16 (big-endian) in base64 with "," for "/" and no padding, between "&" and "-". So
"Entwürfe" is sent as "Entw&APw-rfe" and "R&D" as "R&-D". Written here: imaplib sends a mailbox
argument as it is given, and the stdlib's "utf-7" codec differs (it uses "+", "/" and leaves "&" alone).
"""

from __future__ import annotations

import base64


def modified_utf7(name: str) -> str:
    """name as an IMAP mailbox name; ValueError for a name that has no UTF-16 form (a lone surrogate)."""
    out: list[str] = []
    other: list[str] = []
    for char in name:
        if " " <= char <= "~":
            if other:
                out.append(_shifted("".join(other)))
                other.clear()
            out.append("&-" if char == "&" else char)
        else:
            other.append(char)
    if other:
        out.append(_shifted("".join(other)))
    return "".join(out)


def _shifted(text: str) -> str:
    try:
        data = text.encode("utf-16-be")
    except UnicodeEncodeError as exc:
        raise ValueError(f"a mailbox name with a character IMAP cannot carry ({exc.reason})") from None
    return "&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-"
