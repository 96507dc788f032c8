"""DMARC (RFC 7489): policy discovery, identifier alignment and the From field's label, over our DNS layer.

Choices where the RFCs leave room (documented here, cited in the evidence):
- The organizational domain comes from the Public Suffix List (RFC 7489 §3.2), not DMARCbis's tree walk.
- np= (RFC 9091 §4, DMARCbis) applies only when the policy was found at the organizational domain and
  the From domain does not exist: NXDOMAIN or no data for A, AAAA and MX (RFC 9091 §2.7). Without np=,
  sp= applies to subdomains, and without sp=, p=. When existence cannot be learnt (a DNS failure), the
  weaker of the two candidate policies is used for the label, and the evidence says so.
- pct= below 100 means the owner does not stand behind its policy for all failing mail: such a failure
  is unverifiable, not forged.
- A failure is only "forged" when every aligned identity was settled: a DKIM signature whose key is
  gone or whose lookup failed, or an SPF result that is missing or temperror, may have passed at
  receipt (keys rotate), so such a failure is unverifiable.
- Several From domains: DMARC is applied to each (RFC 7489 §6.6.1 leaves the choice); any enforced
  failure makes the From field forged, and it is validated only when every domain passes.

The vocabulary and result types live in dmarc_result, record parsing and discovery in dmarc_policy;
this module measures alignment and decides the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mailcheck.auth.dmarc_policy import applicable, discover
from mailcheck.auth.dmarc_result import (
    Alignment,
    DmarcOutcome,
    DmarcPolicy,
    DmarcResult,
    DomainVerdict,
    SpfIdentity,
)
from mailcheck.auth.spf import SpfResult
from mailcheck.lookup.contract import DnsClient, DnsStatus
from mailcheck.lookup.domains import domain_of, registrable_domain
from mailcheck.model import Basis, Label

if TYPE_CHECKING:  # annotations only: importing it would load dkimpy for callers that pass no signature
    from mailcheck.auth.dkim_result import DkimResult

# The types evaluate() returns and takes; importers may take them from here.
__all__ = ["DmarcOutcome", "DmarcResult", "SpfIdentity", "aligned", "evaluate", "evaluate_domain", "from_label",
           "spf_identity"]


# -- alignment -------------------------------------------------------------------------------------


def aligned(identity: str, from_domain: str, mode: str) -> bool:
    """RFC 7489 §3.1: strict = the same name; relaxed = the same organizational domain."""
    a, b = identity.rstrip(".").lower(), from_domain.rstrip(".").lower()
    if a == b:
        return True
    if mode == "s":
        return False
    org_a, org_b = registrable_domain(a), registrable_domain(b)
    return org_a is not None and org_a == org_b


def _alignments(from_domain: str, policy: DmarcPolicy | None, dkim: Sequence[DkimResult],
                spf: SpfIdentity | None) -> list[Alignment]:
    adkim = policy.adkim if policy else "r"
    aspf = policy.aspf if policy else "r"
    found = []
    for result in dkim:
        if not result.domain:
            continue
        detail = f"DKIM dkim[{result.index}] d={result.domain}: {result.outcome.value}"
        found.append(Alignment("dkim", result.domain, aligned(result.domain, from_domain, adkim),
                               result.passed, result.settled, detail))
    if spf is not None and spf.domain:
        source = f" ({spf.source})" if spf.source else ""
        detail = f"SPF for {spf.domain}{source}: {spf.result}"
        found.append(Alignment("spf", spf.domain, aligned(spf.domain, from_domain, aspf),
                               spf.result == "pass", spf.settled, detail))
    return found


# -- evaluation ------------------------------------------------------------------------------------


def evaluate_domain(from_domain: str, dkim: Sequence[DkimResult] | None, spf: SpfIdentity | None,
                    dns: DnsClient) -> DomainVerdict:
    """DMARC for one From domain. dkim=None: DKIM was not evaluated; spf=None: SPF was not."""
    org = registrable_domain(from_domain) or from_domain
    found = discover(from_domain, org, dns)
    lookups = list(found.lookups)
    policy = found.policy
    notes = list(policy.notes) if policy else []
    tag = disposition = ""
    if policy is not None:
        tag, disposition, more, extra = applicable(policy, from_domain, dns)
        notes.extend(more)
        lookups.extend(extra)
    checks = _alignments(from_domain, policy, dkim or (), spf)
    base = DomainVerdict(from_domain, org, DmarcOutcome.NO_POLICY, "", policy, tag, disposition,
                         tuple(checks), tuple(lookups), tuple(notes))
    passing = [c for c in checks if c.aligned and c.passed]
    if passing:
        modes = (policy.adkim, policy.aspf) if policy else ("r", "r")
        mode = "strict" if modes[passing[0].method == "spf"] == "s" else "relaxed"
        why = (f"{passing[0].method.upper()} passes for {passing[0].domain}, aligned with the From domain "
               f"{from_domain} ({mode} alignment)")
        return _with(base, DmarcOutcome.ALIGNED_PASS, why)
    if found.failure is not None:
        return _with(base, *found.failure)
    if policy is None:
        return _with(base, DmarcOutcome.NO_POLICY, f"{from_domain} publishes no DMARC policy (neither "
                     f"_dmarc.{from_domain} nor _dmarc.{org}), and no aligned identity passes")
    unsettled = [c.detail for c in checks if c.aligned and not c.settled]
    if dkim is None:
        unsettled.append("DKIM was not evaluated")
    if spf is None:
        unsettled.append("SPF was not evaluated (offline, no entry hop or no envelope sender)")
    stated = f"{tag}={disposition}" + (f" pct={policy.pct}" if policy.pct != 100 else "")
    if unsettled:
        return _with(base, DmarcOutcome.FAIL_UNSETTLED, f"no identity aligned with {from_domain} passes now, "
                     "but what might have passed could not be decided: " + "; ".join(unsettled))
    if disposition == "none":
        return _with(base, DmarcOutcome.FAIL_MONITOR, f"DMARC fails for {from_domain}, but its policy is "
                     f"{stated} (monitoring only): the owner does not claim all its mail passes")
    if policy.pct < 100:
        return _with(base, DmarcOutcome.FAIL_SAMPLED, f"DMARC fails for {from_domain}, but {stated} applies "
                     "the policy to only part of failing mail: the owner does not claim all its mail passes")
    return _with(base, DmarcOutcome.FAIL_ENFORCED, f"DMARC fails: no identity aligned with {from_domain} "
                 f"passes, and its owner publishes {stated} (found at _dmarc.{policy.domain}): it disowns "
                 "such mail")


def _with(base: DomainVerdict, outcome: DmarcOutcome, reason: str) -> DomainVerdict:
    return base._replace(outcome=outcome, reason=reason)


def evaluate(from_addresses: Sequence[str], dkim: Sequence[DkimResult] | None, spf: SpfIdentity | None,
             dns: DnsClient) -> DmarcResult:
    """DMARC for every distinct domain among the From addresses, combined (see the module docstring)."""
    domains = list(dict.fromkeys(d for a in from_addresses if (d := domain_of(a))))
    if not domains:
        return DmarcResult(DmarcOutcome.NO_FROM_DOMAIN, "the From field has no address with a domain")
    verdicts = tuple(evaluate_domain(d, dkim, spf, dns) for d in domains)
    enforced = [v for v in verdicts if v.outcome is DmarcOutcome.FAIL_ENFORCED]
    if enforced:
        return DmarcResult(DmarcOutcome.FAIL_ENFORCED, enforced[0].reason, verdicts)
    others = [v for v in verdicts if v.outcome is not DmarcOutcome.ALIGNED_PASS]
    if not others:
        return DmarcResult(DmarcOutcome.ALIGNED_PASS, "; ".join(v.reason for v in verdicts), verdicts)
    return DmarcResult(others[0].outcome, others[0].reason, verdicts)


# -- the From field's label ------------------------------------------------------------------------


def _policy_sentence(verdict: DomainVerdict) -> str:
    policy = verdict.policy
    if policy is None:
        return ""
    where = "the From domain" if policy.domain == verdict.from_domain else "its organizational domain"
    return (f"DMARC policy of {where}, _dmarc.{policy.domain}: {policy.record} "
            f"({verdict.applied}={verdict.disposition} applies to {verdict.from_domain})")


def from_label(result: DmarcResult) -> tuple[Label, Basis, tuple[str, ...]]:
    """The From field's label, basis and evidence sentences, from the DMARC result."""
    evidence = [result.reason]
    for verdict in result.verdicts:
        if len(result.verdicts) > 1:
            evidence.append(f"{verdict.from_domain}: {verdict.reason}")
        if verdict.policy is not None:
            evidence.append(_policy_sentence(verdict))
        evidence.extend(a.describe() for a in verdict.lookups if a.status is not DnsStatus.OK
                        or not a.name.startswith("_dmarc."))
        for check in verdict.alignments:
            state = "aligned" if check.aligned else "not aligned"
            evidence.append(f"{check.detail} ({state} with {verdict.from_domain})")
        evidence.extend(verdict.notes)
    if not any(v.alignments for v in result.verdicts) and result.verdicts:
        evidence.append("no DKIM signature and no SPF result to align with the From domain")
    return result.label, result.basis, tuple(dict.fromkeys(e for e in evidence if e))


def spf_identity(value: SpfResult | None) -> SpfIdentity | None:
    """The one place that reads the SPF check's result (facts.results.spf) for DMARC and for the
    Authentication-Results comparison. None when no SPF identity was evaluated."""
    found = value.for_dmarc() if value is not None else None
    if found is None:
        return None
    domain, result, where = found
    return SpfIdentity(domain.rstrip(".").lower(), result, where)
