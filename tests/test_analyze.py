"""analyze(): every check is registered properly, and a crashing check never takes the report down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.messages import SAMPLES, build, run

from mailcheck import checks as checks_package
from mailcheck import pipeline as analyze_module
from mailcheck.checks import CHECKS
from mailcheck.context import Context, Results
from mailcheck.model import Basis, Finding, Label
from mailcheck.pipeline import analyze
from mailcheck.reporters.headers import report_fields
from mailcheck.reporters.json import render


def test_every_check_module_is_registered_documented_and_unique() -> None:
    modules = {p.stem for p in Path(checks_package.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert {c.__name__.rsplit(".", 1)[1] for c in CHECKS} == modules  # type: ignore[attr-defined]
    ids = [c.ID for c in CHECKS]
    assert len(set(ids)) == len(ids)
    for check in CHECKS:
        assert check.SUMMARY and callable(check.run)
        assert (check.__doc__ or "").strip(), f"{check.ID}: the module docstring is its documentation"


class _Crashing:
    ID = "crashing"
    SUMMARY = "a check that fails"
    NEEDS = ()
    PROVIDES = ()

    @staticmethod
    def run(facts: object, ctx: object) -> Iterator[Finding]:
        raise RuntimeError("boom")
        yield  # pragma: no cover


def test_crashing_check_becomes_an_unverifiable_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mailcheck.pipeline.CHECKS", (*CHECKS, _Crashing))
    report = run(build("From: a@example.com\n"))
    crashed = [f for f in report.fields if f.name == "check:crashing"]
    assert crashed and crashed[0].label is Label.UNVERIFIABLE and crashed[0].basis is Basis.NOT_EXAMINED
    assert "boom" in crashed[0].evidence[0]
    assert any("crashing" in e for e in report.errors)
    with pytest.raises(RuntimeError):
        analyze(build("From: a@example.com\n"), Context(debug=True))


# flabbia.eml is forged by the date and received checks, and neither reads what _Crashing would have.
_FORGED = SAMPLES / "flabbia.eml"


def test_a_crashing_check_never_makes_a_verdict_better_than_the_other_checks_findings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = analyze(_FORGED.read_bytes(), Context())
    assert before.verdict is Label.FORGED and before.complete
    # the crash comes first, last, and in place of a check that found nothing forged
    for injected in ((_Crashing, *CHECKS), (*CHECKS, _Crashing),
                     tuple(_Crashing if c.ID == "urls" else c for c in CHECKS)):
        monkeypatch.setattr("mailcheck.pipeline.CHECKS", injected)
        report = analyze(_FORGED.read_bytes(), Context())
        assert report.verdict is Label.FORGED
        assert {f.name for f in report.fields if f.label is Label.FORGED} == {
            f.name for f in before.fields if f.label is Label.FORGED}
        assert report.verdict_reason.startswith(before.verdict_reason + "; incomplete: check:crashing")
        assert not report.complete and report.not_examined == ("check:crashing",)
        data = json.loads(render(report))
        assert data["verdict"] == "forged" and data["complete"] is False
        assert data["not_examined"] == ["check:crashing"]
        assert "X-Mailcheck-Incomplete: check:crashing" in report_fields(report)


def test_a_crashing_check_makes_an_unverifiable_verdict_say_incomplete(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mailcheck.pipeline.CHECKS", (*CHECKS, _Crashing))
    report = run(build("From: a@example.com\n"))
    assert report.verdict is Label.UNVERIFIABLE
    assert report.verdict_reason.startswith("incomplete: check:crashing could not be examined")


def test_every_check_crashing_still_yields_an_incomplete_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mailcheck.pipeline.CHECKS", (_Crashing,) * 7)
    report = run(build("From: a@example.com\n"))
    assert report.verdict is Label.UNVERIFIABLE and len(report.not_examined) == 7
    assert report.verdict_reason.startswith("incomplete: check:crashing, ") and "and 2 more" in report.verdict_reason


def test_a_failing_chain_parse_still_yields_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> object:
        raise ValueError("parser bug")

    monkeypatch.setattr("mailcheck.trust.build_chain", broken)
    report = analyze((SAMPLES / "clean.eml").read_bytes(), Context())
    assert report.hops == ()
    assert any("parser bug" in e for e in report.errors)
    assert analyze_module  # the module under test


@pytest.mark.parametrize(
    "raw",
    [b"", b"\x00\xff\xfe" * 100, b"From \n", b"no colon here\n\nbody", b"Subject: x", b"\r\n\r\n",
     b"From: a@b\r\nReceived: from x by y; garbage\r\n\r\n", b"A" * 100_000 + b": v\n\n"],
)
def test_bad_input_never_raises(raw: bytes) -> None:
    report = analyze(raw, Context())
    assert report.fields


def test_charset_names_that_are_not_codecs() -> None:
    for charset in (b"x-unknown", b"utf\x00-8", b"utf-8\xff"):
        raw = b"From: a@example.com\nContent-Type: text/plain; charset=" + charset + b"\n\nhttp://www.example.com/\n"
        report = analyze(raw, Context())
        assert not [e for e in report.errors if "crashed" in e], report.errors
        assert any(f.name == "url[0]" for f in report.fields)


def test_the_registry_runs_every_check_after_those_it_needs() -> None:
    provided: set[str] = set()
    fields = set(Results.__slots__)
    for check in CHECKS:
        assert set(check.NEEDS) <= provided, f"{check.ID} needs {set(check.NEEDS) - provided} before it runs"
        assert set(check.PROVIDES) <= fields, f"{check.ID} provides a result Results has no field for"
        assert not set(check.PROVIDES) & provided, f"{check.ID} provides what an earlier check provides"
        provided |= set(check.PROVIDES)
    assert provided == fields, f"no check provides {fields - provided}"
