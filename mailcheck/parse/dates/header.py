"""The Date header's reading: the date engine's verdict worded for a date a mail program wrote."""

from __future__ import annotations

from datetime import datetime

from mailcheck.parse.dates.reading import is_contradiction, plain_moment, read_date
from mailcheck.parse.dates.zones import tz
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.value_types import NamedTuple

# RFC 5322 §4.3 obsolete zone names: old-fashioned, but they say exactly which offset is meant.
_OBSOLETE_ZONES = frozenset({"UT", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"})
_WHITE = lazy_compile(r"\s+")


class ParsedDate(NamedTuple):
    moment: datetime | None  # aware; None when there is no usable date
    impossible: str | None  # why no conforming software writes this (None when plausible)
    notes: tuple[str, ...] = ()  # oddities that are not contradictions (obsolete zone names, no zone)


def parse_date(text: str) -> ParsedDate:
    """A Date header value → its moment, or why no mail program could have written it.

    Unlike an MTA's Received date, a date with no usable zone is read as UTC (and noted): the sender's
    clock is only ever compared with receipt, and a zone-less date is still a date."""
    text = text.strip()
    # The common form matches before white space is tidied exactly when it matches after: its spaces are
    # single ones between other characters, which tidying leaves alone.
    moment = plain_moment(text)
    if moment is not None:
        return ParsedDate(moment, None)
    text = _WHITE.sub(" ", text)
    if not text:
        return ParsedDate(None, "the date is empty")
    reading = read_date(text)
    if reading.bad_zone is not None:
        return ParsedDate(None, f"the time-zone offset {reading.bad_zone} is impossible "
                                "(hhmm, mm < 60, |hh| <= 14)")
    contradiction = next((p for p in reading.problems if is_contradiction(p)), None)
    if contradiction is not None:
        return ParsedDate(None, contradiction)
    if reading.wall is None:
        return ParsedDate(None, "the text is not an RFC 5322 date-time")
    notes = []
    if reading.two_digit_year:
        notes.append("two-digit year (obsolete syntax, RFC 5322 §4.3)")
    offset = reading.offset
    if offset is None or not (reading.zone and (reading.zone[0] in "+-" or reading.zone.upper() in _OBSOLETE_ZONES)):
        notes.append("time zone not numeric")
    if offset is None:
        # a sender's clock is only compared with receipt: an unsigned "0530" most likely lost its '+',
        # and a date without a usable zone is read as UTC rather than thrown away
        offset = reading.unsigned_offset or 0
    return ParsedDate(reading.wall.replace(tzinfo=tz(offset)), None, tuple(notes))
