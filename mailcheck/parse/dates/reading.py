"""Date text (RFC 5322 §3.3, the obsolete forms of §4.3, and what MTAs and MUAs really write) → a reading
that tells impossible values (31 February, -0060) from merely odd forms (a wrong weekday, dots)."""

from __future__ import annotations

import calendar
from datetime import datetime

from mailcheck.parse.dates.zones import GARBAGE, IMPOSSIBLE, ODD, read_zone, tz
from mailcheck.parse.lazy_pattern import lazy_compile

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_abbr)}
# The spellings _COMMON_DATE admits ([A-Z][a-z]{2}), as written: spares lower() and a slice per date.
_MONTH_NAMES = {m: i for i, m in enumerate(calendar.month_abbr) if m}
_WEEKDAY_NAMES = {d: i for i, d in enumerate(calendar.day_abbr)}
# The form nearly every MTA and MUA writes: "Mon, 22 Jul 2002 16:18:03 +0100".
_COMMON_DATE = lazy_compile(
    r"(?:([A-Z][a-z]{2}), )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-]\d{4})\b"
)
_RFC_DATE = lazy_compile(
    r"(?:(?P<wd>[A-Za-z]{3})[a-z]*\.?,?\s*)?"
    r"(?P<d>\d{1,2})[\s-]+(?P<mon>[A-Za-z]{3})[a-z]*\.?[\s-]+(?P<y>\d{1,4}),?\s+"
    # "02.01.47": some mail programs write the time with the locale's separator (dots)
    r"(?P<H>\d{1,2})(?P<sep>[:.])(?P<M>\d{1,2})(?:(?P=sep)(?P<S>\d{1,2})(?:\.\d+)?)?"
    r"(?:\s*(?P<ap>[AaPp][Mm])\b)?"
    r"(?:\s*(?P<zone>[+-]\d{1,2}:?\d{2}\b|\d{4}\b|[A-Za-z]{1,5}\b))?"
)
# ctime()-style "Sun Nov 13 14:50:12 2005" and "Fri Sep 14 14:36:56 EDT 2018", and the ratware form
# "Aug, 01 2002 6:53:40 PM -0000": month before day.
_MONTH_FIRST = lazy_compile(
    r"(?:(?P<wd>[A-Za-z]{3})[a-z]*,?\s+)?(?P<mon>[A-Za-z]{3})[a-z]*,?\s+(?P<d>\d{1,2}),?\s+"
    r"(?:(?P<y1>\d{4})\s+)?"
    r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ap>[AaPp][Mm])\b)?"
    r"(?:\s+(?P<zone1>[A-Za-z]{1,5}|[+-]\d{4})\b)?(?:\s+(?P<y2>\d{4})\b)?"
    r"(?:\s+(?P<zone2>[+-]\d{4}|[A-Za-z]{1,5})\b)?"
)


class DateReading:
    """One reading of a date text. `problems` start with IMPOSSIBLE, GARBAGE or ODD (see zones.py)."""

    __slots__ = ("bad_zone", "offset", "problems", "two_digit_year", "unsigned_offset", "wall", "zone")

    def __init__(self) -> None:  # read_date fills it in as it reads
        self.wall: datetime | None = None  # the date and time as written (naive), when they name a real moment
        self.offset: int | None = None  # minutes east of UTC, when the zone says
        self.unsigned_offset: int | None = None  # "0530": the offset the zone means if its '+' was left out
        self.zone: str | None = None  # the zone text as written
        self.bad_zone: str | None = None  # the zone text when it is an offset no place has (even if more is wrong)
        self.two_digit_year = False  # RFC 5322 §4.3 obsolete year ("02 Aug 02")
        self.problems: list[str] = []

    @property
    def when(self) -> datetime | None:
        """The moment, timezone-aware; None unless both the wall-clock time and the zone are known."""
        if self.wall is None or self.offset is None:
            return None
        return self.wall.replace(tzinfo=tz(self.offset))


def is_contradiction(problem: str) -> bool:
    """True for problems no software produces (impossible values, garbage); False for mere oddities."""
    return problem.startswith((IMPOSSIBLE, GARBAGE))


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        return year + (2000 if year < 50 else 1900)  # RFC 5322 §4.3
    if len(text) == 3:
        return year + 1900
    return year


def _wall(
    wd: str | None, day: int, mon: str, year: int, hour: int, minute: int, second: int,
    ampm: str | None, text: str, problems: list[str],
) -> datetime | None:
    """The naive date and time, or None with the reason in problems."""
    month = _MONTHS.get(mon.lower()[:3])
    if month is None:
        problems.append(f"{ODD}: unparseable date {text!r} (no month name)")
        return None
    if ampm:
        if not 1 <= hour <= 12:
            problems.append(f"{IMPOSSIBLE} time in {text!r}: hour {hour} with {ampm.upper()}")
            return None
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    if year < 1 or year > 9999:
        problems.append(f"{IMPOSSIBLE} date {text!r}: year {year}")
        return None
    if hour > 23 or minute > 59 or second > 60:
        problems.append(f"{IMPOSSIBLE} time in {text!r}")
        return None
    second = min(second, 59)  # a leap second (RFC 5322 §3.3 allows 60) is placed on :59
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        problems.append(f"{IMPOSSIBLE} date {text!r}: {calendar.month_abbr[month]} {year} has {last} days")
        return None
    if wd:
        # RFC 5322 §3.3: the day-of-week, when given, must be the one the date falls on. A mismatch breaks the
        # rule, but people, scripts and Y2K-era software ("0102") write it, so it is odd, not a contradiction:
        # one rule for Date and Received, and "could not check" is never "forged".
        want = _WEEKDAYS.get(wd.lower()[:3])
        actual = naive.weekday()
        if want is not None and want != actual:
            problems.append(
                f"{ODD}: the weekday does not match the date ({day} {calendar.month_abbr[month]} {year} was a "
                f"{calendar.day_name[actual]}, not {calendar.day_name[want]}); software computes the weekday, "
                "so a person or a broken program wrote this date"
            )
    return naive


def _finish(reading: DateReading, zone: str | None, wall: datetime | None) -> None:
    reading.zone = zone
    found = read_zone(zone)
    if found.impossible:
        reading.bad_zone = zone
    if wall is None:
        return  # the first thing wrong is reported, not every one (as before: no zone note on a bad date)
    reading.wall, reading.offset, reading.unsigned_offset = wall, found.offset, found.unsigned
    if found.problem:
        reading.problems.append(found.problem)


def plain_moment(text: str) -> datetime | None:
    """The moment of a date in the common form with nothing odd about it (a real date and time, a possible
    numeric zone, the right weekday or a word that is none), exactly as read_date(text).when reads it, with no
    problems; None when read_date must read it (any other form, or anything to report)."""
    m = _COMMON_DATE.match(text)
    if m is None:
        return None
    wd, day, mon, year, hour, minute, second, zone = m.groups()
    month = _MONTH_NAMES.get(mon)
    h, mi, s = int(hour), int(minute), int(second)
    if month is None or h > 23 or mi > 59 or s > 59:
        return None
    found = read_zone(zone)
    if found.offset is None or found.problem is not None:
        return None
    try:
        moment = datetime(int(year), month, int(day), h, mi, s, tzinfo=tz(found.offset))
    except ValueError:  # year 0, 31 February: read_date words the problem
        return None
    if wd is not None:
        want = _WEEKDAY_NAMES.get(wd)
        if want is not None and want != moment.weekday():
            return None
    return moment


def read_date(text: str) -> DateReading:
    """Read a date text (white space already collapsed) in the forms MTAs and mail programs write."""
    reading = DateReading()
    problems = reading.problems
    m = _COMMON_DATE.match(text)
    if m:
        wd, day, mon, year, hour, minute, second, zone = m.groups()
        wall = _wall(wd, int(day), mon, int(year), int(hour), int(minute), int(second), None, text, problems)
        _finish(reading, zone, wall)
        return reading
    m = _RFC_DATE.match(text)
    if m:
        reading.two_digit_year = len(m["y"]) <= 2
        wall = _wall(m["wd"], int(m["d"]), m["mon"], _year(m["y"]), int(m["H"]), int(m["M"]),
                     int(m["S"] or 0), m["ap"], text, problems)
        _finish(reading, m["zone"], wall)
        if m["sep"] == ".":
            problems.append(f"{ODD}: the time is written with dots, which RFC 5322 §3.3 does not allow")
        if m["ap"]:
            problems.append(f"{ODD}: 12-hour clock in the date, which RFC 5322 §3.3 does not allow")
        return reading
    m = _MONTH_FIRST.match(text)
    if m and (m["y1"] or m["y2"]):
        problems.append(f"{ODD}: date {text!r} is not in RFC 5322 form (month before day)")
        wall = _wall(m["wd"], int(m["d"]), m["mon"], _year(m["y1"] or m["y2"]), int(m["H"]), int(m["M"]),
                     int(m["S"] or 0), m["ap"], text, problems)
        _finish(reading, m["zone1"] or m["zone2"], wall)
        return reading
    problems.append(f"{ODD}: unparseable date {text!r}")
    return reading
