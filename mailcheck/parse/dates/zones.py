"""Time-zone text in a date (RFC 5322 §3.3 offsets, §4.3 obsolete names) → minutes east of UTC."""

from __future__ import annotations

from datetime import timedelta, timezone
from functools import lru_cache

from mailcheck.value_types import NamedTuple

# Every problem text starts with one of these words, so that a caller can tell the kinds apart.
# Contradictions are values no software writes (a checker may call the text forged on them);
# oddities are forms no standard describes, worth mentioning and no more.
IMPOSSIBLE = "impossible"
GARBAGE = "no MTA writes"
ODD = "odd"

# RFC 5322 §4.3 zone names, plus a few unambiguous ones MTAs print. Military letters count as -0000.
ZONE_NAMES = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "cet": 60, "cest": 120, "met": 60,
    "mest": 120, "bst": 60, "eet": 120, "eest": 180, "wet": 0, "west": 60, "jst": 540, "kst": 540,
    "hkt": 480, "sgt": 480, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780, "akst": -540,
    "akdt": -480, "hst": -600,
}


class Zone(NamedTuple):
    """What a date's zone text says."""

    offset: int | None  # minutes east of UTC; None when absent, unknown or impossible
    problem: str | None = None  # why no offset could be read (an oddity, or an impossible offset)
    impossible: bool = False  # a numeric offset no place on earth has (-0060, +1500)
    numeric: bool = False  # written as a signed number (+hhmm), the only form RFC 5322 §3.3 allows
    unsigned: int | None = None  # for "0530" (no sign): the offset it means if the '+' was left out


@lru_cache(maxsize=1024)  # Zone is frozen, and a few dozen zone texts make up nearly every date
def read_zone(zone: str | None) -> Zone:
    """Read the zone text that follows the time; `zone` is None when the date has none."""
    if not zone:
        return Zone(None, f"{ODD}: the date has no time zone")
    if zone.isdigit():
        hours, minutes = int(zone[:-2] or "0"), int(zone[-2:])
        guess = hours * 60 + minutes if minutes < 60 and hours <= 14 else None
        return Zone(None, f"{ODD}: zone offset {zone} has no sign", unsigned=guess)
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        if len(digits) != 4:
            return Zone(None, f"{ODD}: zone offset {zone} is not four digits (RFC 5322 §3.3)")
        hours, minutes = int(digits[:2]), int(digits[2:])
        # RFC 5322 §3.3: "mm" are minutes, so 60 or more cannot occur; real zones span -12..+14 h.
        if minutes >= 60 or hours > 14:
            return Zone(None, f"{IMPOSSIBLE} zone offset {zone}: no time zone is {hours} h {minutes} min "
                              "from UTC", impossible=True, numeric=True)
        sign = -1 if zone[0] == "-" else 1
        return Zone(sign * (hours * 60 + minutes), numeric=True)
    low = zone.lower()
    if low in ZONE_NAMES:
        return Zone(ZONE_NAMES[low])
    if len(low) == 1 and low != "j":
        return Zone(0)  # RFC 5322 §4.3: military zone letters are to be read as -0000
    return Zone(None, f"{ODD}: zone name {zone} is ambiguous or unknown")


@lru_cache(maxsize=256)
def tz(offset: int) -> timezone:
    """The tzinfo for an offset in minutes (few distinct ones recur, so they are shared)."""
    return timezone(timedelta(minutes=offset))
