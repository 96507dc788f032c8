"""date: the Date header, the time the sender says it wrote the message.

Forged when no conforming software could have written it (an impossible zone such as -0060,
out-of-range fields, a weekday the date does not fall on, text that is not a date) or when it is
later than the time your own servers received the message, beyond the clock-skew allowance.
Otherwise unverifiable: a sender's clock is the sender's say-so.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.dates import parse_date, signed_duration, utc_text
from mailcheck.trust import trusted_receipt_time

ID = "date"
SUMMARY = "the Date header against the time your servers received the message"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    values = facts.message.get_all("Date")
    if not values:
        yield Finding("date", "", Label.UNVERIFIABLE,
                      ("the message has no Date (RFC 5322 §3.6 requires one)",), ID, Basis.UNCHECKABLE)
        return
    value = values[0]
    parsed = parse_date(value)
    if parsed.impossible:
        yield Finding("date", value, Label.FORGED, (f"{parsed.impossible}: no mail program writes this",), ID)
        return
    assert parsed.moment is not None
    evidence = [f"the sender's clock said {utc_text(parsed.moment)}", *parsed.notes]
    if len(values) > 1:
        evidence.append(f"the message has {len(values)} Date fields (RFC 5322 allows one)")
    received = trusted_receipt_time(facts)
    if received is None:
        evidence.append("no trusted hop records when your servers received it, so nothing to compare with")
        yield Finding("date", value, Label.UNVERIFIABLE, tuple(evidence), ID, Basis.UNDECIDED)
        return
    ahead = (parsed.moment - received).total_seconds()
    if ahead > ctx.skew_seconds:
        yield Finding("date", value, Label.FORGED, (
            f"dated {signed_duration(ahead)} after your servers received it at {utc_text(received)}",
            f"beyond the clock-skew allowance of {ctx.skew_seconds} s: it cannot have been written then",
        ), ID)
        return
    before = signed_duration(-ahead).lstrip("+")
    evidence.append(f"written {before} before your servers received it at {utc_text(received)}"
                    if ahead <= 0 else f"{signed_duration(ahead)} after receipt, within the {ctx.skew_seconds} s "
                    "clock-skew allowance")
    evidence.append("a date before receipt is consistent, but only the sender's clock says so")
    yield Finding("date", value, Label.UNVERIFIABLE, tuple(evidence), ID, Basis.UNDECIDED)
