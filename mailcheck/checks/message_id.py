"""message-id: the Message-ID header.

Any sender can write any Message-ID, so it is unverifiable; a missing or malformed one is noted,
since conforming mail software always writes one of the form <left@right> (RFC 5322 §3.6.4).
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.lazy_pattern import lazy_compile

ID = "message-id"
SUMMARY = "the Message-ID, which any sender can choose"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()

_MSG_ID = lazy_compile(r"^<[^<>@\s]+@[^<>@\s]+>$")


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    values = facts.message.get_all("Message-ID")
    base = "anyone can write any Message-ID; nothing checks it"
    if not values:
        yield Finding("message-id", "", Label.UNVERIFIABLE,
                      ("the message has no Message-ID (RFC 5322 §3.6.4 says it should)", base),
                      ID, Basis.UNCHECKABLE)
        return
    for index, value in enumerate(values):
        evidence = [base]
        if not _MSG_ID.match(value.strip()):
            evidence.append("not of the form <left@right> that mail software writes (RFC 5322 §3.6.4)")
        if len(values) > 1:
            evidence.append(f"the message has {len(values)} Message-ID fields (RFC 5322 allows one)")
        name = "message-id" if index == 0 else f"message-id[{index}]"
        yield Finding(name, value, Label.UNVERIFIABLE, tuple(evidence), ID, Basis.UNCHECKABLE)
