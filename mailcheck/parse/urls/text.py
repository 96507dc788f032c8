"""URLs written in running text: http(s)/ftp URLs and www. hosts, with the sentence's punctuation trimmed."""

from __future__ import annotations

import re

from mailcheck.parse.lazy_pattern import lazy_compile

_TRAILING = ".,;:!?"
_BARE_URL = lazy_compile(
    r"(?<![\w.+-])(?:https?|ftp)://[^\s<>\"]+"
    # www. hosts: not inside a path or an address (foo@www.example.com), and not the local part of an
    # address (www.example.com@example.com): possessive quantifiers stop the host from backing off the '@'.
    r"|(?<![\w.@/+-])www\.[\w-]++(?:\.[\w-]++)++(?!@)(?:[:/?#][^\s<>\"]*)?",
    re.IGNORECASE,
)
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_TRIMMED = frozenset(_TRAILING + "'\")]}")  # the last characters _trim may take off
# Where a _BARE_URL match can start, once the text is lower-cased: no character but these ASCII letters
# lower-cases to h, t, p, f or w (and the long s, which re.IGNORECASE takes for s, follows "http"; tests check
# both). Finding them with str.find and trying _BARE_URL only there finds the same matches many times faster
# than _BARE_URL.finditer, which tries the look-behinds at every position (and most text holds no URL).
_STARTS = ("http", "ftp://", "www.")


def may_hold_urls(text: str) -> bool:
    """False when text holds no URL bare_urls could find; a quick test with no false negative."""
    low = text.lower()
    return "http" in low or "ftp://" in low or "www." in low


def _lowered(text: str) -> str:
    """text.lower() with every character where it was: U+0130, the one character lower() makes two, is
    replaced first (it is in no URL's start, and a space starts none)."""
    return (text.replace("\u0130", " ") if "\u0130" in text else text).lower()


def _trim(url: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, and closing brackets that are unbalanced."""
    if url[-1:] not in _TRIMMED:
        return url  # most URLs end in a letter, a digit or '/'
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
    if "." not in text and "://" not in text:
        return found  # every URL holds one; most text nodes of an HTML part hold neither
    low = _lowered(text)
    nexts = [low.find(start) for start in _STARTS]  # the next place each start is found, -1 when none is left
    pos = 0
    while True:
        # The leftmost match begins at the first start where _BARE_URL matches (its look-behinds see the
        # text before pos); after it the search goes on from its end, as finditer's does.
        at = -1
        for i, next_at in enumerate(nexts):
            if 0 <= next_at < pos:
                next_at = nexts[i] = low.find(_STARTS[i], pos)
            if next_at >= 0 and (at < 0 or next_at < at):
                at = next_at
        if at < 0:
            return found
        match = _BARE_URL.match(text, at)
        if match is None:
            pos = at + 1
            continue
        pos = match.end()
        url = _trim(match.group(0))
        if url and not url.endswith("://"):
            found.append(url)
