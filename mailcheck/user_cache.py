"""Where mailcheck keeps what it saves between runs: $XDG_CACHE_HOME/mailcheck, else ~/.cache/mailcheck."""

from __future__ import annotations

import os


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mailcheck")
