"""An incomplete report keeps its label; its reason, JSON and filter headers say what was not examined."""

from __future__ import annotations

import json

from mailcheck.model import Basis, Boundary, Finding, Label, Report, decide_verdict, not_examined
from mailcheck.reporters import headers
from mailcheck.reporters.json import render


def _f(name: str, label: Label, basis: Basis = Basis.CHECKED) -> Finding:
    return Finding(name, "v", label, ("because",), "test", basis)


CRASHED = _f("check:from", Label.UNVERIFIABLE, Basis.NOT_EXAMINED)


def _report(*fields: Finding) -> Report:
    verdict, reason = decide_verdict(fields)
    return Report("-", verdict, reason, fields, (), Boundary(0, None, "no hops"), (), (), not_examined(fields))


def test_a_forged_field_stays_forged_whatever_could_not_be_examined() -> None:
    fields = (CRASHED, _f("date", Label.FORGED), _f("from", Label.VALIDATED))
    assert decide_verdict(fields) == (Label.FORGED, "forged: date; incomplete: check:from")


def test_a_validated_identity_stays_validated_but_the_reason_says_incomplete() -> None:
    fields = (_f("from", Label.VALIDATED), _f("body-part[1]", Label.UNVERIFIABLE, Basis.NOT_EXAMINED))
    assert decide_verdict(fields) == (Label.VALIDATED, "sender identity validated: from; incomplete: body-part[1]")


def test_nothing_decided_and_something_not_examined_is_incomplete() -> None:
    label, reason = decide_verdict((CRASHED, _f("subject", Label.UNVERIFIABLE, Basis.UNCHECKABLE)))
    assert label is Label.UNVERIFIABLE and reason.startswith("incomplete: check:from could not be examined")


def test_offline_and_opt_in_are_the_readers_choice_not_gaps() -> None:
    fields = (_f("from", Label.UNVERIFIABLE, Basis.NOT_RUN), _f("subject", Label.UNVERIFIABLE, Basis.UNDECIDED))
    assert not not_examined(fields)
    assert "incomplete" not in decide_verdict(fields)[1]


def test_explicit_gaps_are_named_even_without_a_field() -> None:
    assert decide_verdict((), ("dns-budget",))[1].startswith("incomplete: dns-budget")


def test_a_report_built_the_old_way_is_complete() -> None:
    report = Report("-", Label.UNVERIFIABLE, "r", (), (), Boundary(0, None, "no hops"), ())
    assert report.complete and report.not_examined == ()
    assert "complete" not in json.loads(render(report))


def test_the_incomplete_header_is_its_own_and_cannot_be_reshaped() -> None:
    planted = _f("header:X; a=validated[0]", Label.UNVERIFIABLE, Basis.NOT_EXAMINED)
    report = _report(CRASHED, planted)
    added = headers.report_fields(report)
    assert added[0] == "X-Mailcheck-Verdict: unverifiable"  # one token: recipes keep matching
    assert added[1] == "X-Mailcheck-Incomplete: check:from; header:X%3B%20a%3Dvalidated[0]"
    data = json.loads(render(report))
    assert data["complete"] is False and data["not_examined"] == ["check:from", "header:X; a=validated[0]"]


def test_many_gaps_are_counted_in_the_header() -> None:
    gaps = tuple(_f(f"check:c{i}", Label.UNVERIFIABLE, Basis.NOT_EXAMINED) for i in range(headers.MAX_FIELDS + 3))
    field = headers.incomplete_field(_report(*gaps))
    assert field.endswith("(3 more not listed)")
    assert all(len(line) <= headers.LINE_LIMIT for line in field.split("\n"))
