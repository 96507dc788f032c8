"""body_claims._search finds exactly what pattern.search finds, where the matches can start included."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.checks import body_claims

_PIECES = st.sampled_from([
    "As Seen On", "as scen in", "AS FEATURED IN", " TV", "x", "100 %", "100%", "1000", "Money back", "money-Back",
    "RISK-free", "risk", " guaranteed", "Act Now", "act nowhere", "limited time", "DONT MISS", "don't miss", "dont",
    "Expires soon", "expire today", "expired", "Account", "accounts", "access ", "xaccess", " suspended", "Locked",
    "limited", "closed", "\"", "a quote here, long enough", "\" - John Smith", ".", "\n", " ", "ſ", "K", "ı", "é",
])


@settings(max_examples=1000)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_search_finds_what_a_plain_search_finds(body: str) -> None:
    lowered = None if any(c in body for c in body_claims._ASCII_LOOKALIKES) else body.lower()
    for _kind, pattern, flags, starts, words in body_claims._CLAIM_PATTERNS:
        found = body_claims._search(pattern, flags, starts, words, body, lowered)
        expected = re.search(pattern, body, flags)
        assert (found and found.span()) == (expected and expected.span())


def test_a_match_needs_a_word_boundary_before_its_start() -> None:
    row = next(row for row in body_claims._CLAIM_PATTERNS if row[0] == "account threat")
    body = "xaccount locked; then your account was suspended"
    found = body_claims._search(*row[1:], body, body.lower())
    assert found is not None and found.group(0) == "account was suspended"
