"""envelope-sender: the RFC 5321 MAIL FROM address, labelled by SPF at the trust boundary.

Where the address is read from is stated (see mailcheck/envelope.py for the rule). SPF pass for the
entry client's IP validates it, SPF fail makes it forged; every other SPF result — softfail,
neutral, none, temperror, permerror — and a check that could not run leave it unverifiable.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.envelope import envelope_sender

ID = "envelope"
SUMMARY = "the envelope sender, by SPF for the entry client's IP"
NEEDS: tuple[str, ...] = ("spf",)
PROVIDES: tuple[str, ...] = ()


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    address, source = envelope_sender(facts.message, ctx.mta)
    if address is None:
        yield Finding("envelope-sender", "", Label.UNVERIFIABLE, (source,), ID, Basis.UNDECIDED)
        return
    shown = f"<{address}>"
    where = f"read from {source}" + (" (a null sender: a bounce or auto-reply)" if address == "" else "")
    result = facts.results.spf
    if result is None or not result.ran or result.mail_from is None:
        why = result.why_not if result is not None and result.why_not else (
            "not run (offline)" if ctx.offline else "SPF could not be evaluated")
        basis = Basis.NOT_RUN if ctx.offline else Basis.UNDECIDED
        yield Finding("envelope-sender", shown, Label.UNVERIFIABLE, (where, f"SPF {why}"), ID, basis)
        return
    outcome = result.mail_from
    yield Finding("envelope-sender", shown, outcome.label, (where, *outcome.evidence()), ID, outcome.basis)
