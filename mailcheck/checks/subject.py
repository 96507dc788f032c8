"""subject: the Subject header — the sender's own words; no machine can check them."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.message import decode_words

ID = "subject"
SUMMARY = "the Subject line, free text no machine can check"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    value = facts.message.get("Subject")
    yield Finding(
        "subject", decode_words(value) if value is not None else "", Label.UNVERIFIABLE,
        ("the subject is the sender's own words; no machine can check them",)
        if value is not None else ("the message has no Subject",),
        ID, Basis.UNCHECKABLE,
    )
