"""One way for an engine's result to carry its label: an outcome enum and a complete table to (Label, Basis).

DESIGN §2: each third-party vocabulary is translated into labels by one table per check. DKIM, ARC and
DMARC each keep their own table; this module gives them the same shape, so a result's `label` and
`basis` are read the same way everywhere and a table missing a row fails at import, not on the one
message that meets it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar

from mailcheck.model import Basis, Label

OutcomeT = TypeVar("OutcomeT", bound=Enum)

LabelRow = tuple[Label, Basis]

CHECKED_VALID: LabelRow = (Label.VALIDATED, Basis.CHECKED)
CHECKED_FORGED: LabelRow = (Label.FORGED, Basis.CHECKED)
UNDECIDED: LabelRow = (Label.UNVERIFIABLE, Basis.UNDECIDED)  # checked, and nothing decided
NOT_RUN: LabelRow = (Label.UNVERIFIABLE, Basis.NOT_RUN)  # not checked at all (offline)


class OutcomeTable(Mapping[OutcomeT, LabelRow], Generic[OutcomeT]):
    """A read-only map from every member of an outcome enum to its (Label, Basis)."""

    def __init__(self, vocabulary: type[OutcomeT], rows: Mapping[OutcomeT, LabelRow]) -> None:
        missing = [o.value for o in vocabulary if o not in rows]
        if missing:
            raise ValueError(f"{vocabulary.__name__} outcomes without a label row: {', '.join(missing)}")
        self.vocabulary = vocabulary
        self._rows = dict(rows)

    def __getitem__(self, outcome: OutcomeT) -> LabelRow:
        return self._rows[outcome]

    def __iter__(self) -> Iterator[OutcomeT]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def label(self, outcome: OutcomeT) -> Label:
        return self._rows[outcome][0]

    def basis(self, outcome: OutcomeT) -> Basis:
        return self._rows[outcome][1]


class LabelledByOutcome(Generic[OutcomeT]):
    """Mixin for a result NamedTuple with an `outcome` field: `label` and `basis` come from LABELS.

    The subclass sets LABELS to its OutcomeTable. (A ClassVar cannot name the type variable, hence Any
    there; OutcomeTable's constructor is what ties the table to the enum.)
    """

    __slots__ = ()  # mixed into NamedTuples, which have no __dict__ to give it
    LABELS: ClassVar[OutcomeTable[Any]]
    outcome: OutcomeT

    @property
    def label(self) -> Label:
        return self.LABELS.label(self.outcome)

    @property
    def basis(self) -> Basis:
        return self.LABELS.basis(self.outcome)
