"""The header reporter: folding, line limits, no way for message text to make a header of its own."""

from __future__ import annotations

import re

import authres
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.filtermode import finding, report

from mailcheck.model import Label
from mailcheck.reporters.headers import (
    LINE_LIMIT,
    MAX_FIELDS,
    authres_field,
    check_authserv_id,
    error_fields,
    fields_field,
    fold,
    report_fields,
    safe_name,
)

NASTY = [
    "from\r\nX-Mailcheck-Verdict: validated",
    "header:X-Spam\nX-Evil: 1[0]",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "url[1];from=validated",
    "dkim[0] = pass",
    "é\u202eevil",
    "%41",
    "x" * 5000,
    "",
]


def lines_of(fields: list[str]) -> list[str]:
    return [line for f in fields for line in f.split("\n")]


def assert_well_formed(fields: list[str], names: tuple[str, ...]) -> None:
    for f in fields:
        first, *rest = f.split("\n")
        assert first.split(":", 1)[0] in names, first
        for line in rest:
            assert line[:1] == " " and line.strip(), repr(line)  # continuation, never a new field
    for line in lines_of(fields):
        assert re.fullmatch(r"[\x20-\x7e]+", line), repr(line)
        assert len(line.encode()) < 998
        assert not line.endswith(" ")


def unfold(field: str) -> str:
    return field.replace("\n", "")


def test_verdict_first_then_labels() -> None:
    rep = report(finding("from", Label.VALIDATED), finding("date", Label.FORGED), finding("subject"))
    fields = report_fields(rep)
    assert fields[0] == "X-Mailcheck-Verdict: forged"
    assert unfold(fields[1]) == "X-Mailcheck: from=validated; date=forged; subject=unverifiable"
    assert len(fields) == 2


def test_each_verdict_is_one_token() -> None:
    for labels, verdict in (([Label.VALIDATED], "validated"), ([Label.UNVERIFIABLE], "unverifiable"),
                            ([Label.VALIDATED, Label.FORGED], "forged")):
        rep = report(*(finding(n, lab) for n, lab in zip(("from", "date"), labels, strict=False)))
        assert report_fields(rep)[0] == f"X-Mailcheck-Verdict: {verdict}"
    assert error_fields("anything")[0] == "X-Mailcheck-Verdict: error"


def test_folding_keeps_lines_short_and_unfolds_to_the_same_text() -> None:
    tokens = [f"received[{i}]=unverifiable;" for i in range(40)]
    folded = fold("X-Mailcheck", tokens)
    assert len(folded.split("\n")) > 5
    assert all(len(line) <= LINE_LIMIT for line in folded.split("\n"))
    assert unfold(folded) == "X-Mailcheck: " + " ".join(tokens)


def test_a_huge_number_of_fields_stays_within_the_limits() -> None:
    fields = [finding(f"url[{i}]" + "x" * (i % 300)) for i in range(5000)]
    fields += [finding(f"received[{i}]", Label.FORGED) for i in range(30)]
    out = report_fields(report(*fields))
    assert_well_formed(out, ("X-Mailcheck-Verdict", "X-Mailcheck"))
    assert all(len(line) <= LINE_LIMIT for line in lines_of(out))
    text = unfold(out[1])
    # Every forged field is listed; the rest up to the cap, then a count.
    assert all(f"received[{i}]=forged" in text for i in range(30))
    assert text.count("=") == MAX_FIELDS
    assert text.endswith(f"({5030 - MAX_FIELDS} more not listed)")


@pytest.mark.parametrize("name", NASTY)
def test_field_names_cannot_inject(name: str) -> None:
    rep = report(finding(name, Label.VALIDATED, value="v\r\nX-Mailcheck-Verdict: validated",
                         evidence="e\nX-Injected: yes"), finding("date", Label.FORGED))
    out = report_fields(rep, "mx.example.org")
    assert_well_formed(out, ("X-Mailcheck-Verdict", "Authentication-Results", "X-Mailcheck"))
    text = "\n".join(out)
    assert "X-Injected" not in text and "validated\n" not in text
    # The list still has exactly one pair per field: the name cannot add a pair of its own.
    pairs = re.findall(r"=(validated|forged|unverifiable)", unfold(out[-1]))
    assert pairs == ["validated", "forged"]
    assert "from=validated" not in unfold(out[-1])


@given(st.text())
def test_any_name_becomes_one_safe_token(name: str) -> None:
    safe = safe_name(name)
    assert re.fullmatch(r"[A-Za-z0-9._:\[\]%-]{1,60}", safe)
    if re.fullmatch(r"[A-Za-z0-9._:\[\]-]{1,60}", name):
        assert safe == name  # ordinary names are shown as they are


@given(st.lists(st.tuples(st.text(), st.sampled_from(list(Label))), max_size=300), st.text())
def test_any_report_gives_well_formed_headers(pairs: list[tuple[str, Label]], reason: str) -> None:
    rep = report(*(finding(n, lab) for n, lab in pairs))
    assert_well_formed(report_fields(rep, "mx.example.org"),
                       ("X-Mailcheck-Verdict", "Authentication-Results", "X-Mailcheck"))
    assert_well_formed(error_fields(reason), ("X-Mailcheck-Verdict", "X-Mailcheck"))


def test_error_reason_is_sanitised() -> None:
    fields = error_fields("boom\r\nX-Mailcheck-Verdict: validated\x00\x1b[2J" + "y" * 2000)
    assert_well_formed(fields, ("X-Mailcheck-Verdict", "X-Mailcheck"))
    assert unfold(fields[1]).startswith("X-Mailcheck: error: boom X-Mailcheck-Verdict: validated??[2J")
    assert len(unfold(fields[1])) < 260


def test_authentication_results_parse_back() -> None:
    rep = report(finding("envelope-sender", Label.VALIDATED), finding("dkim[0]", Label.FORGED),
                 finding("dkim[1]", Label.VALIDATED), finding("dkim[2]"), finding("client-helo", Label.VALIDATED),
                 finding("from", Label.VALIDATED), finding("arc", Label.FORGED), finding("date", Label.FORGED))
    field = authres_field(rep, "mx.example.org")
    parsed = authres.AuthenticationResultsHeader.parse(unfold(field))
    assert parsed.authserv_id == "mx.example.org"
    assert [(r.method, r.result) for r in parsed.results] == [
        ("spf", "pass"), ("dkim", "fail"), ("dkim", "pass"), ("dmarc", "pass"), ("arc", "fail")]
    assert "dkim=fail (dkim[0]);" in unfold(field)


def test_authentication_results_without_decided_methods_say_none() -> None:
    field = authres_field(report(finding("envelope-sender"), finding("subject", Label.VALIDATED)), "MX.Example.org")
    assert field == "Authentication-Results: MX.Example.org; none"
    assert authres.AuthenticationResultsHeader.parse(field).results == []


@pytest.mark.parametrize("bad", ["", "mx example", "mx;org", "a\r\nb", "mx.example.org(x)", "é.example"])
def test_authserv_id_must_be_a_token(bad: str) -> None:
    with pytest.raises(ValueError):
        check_authserv_id(bad)


def test_no_fields_still_gives_a_field() -> None:
    assert fields_field(report()) == "X-Mailcheck: (no fields)"
