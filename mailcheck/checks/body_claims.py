"""body-claims: what the body asserts — testimonials, "as seen on", names, prices, promises.

No machine can check these; they are listed as one field so the report never implies they were
checked. Phrases that typically carry such claims are quoted in the evidence to show the reader
what to weigh themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import Basis, Finding, Label

if TYPE_CHECKING:
    from ..analyze import Context, Facts

ID = "body-claims"
SUMMARY = "claims in the body, which no machine can check"

_CLAIM_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("endorsement", re.compile(r"\bas (?:seen|featured|scen) (?:on|in)\s+[\w .&'-]{2,40}", re.I)),
    ("guarantee", re.compile(r"\b(?:100\s*%|money[- ]back|risk[- ]free)\s*(?:guaranteed?)?[^.\n]{0,40}", re.I)),
    ("testimonial", re.compile(r"\"[^\"\n]{20,}\"\s*[-–—]?\s*[A-Z][a-z]+ [A-Z][a-z]*\.?,?", re.U)),
    ("urgency", re.compile(r"\b(?:act now|limited time|don'?t miss|expires? (?:today|soon))\b[^.\n]{0,30}", re.I)),
    ("account threat", re.compile(r"\b(?:account|access)\b[^.\n]{0,30}\b(?:suspended|locked|limited|closed)\b", re.I)),
)
_HTML_TAG = re.compile(r"<[^>]*>")


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    texts = [p.text if p.content_type == "text/plain" else _HTML_TAG.sub(" ", p.text)
             for p in facts.message.text_parts]
    body = "\n".join(texts)
    evidence = ["what the body says is the sender's say-so; no machine can check it"]
    for kind, pattern in _CLAIM_PATTERNS:
        match = pattern.search(body)
        if match:
            evidence.append(f"{kind}: {' '.join(match.group(0).split())[:80]!r}")
    summary = f"{len(body.split())} words in {len(texts)} text part(s)" if texts else "no text body"
    yield Finding("body-claims", summary, Label.UNVERIFIABLE, tuple(evidence), ID, Basis.UNCHECKABLE)
