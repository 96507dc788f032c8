"""The essay's validation continuum: which steps this analysis took, and what each can prove."""

from __future__ import annotations

from mailcheck.context import Context, Facts
from mailcheck.model import ContinuumStep, StepStatus
from mailcheck.trust import entry_client

# The essay's steps that a check can take: name -> (what it proves, why it does not run by default).
PROVES: dict[str, tuple[str, str]] = {
    "Sender domain exists": ("the envelope/From domains resolve (A/AAAA/MX; RFC 7505 null MX)", "DNS"),
    "SPF": ("the entry client's IP may send for the envelope domain and HELO name", "DNS"),
    "Sender server responsive": ("the sender domain's MX answers SMTP; not that the mail came from it",
                                 "opt-in: --probe responsive"),
    "Sender callout": ("the sender's MX accepts RCPT for that address; not that the mail came from it",
                       "opt-in: --probe callout (widely seen as abusive)"),
}
_NEVER: tuple[tuple[str, str, str], ...] = (
    ("Challenge/Response", "the sender answers a challenge",
     "never performed: challenges are backscatter to forged senders (the essay's argument)"),
    ("IM2000", "the sender's server holds the message", "never performed: no such infrastructure exists"),
    ("POP3/IMAP", "a trusted mailbox host accepted it", "never performed: outside what a reader's tool can do"),
)


def step(name: str, status: StepStatus, outcome: str) -> ContinuumStep:
    """A continuum step as a check reports it; what the step proves comes from the one table above."""
    return ContinuumStep(name, PROVES[name][0], status, outcome)


def continuum(facts: Facts, ctx: Context) -> tuple[ContinuumStep, ...]:
    client = entry_client(facts, ctx)
    if client is not None:
        tcp = ContinuumStep("None (TCP)", "the client really was at the recorded IP", StepStatus.RAN,
                            f"the client was at {client.ip} ({client.source})")
    else:
        tcp = ContinuumStep("None (TCP)", "the client really was at the recorded IP", StepStatus.RAN,
                            "no trusted hop records an untrusted client: " + facts.boundary.explanation)
    steps = [tcp]
    for name, (proves, needs) in PROVES.items():
        done = facts.steps.get(name)
        if done is not None:
            steps.append(done)
            continue
        why = "not run (offline)" if needs == "DNS" and ctx.offline else f"not run ({needs})"
        steps.append(ContinuumStep(name, proves, StepStatus.NOT_RUN, why))
    steps.extend(ContinuumStep(n, p, StepStatus.NEVER, why) for n, p, why in _NEVER)
    return tuple(steps)
