"""Tally's label counts: one flat count per (family, label), nested as before, with the family cap."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from mailcheck.commands.scan import tally
from mailcheck.commands.scan.tally import OTHER, Outcome, Tally


def _reference(outcomes: list[Outcome], cap: int) -> dict[str, Counter[str]]:
    """The nested count as Tally kept it before: a family first seen after `cap` others counts as OTHER."""
    nested: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        for family, label in outcome.labels:
            if family not in nested and len(nested) >= cap:
                family = OTHER
            nested.setdefault(family, Counter())[label] += 1
    return nested


@pytest.mark.parametrize(("cap", "fold_at"), [(tally.MAX_KEYS, tally._FOLD_AT), (7, 12), (3, 4)])
def test_labels_are_the_nested_counts_with_the_first_families_kept(monkeypatch: pytest.MonkeyPatch, cap: int,
                                                                   fold_at: int) -> None:
    monkeypatch.setattr(tally, "MAX_KEYS", cap)
    monkeypatch.setattr(tally, "_FOLD_AT", fold_at)
    rng = random.Random(5)
    outcomes = [Outcome(f"m{n}", {}, 1, "forged",
                        labels=tuple((f"family{rng.randrange(40)}", rng.choice(("validated", "forged", "unverifiable")))
                                     for _ in range(rng.randrange(12))))
                for n in range(300)]
    totals = Tally()
    for outcome in outcomes:
        totals.add(outcome)
        assert len(totals.label_pairs) <= fold_at + 12  # memory stays bounded by the cap
    assert totals.labels == _reference(outcomes, cap)
    assert list(totals.labels) == list(_reference(outcomes, cap))  # first-seen order, OTHER where it began
