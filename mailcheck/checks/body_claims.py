"""body-claims: what the body asserts — testimonials, "as seen on", names, prices, promises.

No machine can check these; they are listed as one field so the report never implies they were
checked. Phrases that typically carry such claims are quoted in the evidence to show the reader
what to weigh themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.pattern_cache import compile_pattern
from mailcheck.parse.urls import tags_to_spaces

ID = "body-claims"
SUMMARY = "claims in the body, which no machine can check"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()

# (kind, pattern, flags, starts, words): every match of a pattern begins with one of starts and contains,
# from each group of words, at least one (in lower case once the text is lower-cased). See _search. Each
# pattern is compiled the first time a body may match it (most bodies hold no start of most patterns, and a
# filter run reads one body).
_CLAIM_PATTERNS: tuple[tuple[str, str, int, tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = (
    ("endorsement", r"\bas (?:seen|featured|scen) (?:on|in)\s+[\w .&'-]{2,40}", re.I,
     ("as seen ", "as featured ", "as scen "), ()),
    ("guarantee", r"\b(?:100\s*%|money[- ]back|risk[- ]free)\s*(?:guaranteed?)?[^.\n]{0,40}", re.I,
     ("100", "money", "risk"), ()),
    # begins with a literal '"', which re itself skips ahead to: no starts
    ("testimonial", r"\"[^\"\n]{20,}\"\s*[-–—]?\s*[A-Z][a-z]+ [A-Z][a-z]*\.?,?", re.U, (), (('"',),)),
    ("urgency", r"\b(?:act now|limited time|don'?t miss|expires? (?:today|soon))\b[^.\n]{0,30}", re.I,
     ("act now", "limited time", "don't miss", "dont miss", "expire"), ()),
    ("account threat", r"\b(?:account|access)\b[^.\n]{0,30}\b(?:suspended|locked|limited|closed)\b", re.I,
     ("account", "access"), (("suspended", "locked", "limited", "closed"),)),
)
# The only characters outside ASCII that re.IGNORECASE matches to an ASCII letter or digit (a test checks
# this over all of Unicode).
_ASCII_LOOKALIKES = "\u0130\u0131\u017f\u212a"  # İ ı ſ K(elvin)


@cache
def _pattern(pattern: str, flags: int) -> re.Pattern[str]:
    return compile_pattern(pattern, flags)


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    texts = [p.text if p.content_type == "text/plain" else tags_to_spaces(p.text)
             for p in facts.message.text_parts]
    body = "\n".join(texts)
    evidence = ["what the body says is the sender's say-so; no machine can check it"]
    lowered = None if any(char in body for char in _ASCII_LOOKALIKES) else body.lower()
    for kind, pattern, flags, starts, words in _CLAIM_PATTERNS:
        match = _search(pattern, flags, starts, words, body, lowered)
        if match:
            evidence.append(f"{kind}: {' '.join(match.group(0).split())[:80]!r}")
    summary = f"{len(body.split())} words in {len(texts)} text part(s)" if texts else "no text body"
    yield Finding("body-claims", summary, Label.UNVERIFIABLE, tuple(evidence), ID, Basis.UNCHECKABLE)


def _search(pattern: str, flags: int, starts: tuple[str, ...], words: tuple[tuple[str, ...], ...], body: str,
            lowered: str | None) -> re.Match[str] | None:
    """re.search(pattern, body, flags), found more cheaply. A pattern that starts with \\b is tried at every
    position of the body, which made this the slowest check; finding where it can start with str.find is far
    cheaper, and a body without the words needs no search at all.

    lowered is body.lower() unless the body holds one of _ASCII_LOOKALIKES. Without them the pattern's letters
    can only match ASCII letters, which lower() turns into its own letters (and lower() keeps every position:
    only U+0130, one of them, lower-cases to two characters). So a match begins where lowered holds one of
    starts, and holds one word of each group. Bodies with a look-alike are always searched."""
    if lowered is None:
        return _pattern(pattern, flags).search(body)
    if not all(any(word in lowered for word in group) for group in words):
        return None
    if not starts:
        return _pattern(pattern, flags).search(body)
    found: set[int] = set()
    for start in starts:
        at = lowered.find(start)
        while at >= 0:
            found.add(at)
            at = lowered.find(start, at + 1)
    if not found:
        return None
    compiled = _pattern(pattern, flags)
    for at in sorted(found):  # the first start where the pattern matches is where search() finds it
        match = compiled.match(body, at)
        if match is not None:
            return match
    return None
