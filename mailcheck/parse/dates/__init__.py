"""One date engine for the Date header and Received lines: reading, zones, and how evidence shows times."""

from mailcheck.parse.dates.display import signed_duration, utc_text
from mailcheck.parse.dates.header import ParsedDate, parse_date
from mailcheck.parse.dates.reading import DateReading, is_contradiction, plain_moment, read_date
from mailcheck.parse.dates.zones import GARBAGE, IMPOSSIBLE, ODD

__all__ = [
    "GARBAGE", "IMPOSSIBLE", "ODD", "DateReading", "ParsedDate", "is_contradiction", "parse_date",
    "plain_moment", "read_date", "signed_duration", "utc_text",
]
