"""Trust through a hosted provider to its inbound edge, recognised from hops already trusted (DESIGN §3).

trust.chain_from_hops walks the chain from the top. For each trusted hop it makes the default decision
(private or authenticated client…) and hands it to ProviderWalk.decide, which may replace it:
- a trusted hop whose `by` names a known mailbox provider recognises that provider;
- inside the provider, a hop that is not its edge trusts its client when the address is one of the
  provider's internal ones (they are public, so the default inference cannot), or when the client names
  itself one of the provider's hosts and the hop below is the provider's too;
- the provider's inbound edge (the first from the top whose client is not private, loopback or
  authenticated) ends trust: its client is the entry client, even when it is the same provider's
  machine — the sender's outbound hops below are not the reader's;
- a gateway named in --provider whose host handed the message to a trusted hop is followed to its edge.
Nothing below the first untrusted hop is ever looked at, so names in a stranger's hops cannot recognise
anything.
"""

from __future__ import annotations

from functools import lru_cache

from mailcheck.model import Hop
from mailcheck.providers import PROFILES, Profile, select
from mailcheck.providers.profile import Name
from mailcheck.value_types import NamedTuple


class Decision(NamedTuple):
    """What a trusted hop says about the next older hop (as trust._Step)."""

    next_trusted: bool
    entry: bool
    reason: str  # completes "received[i] …"


class Recognised(NamedTuple):
    """One provider recognised in the chain: where, from which name, and where its edge is."""

    profile: Profile
    at: int  # the hop whose `by` recognised it
    by: str
    pattern: Name
    edge: int | None = None
    edge_by: str = ""
    edge_pattern: Name | None = None


def _cited(name: Name) -> str:
    return f"{name.pattern} ({name.source.key}, {name.source.date})"


def _client_name(hop: Hop) -> str | None:
    return hop.rdns or hop.helo


class ProviderWalk:
    """The provider part of one chain walk (see the module docstring)."""

    __slots__ = ("_current", "_gateways", "_mailboxes", "found", "spec")

    def __init__(self, spec: str = "auto") -> None:
        self.spec = spec
        self.found: list[Recognised] = []
        self._current: Profile | None = None
        self._mailboxes, self._gateways = select(spec)

    def decide(self, i: int, hop: Hop, default: Decision, below: Hop | None) -> Decision:
        current = self._current
        if current is not None and current.writes(hop.by) is None:
            current = self._current = None  # the provider's hops ended without an edge
        if current is None:
            current = self._recognise(i, hop)
        if current is None:
            return self._handoff(default, hop, below, i)
        if default.next_trusted:
            # A private, loopback or authenticated client, or a local hand-off: still inside (a content
            # filter looping back through the edge host, as Fastmail's does), so not yet the edge.
            return default
        if current.is_edge(hop.by):
            if hop.ip is None:  # the edge, but its client is not recorded: the default says what follows
                self._mark_edge(i, hop, current)
                return default
            return self._edge(i, hop, current, below)
        net = current.network_for(hop.ip, "internal")
        if net is not None:
            return Decision(True, False, f"records its client {hop.ip}, inside {current.title}'s internal "
                                         f"network {net.cidr} ({net.source.key}, {net.source.date})")
        named = current.recognises(_client_name(hop))
        if named is not None and below is not None and current.writes(below.by) is not None:
            # The reference dates only some of the internal ranges (Microsoft's APAC and LATAM hops use
            # others), but it names the internal hosts: a client naming itself one, recorded by the
            # provider's own hop above its edge, whose own hop below is the provider's too, is inside it.
            return Decision(True, False, f"records its client {_client_text(hop)}, which names itself a "
                                         f"{current.title} host ({_cited(named)}), and the hop below it was "
                                         f"written by {current.title} too ({below.by})")
        self._current = None
        return default._replace(reason=default.reason + f"; no inbound edge of {current.title} was found above it")

    def _recognise(self, i: int, hop: Hop) -> Profile | None:
        found = _recognising(self.spec, hop.by) if hop.by else None
        if found is None:
            return None
        profile, pattern = found
        self.found.append(Recognised(profile, i, hop.by or "", pattern))
        self._current = profile
        return profile

    def _edge(self, i: int, hop: Hop, profile: Profile, below: Hop | None) -> Decision:
        pattern = self._mark_edge(i, hop, profile)
        text = (f"is the inbound edge of {profile.title} (the first hop from the top whose by names "
                f"{_cited(pattern)}) and records its client {_client_text(hop)}, the machine that handed the "
                f"message to {profile.title}")
        return self._handoff(Decision(False, True, text), hop, below, i)

    def _mark_edge(self, i: int, hop: Hop, profile: Profile) -> Name:
        pattern = profile.is_edge(hop.by)
        assert pattern is not None
        self.found[-1] = self.found[-1]._replace(edge=i, edge_by=hop.by or "", edge_pattern=pattern)
        self._current = None
        return pattern

    def _handoff(self, decision: Decision, hop: Hop, below: Hop | None, i: int = -1) -> Decision:
        """An entry client that is a gateway's host: followed when --provider names the gateway and the
        hop below was written by it; otherwise said, because the sender's outbound gateway looks alike."""
        if not decision.entry:
            return decision
        name = _client_name(hop)
        for gateway, pattern in _gateways_writing(name):
            what = "rDNS" if hop.rdns else "HELO"
            if gateway not in self._gateways:
                return decision._replace(reason=decision.reason + (
                    f" (its {what} {name} is a {gateway.title} name, {_cited(pattern)}; a gateway is followed "
                    f"only when --provider names it, since the sender's outbound gateway looks the same)"))
            if below is None or gateway.writes(below.by) is None:
                return decision._replace(reason=decision.reason + (
                    f" (its {what} {name} names {gateway.title}, but the hop below was not written by "
                    f"{gateway.title})"))
            self._current = gateway
            self.found.append(Recognised(gateway, i + 1, below.by or "", gateway.writes(below.by) or pattern))
            return Decision(True, False, f"{decision.reason.removesuffix('.')}; its {what} {name} names "
                                         f"{gateway.title} ({_cited(pattern)}), named in --provider, and the hop "
                                         f"below was written by {gateway.title}, so trust follows the gateway")
        return decision

    def summary(self) -> str:
        """The sentence the Boundary explanation starts with; "" when nothing was recognised."""
        parts = []
        for r in self.found:
            where = (f"its inbound edge is received[{r.edge}] (by {r.edge_by}, matching "
                     f"{_cited(r.edge_pattern)})" if r.edge_pattern is not None
                     else "no inbound edge of it was found among the trusted hops")
            parts.append(f"Recognised {r.profile.title} from received[{r.at}], written by {r.by} (matching "
                         f"{_cited(r.pattern)}); {where}.")
        return " ".join(parts)

    def provider(self) -> str | None:
        """The receiving provider: the first whose edge was found, else the first recognised."""
        with_edge = [r for r in self.found if r.edge is not None]
        pick = with_edge[0] if with_edge else (self.found[0] if self.found else None)
        return pick.profile.name if pick else None

    def edges(self) -> tuple[tuple[str, int | None], ...]:
        return tuple((r.profile.name, r.edge) for r in self.found)


# The same few hundred server names recur in every message of an archive; matching one against every
# profile's patterns is the costly part of the walk, so the answer per name is kept.
@lru_cache(maxsize=4096)
def _recognising(spec: str, by: str) -> tuple[Profile, Name] | None:
    """The first profile --provider SPEC recognises from this `by` name, with the pattern that matched."""
    mailboxes, gateways = select(spec)
    for profile in mailboxes + gateways:
        pattern = profile.recognises(by)
        if pattern is not None:
            return profile, pattern
    return None


@lru_cache(maxsize=4096)
def _gateways_writing(name: str | None) -> tuple[tuple[Profile, Name], ...]:
    """Every gateway whose hop names include this client name, with the matching pattern."""
    found = []
    for gateway in PROFILES:
        pattern = gateway.writes(name) if gateway.kind == "gateway" else None
        if pattern is not None:
            found.append((gateway, pattern))
    return tuple(found)


def _client_text(hop: Hop) -> str:
    names = [f"rDNS {hop.rdns}" if hop.rdns else "", f"HELO {hop.helo}" if hop.helo else ""]
    detail = ", ".join(n for n in names if n)
    return f"{hop.ip} ({detail})" if detail else str(hop.ip)
