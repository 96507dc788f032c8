"""analyze(): every check is registered properly, and a crashing check never takes the report down."""

from __future__ import annotations

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
    assert crashed and crashed[0].label is Label.UNVERIFIABLE and crashed[0].basis is Basis.UNDECIDED
    assert "boom" in crashed[0].evidence[0]
    assert any("crashing" in e for e in report.errors)
    with pytest.raises(RuntimeError):
        analyze(build("From: a@example.com\n"), Context(debug=True))


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
    fields = set(Results.__dataclass_fields__)
    for check in CHECKS:
        assert set(check.NEEDS) <= provided, f"{check.ID} needs {set(check.NEEDS) - provided} before it runs"
        assert set(check.PROVIDES) <= fields, f"{check.ID} provides a result Results has no field for"
        assert not set(check.PROVIDES) & provided, f"{check.ID} provides what an earlier check provides"
        provided |= set(check.PROVIDES)
    assert provided == fields, f"no check provides {fields - provided}"
