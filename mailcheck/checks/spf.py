"""spf — SPF (RFC 7208) for the client that handed the message to your servers.

Which client: the entry client (DESIGN §3) — the IP your own server recorded for the untrusted client
that connected to it, or the MTA's CLIENT_ADDRESS in filter mode; never the topmost Received line
blindly. SPF says whether that IP may send mail for a domain, and two identities are checked:
- MAIL FROM: the envelope sender's domain (see mailcheck/envelope.py for where the envelope sender
  is read). A bounce has a null sender (<>); then the HELO name stands in, as postmaster@HELO
  (RFC 7208 §2.4).
- HELO: the name the client gave in HELO/EHLO, on its own (RFC 7208 §2.3).
Results map to labels in one table (mailcheck/spf.py, SPF_RESULTS): pass validates, fail is forged,
softfail, neutral, none, temperror and permerror decide nothing.

This check writes no field itself. It leaves an SpfResult in facts.results.spf; the envelope-sender
field takes the MAIL FROM outcome, client-helo the HELO outcome, and DMARC the aligned identity.
With --offline, or when no trusted hop records an untrusted client, nothing is evaluated and the
result says why.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.auth.spf import SpfOutcome, SpfResult, check_helo, check_mail_from
from mailcheck.context import Context, Facts
from mailcheck.continuum import step
from mailcheck.model import ContinuumStep, Finding, StepStatus
from mailcheck.parse.envelope import envelope_sender
from mailcheck.trust import entry_client

ID = "spf"
SUMMARY = "SPF for the envelope sender and the HELO name at the entry client's IP"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ("spf",)
STEP = "SPF"


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    result = evaluate(facts, ctx)
    facts.results.spf = result
    facts.steps[STEP] = _step(result)
    yield from ()


def evaluate(facts: Facts, ctx: Context) -> SpfResult:
    sender, source = envelope_sender(facts.message, ctx.mta)
    if ctx.offline:
        return SpfResult(False, "not run (offline)", None, sender, source)
    client = entry_client(facts, ctx)
    if client is None:
        why = f"not run: no entry hop ({facts.boundary.explanation})"
        return SpfResult(False, why, None, sender, source)
    helo = check_helo(ctx.dns, client.ip, client.helo) if client.helo else None
    mail_from: SpfOutcome | None = None
    if sender:
        mail_from = check_mail_from(ctx.dns, client.ip, sender, client.helo)
    elif sender == "" and helo is not None:
        mail_from = helo  # a null sender's MAIL FROM identity is postmaster@HELO: the same evaluation
    return SpfResult(True, "", client, sender, source, mail_from, helo)


def _step(result: SpfResult) -> ContinuumStep:
    if not result.ran:
        return step(STEP, StepStatus.NOT_RUN, result.why_not)
    assert result.client is not None
    parts = []
    if result.mail_from is not None and result.mail_from is not result.helo:
        parts.append(f"MAIL FROM {result.mail_from.domain}: {result.mail_from.result}")
    elif result.sender is None:
        parts.append("MAIL FROM: not checked (" + result.sender_source + ")")
    elif result.sender == "" and result.helo is None:
        parts.append("MAIL FROM: null sender and no HELO name, nothing to check")
    if result.helo is not None:
        null = " (also the null sender's identity)" if result.mail_from is result.helo else ""
        parts.append(f"HELO {result.helo.domain}: {result.helo.result}{null}")
    else:
        parts.append("HELO: none recorded")
    return step(STEP, StepStatus.RAN, f"at {result.client.ip}: " + "; ".join(parts))
