"""received-chain: every Received line, labelled by who wrote it.

Received lines are written newest first. The ones above the trust boundary were written by your own
servers (see the boundary explanation in the report): they are **validated**. The ones below it were
written before the message reached you, by servers you cannot question, and anyone can write them:
they are **unverifiable** — unless they contradict what your servers recorded or what any mail
server could write, and then they are **forged**:

- a date later than the time your servers received the message, beyond the clock-skew allowance
  (``skew_seconds``, stated in the evidence) — unless it is a whole number of hours ahead to within
  the allowance, which a clock set to the wrong time zone explains (common in honest mail);
- a date no clock shows (31 February, a weekday that does not match the date) or a zone offset no
  place has (``-0060``);
- text no MTA writes (an unpaired ``>`` in a comment, a queue id with ``%`` or ``[``);
- a client address that no TCP connection can come from (0.0.0.0, 255.255.255.255, multicast);
- a chain that cannot connect: the hop right below the entry hop claims to be written by the entry
  server itself, receiving from another client than the one that server recorded.

Clock skew between two of the sender's own servers, odd host names and private addresses on the
sender's side are common in honest mail: they are mentioned, never called forged. Delays between
hops are signed; a negative delay stays negative.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, HopView, Label
from mailcheck.parse.dates import is_contradiction, signed_duration

ID = "received-chain"
SUMMARY = "every Received hop: written by your servers, or a stranger's claim that may contradict them"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()


_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_RESERVED = ipaddress.ip_network("240.0.0.0/4")


@lru_cache(maxsize=4096)  # the same relays' addresses recur from message to message
def _unroutable(ip: str) -> str | None:
    """Why no TCP connection can come from this address, or None."""
    addr = ipaddress.ip_address(ip)
    if addr.is_unspecified or (addr.version == 4 and addr in _THIS_NETWORK):
        return "an unspecified address ('this host', RFC 1122 §3.2.1.3), never a connection's source"
    if addr.version == 4 and str(addr) == "255.255.255.255":
        return "the limited broadcast address, never a connection's source"
    if addr.is_multicast:
        return "a multicast address; TCP connections never come from one"
    if addr.version == 4 and addr in _RESERVED:
        return "in 240.0.0.0/4, reserved and never routed (RFC 1112 §4)"
    return None


def _anchor(facts: Facts) -> tuple[int, datetime] | None:
    """The trusted hop whose time strangers' hops must precede: the entry hop's, else the oldest dated one."""
    entry = facts.boundary.entry_index
    if entry is not None:
        when = facts.hops[entry].hop.timestamp
        if when is not None:
            return entry, when
    for view in reversed(facts.hops):
        when = view.hop.timestamp
        if view.trusted and when is not None:
            return view.index, when
    return None


def _trusted_finding(view: HopView, ctx: Context) -> Finding:
    hop = view.hop
    evidence = [f"written by your servers: trusted because {view.why}"]
    if view.delay_seconds is not None and view.delay_seconds < -ctx.skew_seconds:
        apart = signed_duration(view.delay_seconds, rounded=True)
        evidence.append(f"received[{view.index - 1}] is dated {apart} from this one: "
                        "your own servers' clocks disagree")
    odd = list(hop.problems)
    if odd:
        evidence.append("your server wrote it this way: " + "; ".join(odd))
    return Finding(f"received[{view.index}]", hop.raw.strip(), Label.VALIDATED, tuple(evidence), ID)


def _cannot_connect(view: HopView, facts: Facts) -> str | None:
    """The one broken link that is a contradiction, not noise: the hop right below the entry hop claims
    to be written by the very server that wrote the entry hop, receiving from another client. That
    server's own record says the message came to it from the entry client, so this line is not its.
    (Name mismatches further down are common in honest mail: NAT, internal names, relays.)"""
    entry = facts.boundary.entry_index
    if entry is None or view.index != entry + 1:
        return None
    ours, claimed = facts.hops[entry].hop, view.hop
    if not ours.by or not claimed.by or ours.by.lower() != claimed.by.lower():
        return None
    if claimed.ip is not None and claimed.ip == ours.ip:
        return None  # the same connection logged twice (some MTAs write two lines per hand-off)
    client = ours.ip or "?"
    return (f"the chain cannot connect: it claims your server {claimed.by} received the message from "
            f"{claimed.ip or claimed.helo or 'another client'}, but {claimed.by}'s own record "
            f"(received[{entry}]) shows it came from {client}")


def _stranger_finding(view: HopView, facts: Facts, ctx: Context,
                      anchor: tuple[int, datetime] | None) -> Finding:
    hop = view.hop
    contradictions: list[str] = []
    oddities: list[str] = []
    if anchor is not None and hop.timestamp is not None:
        index, when = anchor
        ahead = (hop.timestamp - when).total_seconds()
        hours = round(ahead / 3600)
        if ahead > ctx.skew_seconds and 1 <= hours <= 26 and abs(ahead - hours * 3600) <= ctx.skew_seconds:
            oddities.append(
                f"dated {hop.timestamp_text!r}, {signed_duration(ahead, rounded=True)} after received[{index}] "
                f"({facts.hops[index].hop.timestamp_text!r}): beyond the {ctx.skew_seconds} s clock-skew "
                f"allowance, but a whole {hours} h apart within it, which a clock set to the wrong time "
                "zone explains")
        elif ahead > ctx.skew_seconds:
            contradictions.append(
                f"dated {hop.timestamp_text!r}, {signed_duration(ahead, rounded=True)} after received[{index}], "
                "which your server "
                f"wrote when it had the message ({facts.hops[index].hop.timestamp_text!r}); the clock-skew "
                f"allowance is {ctx.skew_seconds} s: a hop written before the message reached you cannot "
                "be dated after it")
    for problem in hop.problems:
        (contradictions if is_contradiction(problem) else oddities).append(problem)
    if hop.ip is not None:
        why = _unroutable(hop.ip)
        if why:
            contradictions.append(f"its client address {hop.ip} is {why}")
    broken_link = _cannot_connect(view, facts)
    if broken_link:
        contradictions.append(broken_link)
    if view.delay_seconds is not None and view.delay_seconds < -ctx.skew_seconds:
        apart = signed_duration(view.delay_seconds, rounded=True)
        oddities.append(f"received[{view.index - 1}] is dated {apart} from this one "
                        "(a negative delay): the sender's clocks disagree, or one of the two is invented")
    name = f"received[{view.index}]"
    if contradictions:
        evidence = ["written before the message reached your servers, and it contradicts the record:",
                    *contradictions, *oddities]
        return Finding(name, hop.raw.strip(), Label.FORGED, tuple(evidence), ID)
    evidence = ["written before the message reached your servers; nothing contradicts it", *oddities]
    return Finding(name, hop.raw.strip(), Label.UNVERIFIABLE, tuple(evidence), ID, Basis.UNCHECKABLE)


def _unread(facts: Facts) -> Finding | None:
    """The Received fields below the first trust.MAX_HOPS, which were not read: said, never skipped."""
    total = len(facts.message.index_of("Received"))
    read = len(facts.hops)
    if total <= read:
        return None
    return Finding(
        "received-unexamined", f"{total - read} Received fields below received[{read - 1}]", Label.UNVERIFIABLE,
        (f"the message has {total} Received fields; only the newest {read} were read. The rest were written "
         "before those, far below any server of yours (real chains have a few dozen), and were not examined",),
        ID, Basis.NOT_EXAMINED)


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    anchor = _anchor(facts)
    for view in facts.hops:
        yield _trusted_finding(view, ctx) if view.trusted else _stranger_finding(view, facts, ctx, anchor)
    unread = _unread(facts)
    if unread is not None:
        yield unread
