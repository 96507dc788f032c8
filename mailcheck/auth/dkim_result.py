"""What became of one DKIM-Signature: the outcome vocabulary, its label table and the result type."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar

import dkim

from mailcheck.auth.dkim_key import DkimKey, KeyProblem
from mailcheck.auth.outcomes import CHECKED_FORGED, CHECKED_VALID, NOT_RUN, UNDECIDED, LabelledByOutcome, OutcomeTable
from mailcheck.value_types import NamedTuple


class DkimOutcome(str, Enum):
    """What became of one signature. Only the first three are decisions about the signature itself."""

    VERIFIED = "verified"
    BODY_HASH_MISMATCH = "body-hash-mismatch"  # the body is not what was signed
    SIGNATURE_MISMATCH = "signature-mismatch"  # the signed header fields are not what was signed
    MBOX_QUOTED = "body-hash-mismatch-mbox-quoted"  # no match, but an mbox's >From quoting may be why
    CHANGED_IN_TRANSIT = "changed-in-transit"  # no match, and a list or an ARC sealer explains it (auth/transit.py)
    NOT_RUN = "not-run"  # offline: the key was not fetched
    NO_KEY = "no-key"
    DNS_FAILURE = "dns-failure"
    KEY_REVOKED = "key-revoked"
    KEY_INVALID = "key-invalid"
    KEY_TOO_SMALL = "key-too-small"  # RFC 8301 §3.2
    KEY_TOO_LARGE = "key-too-large"  # a modulus or exponent too large to check in bounded time (dkim_key.py)
    KEY_INAPPROPRIATE = "key-inappropriate"  # k=/h=/t=s/s= of the key do not allow this signature
    RSA_SHA1 = "rsa-sha1-forbidden"  # RFC 8301 §3.1
    UNSUPPORTED_ALGORITHM = "unsupported-algorithm"
    UNSUPPORTED_VERSION = "unsupported-version"
    UNSUPPORTED_TAG = "unsupported-tag"  # c= or q= this verifier does not implement
    EXPIRED = "expired"  # x= is before the analysis clock
    TESTING = "testing-mode"  # failed, but the key says t=y (RFC 6376 §3.6.1: treat as unsigned)
    SYNTAX = "syntax-error"
    ERROR = "verifier-error"
    NOT_EXAMINED = "not-examined"  # beyond the per-message limit of signatures (dkim_verify.MAX_SIGNATURES)
    BODY_NOT_ORIGINAL = "body-not-original"  # the body was rebuilt (an Outlook .msg): bh= cannot be checked

# The one table from outcome to label (DESIGN §2); tests/auth/test_dkim_table.py proves it complete.
OUTCOME_LABELS = OutcomeTable(DkimOutcome, {
    DkimOutcome.VERIFIED: CHECKED_VALID,
    DkimOutcome.BODY_HASH_MISMATCH: CHECKED_FORGED,
    DkimOutcome.SIGNATURE_MISMATCH: CHECKED_FORGED,
    DkimOutcome.MBOX_QUOTED: UNDECIDED,  # the archive may have changed the body, not an attacker
    DkimOutcome.CHANGED_IN_TRANSIT: UNDECIDED,  # handling, not deceit (DESIGN §3): never a settled failure
    DkimOutcome.NOT_RUN: NOT_RUN,
    DkimOutcome.NO_KEY: UNDECIDED,
    DkimOutcome.DNS_FAILURE: UNDECIDED,
    DkimOutcome.KEY_REVOKED: UNDECIDED,
    DkimOutcome.KEY_INVALID: UNDECIDED,
    DkimOutcome.KEY_TOO_SMALL: UNDECIDED,
    DkimOutcome.KEY_TOO_LARGE: UNDECIDED,
    DkimOutcome.KEY_INAPPROPRIATE: UNDECIDED,
    DkimOutcome.RSA_SHA1: UNDECIDED,
    DkimOutcome.UNSUPPORTED_ALGORITHM: UNDECIDED,
    DkimOutcome.UNSUPPORTED_VERSION: UNDECIDED,
    DkimOutcome.UNSUPPORTED_TAG: UNDECIDED,
    DkimOutcome.EXPIRED: UNDECIDED,
    DkimOutcome.TESTING: UNDECIDED,
    DkimOutcome.SYNTAX: UNDECIDED,
    DkimOutcome.ERROR: UNDECIDED,
    DkimOutcome.NOT_EXAMINED: UNDECIDED,
    DkimOutcome.BODY_NOT_ORIGINAL: UNDECIDED,  # nothing to check the body hash against: never forged
})

# Failures that are facts about the signature itself and cannot change with DNS or time: DMARC may
# rely on them. Key problems, expiry and DNS failures may all be the key having rotated since receipt;
# MBOX_QUOTED may be the archive's doing.
SETTLED_FAILURES = frozenset({
    DkimOutcome.BODY_HASH_MISMATCH, DkimOutcome.SIGNATURE_MISMATCH, DkimOutcome.RSA_SHA1,
    DkimOutcome.UNSUPPORTED_ALGORITHM, DkimOutcome.UNSUPPORTED_VERSION, DkimOutcome.UNSUPPORTED_TAG,
    DkimOutcome.SYNTAX,
})

KEY_OUTCOMES: dict[KeyProblem, DkimOutcome] = {
    KeyProblem.NOT_RUN: DkimOutcome.NOT_RUN,
    KeyProblem.NO_KEY: DkimOutcome.NO_KEY,
    KeyProblem.DNS_FAILURE: DkimOutcome.DNS_FAILURE,
    KeyProblem.REVOKED: DkimOutcome.KEY_REVOKED,
    KeyProblem.INVALID: DkimOutcome.KEY_INVALID,
    KeyProblem.UNSUPPORTED_VERSION: DkimOutcome.UNSUPPORTED_VERSION,
    KeyProblem.UNSUPPORTED_TYPE: DkimOutcome.UNSUPPORTED_ALGORITHM,
    KeyProblem.NOT_FOR_EMAIL: DkimOutcome.KEY_INAPPROPRIATE,
    KeyProblem.TOO_SMALL: DkimOutcome.KEY_TOO_SMALL,
    KeyProblem.TOO_LARGE: DkimOutcome.KEY_TOO_LARGE,
}

# dkimpy's exception vocabulary, should one escape its header verification; most specific first.
DKIMPY_EXCEPTIONS: tuple[tuple[type[Exception], DkimOutcome], ...] = (
    (dkim.DnsTimeoutError, DkimOutcome.DNS_FAILURE),
    (dkim.KeyFormatError, DkimOutcome.KEY_INVALID),
    (dkim.UnknownKeyTypeError, DkimOutcome.UNSUPPORTED_ALGORITHM),
    (dkim.MessageFormatError, DkimOutcome.SYNTAX),
    (dkim.ValidationError, DkimOutcome.SYNTAX),
    (dkim.ParameterError, DkimOutcome.SYNTAX),
    (dkim.NaClNotFoundError, DkimOutcome.ERROR),
    (dkim.AuthresNotFoundError, DkimOutcome.ERROR),
    (dkim.InternalError, DkimOutcome.ERROR),
    (dkim.DKIMException, DkimOutcome.ERROR),
)


def outcome_for_exception(exc: Exception) -> DkimOutcome:
    for kind, outcome in DKIMPY_EXCEPTIONS:
        if isinstance(exc, kind):
            return outcome
    return DkimOutcome.ERROR


class _DkimResultFields(NamedTuple):
    index: int  # type: ignore[assignment]  # shadows tuple.index, which nothing calls here
    outcome: DkimOutcome
    reason: str  # one sentence: why this outcome
    domain: str = ""  # d=
    selector: str = ""  # s=
    algorithm: str = ""  # a=
    identity: str | None = None  # i=
    signed_headers: tuple[str, ...] = ()  # h=, lower-cased, in order
    body_matched: bool | None = None  # None: not computed
    mbox_unquoted: bool = False  # the body hash matched only once the mbox's >From quoting was undone
    headers_matched: bool | None = None  # None: not checked (no usable key)
    key: DkimKey | None = None
    timestamp: int | None = None  # t=
    expires: int | None = None  # x=
    body_length: int | None = None  # l=
    b_prefix: str = ""  # first characters of b=, to match Authentication-Results header.b (RFC 6008)
    notes: tuple[str, ...] = ()  # further evidence sentences


class DkimResult(_DkimResultFields, LabelledByOutcome[DkimOutcome]):
    """One DKIM-Signature, index N in header order (the field dkim[N]), and what became of it."""

    __slots__ = ()
    LABELS: ClassVar[OutcomeTable[DkimOutcome]] = OUTCOME_LABELS

    @property
    def passed(self) -> bool:
        return self.outcome is DkimOutcome.VERIFIED

    @property
    def settled(self) -> bool:
        """Passed, or failed for a reason no later DNS answer or clock could change."""
        return self.passed or self.outcome in SETTLED_FAILURES

    def value(self) -> str:
        if not self.domain:
            return "unreadable DKIM-Signature"
        return f"d={self.domain} s={self.selector} a={self.algorithm}"

