"""The trust boundary (DESIGN §3): which Received hops our own servers wrote, and the entry hop."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from mailcheck.context import Context, Facts
from mailcheck.model import Boundary, EntryClient, Hop, HopView
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.received import parse_received
from mailcheck.providers.recognise import Decision, ProviderWalk
from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:
    from mailcheck.parse.message import Message


# Networks a client address can only come from when it is inside the reader's own network. Written out
# rather than taken from ipaddress.is_private, which also counts the documentation ranges
# (192.0.2.0/24, RFC 5737) and other special blocks that say nothing about whose network it is.
_INSIDE: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (ipaddress.ip_network("10.0.0.0/8"), "a private address (RFC 1918)"),
    (ipaddress.ip_network("172.16.0.0/12"), "a private address (RFC 1918)"),
    (ipaddress.ip_network("192.168.0.0/16"), "a private address (RFC 1918)"),
    (ipaddress.ip_network("127.0.0.0/8"), "a loopback address"),
    (ipaddress.ip_network("169.254.0.0/16"), "a link-local address (RFC 3927)"),
    (ipaddress.ip_network("::1/128"), "the IPv6 loopback address"),
    (ipaddress.ip_network("fe80::/10"), "an IPv6 link-local address"),
    (ipaddress.ip_network("fc00::/7"), "an IPv6 unique local address (RFC 4193)"),
)
_FROM_CLAUSE = lazy_compile(r"\s*\(?from\s", re.IGNORECASE)


@lru_cache(maxsize=4096)  # the same few relays' addresses recur from message to message
def inside_network(ip: str) -> str | None:
    """Why this client address can only be inside the reader's network, or None when it can be anywhere."""
    addr = ipaddress.ip_address(ip)
    for net, why in _INSIDE:
        if addr.version == net.version and addr in net:
            return why
    return None


class TrustedSet(NamedTuple):
    """--trusted entries: networks (CIDR or single addresses) and host names."""

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    hosts: tuple[str, ...]  # lower case, no trailing dot; a leading "." matches every name below it

    @classmethod
    def parse(cls, entries: tuple[str, ...]) -> TrustedSet:
        networks = []
        hosts = []
        for entry in entries:
            text = entry.strip()
            if not text:
                continue
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                hosts.append(text.lower().rstrip("."))
        return cls(tuple(networks), tuple(hosts))

    def network_for(self, ip: str) -> str | None:
        if not self.networks:
            return None  # the usual case (no --trusted networks): spare parsing the address
        addr = ipaddress.ip_address(ip)
        for net in self.networks:
            if addr.version == net.version and addr in net:
                return str(net)
        return None

    def host_for(self, name: str | None) -> str | None:
        if not name:
            return None
        low = name.lower().rstrip(".")
        for host in self.hosts:
            if low == host.lstrip("*.") or (host[0] in "*." and low.endswith("." + host.lstrip("*."))):
                return host
        return None


@lru_cache(maxsize=64)  # every message's walk asks, with the run's one --trusted list
def _trusted_set(entries: tuple[str, ...]) -> TrustedSet:
    return TrustedSet.parse(entries)


# What a trusted hop says about the client it recorded, and so about the next older hop.
_Step = Decision


def _client_text(hop: Hop) -> str:
    names = [f"rDNS {hop.rdns}" if hop.rdns else "", f"HELO {hop.helo}" if hop.helo else ""]
    detail = ", ".join(n for n in names if n)
    return f"{hop.ip} ({detail})" if detail else str(hop.ip)


def _step(hop: Hop, trusted: TrustedSet) -> _Step:
    """Decide, for a hop our servers wrote, whether the client it recorded is ours too."""
    if not hop.relay:
        return _Step(True, False, "is a local hand-off (local delivery, LMTP, a fetch or a scanner), "
                                  "not a relay from another machine")
    if hop.auth:
        return _Step(True, False, f"records authenticated submission ({hop.auth})")
    if hop.ip is None:
        if not _FROM_CLAUSE.match(hop.raw):
            return _Step(True, False, "names no client at all: an internal hand-off of the trusted host")
        return _Step(False, False, "names its client but records no address for it, so nothing identifies "
                                   "the client")
    inside = inside_network(hop.ip)
    if inside:
        return _Step(True, False, f"records its client {hop.ip}, {inside}")
    net = trusted.network_for(hop.ip)
    if net:
        return _Step(True, False, f"records its client {hop.ip}, inside --trusted {net}")
    host = trusted.host_for(hop.rdns)
    if host:
        # rDNS is what our server looked up, not the client's say-so; a HELO name never extends trust.
        return _Step(True, False, f"records its client {hop.ip} with rDNS {hop.rdns}, matching --trusted "
                                   "{host}")
    note = ""
    if trusted.host_for(hop.helo):
        note = f" (its HELO {hop.helo} names a --trusted host, but a HELO is the client's own claim)"
    return _Step(False, True, f"records its client {_client_text(hop)}, which is neither inside your "
                              f"network nor --trusted{note}")


def chain_from_hops(hops: list[Hop], ctx: Context) -> tuple[tuple[HopView, ...], Boundary]:
    """Place the boundary over already parsed hops (index 0 = topmost Received)."""
    if not hops:
        return (), Boundary(0, None, "The message has no Received lines: no server recorded handing it on, "
                                     "so no client address can be validated.")
    trusted_set = _trusted_set(tuple(ctx.trusted))  # a library caller may hand a list
    walk = ProviderWalk(ctx.provider)
    views: list[HopView] = []
    trusted = True
    entry_index: int | None = None
    stop_index: int | None = None  # the last trusted hop when trust ended without an entry hop
    reasons: dict[int, str] = {}
    why = "it is the topmost Received line, written by the server that handed the message to you"
    untrusted_why = ""  # the same words for every hop below the boundary
    for i, hop in enumerate(hops):
        delay = _delay(hops[i - 1], hop) if i else None
        if not trusted:
            untrusted_why = untrusted_why or _why_untrusted(entry_index, stop_index)
            views.append(HopView(i, hop, False, False, delay, untrusted_why))
            continue
        below = hops[i + 1] if i + 1 < len(hops) else None
        step = walk.decide(i, hop, _step(hop, trusted_set), below)
        reasons[i] = step.reason
        hop_why = why
        if step.entry:
            entry_index = i
            hop_why += f"; it {step.reason}, so it is the entry hop"
        elif not step.next_trusted:
            stop_index = i
            hop_why += f"; it {step.reason}, so trust ends here"
        views.append(HopView(i, hop, True, step.entry, delay, hop_why))
        trusted = step.next_trusted
        why = (f"received[{i}], written by your servers, {step.reason}, so this line was written by your "
               "servers too")
    trusted_count = sum(1 for v in views if v.trusted)
    explanation = _explain(views, entry_index, stop_index, reasons)
    if walk.found:  # said first: the provider is why trust reached this far down
        explanation = f"{walk.summary()} {explanation}"
    return tuple(views), Boundary(trusted_count, entry_index, explanation, walk.provider(), walk.edges())


# Received fields read per message, from the top. Real chains have a few dozen at most (mail loops are
# cut off near 100, RFC 5321 §6.3); below this many no server of yours wrote them, and reading half a
# million of them took gigabytes. The received check reports the ones left unread.
MAX_HOPS = 1000


def build_chain(message: Message, ctx: Context) -> tuple[tuple[HopView, ...], Boundary]:
    """Parse the Received headers (newest first, at most MAX_HOPS) and place the trust boundary."""
    return chain_from_hops([parse_received(v) for v in message.get_all("Received")[:MAX_HOPS]], ctx)


def _delay(newer: Hop, hop: Hop) -> float | None:
    """HopView.delay_seconds of `hop`: the time from `hop` to the next newer hop, in seconds.

    delay(i) = timestamp(i-1) − timestamp(i): how long the message took from the server that wrote
    received[i] to the one that wrote received[i-1]. Signed — a negative delay means the newer hop's
    clock says it received the message before the older hop did, and stays negative. None for the
    topmost hop and whenever either timestamp is missing or unparseable.
    """
    if newer.timestamp is None or hop.timestamp is None:
        return None
    return (newer.timestamp - hop.timestamp).total_seconds()


def _why_untrusted(entry_index: int | None, stop_index: int | None) -> str:
    if entry_index is not None:
        return (f"below the trust boundary: written before the message reached your servers "
                f"(received[{entry_index}] is the entry hop)")
    return (f"below the trust boundary: received[{stop_index}] records no client address, so nothing "
            f"vouches for the hops under it")


def _explain(views: list[HopView], entry: int | None, stop: int | None, reasons: dict[int, str]) -> str:
    n = len(views)
    if entry is not None:
        by = views[entry].hop.by or "an unnamed host"
        text = (f"Trust ends at received[{entry}], written by {by}: it {reasons[entry]}. It is the entry "
                 "hop; "
                f"its client address was seen in the TCP connection.")
        if entry + 1 < n:
            text += f" The {n - entry - 1} older hop(s) were written before the message reached your servers."
        return text
    if stop is not None:
        by = views[stop].hop.by or "an unnamed host"
        return (f"Trust ends at received[{stop}], written by {by}: it names its client but records no "
                f"address, so there is no entry hop and no client address to validate.")
    return (f"All {n} Received line(s) are trusted; the oldest {reasons[n - 1]}. No untrusted client handed "
            f"the message over (a local or authenticated submission), so there is no entry hop.")


def trusted_receipt_time(facts: Facts) -> datetime | None:
    """When your servers received the message: the entry hop's time, else the topmost trusted hop's.

    When that hop has no usable date, the nearest newer trusted hop with one stands in (it was written
    later, so the message had arrived by then). None when no trusted hop carries a date.
    """
    hops = facts.hops
    if not hops or not hops[0].trusted:
        return None
    start = facts.boundary.entry_index if facts.boundary.entry_index is not None else 0
    for index in range(start, -1, -1):
        if hops[index].hop.timestamp is not None:
            return hops[index].hop.timestamp
    if start == 0:
        for view in hops:
            if not view.trusted:
                break
            if view.hop.timestamp is not None:
                return view.hop.timestamp
    return None


def ours_above(received_positions: Sequence[int], boundary: Boundary) -> int:
    """The header position above which only your servers can have added fields: the entry hop's Received
    line, or the last trusted one when no hop records an untrusted client; 0 when nothing is trusted.
    received_positions: where each Received line sits among the header fields, newest first."""
    if boundary.entry_index is not None and boundary.entry_index < len(received_positions):
        return received_positions[boundary.entry_index]
    if boundary.trusted_count and boundary.trusted_count <= len(received_positions):
        return received_positions[boundary.trusted_count - 1]
    return 0


def entry_client(facts: Facts, ctx: Context) -> EntryClient | None:
    """The entry client: from the MTA's environment when the filter has it (better evidence than any
    header), else from the entry hop; None when no trusted hop records an untrusted client."""
    mta = ctx.mta
    if mta is not None and mta.client_address:
        return EntryClient(mta.client_address, mta.client_helo, None, "the MTA's environment (CLIENT_ADDRESS)")
    entry = facts.entry
    if entry is None or entry.hop.ip is None:
        return None
    return EntryClient(
        entry.hop.ip, entry.hop.helo, entry.hop.rdns, f"received[{entry.index}] written by {entry.hop.by or '?'}"
    )
