"""Building mbox files, Maildirs and folders of messages for the sources and scan tests."""

from __future__ import annotations

import re
from pathlib import Path

SEPARATOR_DATE = "Wed Aug 21 12:34:56 2002"


def message(n: int, body: str = "Hello.\n", sender: str = "alice@example.net") -> bytes:
    """A small message without an mbox From line; n makes each one distinct."""
    return (f"From: Alice <{sender}>\nTo: bob@example.org\nSubject: message {n}\n"
            f"Message-ID: <{n}@example.net>\nDate: Wed, 21 Aug 2002 12:34:{n % 60:02d} +0000\n\n{body}").encode()


def quote_from(body: bytes) -> bytes:
    """mboxrd quoting (RFC 4155 appendix): '>'-prefix every line that starts with '>*From '."""
    return re.sub(rb"(?m)^(>*From )", rb">\1", body)


def mbox_entry(raw: bytes, sender: str = "alice@example.net", quote: bool = True) -> bytes:
    """One message as an mbox writer stores it: separator line, quoted message, no trailing blank."""
    return f"From {sender} {SEPARATOR_DATE}\n".encode() + (quote_from(raw) if quote else raw)


def mbox(entries: list[bytes], crlf: bool = False) -> bytes:
    """Entries (each starting with its From line) joined the usual way: a blank line after each."""
    data = b"".join((e if e.endswith(b"\n") else e + b"\n") + b"\n" for e in entries)
    return data.replace(b"\n", b"\r\n") if crlf else data


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def maildir(root: Path, cur: dict[str, bytes] | None = None, new: dict[str, bytes] | None = None,
            tmp: dict[str, bytes] | None = None) -> Path:
    for sub, files in (("cur", cur), ("new", new), ("tmp", tmp)):
        (root / sub).mkdir(parents=True, exist_ok=True)
        for name, data in (files or {}).items():
            (root / sub / name).write_bytes(data)
    return root
