"""Is the resolver telling the truth? Checked once per run, before any DNS answer may make a field forged.

DESIGN §3: NXDOMAIN from a resolver that answers NXDOMAIN to everything is not evidence. Captive
portals, sinkholes, split-horizon resolvers and sandboxes give answers that cannot be true, and a
check that believed them would call github.com nonexistent and every message forged.

The method asks the resolver questions whose true answers are fixed by the DNS itself:
1. `. NS`: the root zone exists and has name servers (RFC 1034 §4.3.1). NXDOMAIN or no data there
   is impossible: the resolver LIES. A failure (timeout, SERVFAIL, REFUSED…) means it cannot be
   checked: UNKNOWN.
2. `A mailcheck-resolver-check.invalid`: RFC 6761 §6.4 reserves `.invalid` for names that never
   exist, so the true answer is NXDOMAIN. An address there is a sinkhole or wildcard resolver
   (the "same address for every name" liar), and "the name exists" is a lie too. A failure here
   proves nothing (§6.4 lets resolvers refuse such names). The label is fixed, not random, so that a
   --dns-record file holds these answers and --dns-replay reproduces the verdict.
3. For every NXDOMAIN a check receives later, the name's top-level domain, when the Public Suffix
   List knows it, must exist: `SOA <tld>` answering NXDOMAIN ("com does not exist") turns the run's
   verdict to LYING from then on (a split-horizon resolver may know the root yet deny the world).

The questions are asked lazily, when the first real answer (OK, NXDOMAIN, NODATA) arrives, or the
first SERVFAIL/REFUSED (so that a resolver refusing everything is reported: UNKNOWN). A resolver that
only times out can forge nothing and is not kept waiting for again: the run reports it "unchecked".
They are asked outside any message's budget and counts (a fresh contextvars context), through the
run's client, so they are cached, shared between scan workers and recorded like any other question.

While the verdict is not HONEST, every real answer reaching a check is replaced by an ERROR answer
that says why: failures are never evidence of forgery (DESIGN §2), so no DNS-derived field is
forged or validated, and its evidence names the reason. Failures pass through unchanged.

Which clients are checked: the live Resolver and ReplayDns (a recording of one). OfflineDns asks
nothing. StaticDns and any other client (in-memory zones that unit tests and library users build)
are honest by declaration: whoever wrote the zone decided what is true in it.

One ResolverCheck lives on the Context (one per run, or per scan worker process: each worker checks
once); a lock makes the threads of one process wait for a single check.
"""

from __future__ import annotations

import _thread  # the lock alone: threading is a start-up cost the filter does not need
import contextvars
from enum import Enum
from typing import Any

from mailcheck.lookup.contract import (
    DnsAnswer,
    DnsClient,
    DnsStatus,
    OfflineDns,
    StaticDns,
    WrappedDns,
    normalise_name,
)
from mailcheck.value_types import NamedTuple

ROOT = "."
# Failures a server sent (not silence): checking then costs no waiting, and tells the run why nothing answers.
_RESPONDED_FAILURES = frozenset({DnsStatus.SERVFAIL, DnsStatus.REFUSED})
PROBE_INVALID = "mailcheck-resolver-check.invalid"


class Verdict(str, Enum):
    HONEST = "honest"
    LYING = "lying"
    UNKNOWN = "unknown"  # it could not be asked: nothing it says may decide a field


class Honesty(NamedTuple):
    """Whether the resolver answered our probes honestly, and why we think so."""

    verdict: Verdict
    reason: str  # why, in words; for HONEST the answers that showed it
    evidence: tuple[str, ...] = ()  # the probe answers, as DnsAnswer.describe() text

    @property
    def honest(self) -> bool:
        return self.verdict is Verdict.HONEST

    def distrust(self) -> str:
        """The evidence given in place of every answer this resolver gave."""
        if self.verdict is Verdict.LYING:
            return f"the resolver gives answers that cannot be true: {self.reason}"
        return f"the resolver could not be shown to tell the truth: {self.reason}"

    def as_json(self) -> dict[str, Any]:
        return {"status": self.verdict.value, "honest": self.honest, "reason": self.reason,
                "evidence": list(self.evidence)}


def _said(answer: DnsAnswer) -> str:
    # Names are kept without the trailing dot, which leaves the root as "": shown as "." here.
    return (answer._replace(name=".") if answer.name == "" else answer).describe()


def probe(client: DnsClient) -> Honesty:
    """Steps 1 and 2 of the module docstring, asked through `client`."""
    root = client.query(ROOT, "NS")
    said: tuple[str, ...] = (_said(root),)
    if root.status is DnsStatus.NXDOMAIN:
        return Honesty(Verdict.LYING, f"it says the root zone does not exist ({_said(root)})", said)
    if root.status is DnsStatus.NODATA:
        return Honesty(Verdict.LYING, f"it says the root zone has no name servers ({_said(root)})", said)
    if root.status is not DnsStatus.OK:
        return Honesty(Verdict.UNKNOWN, f"it gave no answer about the root zone ({_said(root)})", said)
    invalid = client.query(PROBE_INVALID, "A")
    said = (*said, invalid.describe())
    if invalid.status is DnsStatus.OK:
        return Honesty(Verdict.LYING, "it gives an address for a name that cannot exist, RFC 6761 §6.4 "
                                      f"({invalid.describe()}): a sinkhole or wildcard resolver", said)
    if invalid.status is DnsStatus.NODATA:
        return Honesty(Verdict.LYING, "it says a name under .invalid exists, which RFC 6761 §6.4 rules out "
                                      f"({invalid.describe()})", said)
    note = "" if invalid.status is DnsStatus.NXDOMAIN else "; the .invalid name could not be asked"
    return Honesty(Verdict.HONEST, f"it answers for the root zone and denies a name that cannot exist{note}", said)


_SEVERITY = {"unchecked": 0, "honest": 1, "unknown": 2, "lying": 3}


def worst_report(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    """Of two report() objects, the more alarming: a scan's workers each check, the run tells the worst."""
    if a is None or b is None:
        return a or b
    return b if _SEVERITY.get(b["status"], 0) > _SEVERITY.get(a["status"], 0) else a


def warning_text(found: dict[str, Any]) -> str | None:
    """The warning for a report() object, None when there is nothing to warn about."""
    status, reason = found.get("status"), found.get("reason", "")
    if status == Verdict.LYING.value:
        why = f"the resolver gives answers that cannot be true: {reason}"
    elif status == Verdict.UNKNOWN.value:
        why = f"the resolver could not be shown to tell the truth: {reason}"
    else:
        return None
    return (f"warning: {why}. Every DNS answer was set aside: the fields DNS would decide are "
            "unverifiable, none forged. Use --resolver with a resolver you trust, or --offline.")


def _known_tld(name: str) -> str | None:
    """The top-level domain of `name` when the Public Suffix List has it (so it must exist)."""
    labels = name.split(".")
    if len(labels) < 2 or not labels[-1]:
        return None
    tld = labels[-1]
    from mailcheck.lookup.domains import public_suffix_list

    return tld if public_suffix_list().publicsuffix(tld, accept_unknown=False) == tld else None


def _outside_message(ask: Any, *args: Any) -> Any:
    # A fresh context: no message's budget is spent and no message's counts grow (contract.py).
    return contextvars.Context().run(ask, *args)


def _needs_check(client: DnsClient) -> bool:
    """Only a live resolver, or a recording of one, is asked (see the module docstring)."""
    from mailcheck.lookup.record import ReplayDns
    from mailcheck.lookup.resolver import Resolver

    inner: Any = client
    for _ in range(8):  # wrappers (the scan's ScanDns) keep the client they wrap in .inner
        if isinstance(inner, Resolver | ReplayDns):
            return True
        inner = getattr(inner, "inner", None)
        if inner is None:
            break
    return False


class ResolverCheck:
    """The run's verdict about its resolver, and the client the checks are given (see module doc)."""

    def __init__(self) -> None:
        self._lock = _thread.allocate_lock()
        self._client: DnsClient | None = None
        self._checked: CheckedDns | None = None
        self._result: Honesty | None = None
        self._tlds: dict[str, bool] = {}  # TLD -> it exists (asked once per run)

    def client_for(self, dns: DnsClient) -> DnsClient:
        """What the checks of one message use: `dns` itself, or `dns` behind the honesty gate."""
        if isinstance(dns, OfflineDns | StaticDns):
            return dns
        with self._lock:
            if self._client is not dns:
                self._client = dns
                self._checked = CheckedDns(dns, self) if _needs_check(dns) else None
                self._result = None
                self._tlds.clear()
            return self._checked or dns

    @property
    def result(self) -> Honesty | None:
        """None until a real answer made the check necessary."""
        return self._result

    @property
    def applies(self) -> bool:
        """Whether this run's DNS is subject to the check (a live or replayed resolver was used)."""
        return self._checked is not None

    def report(self) -> dict[str, Any] | None:
        """The JSON "resolver" object, or None when no checked DNS was in use (offline)."""
        if not self.applies:
            return None
        if self._result is None:
            return {"status": "unchecked", "honest": None, "evidence": [],
                    "reason": "no DNS answer arrived, so the resolver did not need checking"}
        return self._result.as_json()

    def json_extra(self) -> dict[str, Any] | None:
        """{"resolver": report()} for the JSON reporters, None when offline (the output stays as it was)."""
        found = self.report()
        return None if found is None else {"resolver": found}

    def warning(self) -> str | None:
        """The once-per-run warning, or None when the resolver is honest (or was never needed)."""
        found = self.report()
        return None if found is None else warning_text(found)

    # -- used by CheckedDns ----------------------------------------------------------------------

    def verdict(self, client: DnsClient) -> Honesty:
        if self._result is not None:  # the common case, once checked: no lock per answer
            return self._result
        with self._lock:  # one check per process; the other threads wait for it
            if self._result is None:
                self._result = _outside_message(probe, client)
            return self._result

    def confirm_nxdomain(self, client: DnsClient, name: str) -> Honesty:
        """Step 3: an NXDOMAIN under a TLD that must exist is believed only if that TLD exists."""
        tld = _known_tld(name)
        with self._lock:
            assert self._result is not None
            if tld is None or tld == name or not self._result.honest:
                return self._result
            if tld not in self._tlds:
                soa: DnsAnswer = _outside_message(client.query, tld, "SOA")
                self._tlds[tld] = soa.status is not DnsStatus.NXDOMAIN
                if not self._tlds[tld]:
                    self._result = Honesty(Verdict.LYING, f"it says the top-level domain {tld} does not exist "
                                                          f"({soa.describe()})",
                                           (*self._result.evidence, soa.describe()))
            return self._result


class CheckedDns(WrappedDns):
    """A DnsClient in front of the run's client: real answers reach the checks only from an honest resolver."""

    def __init__(self, inner: DnsClient, check: ResolverCheck) -> None:
        super().__init__(inner)
        self._check = check


    def query(self, name: str, rdtype: str) -> DnsAnswer:
        answer = self.inner.query(name, rdtype)
        if answer.status in _RESPONDED_FAILURES:
            self._check.verdict(self.inner)  # so that the run can say its resolver refuses to answer
        if not answer.answered:
            return answer  # a failure can forge nothing (DESIGN §2)
        result = self._check.verdict(self.inner)
        if result.honest and answer.status is DnsStatus.NXDOMAIN:
            result = self._check.confirm_nxdomain(self.inner, normalise_name(name))
        if result.honest:
            return answer
        return DnsAnswer(answer.name, answer.rdtype, DnsStatus.ERROR, detail=f"not used: {result.distrust()}")
