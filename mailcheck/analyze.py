"""Context + analyze(raw, ctx) -> Report: parse once, run every check, never let one crash the rest."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .dns import DnsClient, OfflineDns, message_budget
from .message import Message, parse

if TYPE_CHECKING:
    from .checks import Check
from .model import (
    Basis,
    Boundary,
    ContinuumStep,
    Finding,
    HopView,
    Label,
    Report,
    decide_verdict,
)
from .probe_cache import ProbeCache


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
    dns: DnsClient = field(default_factory=OfflineDns)
    offline: bool = True
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


@dataclass
class Facts:
    """What the checks share: the parsed message, the chain, and results earlier checks left behind."""

    message: Message
    hops: tuple[HopView, ...]
    boundary: Boundary
    results: dict[str, Any] = field(default_factory=dict)  # check id -> that check's typed result
    steps: dict[str, ContinuumStep] = field(default_factory=dict)  # continuum step name -> outcome

    @property
    def entry(self) -> HopView | None:
        idx = self.boundary.entry_index
        return self.hops[idx] if idx is not None else None


def analyze(raw: bytes, ctx: Context, source: str = "-") -> Report:
    """Analyse one message. Never raises for bad input; a crashing check becomes a finding."""
    from . import trust
    from .checks import CHECKS
    from .continuum import continuum

    message = parse(raw)
    problems = list(message.problems)
    try:
        hops, boundary = trust.build_chain(message, ctx)
    except Exception as exc:  # a parser bug must not cost the other fields (DESIGN §4)
        if ctx.debug:
            raise
        problems.append(f"the Received chain could not be read ({exc.__class__.__name__}: {exc})")
        hops, boundary = (), Boundary(0, None, "the Received chain could not be read, so nothing is trusted")
    facts = Facts(message, hops, boundary)
    findings: list[Finding] = []
    with message_budget(ctx.dns):  # one DNS time budget per message, however many checks ask
        _run_checks(CHECKS, facts, ctx, findings)
    errors = problems
    errors.extend(f"check {f.check} crashed: {f.evidence[0]}" for f in findings if f.name.startswith("check:"))
    fields = tuple(sorted(findings, key=_reading_order))
    verdict, reason = decide_verdict(fields)
    return Report(source, verdict, reason, fields, hops, boundary, continuum(facts, ctx), tuple(errors))


# The order a reader wants: who claims to have sent it, then how it travelled, then what it says.
# Checks run in dependency order instead (SPF and DKIM before the identities labelled from them).
_READING_ORDER = (
    "envelope-sender", "from", "from-display-name", "sender", "reply-to", "date", "message-id", "subject",
    "envelope-sender-domain", "from-domain", "client-", "dkim", "arc", "received", "header:", "url",
    "body-claims", "sender-", "check:",
)


def _reading_order(finding: Finding) -> int:
    # The same few hundred names (url[N], received[N], header:…) recur in every message; a header name can be
    # as long as the sender likes, and such names are not kept.
    name = finding.name
    return _rank_cached(name) if len(name) <= 100 else _rank(name)


@lru_cache(maxsize=1024)
def _rank_cached(name: str) -> int:
    return _rank(name)


def _rank(name: str) -> int:
    for rank, key in enumerate(_READING_ORDER):
        # "from" must not catch "from-domain": a key matches exactly, as name[N], or as a "-"/":" prefix
        if name == key or name.startswith(key + "[") or (key[-1] in "-:" and name.startswith(key)):
            return rank
    return len(_READING_ORDER)


def _run_checks(checks: tuple[Check, ...], facts: Facts, ctx: Context, findings: list[Finding]) -> None:
    for check in checks:
        try:
            findings.extend(check.run(facts, ctx))
        except Exception as exc:
            if ctx.debug:
                raise
            detail = f"{exc.__class__.__name__}: {exc}"
            findings.append(
                Finding(
                    f"check:{check.ID}",
                    check.SUMMARY,
                    Label.UNVERIFIABLE,
                    (f"the check crashed ({detail}); its fields could not be decided",
                     traceback.format_exc(limit=1).strip().splitlines()[-1]),
                    check.ID,
                    Basis.UNDECIDED,
                )
            )
