"""Moments and durations as evidence shows them: UTC times, and signed delays that stay negative."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_text(moment: datetime) -> str:
    """'2002-08-22 11:36:16 UTC'."""
    t = moment.astimezone(UTC)
    if t.year < 1000:  # isoformat pads the year to four digits, strftime does not ("5-01-01")
        return t.strftime("%Y-%m-%d %H:%M:%S UTC")
    return t.isoformat(" ")[:19] + " UTC"  # the same text at two thirds of strftime's cost


def signed_duration(seconds: float, rounded: bool = False) -> str:
    """'+2h03m', '-45s': a delay keeps its sign so a negative delay is visibly negative.

    rounded: one unit, rounded, for prose ('+45 s', '-28 min', '+2.0 h', '+3.5 days'), as the Received
    evidence words a hop's distance from another; else whole units truncated, two of them at most."""
    sign = "-" if seconds < 0 else "+"
    if rounded:
        size = abs(seconds)
        if size < 120:
            return f"{sign}{size:.0f} s"
        if size < 7200:
            return f"{sign}{size / 60:.0f} min"
        if size < 172800:
            return f"{sign}{size / 3600:.1f} h"
        return f"{sign}{size / 86400:.1f} days"
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
