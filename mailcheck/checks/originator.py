"""sender, reply-to: the other originator fields (RFC 5322 §3.6.2).

Nothing authenticates Sender: or Reply-To: (DKIM may cover them, which proves only that the signer
wrote them). They are listed when present, unverifiable, and a Reply-To that sends answers to another
organisation than the From address is pointed out — a common phishing set-up.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.lookup.domains import domain_of, registrable_domain
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.skeleton import reads_as, skeleton

ID = "originator"
SUMMARY = "Sender and Reply-To, which nothing authenticates"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()


def _org(address: str) -> str | None:
    """The organisation as a reader sees it: "𝐩𝐚𝐲𝐩𝐚𝐥.com" and "pаypal.com" are paypal.com."""
    domain = domain_of(address)
    return registrable_domain(skeleton(domain)) if domain else None


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    message = facts.message
    from_orgs = {_org(a) for _, a in message.addresses("From")} - {None}
    for header, field in (("Sender", "sender"), ("Reply-To", "reply-to")):
        for index, (display, address) in enumerate(message.addresses(header)):
            name = field if index == 0 else f"{field}[{index}]"
            value = f"{display} <{address}>" if display else address
            evidence = [f"nothing authenticates {header}:; it says what the sender wants it to say"]
            org = _org(address)
            domain = domain_of(address)
            folded = reads_as(domain) if domain else None
            if folded is not None:
                evidence.append(f"its domain {domain} is written in lookalike or compatibility characters; "
                                f"it reads as {folded}")
            if from_orgs and org and org not in from_orgs:
                verb = "replies go to" if header == "Reply-To" else "it names"
                shown = ", ".join(sorted(str(o) for o in from_orgs))
                evidence.append(f"{verb} {org}, a different organisation from the From address ({shown})")
            yield Finding(name, value, Label.UNVERIFIABLE, tuple(evidence), ID, Basis.UNCHECKABLE)
