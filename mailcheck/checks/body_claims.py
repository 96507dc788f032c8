"""body-claims: what the body asserts — testimonials, "as seen on", names, prices, promises.

No machine can check these; they are listed as one field so the report never implies they were
checked. Phrases that typically carry such claims are quoted in the evidence to show the reader
what to weigh themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.urls import tags_to_spaces

ID = "body-claims"
SUMMARY = "claims in the body, which no machine can check"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()

# (kind, pattern, words): every match of a case-insensitive pattern contains, from each group of words,
# at least one (in lower case once the text is lower-cased). See _search.
_CLAIM_PATTERNS: tuple[tuple[str, re.Pattern[str], tuple[tuple[str, ...], ...]], ...] = (
    ("endorsement", re.compile(r"\bas (?:seen|featured|scen) (?:on|in)\s+[\w .&'-]{2,40}", re.I),
     (("as seen ", "as featured ", "as scen "),)),
    ("guarantee", re.compile(r"\b(?:100\s*%|money[- ]back|risk[- ]free)\s*(?:guaranteed?)?[^.\n]{0,40}", re.I),
     (("100", "money", "risk"),)),
    ("testimonial", re.compile(r"\"[^\"\n]{20,}\"\s*[-–—]?\s*[A-Z][a-z]+ [A-Z][a-z]*\.?,?", re.U), ()),
    ("urgency", re.compile(r"\b(?:act now|limited time|don'?t miss|expires? (?:today|soon))\b[^.\n]{0,30}", re.I),
     (("act now", "limited time", "t miss", "expire"),)),
    ("account threat", re.compile(r"\b(?:account|access)\b[^.\n]{0,30}\b(?:suspended|locked|limited|closed)\b", re.I),
     (("account", "access"), ("suspended", "locked", "limited", "closed"))),
)
# The only characters outside ASCII that re.IGNORECASE matches to an ASCII letter or digit (a test checks
# this over all of Unicode).
_ASCII_LOOKALIKES = "\u0130\u0131\u017f\u212a"  # İ ı ſ K(elvin)


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    texts = [p.text if p.content_type == "text/plain" else tags_to_spaces(p.text)
             for p in facts.message.text_parts]
    body = "\n".join(texts)
    evidence = ["what the body says is the sender's say-so; no machine can check it"]
    lowered = None if any(char in body for char in _ASCII_LOOKALIKES) else body.lower()
    for kind, pattern, words in _CLAIM_PATTERNS:
        match = _search(pattern, words, body, lowered)
        if match:
            evidence.append(f"{kind}: {' '.join(match.group(0).split())[:80]!r}")
    summary = f"{len(body.split())} words in {len(texts)} text part(s)" if texts else "no text body"
    yield Finding("body-claims", summary, Label.UNVERIFIABLE, tuple(evidence), ID, Basis.UNCHECKABLE)


def _search(pattern: re.Pattern[str], words: tuple[tuple[str, ...], ...], body: str,
            lowered: str | None) -> re.Match[str] | None:
    """pattern.search(body), skipped when the body cannot match. A pattern that starts with \\b is tried
    at every position of the body, which made this the slowest check; a substring test is far cheaper.

    lowered is body.lower() unless the body holds one of _ASCII_LOOKALIKES. Without them the words' letters
    can only match ASCII letters, which lower() turns into the words' own letters, so the text of a match
    holds one word of each group once lowered. Bodies with a look-alike are always searched."""
    if lowered is not None and not all(any(word in lowered for word in group) for group in words):
        return None
    return pattern.search(body)
