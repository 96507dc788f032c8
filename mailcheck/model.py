"""Value types shared by every stage: labels, findings, hops and the report. No I/O here.

The value types are typing.NamedTuples, not frozen dataclasses: a filter run builds its classes on every
start (a dataclass class costs ~0.6 ms to make, and `import dataclasses` ~11 ms), and a NamedTuple
instance is made 2-4x faster (a field read costs ~10 ns more). Being tuples, they compare equal to any tuple
of the same values, even one of another type (a Boundary to a plain 5-tuple, say): no code compares values
of different types or keys one dict with them, and every reporter writes them field by field, never as a
sequence (JSON would make a list of one). Their hash is the dataclass one, the hash of the field tuple.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from mailcheck.value_types import NamedTuple


class Label(str, Enum):
    """The one verdict every field gets (DESIGN §2)."""

    VALIDATED = "validated"
    FORGED = "forged"
    UNVERIFIABLE = "unverifiable"


class Basis(str, Enum):
    """How a label was reached; tells "nothing can check this" apart from "the check failed"."""

    CHECKED = "checked"  # a check ran and decided (validated or forged)
    UNDECIDED = "undecided"  # a check ran but could not decide (DNS failure, no key, softfail…)
    NOT_RUN = "not-run"  # a check exists but was not run (offline, opt-in probe not asked for)
    UNCHECKABLE = "uncheckable"  # no machine can check this (display name, body claims)
    # mailcheck meant to examine this but could not: a check crashed, text past a size limit, links past the
    # cap. Unlike NOT_RUN (the reader's choice: offline, opt-in) it makes the report incomplete.
    NOT_EXAMINED = "not-examined"


class _FindingFields(NamedTuple):
    name: str  # stable field name: "from", "received[0]", "header:X-Spam[0]", "url[2]"
    value: str  # the claim as found in the message (untrusted text)
    label: Label
    evidence: tuple[str, ...]  # plain sentences; each one verifiable by the reader
    check: str  # id of the check that produced the finding
    basis: Basis = Basis.CHECKED


class Finding(_FindingFields):
    """One field of the message with its label and the evidence a reader can verify.

    Checked on construction (a NamedTuple's own body cannot hold a __new__, its subclass can); _replace
    builds the tuple directly and skips the check, so a replacement must keep evidence and basis sound."""

    __slots__ = ()

    def __new__(cls, name: str, value: str, label: Label, evidence: tuple[str, ...], check: str,
                basis: Basis = Basis.CHECKED) -> Finding:
        # A forged label without evidence would be an accusation nobody can verify.
        if not evidence:
            raise ValueError(f"finding {name!r} has no evidence")
        if label is not Label.UNVERIFIABLE and basis is not Basis.CHECKED:
            raise ValueError(f"finding {name!r}: {label.value} needs basis 'checked'")
        return tuple.__new__(cls, (name, value, label, evidence, check, basis))


class Hop(NamedTuple):
    """One Received header, parsed. Every part is None when the header does not record it."""

    raw: str  # the header value, unfolded, exactly as written
    ip: str | None = None  # client IP the receiving server recorded (normalised text form)
    rdns: str | None = None  # client's reverse-DNS name as recorded by the receiver
    helo: str | None = None  # name the client gave in HELO/EHLO
    by: str | None = None  # the receiving server's name
    id: str | None = None
    ident: str | None = None  # RFC 1413 ident / "from user@localhost" style submitter
    envelope_from: str | None = None
    for_: str | None = None  # the "for <addr>" clause
    protocol: str | None = None  # the "with" value (SMTP, ESMTPS, LMTP, IMAP, local…)
    auth: str | None = None  # how the client authenticated, if recorded (ESMTPA, "authenticated sender"…)
    timestamp: datetime | None = None  # timezone-aware when parseable
    timestamp_text: str | None = None  # the date text after the last ';'
    relay: bool = True  # False for local delivery, LMTP, fetchmail, scanner hand-offs, qmail "invoked"
    problems: tuple[str, ...] = ()  # things no MTA writes / impossible values found while parsing


class HopView(NamedTuple):
    """A hop as placed in this message's chain: its trust and the delay to the next newer hop."""

    index: int  # type: ignore[assignment]  # 0 = newest (topmost Received); shadows tuple.index, unused here
    hop: Hop
    trusted: bool
    entry: bool  # the first trusted hop whose client is untrusted (DESIGN §3)
    delay_seconds: float | None  # newer hop's time minus this hop's; signed, negative stays negative
    why: str  # why this hop is (not) trusted


class Boundary(NamedTuple):
    """Where trust ends in the Received chain and why."""

    trusted_count: int  # hops 0..trusted_count-1 are trusted
    entry_index: int | None  # index of the entry hop, None when no hop records an untrusted client
    explanation: str
    provider: str | None = None  # profile name of the receiving provider recognised from the top (providers/)
    # (profile name, index of its inbound-edge hop or None), top first: a gateway followed comes after it
    provider_edges: tuple[tuple[str, int | None], ...] = ()


class StepStatus(str, Enum):
    RAN = "ran"
    NOT_RUN = "not-run"  # could run, but was not asked to (offline / opt-in)
    NEVER = "never"  # mailcheck never performs it (C/R, IM2000, POP/IMAP): explained only


class ContinuumStep(NamedTuple):
    """One step of the essay's validation continuum and whether this analysis took it."""

    name: str
    proves: str
    status: StepStatus
    outcome: str  # one line: what it found, or why it did not run


class Report(NamedTuple):
    """Everything mailcheck concluded about one message."""

    source: str
    verdict: Label
    verdict_reason: str
    fields: tuple[Finding, ...]
    hops: tuple[HopView, ...]
    boundary: Boundary
    continuum: tuple[ContinuumStep, ...]
    errors: tuple[str, ...] = ()  # checks that crashed, input problems
    # What could not be examined (field names such as "check:from", "body-part[0]", and "dns-budget"): the
    # report is incomplete when this is not empty. A default, so that library callers' Reports stay valid.
    not_examined: tuple[str, ...] = ()
    # The settings that shaped this analysis, as (name, value) pairs (pipeline.settings_record): a record
    # read months later says which networks were trusted, which clock and skew judged the dates, offline…
    settings: tuple[tuple[str, object], ...] = ()

    @property
    def complete(self) -> bool:
        return not self.not_examined


def not_examined(fields: tuple[Finding, ...]) -> tuple[str, ...]:
    """The fields that stand for something mailcheck could not examine (basis not-examined)."""
    return tuple(f.name for f in fields if f.basis is Basis.NOT_EXAMINED)


_GAPS_NAMED = 5  # the verdict reason is one line: more gaps than this are counted (the report lists them all)


def _incomplete(gaps: tuple[str, ...]) -> str:
    named = ", ".join(gaps[:_GAPS_NAMED])
    return "incomplete: " + named + (f" and {len(gaps) - _GAPS_NAMED} more" if len(gaps) > _GAPS_NAMED else "")


def decide_verdict(fields: tuple[Finding, ...], gaps: tuple[str, ...] | None = None) -> tuple[Label, str]:
    """DESIGN §2: forged if any field is; validated if the sender identity is; else unverifiable.

    gaps names what could not be examined (default: the fields whose basis is not-examined). A gap never
    changes the label, it only adds "incomplete: …" to the reason: a crashed check or an unread stretch of
    text cannot take a forged field back (what other checks proved stays proved), and cannot make a message
    better than forged. A validated sender identity stays validated (DMARC or SPF proved who sent it, whatever
    was left unread) but the reason says the rest is incomplete; with nothing validated or forged the verdict
    is unverifiable and the reason starts with "incomplete:" — something unread may have been forged."""
    gaps = not_examined(fields) if gaps is None else gaps
    forged = [f.name for f in fields if f.label is Label.FORGED]
    tail = "; " + _incomplete(gaps) if gaps else ""
    if forged:
        return Label.FORGED, "forged: " + ", ".join(forged) + tail
    sender_fields = ("from", "envelope-sender")
    validated = [f.name for f in fields if f.name in sender_fields and f.label is Label.VALIDATED]
    if validated:
        return Label.VALIDATED, "sender identity validated: " + ", ".join(validated) + tail
    if gaps:
        return Label.UNVERIFIABLE, (_incomplete(gaps) + " could not be examined; nothing forged in the rest, "
                                    "and neither From nor the envelope sender could be validated")
    return Label.UNVERIFIABLE, "nothing forged, and neither From nor the envelope sender could be validated"


class EntryClient(NamedTuple):
    """The untrusted client that handed the message to our servers: the IP is TCP-validated,
    helo and rdns are what that client claimed / what our server looked up at the time."""

    ip: str
    helo: str | None
    rdns: str | None
    source: str  # where these facts come from, for evidence ("Received[2] written by mx.example.org")
