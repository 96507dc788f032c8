"""DMARC's vocabulary: the outcome enum and its label table, the parsed policy, and the result types."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

from mailcheck.auth.outcomes import CHECKED_FORGED, CHECKED_VALID, NOT_RUN, UNDECIDED, LabelledByOutcome, OutcomeTable
from mailcheck.lookup.contract import DnsAnswer
from mailcheck.value_types import NamedTuple

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


# The one table from DMARC outcome to the From field's label; tests/auth/test_dmarc.py proves it complete.
OUTCOME_LABELS = OutcomeTable(DmarcOutcome, {
    DmarcOutcome.ALIGNED_PASS: CHECKED_VALID,
    DmarcOutcome.FAIL_ENFORCED: CHECKED_FORGED,
    DmarcOutcome.FAIL_MONITOR: UNDECIDED,
    DmarcOutcome.FAIL_SAMPLED: UNDECIDED,
    DmarcOutcome.FAIL_UNSETTLED: UNDECIDED,
    DmarcOutcome.NO_POLICY: UNDECIDED,
    DmarcOutcome.POLICY_ERROR: UNDECIDED,
    DmarcOutcome.DNS_FAILURE: UNDECIDED,
    DmarcOutcome.NOT_RUN: NOT_RUN,
    DmarcOutcome.NO_FROM_DOMAIN: UNDECIDED,
})


class DmarcPolicy(NamedTuple):
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


class SpfIdentity(NamedTuple):
    """What SPF says about the domain it checked: MAIL FROM, or the HELO for a null sender (RFC 7489 §4.1)."""

    domain: str
    result: str  # pyspf vocabulary: pass, fail, softfail, neutral, none, permerror, temperror
    source: str = ""  # e.g. "the envelope sender <a@example.com>"

    @property
    def settled(self) -> bool:
        return self.result in SETTLED_SPF


class Alignment(NamedTuple):
    """One authenticated identity measured against the From domain."""

    method: str  # "dkim" | "spf"
    domain: str
    aligned: bool
    passed: bool
    settled: bool  # passed, or failed for a reason no later answer could change
    detail: str  # "dkim[0] d=example.com: verified"


class DomainVerdict(NamedTuple):
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


class _DmarcResultFields(NamedTuple):
    outcome: DmarcOutcome
    reason: str
    verdicts: tuple[DomainVerdict, ...] = ()


class DmarcResult(_DmarcResultFields, LabelledByOutcome[DmarcOutcome]):
    """DMARC for the message: one verdict per distinct From domain, combined."""

    __slots__ = ()
    LABELS: ClassVar[OutcomeTable[DmarcOutcome]] = OUTCOME_LABELS
