"""dates.parse_date: impossible dates are told apart from merely old-fashioned ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailcheck.parse.dates import parse_date, signed_duration


def test_rfc5322_date() -> None:
    parsed = parse_date("Tue, 10 Nov 2026 10:14:03 +0100")
    assert parsed.impossible is None
    assert parsed.moment == datetime(2026, 11, 10, 9, 14, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Fri, 17 Nov 2006 08:59:19 -0060", "-0060"),
        ("Fri, 17 Nov 2006 08:59:19 +1500", "+1500"),
        ("Fri, 31 Feb 2006 08:59:19 +0000", "out-of-range"),
        ("yesterday, around noon", "not an RFC 5322"),
        ("", "empty"),
        ("Wed, 4 Jun 207777777777777777777714 17:50:46 0", "out-of-range"),  # patchwork fuzz corpus
        (", 11 Sep 2016 23:20407080403080105:04 +0100", "out-of-range"),  # patchwork fuzz corpus
    ],
)
def test_impossible_dates(text: str, reason: str) -> None:
    parsed = parse_date(text)
    assert parsed.moment is None
    assert parsed.impossible is not None and reason in parsed.impossible


def test_obsolete_forms_are_noted_not_rejected() -> None:
    parsed = parse_date("Thu, 22 Aug 02 07:36:16 EDT")
    assert parsed.impossible is None and parsed.moment is not None
    assert parsed.moment.year == 2002
    assert any("two-digit" in n for n in parsed.notes)


def test_signed_duration_keeps_sign() -> None:
    assert signed_duration(-45) == "-45s"
    assert signed_duration(7380) == "+2h03m"
    assert signed_duration(-90000) == "-1d01h"


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    parse_date(text)
