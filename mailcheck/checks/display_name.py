"""from-display-name: the name shown beside the From address.

A display name is free text the sender chooses; nothing can check that it belongs to the address.
It is labelled forged when it embeds an address or a domain other than the real From address's own
(the "PayPal.com Security <x@attacker.example>" trick), otherwise unverifiable.
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.lookup.domains import domain_of, known_registrable_domain, registrable_domain
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.skeleton import reads_as, skeleton

ID = "display-name"
SUMMARY = "the From display name, and addresses or domains it pretends to"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()

# An embedded address is local@domain: a run of these characters, an '@', then the domain. Found from each
# '@' outwards rather than by one pattern: "[\w.+-]+@" tried at every start of a long name without an '@'
# scans the rest of the name each time (40 KB of "a" took 15 s).
_LOCAL_CHAR = lazy_compile(r"[\w.+-]")
_ADDRESS_DOMAIN = lazy_compile(r"[\w-]+(?:\.[\w-]+)+")
_DOMAIN_LIKE = lazy_compile(r"(?<![\w@.-])((?:[A-Za-z0-9-]+\.)+([A-Za-z]{2,63}))(?![\w-])")


def _embedded_addresses(display: str) -> list[tuple[int, int, int]]:
    """(start, '@' position, end) of each embedded address, left to right and not overlapping.

    Linear: each character is looked at a bounded number of times, as the local part of an address ends
    at its '@' and the backward walk for the next one stops at the previous '@' or address.
    """
    found: list[tuple[int, int, int]] = []
    done = 0  # the end of the last address found: the next one starts at or after it
    at = display.find("@")
    while at >= 0:
        start = at
        while start > done and _LOCAL_CHAR.match(display, start - 1):
            start -= 1
        domain = _ADDRESS_DOMAIN.match(display, at + 1) if start < at else None
        if domain is not None:
            found.append((start, at, domain.end()))
            done = domain.end()
        at = display.find("@", max(at + 1, done))
    return found


def _claimed_domains(display: str) -> list[str]:
    """Domains the display name shows: in embedded addresses, or written as bare domain names."""
    spans = _embedded_addresses(display)
    found = [display[at + 1:end].lower() for _start, at, end in spans]
    without_addresses = display
    if spans:
        kept, last = [], 0
        for start, _at, end in spans:
            kept.append(display[last:start])
            last = end
        kept.append(display[last:])
        without_addresses = " ".join(kept)
    for match in _DOMAIN_LIKE.finditer(without_addresses):
        tld = match.group(2)
        if tld[0].isupper() and tld[1:].islower():
            continue  # "Dr.No", "St.Louis": title-case words with a dot, not a domain
        if known_registrable_domain(match.group(1)):
            found.append(match.group(1).lower())
    return found


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    pairs = facts.message.addresses("From")
    for display, address in pairs:
        if not display:
            continue
        # compared as a reader sees them: "𝐏𝐚𝐲𝐏𝐚𝐥.com" (mathematical bold) shows paypal.com
        seen = reads_as(display, fold_case=False)
        real = domain_of(address)
        real_org = registrable_domain(skeleton(real)) if real else None
        others = [d for d in _claimed_domains(seen or display) if registrable_domain(d) != real_org]
        lookalike: tuple[str, ...] = ()
        if seen:
            lookalike = (f"it is written in lookalike or compatibility characters; it reads as {seen!r}",)
        if others:
            yield Finding(
                "from-display-name", display, Label.FORGED,
                (f"the display name shows {others[0]!r} but the message is from {address!r}", *lookalike,
                 "mail programs often show only the display name, so this is an impersonation"),
                ID,
            )
        else:
            yield Finding(
                "from-display-name", display, Label.UNVERIFIABLE,
                ("a display name is free text chosen by the sender; no machine can check "
                 "that it belongs to the address", *lookalike),
                ID, Basis.UNCHECKABLE,
            )
