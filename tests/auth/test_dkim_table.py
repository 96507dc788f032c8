"""The DKIM and ARC label tables are complete: every outcome and every dkimpy exception has a row."""

from __future__ import annotations

import inspect
from typing import cast

import dkim

from mailcheck.auth.arc import KEY_OUTCOMES as ARC_KEY_OUTCOMES
from mailcheck.auth.arc import OUTCOME_LABELS as ARC_LABELS
from mailcheck.auth.arc import ArcOutcome
from mailcheck.auth.dkim_key import KeyProblem
from mailcheck.auth.dkim_result import (
    DKIMPY_EXCEPTIONS,
    KEY_OUTCOMES,
    OUTCOME_LABELS,
    SETTLED_FAILURES,
    DkimOutcome,
    outcome_for_exception,
)
from mailcheck.model import Basis, Label


def test_every_dkim_outcome_has_a_label() -> None:
    assert set(OUTCOME_LABELS) == set(DkimOutcome)


def test_only_hash_and_signature_mismatches_are_forged() -> None:
    forged = {o for o, (label, _) in OUTCOME_LABELS.items() if label is Label.FORGED}
    assert forged == {DkimOutcome.BODY_HASH_MISMATCH, DkimOutcome.SIGNATURE_MISMATCH}
    validated = {o for o, (label, _) in OUTCOME_LABELS.items() if label is Label.VALIDATED}
    assert validated == {DkimOutcome.VERIFIED}


def test_unverifiable_outcomes_say_why_nothing_decided() -> None:
    for outcome, (label, basis) in OUTCOME_LABELS.items():
        if label is Label.UNVERIFIABLE:
            expected = Basis.NOT_RUN if outcome is DkimOutcome.NOT_RUN else Basis.UNDECIDED
            assert basis is expected, outcome
        else:
            assert basis is Basis.CHECKED, outcome


def test_every_key_problem_maps_to_a_dkim_and_an_arc_outcome() -> None:
    assert set(KEY_OUTCOMES) == set(KeyProblem)
    assert set(ARC_KEY_OUTCOMES) == set(KeyProblem)
    for problem in KeyProblem:  # a key we cannot use is never evidence of forgery
        assert OUTCOME_LABELS[KEY_OUTCOMES[problem]][0] is Label.UNVERIFIABLE
        assert ARC_LABELS[ARC_KEY_OUTCOMES[problem]][0] is Label.UNVERIFIABLE


def test_every_dkimpy_exception_has_a_row() -> None:
    library: set[type[Exception]] = set()
    for _, obj in inspect.getmembers(dkim, inspect.isclass):
        if issubclass(obj, dkim.DKIMException):
            library.add(cast("type[Exception]", obj))  # dkimpy ships no types: issubclass cannot narrow
    assert len(library) >= 8  # DKIMException and its subclasses, as dkimpy 1.1 defines them
    assert library <= {kind for kind, _ in DKIMPY_EXCEPTIONS}
    for kind in library:  # and no row for a broader class shadows a narrower one
        assert outcome_for_exception(kind("x")) is dict(DKIMPY_EXCEPTIONS)[kind]
        assert OUTCOME_LABELS[outcome_for_exception(kind("x"))][0] is Label.UNVERIFIABLE
    assert outcome_for_exception(RuntimeError("x")) is DkimOutcome.ERROR


def test_a_body_an_mbox_may_have_quoted_is_never_forged() -> None:
    # The archive's >From quoting, not an attacker, may be why the body hash does not match.
    assert OUTCOME_LABELS[DkimOutcome.MBOX_QUOTED] == (Label.UNVERIFIABLE, Basis.UNDECIDED)
    assert ARC_LABELS[ArcOutcome.MBOX_QUOTED] == (Label.UNVERIFIABLE, Basis.UNDECIDED)


def test_settled_failures_are_decisions_about_the_signature() -> None:
    # DMARC treats these as final; none of them may depend on a key, the clock or the archive's quoting.
    assert DkimOutcome.VERIFIED not in SETTLED_FAILURES
    assert DkimOutcome.MBOX_QUOTED not in SETTLED_FAILURES
    assert not {o for o in SETTLED_FAILURES if o.value.startswith("key-")}
    assert {DkimOutcome.NO_KEY, DkimOutcome.DNS_FAILURE, DkimOutcome.EXPIRED, DkimOutcome.NOT_RUN,
            DkimOutcome.KEY_REVOKED}.isdisjoint(SETTLED_FAILURES)


def test_every_arc_outcome_has_a_label() -> None:
    assert set(ARC_LABELS) == set(ArcOutcome)
    forged = {o for o, (label, _) in ARC_LABELS.items() if label is Label.FORGED}
    assert forged == {ArcOutcome.SEAL_FAILED, ArcOutcome.AMS_FAILED}
    assert ARC_LABELS[ArcOutcome.NOT_RUN] == (Label.UNVERIFIABLE, Basis.NOT_RUN)
