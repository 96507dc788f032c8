"""body-parts: the text a reader is shown that mailcheck could not examine, so that padding never hides a finding.

The links (``urls``) and the body's claims (``body-claims``) are read from every text/plain and
text/html part. A part of up to 4 MiB is read whole. Of a bigger one only the first and the last 2 MiB are
read: a forged link placed before the padding, or after it, is still found, and a part that big is
padding or an attachment in all but name (reading it all would take the HTML parser a minute for a
100 MB part). What lies between is not examined, and this check says so with a field:

unverifiable (not examined)
    ``body-part[N]`` (N: the part's position among the message's MIME parts, 0 for the message
    itself) for a part that was read only in part, or not at all because it could not be decoded;
    ``body`` when the MIME structure itself could not be walked. The report is then incomplete:
    its verdict reason says "incomplete: body-part[N]", the JSON lists the field under
    ``not_examined`` and `mailcheck filter` adds ``X-Mailcheck-Incomplete``. A link hidden in the
    unread middle is not found, but the message is never reported as if all of it had been read.

The check writes no field for a message whose text was read whole (almost every message).
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.message import TextGap

ID = "body-parts"
SUMMARY = "text parts too large (or too broken) to examine whole"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()


def _size(chars: int) -> str:
    return f"{chars / 1e6:.1f} MB" if chars >= 100_000 else f"{chars} characters"


def _finding(gap: TextGap) -> Finding:
    name = "body" if gap.index is None else f"body-part[{gap.index}]"
    if gap.problem is not None:
        why = f"the {gap.content_type} part {name} was not examined: {gap.problem}"
        value = gap.content_type
    else:
        examined = gap.size - gap.skipped
        why = (f"the {gap.content_type} part {name} is {_size(gap.size)}; only its beginning and its end "
               f"({_size(examined)} in all) were examined for links and claims, not the {_size(gap.skipped)} "
               "between")
        value = f"{gap.content_type}, {_size(gap.size)}"
    return Finding(name, value, Label.UNVERIFIABLE,
                   (why, "a link or claim in the part of the text not examined could not be checked"),
                   ID, Basis.NOT_EXAMINED)


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    for gap in facts.message.text_gaps:
        yield _finding(gap)
