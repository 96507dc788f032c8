"""The core types every check shares: Context (the run's settings and services), Facts, Results.

They live apart from the orchestrator (pipeline.py) so that checks, trust and the continuum import
them directly, without an import cycle back to the code that runs them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from mailcheck.lookup.contract import DnsClient, OfflineDns
from mailcheck.lookup.honesty import ResolverCheck
from mailcheck.model import Boundary, ContinuumStep, HopView
from mailcheck.parse.message import Message
from mailcheck.probe.cache import ProbeCache
from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:  # the engines import dkimpy and pyspf (~260 ms): loaded only when a check runs them
    from mailcheck.auth.arc import ArcResult
    from mailcheck.auth.dkim_verify import DkimResult
    from mailcheck.auth.dmarc import DmarcResult
    from mailcheck.auth.spf import SpfResult
    from mailcheck.probe.result import ProbeResult


class MtaEvidence(NamedTuple):
    """What the MTA itself saw, exported by Postfix to the filter (CLIENT_ADDRESS, CLIENT_HELO, SENDER)."""

    client_address: str | None = None
    client_helo: str | None = None
    sender: str | None = None


class _ContextFields(NamedTuple):
    trusted: tuple[str, ...]  # --trusted CIDR|HOST
    authserv_ids: tuple[str, ...]  # --authserv-id: names our own servers write in A-R headers
    provider: str  # --provider: "auto", "none", or profile names, comma-separated (providers.select)
    dns: DnsClient  # offline unless given a client that is not
    now: datetime | None  # clock for expiry checks; None = the real clock
    skew_seconds: int  # clock-skew allowance between hops (stated in evidence)
    mta: MtaEvidence | None
    probes: frozenset[str]  # "responsive", "callout"
    helo: str | None  # --helo: our name in probe greetings; None = socket.getfqdn() when probing
    smtp_port: int  # --smtp-port
    probe_limit: int  # at most this many domains probed per run
    probe_timeout: float  # seconds to connect, and for each SMTP reply
    probe_private: bool  # let probes connect to non-public addresses (tests, labs)
    probe_cache: ProbeCache  # the run's probes, shared across messages
    resolve_urls: bool
    debug: bool  # re-raise crashing checks
    resolver_check: ResolverCheck  # the run's resolver honesty


class Context(_ContextFields):
    """Everything an analysis depends on besides the message. Immutable; shared across messages.

    A NamedTuple (see model.py) whose __new__ gives each Context its own DNS client, probe cache and
    resolver check unless handed them; _replace keeps the ones it has."""

    __slots__ = ()

    def __new__(cls, trusted: tuple[str, ...] = (), authserv_ids: tuple[str, ...] = (), provider: str = "auto",
                dns: DnsClient | None = None, now: datetime | None = None, skew_seconds: int = 600,
                mta: MtaEvidence | None = None, probes: frozenset[str] = frozenset(), helo: str | None = None,
                smtp_port: int = 25, probe_limit: int = 20, probe_timeout: float = 10.0, probe_private: bool = False,
                probe_cache: ProbeCache | None = None, resolve_urls: bool = False, debug: bool = False,
                resolver_check: ResolverCheck | None = None) -> Context:
        return tuple.__new__(cls, (
            trusted, authserv_ids, provider, OfflineDns() if dns is None else dns, now, skew_seconds, mta, probes,
            helo, smtp_port, probe_limit, probe_timeout, probe_private,
            ProbeCache() if probe_cache is None else probe_cache, resolve_urls, debug,
            ResolverCheck() if resolver_check is None else resolver_check))

    @property
    def offline(self) -> bool:
        """--offline, as the DNS client says: one source, so the flag and the client cannot disagree."""
        return self.dns.offline


class Results:
    """What checks hand on to later checks. Each check names the fields it provides and needs
    (PROVIDES / NEEDS); a test proves the registry's order satisfies them. None: not produced
    (offline, no such header, or the producing check crashed)."""

    __slots__ = ("arc", "dkim", "dmarc", "probe", "spf")

    def __init__(self, spf: SpfResult | None = None, dkim: tuple[DkimResult, ...] | None = None,
                 arc: ArcResult | None = None, dmarc: DmarcResult | None = None,
                 probe: ProbeResult | None = None) -> None:
        self.spf = spf  # the spf check: MAIL FROM and HELO results at the entry client
        self.dkim = dkim  # the dkim check: one per signature, () when unsigned
        self.arc = arc  # the arc check: the chain's validation
        self.dmarc = dmarc  # the dmarc check: policy and alignment of the From domain
        self.probe = probe  # the probe check: what the opt-in SMTP probes found


class Facts:
    """What the checks share: the parsed message, the chain, and results earlier checks left behind."""

    __slots__ = ("boundary", "hops", "message", "results", "steps")

    def __init__(self, message: Message, hops: tuple[HopView, ...], boundary: Boundary,
                 results: Results | None = None, steps: dict[str, ContinuumStep] | None = None) -> None:
        self.message = message
        self.hops = hops
        self.boundary = boundary
        self.results = Results() if results is None else results
        self.steps = {} if steps is None else steps  # continuum step name -> outcome

    @property
    def entry(self) -> HopView | None:
        idx = self.boundary.entry_index
        return self.hops[idx] if idx is not None else None
