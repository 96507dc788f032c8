"""The core types every check shares: Context (the run's settings and services), Facts, Results.

They live apart from the orchestrator (pipeline.py) so that checks, trust and the continuum import
them directly, without an import cycle back to the code that runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from mailcheck.lookup.contract import DnsClient, OfflineDns
from mailcheck.lookup.honesty import ResolverCheck
from mailcheck.model import Boundary, ContinuumStep, HopView
from mailcheck.parse.message import Message
from mailcheck.probe.cache import ProbeCache

if TYPE_CHECKING:  # the engines import dkimpy and pyspf (~260 ms): loaded only when a check runs them
    from mailcheck.auth.arc import ArcResult
    from mailcheck.auth.dkim_verify import DkimResult
    from mailcheck.auth.dmarc import DmarcResult
    from mailcheck.auth.spf import SpfResult
    from mailcheck.probe.result import ProbeResult


@dataclass(frozen=True)
class MtaEvidence:
    """What the MTA itself saw, exported by Postfix to the filter (CLIENT_ADDRESS, CLIENT_HELO, SENDER)."""

    client_address: str | None = None
    client_helo: str | None = None
    sender: str | None = None


@dataclass(frozen=True)
class Context:
    """Everything an analysis depends on besides the message. Immutable; shared across messages."""

    trusted: tuple[str, ...] = ()  # --trusted CIDR|HOST
    authserv_ids: tuple[str, ...] = ()  # --authserv-id: names our own servers write in A-R headers
    provider: str = "auto"  # --provider: "auto", "none", or profile names, comma-separated (providers.select)
    dns: DnsClient = field(default_factory=OfflineDns)  # offline unless given a client that is not
    now: datetime | None = None  # clock for expiry checks; None = the real clock
    skew_seconds: int = 600  # clock-skew allowance between hops (stated in evidence)
    mta: MtaEvidence | None = None
    probes: frozenset[str] = frozenset()  # "responsive", "callout"
    helo: str | None = None  # --helo: our name in probe greetings; None = socket.getfqdn() when probing
    smtp_port: int = 25  # --smtp-port
    probe_limit: int = 20  # at most this many domains probed per run
    probe_timeout: float = 10.0  # seconds to connect, and for each SMTP reply
    probe_private: bool = False  # let probes connect to non-public addresses (tests, labs)
    probe_cache: ProbeCache = field(default_factory=ProbeCache)  # the run's probes, shared across messages
    resolve_urls: bool = False
    debug: bool = False  # re-raise crashing checks
    resolver_check: ResolverCheck = field(default_factory=ResolverCheck)  # the run's resolver honesty

    @property
    def offline(self) -> bool:
        """--offline, as the DNS client says: one source, so the flag and the client cannot disagree."""
        return self.dns.offline


@dataclass
class Results:
    """What checks hand on to later checks. Each check names the fields it provides and needs
    (PROVIDES / NEEDS); a test proves the registry's order satisfies them. None: not produced
    (offline, no such header, or the producing check crashed)."""

    spf: SpfResult | None = None  # the spf check: MAIL FROM and HELO results at the entry client
    dkim: tuple[DkimResult, ...] | None = None  # the dkim check: one per signature, () when unsigned
    arc: ArcResult | None = None  # the arc check: the chain's validation
    dmarc: DmarcResult | None = None  # the dmarc check: policy and alignment of the From domain
    probe: ProbeResult | None = None  # the probe check: what the opt-in SMTP probes found


@dataclass
class Facts:
    """What the checks share: the parsed message, the chain, and results earlier checks left behind."""

    message: Message
    hops: tuple[HopView, ...]
    boundary: Boundary
    results: Results = field(default_factory=Results)
    steps: dict[str, ContinuumStep] = field(default_factory=dict)  # continuum step name -> outcome

    @property
    def entry(self) -> HopView | None:
        idx = self.boundary.entry_index
        return self.hops[idx] if idx is not None else None
