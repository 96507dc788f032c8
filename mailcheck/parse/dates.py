"""RFC 5322 §3.3 date-time text → an aware datetime, or the reason no MTA or MUA could have written it."""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

_NUMERIC_ZONE = re.compile(r"([+-])(\d\d)(\d\d)\b")
_TWO_DIGIT_YEAR = re.compile(r"\b\d{1,2} [A-Za-z]{3,9} \d\d(?!\d)")
_OBSOLETE_ZONES = frozenset({"UT", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"})


@dataclass(frozen=True)
class ParsedDate:
    moment: datetime | None  # aware; None when there is no usable date
    impossible: str | None  # why no conforming software writes this (None when plausible)
    notes: tuple[str, ...] = ()  # oddities that are not contradictions (obsolete zone names, no zone)


def parse_date(text: str) -> ParsedDate:
    """Parse a date-time; 'impossible' covers zone offsets such as -0060 and out-of-range fields."""
    text = re.sub(r"\s+", " ", text.strip())
    if not text:
        return ParsedDate(None, "the date is empty")
    notes: list[str] = []
    zone = _NUMERIC_ZONE.search(text)
    if zone:
        hours, minutes = int(zone.group(2)), int(zone.group(3))
        # RFC 5322 §3.3: zone is +/-hhmm; minutes run 00-59, and no place on earth is beyond ±14 h.
        if minutes >= 60 or hours > 14:
            return ParsedDate(None, f"the time-zone offset {zone.group(0)} is impossible (hhmm, mm < 60, |hh| <= 14)")
    parts = email.utils.parsedate_tz(text)
    if parts is None:
        return ParsedDate(None, "the text is not an RFC 5322 date-time")
    year, month, day, hour, minute, second = parts[:6]
    offset = parts[9]
    if year < 100:  # RFC 5322 §4.3 obsolete two-digit years (the stdlib usually widens them already)
        year += 2000 if year < 50 else 1900
    if _TWO_DIGIT_YEAR.search(text):
        notes.append("two-digit year (obsolete syntax, RFC 5322 §4.3)")
    try:
        naive = datetime(year, month, day, hour, minute, min(second, 59))
    except (ValueError, OverflowError) as exc:  # fuzzed dates: 99999999999-digit years
        return ParsedDate(None, f"the date has out-of-range fields ({exc})")
    if offset is None:
        notes.append("no time zone given; read as UTC")
        offset = 0
    elif not zone and not any(z in text.upper().split() for z in _OBSOLETE_ZONES):
        notes.append("time zone not numeric")
    try:
        moment = naive.replace(tzinfo=timezone(timedelta(seconds=offset)))
    except (ValueError, OverflowError):
        return ParsedDate(None, f"the time-zone offset of {offset} s is impossible")
    return ParsedDate(moment, None, tuple(notes))


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def signed_duration(seconds: float) -> str:
    """'+2h03m', '-45s': a delay keeps its sign so a negative delay is visibly negative."""
    sign = "-" if seconds < 0 else "+"
    rest = int(abs(seconds))
    days, rest = divmod(rest, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d{hours:02d}h"
    if hours:
        return f"{sign}{hours}h{minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m{secs:02d}s"
    return f"{sign}{secs}s"
