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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING

from mailcheck.auth.spf import SpfResult
from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus
from mailcheck.lookup.domains import domain_of, registrable_domain
from mailcheck.model import Basis, Label

if TYPE_CHECKING:
    from mailcheck.auth.dkim_verify import DkimResult

POLICIES = ("none", "quarantine", "reject")  # weakest first
_VERSION = re.compile(r"^\s*v\s*=\s*DMARC1\s*(;|$)")
# pyspf results that are a decision about the identity (RFC 7208 §2.6; "unknown" is pyspf's old name for
# permerror). temperror ("error"), and pyspf's local/trusted/ambiguous outcomes, decide nothing.
SETTLED_SPF = frozenset({"pass", "fail", "softfail", "neutral", "none", "permerror", "unknown"})


class DmarcOutcome(str, Enum):
    ALIGNED_PASS = "aligned-pass"  # an identity aligned with the From domain passes
    FAIL_ENFORCED = "fail-enforced"  # no aligned pass; p/sp/np quarantine or reject at pct=100
    FAIL_MONITOR = "fail-monitor"  # no aligned pass; policy none
    FAIL_SAMPLED = "fail-sampled"  # no aligned pass; pct below 100
    FAIL_UNSETTLED = "fail-unsettled"  # no aligned pass now, but an aligned check could not decide
    NO_POLICY = "no-policy"  # no DMARC record, no aligned pass
    POLICY_ERROR = "policy-error"  # several records, or one without a usable p=
    DNS_FAILURE = "dns-failure"  # the policy lookup failed
    NOT_RUN = "not-run"  # offline
    NO_FROM_DOMAIN = "no-from-domain"  # no From address with a domain


_UNDECIDED = (Label.UNVERIFIABLE, Basis.UNDECIDED)

# The one table from DMARC outcome to the From field's label; tests/test_dmarc.py proves it complete.
OUTCOME_LABELS: dict[DmarcOutcome, tuple[Label, Basis]] = {
    DmarcOutcome.ALIGNED_PASS: (Label.VALIDATED, Basis.CHECKED),
    DmarcOutcome.FAIL_ENFORCED: (Label.FORGED, Basis.CHECKED),
    DmarcOutcome.FAIL_MONITOR: _UNDECIDED,
    DmarcOutcome.FAIL_SAMPLED: _UNDECIDED,
    DmarcOutcome.FAIL_UNSETTLED: _UNDECIDED,
    DmarcOutcome.NO_POLICY: _UNDECIDED,
    DmarcOutcome.POLICY_ERROR: _UNDECIDED,
    DmarcOutcome.DNS_FAILURE: _UNDECIDED,
    DmarcOutcome.NOT_RUN: (Label.UNVERIFIABLE, Basis.NOT_RUN),
    DmarcOutcome.NO_FROM_DOMAIN: _UNDECIDED,
}


@dataclass(frozen=True)
class DmarcPolicy:
    """One parsed DMARC record (RFC 7489 §6.3)."""

    domain: str  # the domain whose _dmarc record this is
    record: str
    p: str
    sp: str | None = None
    np: str | None = None
    adkim: str = "r"
    aspf: str = "r"
    pct: int = 100
    notes: tuple[str, ...] = ()  # tags that were invalid and defaulted


@dataclass(frozen=True)
class SpfIdentity:
    """What SPF says about the domain it checked: MAIL FROM, or the HELO for a null sender (RFC 7489 §4.1)."""

    domain: str
    result: str  # pyspf vocabulary: pass, fail, softfail, neutral, none, permerror, temperror
    source: str = ""  # e.g. "the envelope sender <a@example.com>"

    @property
    def settled(self) -> bool:
        return self.result in SETTLED_SPF


@dataclass(frozen=True)
class Alignment:
    """One authenticated identity measured against the From domain."""

    method: str  # "dkim" | "spf"
    domain: str
    aligned: bool
    passed: bool
    settled: bool  # passed, or failed for a reason no later answer could change
    detail: str  # "dkim[0] d=example.com: verified"


@dataclass(frozen=True)
class DomainVerdict:
    """DMARC for one From domain."""

    from_domain: str
    org_domain: str
    outcome: DmarcOutcome
    reason: str
    policy: DmarcPolicy | None = None
    applied: str = ""  # the tag whose policy applies: "p", "sp" or "np"
    disposition: str = ""  # none / quarantine / reject
    alignments: tuple[Alignment, ...] = ()
    lookups: tuple[DnsAnswer, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def rfc8601(self) -> str | None:
        """The result an Authentication-Results header would write (RFC 8601 §2.7.7), None when not run."""
        return _RFC8601.get(self.outcome, "none" if self.policy is None else "pass")


_RFC8601: dict[DmarcOutcome, str | None] = {
    DmarcOutcome.FAIL_ENFORCED: "fail", DmarcOutcome.FAIL_MONITOR: "fail", DmarcOutcome.FAIL_SAMPLED: "fail",
    DmarcOutcome.FAIL_UNSETTLED: "fail", DmarcOutcome.NO_POLICY: "none",
    DmarcOutcome.POLICY_ERROR: "permerror",
    DmarcOutcome.DNS_FAILURE: "temperror", DmarcOutcome.NOT_RUN: None, DmarcOutcome.NO_FROM_DOMAIN: None,
}


@dataclass(frozen=True)
class DmarcResult:
    """DMARC for the message: one verdict per distinct From domain, combined."""

    outcome: DmarcOutcome
    reason: str
    verdicts: tuple[DomainVerdict, ...] = ()

    @property
    def label(self) -> Label:
        return OUTCOME_LABELS[self.outcome][0]

    @property
    def basis(self) -> Basis:
        return OUTCOME_LABELS[self.outcome][1]


# -- record ----------------------------------------------------------------------------------------


def is_dmarc_record(text: str) -> bool:
    return bool(_VERSION.match(text))


def parse_record(domain: str, text: str) -> DmarcPolicy | str:
    """A DMARC record, or why it cannot be used (RFC 7489 §6.3, §6.6.3 step 6)."""
    tags: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            return f"the record has a part without '=' ({part.strip()!r})"
        tags.setdefault(key.strip().lower(), value.strip())
    notes: list[str] = []
    p = tags.get("p", "").lower()
    sp = tags.get("sp", "").lower() or None
    if p not in POLICIES or (sp is not None and sp not in POLICIES):
        # §6.6.3: with a valid rua=, act as if p=none; otherwise no DMARC processing at all.
        if not any(":" in uri for uri in tags.get("rua", "").split(",")):
            bad = ("p=" + tags["p"] if "p" in tags else "no p=") if p not in POLICIES else "sp=" + tags["sp"]
            return f"the record has {bad} and no rua=: it is not usable"
        notes.append("p= or sp= is invalid; with rua= present RFC 7489 §6.6.3 says to act as if p=none")
        p, sp = "none", None
    np = tags.get("np", "").lower() or None
    if np is not None and np not in POLICIES:
        notes.append(f"np={tags['np']} is not a policy and was ignored")
        np = None
    modes = {}
    for tag in ("adkim", "aspf"):
        mode = tags.get(tag, "r").lower()
        if mode not in ("r", "s"):
            notes.append(f"{tag}={tags[tag]} is invalid; relaxed (r) was used")
            mode = "r"
        modes[tag] = mode
    pct_text = tags.get("pct", "100")
    pct = int(pct_text) if pct_text.isdigit() and int(pct_text) <= 100 else 100
    if not pct_text.isdigit() or int(pct_text) > 100:
        notes.append(f"pct={pct_text} is invalid; 100 was used")
    return DmarcPolicy(domain, text, p, sp, np, modes["adkim"], modes["aspf"], pct, tuple(notes))


# -- discovery -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Discovery:
    policy: DmarcPolicy | None
    failure: tuple[DmarcOutcome, str] | None  # NOT_RUN / DNS_FAILURE / POLICY_ERROR with the reason
    lookups: tuple[DnsAnswer, ...]


def discover(from_domain: str, org_domain: str, dns: DnsClient) -> _Discovery:
    """RFC 7489 §6.6.3: _dmarc.<From domain>, then _dmarc.<organizational domain>."""
    lookups: list[DnsAnswer] = []
    for domain in dict.fromkeys((from_domain, org_domain)):
        answer = dns.query(f"_dmarc.{domain}", "TXT")
        lookups.append(answer)
        if answer.status is DnsStatus.OFFLINE:
            return _Discovery(None, (DmarcOutcome.NOT_RUN, "the DMARC policy was not looked up (offline)"),
                              tuple(lookups))
        if not answer.answered:
            why = f"the DMARC policy lookup for _dmarc.{domain} failed ({answer.status.value})"
            return _Discovery(None, (DmarcOutcome.DNS_FAILURE, why), tuple(lookups))
        records = [r for r in answer.records if is_dmarc_record(r)]
        if len(records) > 1:
            why = f"_dmarc.{domain} has {len(records)} DMARC records, so none applies (RFC 7489 §6.6.3)"
            return _Discovery(None, (DmarcOutcome.POLICY_ERROR, why), tuple(lookups))
        if records:
            parsed = parse_record(domain, records[0])
            if isinstance(parsed, str):
                failure = (DmarcOutcome.POLICY_ERROR, f"_dmarc.{domain}: {parsed}")
                return _Discovery(None, failure, tuple(lookups))
            return _Discovery(parsed, None, tuple(lookups))
    return _Discovery(None, None, tuple(lookups))


def _exists(domain: str, dns: DnsClient) -> tuple[bool | None, list[DnsAnswer]]:
    """RFC 9091 §2.7: a domain does not exist when A, AAAA and MX all answer NXDOMAIN or no data."""
    answers = []
    for rdtype in ("A", "AAAA", "MX"):
        answer = dns.query(domain, rdtype)
        answers.append(answer)
        if answer.status is DnsStatus.OK:
            return True, answers
    if all(a.answered for a in answers):
        return False, answers
    return None, answers


def _applicable(policy: DmarcPolicy, from_domain: str,
                dns: DnsClient) -> tuple[str, str, list[str], list[DnsAnswer]]:
    """(tag, disposition, notes, extra lookups) for the From domain under this policy."""
    if policy.domain == from_domain:
        return "p", policy.p, [], []
    tag, disposition = ("sp", policy.sp) if policy.sp else ("p", policy.p)
    if policy.np is None or policy.np == disposition:
        return tag, disposition, [], []
    exists, answers = _exists(from_domain, dns)
    if exists is False:
        return "np", policy.np, [f"{from_domain} does not exist (no A, AAAA or MX), so np= applies"], answers
    if exists is True:
        return tag, disposition, [], answers
    weaker = min((policy.np, disposition), key=POLICIES.index)
    note = (f"whether {from_domain} exists could not be learnt (DNS failure), so the weaker of "
            f"np={policy.np} and {tag}={disposition} was used")
    return ("np" if weaker == policy.np else tag), weaker, [note], answers


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
        tag, disposition, more, extra = _applicable(policy, from_domain, dns)
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
    return replace(base, outcome=outcome, reason=reason)


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
