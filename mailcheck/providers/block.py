"""The verdict headers your recognised receiving provider wrote, found once per message and decoded once.

Shared by the verdict-headers, from and provider-record checks (DESIGN §3). Which fields are the
provider's (a field must also be one the profile names, `Profile.verdict_header_for`):
- Authentication-Results / Received-SPF / ARC-Authentication-Results naming the provider (its
  authserv-id, or none for a provider whose A-R carries none, as Microsoft's): above its edge's Received
  line when the profile places them "above" or "either"; in the run of trace fields directly below that
  line when it places them "below" or "either"; anywhere, for "either", when the authserv-id is the edge
  host's own name (Proton writes the receiving host's name, and puts the fields on either side).
- Microsoft's X-Forefront-Antispam-Report, X-Microsoft-Antispam* and X-MS-Exchange-Organization-*
  anywhere when the provider is Microsoft: Exchange's header firewall strips these names from mail that
  arrives (providers.md §1.7, MS-HFW), so every copy left is Microsoft's own, even at the end of the block
  where it appends them. The `-Untrusted` report and X-MS-Exchange-CrossTenant-* are not included: they
  describe the sending tenant's pass.
- Other vendor headers (X-Pm-*, X-ICL-*, …) in the tail of the header block the provider appends to
  (after the last field whose name does not start with X-).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mailcheck.auth.authserv_id import authserv_id
from mailcheck.context import Facts
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.providers import Profile, by_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from mailcheck.auth.provider_verdicts import ProviderVerdict
    from mailcheck.parse.message import Message

_AR_LIKE = lazy_compile(r"^(?:arc-)?authentication-results$|^received-spf$", re.IGNORECASE)
_TRACE = lazy_compile(r"^(?:received-spf|authentication-results|domainkey-status|arc-[a-z-]+)$", re.IGNORECASE)
# Names Exchange's header firewall removes from arriving mail (MS-HFW; providers.md §1.7).
_MS_FIREWALLED = lazy_compile(r"^(?:x-forefront-antispam-report|x-microsoft-antispam(?:-.*)?"
                            r"|x-ms-exchange-organization-.*)$", re.IGNORECASE)


def _decoder(profile: str) -> Callable[[Iterable[tuple[str, str]]], ProviderVerdict] | None:
    from mailcheck.auth import provider_verdicts as pv  # only when a provider was recognised

    table: dict[str, Callable[[Iterable[tuple[str, str]]], ProviderVerdict]] = {
        "microsoft365": pv.decode_microsoft, "google": pv.decode_google, "proton": pv.decode_proton,
        "icloud": pv.decode_icloud, "yahoo": pv.decode_yahoo, "fastmail": pv.decode_fastmail, "zoho": pv.decode_zoho,
    }
    return table.get(profile)


class ProviderBlock:
    """The provider's fields (header positions, top first) and what they say."""

    __slots__ = ("_message", "_words", "edge_index", "positions", "profile", "verdict")

    def __init__(self, profile: Profile, edge_index: int, positions: dict[int, str],
                 verdict: ProviderVerdict | None, message: Message | None = None) -> None:
        self.profile = profile
        self.edge_index = edge_index
        self.positions = positions  # header position -> why it is the provider's
        self.verdict = verdict  # the whole block decoded together; None without a decoder
        self._words: dict[int, tuple[str, ...]] = {}
        self._message = message

    def words(self, position: int) -> tuple[str, ...]:
        """What this one field says, decoded on its own (cached): evidence for its label."""
        if position not in self._words:
            decode = _decoder(self.profile.name)
            words: tuple[str, ...] = ()
            if decode is not None and self._message is not None:
                h = self._message.headers[position]
                try:
                    words = decode([(h.name, h.value)]).plain_words()
                except ValueError:
                    words = ()
            self._words[position] = words
        return self._words[position]


def _names_provider(profile: Profile, name: str, value: str) -> bool:
    if name.lower() == "received-spf":
        return True
    if profile.bare_ar and name.lower() == "authentication-results":
        from mailcheck.auth.provider_verdicts import is_microsoft_form

        if is_microsoft_form(value):  # no authserv-id: the form itself is the provider's
            return True
    claimed = authserv_id(value)
    return bool(claimed) and profile.authserv_id_for(claimed) is not None


def _find(facts: Facts, profile: Profile, edge: int) -> dict[int, str]:
    headers = facts.message.headers
    received = facts.message.index_of("Received")
    if edge >= len(received):
        return {}
    top = received[edge]
    edge_by = (facts.hops[edge].hop.by or "").lower() if edge < len(facts.hops) else ""
    below_run = top + 1
    while below_run < len(headers) and _TRACE.match(headers[below_run].name):
        below_run += 1
    tail = len(headers)
    while tail > 0 and headers[tail - 1].name.lower().startswith("x-"):
        tail -= 1
    found: dict[int, str] = {}
    where = f"received[{edge}], its inbound edge"
    for pos, h in enumerate(headers):
        if profile.verdict_header_for(h.name) is None:
            continue
        if _AR_LIKE.match(h.name):
            if not _names_provider(profile, h.name, h.value):
                continue
            above = pos < top and profile.ar_position in ("above", "either")
            # An ARC-Authentication-Results in the run below the edge is a lower ARC set's: an earlier pass.
            below = (top < pos < below_run and profile.ar_position in ("below", "either")
                     and h.name.lower() != "arc-authentication-results")
            own_host = (profile.ar_position == "either" and bool(edge_by)
                        and (authserv_id(h.value) or "") == edge_by)
            if above:
                found[pos] = f"it names {profile.title} and sits above {where}, where {profile.title} writes it"
            elif below:
                found[pos] = (f"it names {profile.title} and sits among the trace fields directly below {where}, "
                              f"where {profile.title} writes it")
            elif own_host:
                found[pos] = f"it names {edge_by}, the host of {where}, which writes its results on either side"
        elif profile.name == "microsoft365":
            if _MS_FIREWALLED.match(h.name) and not re.search(r"-(?:untrusted|original)$", h.name, re.I):
                found[pos] = ("Exchange's header firewall strips this name from arriving mail (MS-HFW), so "
                              "only Microsoft can have written this copy")
        elif pos >= tail:
            found[pos] = f"a {profile.title} header in the tail of the header block, where {profile.title} appends"
    return found


_last: tuple[Message, ProviderBlock | None] | None = None


def provider_block(facts: Facts) -> ProviderBlock | None:
    """The recognised receiving provider's block for this message (None when no provider with an edge
    was recognised). Computed once per message: the checks that need it run one after another."""
    global _last
    cached = _last
    if cached is not None and cached[0] is facts.message:
        return cached[1]
    block = _build(facts)
    _last = (facts.message, block)  # one tuple swap: a worker reading it sees a whole pair
    return block


def _build(facts: Facts) -> ProviderBlock | None:
    name = facts.boundary.provider
    edge = next((e for n, e in facts.boundary.provider_edges if n == name and e is not None), None)
    if name is None or edge is None:
        return None
    profile = by_name(name)
    positions = _find(facts, profile, edge)
    if not positions:
        return None
    decode = _decoder(profile.name)
    headers = facts.message.headers
    verdict = decode([(headers[p].name, headers[p].value) for p in sorted(positions)]) if decode else None
    return ProviderBlock(profile, edge, positions, verdict, facts.message)
