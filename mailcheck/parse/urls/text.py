"""URLs written in running text: http(s)/ftp URLs and www. hosts, with the sentence's punctuation trimmed."""

from __future__ import annotations

import re

_TRAILING = ".,;:!?"
_BARE_URL = re.compile(
    r"(?<![\w.+-])(?:https?|ftp)://[^\s<>\"]+"
    # www. hosts: not inside a path or an address (foo@www.example.com), and not the local part of an
    # address (www.example.com@example.com): possessive quantifiers stop the host from backing off the '@'.
    r"|(?<![\w.@/+-])www\.[\w-]++(?:\.[\w-]++)++(?!@)(?:[:/?#][^\s<>\"]*)?",
    re.IGNORECASE,
)
_CLOSERS = {")": "(", "]": "[", "}": "{"}
# Where a _BARE_URL match can start: its alternatives without their look-behinds. Searching for this and
# trying _BARE_URL only there finds the same matches several times faster than _BARE_URL.finditer, which
# tries the look-behinds at every position of the text (and most text holds no URL at all). The letters
# are matched as re.IGNORECASE matches them (ſ is the long s), but spelled out: with the flag the search
# could not skip ahead to the next h, f or w (tests/test_fast_paths.py checks the spelling).
_BARE_URL_START = re.compile(r"[hH][tT][tT][pP][sSſ]?://|[fF][tT][pP]://|[wW][wW][wW]\.")


def may_hold_urls(text: str) -> bool:
    """False when text holds no URL bare_urls could find; a quick test with no false negative.

    Every start _BARE_URL_START finds lower-cases to one of these (no other character lower-cases to
    h, t, p, f or w, and the long s follows "http"), and str.find is many times faster than the pattern."""
    low = text.lower()
    return "http" in low or "ftp://" in low or "www." in low


def _trim(url: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, and closing brackets that are unbalanced."""
    counts = {c: url.count(c) for c in "()[]{}"}  # counted once: trimming must stay linear
    end = len(url)
    while end:
        last = url[end - 1]
        unbalanced = last in _CLOSERS and counts[last] > counts[_CLOSERS[last]]
        if not (last in _TRAILING or last in "'\"" or unbalanced):
            break
        if last in counts:
            counts[last] -= 1
        end -= 1
    return url[:end]


def bare_urls(text: str) -> list[str]:
    """URLs written in running text: http(s)/ftp URLs and www. hosts, sentence punctuation trimmed."""
    found: list[str] = []
    if not may_hold_urls(text):
        return found
    pos = 0
    while (start := _BARE_URL_START.search(text, pos)) is not None:
        # The leftmost match begins at the first start where _BARE_URL matches (its look-behinds see the
        # text before pos); after it the search goes on from its end, as finditer's does.
        match = _BARE_URL.match(text, start.start())
        if match is None:
            pos = start.start() + 1
            continue
        pos = match.end()
        url = _trim(match.group(0))
        if url.endswith("://") or not url:
            continue
        found.append(url)
    return found
