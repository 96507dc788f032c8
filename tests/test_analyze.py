"""analyze(): every check is registered properly, and a crashing check never takes the report down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.messages import SAMPLES, build, run

from mailcheck import analyze as analyze_module
from mailcheck.analyze import Context, analyze
from mailcheck.checks import CHECK_MODULES, CHECKS
from mailcheck.model import Basis, Finding, Label


def test_every_check_is_documented_and_unique() -> None:
    assert len(CHECKS) == len(CHECK_MODULES)
    ids = [c.ID for c in CHECKS]
    assert len(set(ids)) == len(ids)
    for check in CHECKS:
        assert check.SUMMARY and callable(check.run)
        assert (check.__doc__ or "").strip(), f"{check.ID}: the module docstring is its documentation"


class _Crashing:
    ID = "crashing"
    SUMMARY = "a check that fails"

    @staticmethod
    def run(facts: object, ctx: object) -> Iterator[Finding]:
        raise RuntimeError("boom")
        yield  # pragma: no cover


def test_crashing_check_becomes_an_unverifiable_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mailcheck.checks.CHECKS", (*CHECKS, _Crashing))
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
