"""Only the newest trust.MAX_HOPS Received fields are read; the rest are reported, never skipped silently."""

from __future__ import annotations

from mailcheck import trust
from mailcheck.checks import received
from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Label
from mailcheck.parse.message import parse

HOP = b"Received: from a (a [192.0.2.3]) by mx.ours.example; Mon, 22 Jul 2002 16:10:03 +0100\n"


def _facts(count: int) -> Facts:
    message = parse(HOP * count + b"From: a@example.com\nSubject: hi\n\nbody\n")
    hops, boundary = trust.build_chain(message, Context())
    return Facts(message, hops, boundary)


def test_hops_past_the_cap_are_reported_not_parsed() -> None:
    facts = _facts(trust.MAX_HOPS + 250)
    assert len(facts.hops) == trust.MAX_HOPS  # parse work and memory stay bounded however many there are
    findings = list(received.run(facts, Context()))
    assert len(findings) == trust.MAX_HOPS + 1
    unread = findings[-1]
    assert unread.name == "received-unexamined" and unread.label is Label.UNVERIFIABLE
    assert unread.basis is Basis.NOT_EXAMINED  # the report says it is incomplete
    assert unread.value == f"250 Received fields below received[{trust.MAX_HOPS - 1}]"


def test_a_chain_within_the_cap_has_no_extra_finding() -> None:
    findings = list(received.run(_facts(3), Context()))
    assert [f.name for f in findings] == ["received[0]", "received[1]", "received[2]"]
