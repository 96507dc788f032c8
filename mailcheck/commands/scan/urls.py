"""Telling a scan PATH that is a URL (scheme://…, read through fsspec) from a local path, without importing fsspec."""

from __future__ import annotations

import re

# Two or more scheme characters, so that a Windows drive ("C://x") is never taken for a URL.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")


def is_url(path: str) -> bool:
    return _URL.match(path) is not None


def is_imap_url(path: str) -> bool:
    """imap:// or imaps:// (imap_source.py reads these, not fsspec)."""
    return path[:8].lower().startswith(("imap://", "imaps://"))


def parse_storage_options(pairs: tuple[str, ...]) -> dict[str, object]:
    """--storage-option KEY=VALUE pairs → fsspec keyword arguments. A dotted key goes into a nested
    dict (client_kwargs.region_name=x); "true"/"false" and integers are converted, the rest are strings."""
    options: dict[str, object] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--storage-option {pair!r}: expected KEY=VALUE")
        value: object = text
        if text.lower() in ("true", "false"):
            value = text.lower() == "true"
        elif re.fullmatch(r"-?\d+", text):
            value = int(text)
        *parents, last = key.split(".")
        into = options
        for name in parents:
            nested = into.setdefault(name, {})
            if not isinstance(nested, dict):
                raise ValueError(f"--storage-option {pair!r}: {name} is already a value")
            into = nested
        into[last] = value
    return options
