"""The date engine: impossible dates are told apart from merely old-fashioned ones, for Date and Received alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailcheck.parse.dates import is_contradiction, parse_date, plain_moment, read_date, signed_duration
from mailcheck.parse.received import parse_received


def test_rfc5322_date() -> None:
    parsed = parse_date("Tue, 10 Nov 2026 10:14:03 +0100")
    assert parsed.impossible is None
    assert parsed.moment == datetime(2026, 11, 10, 9, 14, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Fri, 17 Nov 2006 08:59:19 -0060", "-0060"),
        ("Fri, 17 Nov 2006 08:59:19 +1500", "+1500"),
        ("Fri, 31 Feb 2006 08:59:19 +0000", "Feb 2006 has 28 days"),
        ("yesterday, around noon", "not an RFC 5322"),
        ("", "empty"),
        ("Wed, 4 Jun 207777777777777777777714 17:50:46 0", "not an RFC 5322"),  # patchwork fuzz corpus
        (", 11 Sep 2016 23:20407080403080105:04 +0100", "not an RFC 5322"),  # patchwork fuzz corpus
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


def test_twelve_hour_clock_is_read_as_written() -> None:
    # Regression: stdlib parsedate_tz took "AM" for the zone and dropped +1000, so the Date check saw a
    # message written at 10:00 UTC instead of 00:00 UTC (a 9 h 55 min "forgery" of honest mail).
    parsed = parse_date("Mon, 2 Nov 2020 10:00:00 AM +1000")
    assert parsed.impossible is None
    assert parsed.moment == datetime(2020, 11, 2, 0, 0, 0, tzinfo=UTC)
    assert parse_date("Mon, 2 Nov 2020 10:00:00 PM +1000").moment == datetime(2020, 11, 2, 12, 0, 0, tzinfo=UTC)
    assert parse_date("Mon, 2 Nov 2020 12:30:00 AM +0000").moment == datetime(2020, 11, 2, 0, 30, 0, tzinfo=UTC)


def test_a_wrong_weekday_reads_alike_in_date_and_received() -> None:
    # Regression: the Date check accepted a weekday the date does not fall on, which Received called
    # impossible. One rule now for both: odd (noted), not a contradiction — people, scripts and Y2K-era
    # software write such dates, and the stalwart and notmuch fixtures hold honest ones.
    text = "Fri, 16 Dec 2010 16:49:59 +0100"  # 16 Dec 2010 was a Thursday
    parsed = parse_date(text)
    assert parsed.impossible is None and parsed.moment == datetime(2010, 12, 16, 15, 49, 59, tzinfo=UTC)
    reading = read_date(text)
    assert reading.when == parsed.moment
    notes = [p for p in reading.problems if "was a Thursday" in p]
    assert notes and not any(is_contradiction(p) for p in notes)
    hop = parse_received(f"from a.example.com ([192.0.2.1]) by mx.example.com with esmtp; {text}")
    assert hop.timestamp == parsed.moment and any("was a Thursday" in p for p in hop.problems)


def test_signed_duration_keeps_sign() -> None:
    assert signed_duration(-45) == "-45s"
    assert signed_duration(7380) == "+2h03m"
    assert signed_duration(-90000) == "-1d01h"


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    parse_date(text)


def test_forms_mail_programs_really_write_are_not_called_impossible() -> None:
    # a locale's dots in the time, and a zone whose '+' was lost: odd, but some program wrote them
    assert parse_date("Mon, 15 Aug 2005 02.01.47 +0200").moment == datetime(2005, 8, 15, 0, 1, 47, tzinfo=UTC)
    assert parse_date("Fri, 02 Aug 2002 23:37:59 0530").moment == datetime(2002, 8, 2, 18, 7, 59, tzinfo=UTC)
    assert any("dots" in p and not is_contradiction(p) for p in read_date("Mon, 15 Aug 2005 02.01.47 +0200").problems)


@pytest.mark.parametrize(("text", "plain"), [
    ("Mon, 22 Jul 2002 16:18:03 +0100", True), ("22 Jul 2002 16:18:03 -0000 (GMT)", True),
    ("Xyz, 22 Jul 2002 16:18:03 +0100", True), ("Tue, 22 Jul 2002 16:18:03 +0100", False),
    ("Mon, 31 Feb 2002 16:18:03 +0100", False), ("Mon, 22 Jul 2002 23:59:60 +0100", False),
    ("Mon, 22 Jul 2002 24:00:00 +0100", False), ("Mon, 22 Jul 2002 16:18:03 -0060", False),
    ("Mon, 22 Jul 2002 16:18:03 +1500", False), ("Mon, 22 Jux 2002 16:18:03 +0100", False),
    ("Mon, 22 Jul 0000 16:18:03 +0100", False), ("Mon, 22 Jul 02 16:18:03 +0100", False),
])
def test_the_plain_reading_is_read_date_or_nothing(text: str, plain: bool) -> None:
    # plain_moment answers only for dates with nothing to report, and then exactly as read_date does
    moment = plain_moment(text)
    assert (moment is not None) is plain
    if moment is not None:
        reading = read_date(text)
        assert reading.problems == [] and moment == reading.when
        assert reading.when is not None and moment.tzinfo is reading.when.tzinfo


def test_a_date_header_in_the_plain_form_reads_as_before() -> None:
    assert parse_date("  Mon, 22 Jul 2002 16:18:03 +0100\t(BST) ") == parse_date("Mon, 22 Jul 2002 16:18:03 +0100")
    assert parse_date("Tue, 22 Jul 2002 16:18:03 +0100").moment is not None  # a wrong weekday is only odd
