"""The shape of a receiving-provider profile: dated host names, networks and verdict headers (DESIGN §3).

Every fact carries the `Source` it came from (a key of shared/reference/providers.md §0 and that
source's date): names and ranges change, so a profile is dated evidence, never a permanent allow list.

API for other checks (kept small on purpose):
- `Profile.writes(by)`       - is this `by` name one of the provider's own hops?
- `Profile.is_edge(by)`      - is it the provider's inbound edge (where it accepted mail from outside)?
- `Profile.network_for(ip)`  - the provider network an address sits in (internal or outbound), or None.
- `Profile.authserv_id_for(name)` / `Profile.verdict_header_for(field)` - the entry naming it, or None.
- `Profile.ar_position`      - where its Authentication-Results sit relative to its edge's Received line.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from typing import Literal

from mailcheck.parse.pattern_cache import compile_pattern
from mailcheck.value_types import NamedTuple

# Dates of the sources the profiles cite, as providers.md §0 gives them. One table, so a profile
# cannot cite a key the reference does not have (cite() raises KeyError).
_SOURCE_DATES: dict[str, str] = {
    "MS-HDR": "2025-07-07", "MS-ARC": "2024-01-29", "MS-EP23": "2023-07-31", "MS-EP22": "2022-07-29",
    "MS-LEAVE": "2015-03-02", "MS-ATTR1": "2019-01-03", "MHA": "2026-08-07", "MOX": "2026-08-19",
    "ST-103": "2022-10-25", "MA-ARC": "2020-10", "ST-ARC": "2022-11-08", "G-FW": "undated",
    "IDX-A": "2024-09-25", "IDX-B": "2025-04-14", "IDX-C": "2024-03/2026-07", "IDX-G1": "2024-03-05",
    "IDX-G3": "2020-01-20", "IDX-Y1": "2022-07-09", "IDX-Y2": "2021/2024", "IDX-Y4": "undated",
    "IDX-I1": "2023-12-18", "IDX-P1": "undated (blog)", "IDX-P2": "2020-2022", "IDX-P3": "2025-05-31",
    "IDX-P4": "2018", "IDX-F1": "undated", "IDX-Z1": "2026-01-24", "IDX-Z2": "2017-10-23",
    "IDX-Z3": "undated", "IDX-PP": "undated", "IDX-MC": "undated", "IDX-BA": "undated",
    "IDX-CI": "undated", "IDX-TM": "undated", "IDX-SO": "2025", "BA-UMD": "2020-06-23",
    "BA-CU": "old, undated", "CI-TN": "2015", "CI-UG": "2013", "TM-KA": "current, undated",
    "TM-ASE": "current, undated", "SY-HDR": "current, undated", "SY-SMG": "current, undated",
    "SPS": "2026-07-21",
}

Placement = Literal["above", "below", "either", "none"]


class Source(NamedTuple):
    """Where a fact comes from: a providers.md §0 key and the date that source carries."""

    key: str
    date: str


def cite(key: str) -> Source:
    """The Source for a providers.md key, with its date (KeyError for a key the reference lacks)."""
    return Source(key, _SOURCE_DATES[key])


class Name(NamedTuple):
    """A host-name pattern: "mx.google.com" matches exactly, ".prod.outlook.com" every name ending so,
    "re:<regex>" a full, case-insensitive regex match."""

    pattern: str
    source: Source
    note: str = ""

    def matches(self, name: str | None) -> bool:
        return bool(name) and _regex(self.pattern).fullmatch(name.rstrip(".")) is not None  # type: ignore[union-attr]


# Compiled on first use, not when the profiles are built: a filter run matches only a few of them.
# (A cache by pattern, since a NamedTuple has no room for a cached_property.)
@cache
def _regex(pattern: str) -> re.Pattern[str]:
    if pattern.startswith("re:"):
        return compile_pattern(pattern[3:], re.IGNORECASE)
    if pattern.startswith("."):
        return compile_pattern(r"[^\s]+" + re.escape(pattern), re.IGNORECASE)
    return compile_pattern(re.escape(pattern), re.IGNORECASE)


class Network(NamedTuple):
    """An address range the provider's machines use: "internal" (clients its own hops record between
    its edge and the mailbox) or "outbound" (where it sends mail from)."""

    cidr: str
    role: Literal["internal", "outbound"]
    source: Source
    note: str = ""

    @property
    def net(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return _network(self.cidr)


@cache
def _network(cidr: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(cidr)


class HeaderName(NamedTuple):
    """A verdict header the provider writes: an exact field name, or a prefix ("X-Proofpoint-")."""

    name: str
    source: Source
    prefix: bool = False

    def matches(self, field_name: str) -> bool:
        low, mine = field_name.lower(), self.name.lower()
        return low.startswith(mine) if self.prefix else low == mine


class Profile(NamedTuple):
    """One receiving provider or gateway, as dated facts."""

    name: str  # registry key, lower case: what --provider NAME takes
    title: str  # for reports
    kind: Literal["mailbox", "gateway"]
    hops: tuple[Name, ...]  # `by` names of hops it writes; a trusted hop naming one recognises it
    edge: tuple[Name, ...]  # `by` names of its inbound edge (the first such hop from the top)
    networks: tuple[Network, ...] = ()
    authserv_ids: tuple[Name, ...] = ()
    bare_ar: bool = False  # its Authentication-Results carry no authserv-id (they start with a method)
    verdict_headers: tuple[HeaderName, ...] = ()
    ar_position: Placement = "either"  # its A-R relative to its edge's Received line
    ar_source: Source | None = None
    notes: tuple[str, ...] = ()

    def writes(self, by: str | None) -> Name | None:
        """The pattern saying this `by` name is one of this provider's hops (its edge included)."""
        return next((n for n in self.hops + self.edge if n.matches(by)), None)

    def recognises(self, by: str | None) -> Name | None:
        """Like writes(), but only the names that identify the provider on their own (an edge that is a
        bare private address, as Yahoo's, says nothing until the provider is known)."""
        return next((n for n in self.hops if n.matches(by)), None)

    def is_edge(self, by: str | None) -> Name | None:
        return next((n for n in self.edge if n.matches(by)), None)

    def network_for(self, ip: str | None, role: str | None = None) -> Network | None:
        if not ip:
            return None
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return None
        return next((n for n in self.networks if (role is None or n.role == role)
                     and addr.version == n.net.version and addr in n.net), None)

    def authserv_id_for(self, name: str | None) -> Name | None:
        return next((n for n in self.authserv_ids if n.matches(name)), None)

    def verdict_header_for(self, field_name: str) -> HeaderName | None:
        return next((h for h in self.verdict_headers if h.matches(field_name)), None)
