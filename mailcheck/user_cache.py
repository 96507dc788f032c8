"""Where mailcheck keeps what it saves between runs: $XDG_CACHE_HOME/mailcheck, else ~/.cache/mailcheck."""

from __future__ import annotations

import contextlib
import os


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mailcheck")


def store(path: str, data: bytes) -> bool:
    """Write a cache file whole: to a temporary file beside it, then renamed over it, so that readers (other
    processes among them) see the old file or the new one, never part of one. False when it cannot be
    written (no writable cache directory): the caller simply works without the file."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True
