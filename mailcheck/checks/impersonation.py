"""impersonation: a brand's name over someone else's address, lookalike domains, replies and links elsewhere.

Four tells, each its own field, measured on the ham corpora before any of them may say forged.

from-brand
    The From display name names a brand from the shipped table of commonly impersonated brands
    (mailcheck/data/brands.json: name, how people write it, the domains it really sends from, and where
    that comes from). Nothing is reported when the From address is at one of the brand's domains (DMARC
    then decides, in the from field). Otherwise:

    * validated: a DKIM signature by one of the brand's domains verifies: the brand did sign this
      message, whoever's address it carries (a brand writing through a mailing service).
    * forged: no DKIM signature by any of the brand's domains is present at all, the From address is at
      no domain of the brand's, its domain does not carry the brand's name, and the message is no list
      copy. This needs no DNS: the brand's signature is not merely unverified but absent, so the evidence
      holds offline too.
    * unverifiable: a signature by the brand's domain exists but could not be verified (offline, key
      gone, …: could-not-check is never forged); the address is at a free mailbox service the brand runs
      (anyone can open an outlook.com or gmail.com address); the From domain carries the brand's name
      ("paypal-service.com": maybe a domain the table lacks); the dkim check did not finish; or the
      message is a list copy (lists put the poster's name over the list's address).

    Words that are also ordinary words or names ("Apple", "Chase", "Target") count only with service
    words ("Apple Support", "Chase Bank"), never in "Apple Valley Rotary" or "Chase Miller".

lookalike-domain[N]
    A From, Reply-To, envelope-sender or link domain that imitates a brand's domain or the recipient's own
    (the To, Cc, Delivered-To and X-Original-To domains, and the "for" address your servers recorded):
    forged when it is written to read exactly as that domain (lookalike letters: "pаypal.com" with a
    Cyrillic а, "rnicrosoft.com", "paypa1.com"); unverifiable when it is one letter away ("paypall.com")
    or carries the brand's name ("paypal-secure.com", "paypal.com.evil.example"), which genuine
    domains sometimes do.

reply-to-organisation, envelope-organisation
    Replies, or bounces (the envelope sender, from Return-Path or the mbox From line), go to another
    organisation (registrable domain) than the From address. Unverifiable: lists, help desks and bulk
    senders do this every day; a reader should still know where an answer would go.

free-service[N]
    A link, or a sender address, at a URL shortener (the destination is hidden), free web hosting or a
    hosted form service anyone can publish on, or a tunnel (mailcheck/data/services.json). Unverifiable:
    genuine senders use them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mailcheck.context import Context, Facts
from mailcheck.lookup.domains import domain_of, registrable_domain
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.brands import Brand, BrandMatch, brand_table, brands_named
from mailcheck.parse.envelope import envelope_sender
from mailcheck.parse.lookalike import Lookalike, Strength, brand_lookalike, readable, recipient_lookalike
from mailcheck.parse.message_links import message_links
from mailcheck.parse.rewritten_links import see_through
from mailcheck.parse.services import Service, may_be_service, service_of

if TYPE_CHECKING:
    from mailcheck.auth.dkim_verify import DkimResult

ID = "impersonation"
SUMMARY = "brand names over other addresses, lookalike domains, replies and links that go elsewhere"
NEEDS: tuple[str, ...] = ("dkim",)
PROVIDES: tuple[str, ...] = ()

# A list copy (providers.md §6); List-Unsubscribe alone is any bulk sender's, not a list's.
_LIST_HEADERS = ("List-Id", "List-Post", "Mailing-List", "X-Mailman-Version")
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")
_CAP = 20  # lookalike and service fields per message: a phish with 300 links should not bury the report
_SHOWN_DOMAINS = 6


# Hosts recur within a message and across a mailbox (the list's own, the big senders', the recipient's), and
# what is judged of one depends on the host alone (and the recipient's organisations): the answers are kept.
# Longer names are rare and judged each time, so that a hostile message cannot fill the caches with them.
_KEPT_HOST = 255


def _org(domain: str | None) -> str | None:
    """The organisation as a reader sees it ("pаypal.com" is paypal.com's look, not paypal.com)."""
    if not domain:
        return None
    return _org_kept(domain) if len(domain) <= _KEPT_HOST else registrable_domain(readable(domain))


@lru_cache(maxsize=8192)
def _org_kept(domain: str) -> str | None:
    return registrable_domain(readable(domain))


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    message = facts.message
    from_pairs = message.addresses("From")
    is_list = any(message.get(h) is not None for h in _LIST_HEADERS)
    for display, address in from_pairs[:1]:
        matches = brands_named(display) if display else []
        if matches:
            found = _from_brand(display, address, matches, facts.results.dkim, is_list)
            if found is not None:
                yield found
    from_orgs = {o for o in (_org(domain_of(a)) for _, a in from_pairs) if o}
    yield from _elsewhere(facts, ctx, from_orgs, is_list)
    yield from _domains(facts, ctx, from_pairs)


# -- from-brand ---------------------------------------------------------------------------------------


def _from_brand(display: str, address: str, matches: list[BrandMatch], dkim: tuple[DkimResult, ...] | None,
                is_list: bool) -> Finding | None:
    match = matches[0]
    brand = match.brand
    domain = readable(domain_of(address) or "")
    if domain and brand.owns(domain) and not brand.is_mailbox(domain):
        return None  # the brand's own domain: DMARC (the from field) says whether the brand sent it
    value = f"{display} <{address}>"
    listed = ", ".join(brand.domains[:_SHOWN_DOMAINS]) + (", …" if len(brand.domains) > _SHOWN_DOMAINS else "")
    table = (f"{brand.name}'s domains in the shipped brand table (mailcheck/data/brands.json, compiled "
             f"{brand_table().compiled}): {listed}")
    also = (f"the name also names {', '.join(m.brand.name for m in matches[1:])}",) if len(matches) > 1 else ()
    claim = f"the display name {display!r} names {brand.name} (as {match.alias!r})"
    signed = [r for r in dkim or () if r.domain and brand.owns(r.domain) and not brand.is_mailbox(r.domain)]
    passed = [r for r in signed if r.passed]
    if passed:
        return Finding("from-brand", value, Label.VALIDATED, (
            f"{claim}, and DKIM-Signature[{passed[0].index}] by {passed[0].domain}, one of its domains, verifies: "
            "the brand signed this message, though the address is elsewhere", table, *also), ID)
    where = f"the address is at {domain or 'no domain'}, not one of {brand.name}'s domains"
    why = _why_not_forged(domain, brand, signed, dkim, is_list)
    if why is not None:
        return Finding("from-brand", value, Label.UNVERIFIABLE, (f"{claim}; {where}", *why, table, *also),
                       ID, Basis.UNDECIDED)
    signers = sorted({r.domain for r in dkim or () if r.domain})
    return Finding("from-brand", value, Label.FORGED, (
        f"{claim}, but {where}, and no DKIM signature by any of its domains is present",
        f"the message is signed by {', '.join(signers)} only" if signers else "the message carries no DKIM signature",
        table, *also,
        "mail programs show the display name first, so the reader sees the brand; this is impersonation",
    ), ID)


def _why_not_forged(domain: str, brand: Brand, signed: list[DkimResult], dkim: tuple[DkimResult, ...] | None,
                    is_list: bool) -> tuple[str, ...] | None:
    """The reason the brand claim stays undecided, or None when nothing speaks against forged."""
    if brand.is_mailbox(domain):
        return (f"{domain} is a free mailbox service {brand.name} runs: anyone can open an address there, so the "
                "address does not show that the brand sent this",)
    if signed:
        first = signed[0]
        return (f"DKIM-Signature[{first.index}] by {first.domain}, one of {brand.name}'s domains, is present but "
                f"was not verified ({first.reason}); until it is, whether the brand signed is undecided",)
    if dkim is None:
        return ("the dkim check did not finish, so whether one of the brand's domains signed is unknown",)
    look = brand_lookalike(domain) if domain else None
    if look is not None and look.brand is brand and look.strength is Strength.EMBEDS:
        return (f"the From domain {domain} carries the brand's name: it may be one of {brand.name}'s domains that "
                "the table does not list, or a domain made to look like one",)
    if is_list:
        return ("this is a mailing-list copy (it has list headers): lists put the poster's name over the list's "
                "own address",)
    return None


# -- replies and bounces elsewhere ---------------------------------------------------------------------


def _elsewhere(facts: Facts, ctx: Context, from_orgs: set[str], is_list: bool) -> Iterator[Finding]:
    if not from_orgs:
        return
    shown = ", ".join(sorted(from_orgs))
    handled = (" The message is a list copy: lists commonly do this." if is_list else "")
    for _, address in facts.message.addresses("Reply-To"):
        org = _org(domain_of(address))
        if org and org not in from_orgs:
            yield Finding("reply-to-organisation", address, Label.UNVERIFIABLE, (
                f"replies go to {org}, another organisation than the From address ({shown})",
                "help desks, lists and bulk senders set Reply-To on purpose; phishing uses it to collect the "
                "answers at an address the sender really reads." + handled,
            ), ID, Basis.UNCHECKABLE)
            break
    sender, where = envelope_sender(facts.message, ctx.mta)
    org = _org(domain_of(sender)) if sender else None
    if sender and org and org not in from_orgs:
        yield Finding("envelope-organisation", sender, Label.UNVERIFIABLE, (
            f"bounces go to {org} ({where}), another organisation than the From address ({shown})",
            "mailing lists, forwarders and bulk-mail services handle bounces for their senders; it says who "
            "ran the delivery, not who wrote the message." + handled,
        ), ID, Basis.UNCHECKABLE)


# -- lookalike domains and free services ---------------------------------------------------------------


def _recipient_orgs(facts: Facts) -> frozenset[str]:
    orgs = {_org(domain_of(a)) for h in _RECIPIENT_HEADERS for _, a in facts.message.addresses(h)}
    orgs.update(_org(domain_of(v.hop.for_)) for v in facts.hops if v.trusted and v.hop.for_)
    return frozenset(o for o in orgs if o)


def _places(facts: Facts, ctx: Context, from_pairs: list[tuple[str, str]]) -> dict[str, list[tuple[str, str | None]]]:
    """host (as a reader sees it) → [(where it appears, link target or None for an address)], in the order first
    found."""
    places: dict[str, list[tuple[str, str | None]]] = {}
    addresses = [("the From address", a) for _, a in from_pairs]
    addresses += [("the Reply-To address", a) for _, a in facts.message.addresses("Reply-To")]
    sender, _ = envelope_sender(facts.message, ctx.mta)
    if sender:
        addresses.append(("the envelope sender", sender))
    for where, address in addresses:
        domain = domain_of(address)
        if domain:
            places.setdefault(readable(domain), []).append((where, None))
    for index, link in enumerate(message_links(facts.message).links):
        rewritten = see_through(link)
        if rewritten is not None:
            if rewritten.original is None:
                continue  # opaque: the gateway hides the target
            link = rewritten.original  # judged by where the gateway forwards it, as the urls check does
        if link.host and link.ip is None:
            places.setdefault(readable(link.host), []).append((f"url[{index}]", link.target))
    return places


def _service(host: str, where: list[tuple[str, str | None]]) -> Service | None:
    """The first service any appearance of the host is at; the paths are worked out only for listed hosts."""
    if not may_be_service(host):
        return None
    paths = (_path(target) if target is not None else "/" for _, target in where)
    return next((s for s in (service_of(host, path) for path in paths) if s is not None), None)


def _path(url: str) -> str:
    try:
        return urlsplit(url).path or "/"
    except ValueError:
        return "/"


def _domains(facts: Facts, ctx: Context, from_pairs: list[tuple[str, str]]) -> Iterator[Finding]:
    places = _places(facts, ctx, from_pairs)
    mine = _recipient_orgs(facts)
    looks, services = 0, 0
    for host, where in places.items():
        if len(where) == 1:
            seen_in = where[0][0]  # most hosts appear once: nothing to sort
        else:
            seen_in = ", ".join(sorted({w for w, _ in where}, key=lambda w: (w.startswith("url["), w))[:8])
        look = _look_kept(host, mine) if len(host) <= _KEPT_HOST else _look(host, mine)
        if look is not None and looks < _CAP:
            yield _lookalike(looks, look, seen_in)
            looks += 1
        service = _service(host, where)
        if service is not None and services < _CAP:
            yield Finding(f"free-service[{services}]", host, Label.UNVERIFIABLE, (
                f"{host} ({seen_in}) is at {service.entry}: {service.meaning}",
                "genuine senders use such services too; phishing uses them because they cost nothing and are "
                "taken down slowly",
            ), ID, Basis.UNCHECKABLE)
            services += 1


def _look(host: str, mine: frozenset[str]) -> Lookalike | None:
    return brand_lookalike(host) or (recipient_lookalike(host, mine) if mine else None)


@lru_cache(maxsize=8192)
def _look_kept(host: str, mine: frozenset[str]) -> Lookalike | None:
    return _look(host, mine)


def _lookalike(index: int, look: Lookalike, seen_in: str) -> Finding:
    name = f"lookalike-domain[{index}]"
    sentence = f"{look.sentence()}; it appears as {seen_in}"
    if look.strength is Strength.CONFUSABLE:
        return Finding(name, look.host, Label.FORGED, (
            sentence, "a name written to read as another's is made to deceive: nobody registers it by chance"), ID)
    return Finding(name, look.host, Label.UNVERIFIABLE, (
        sentence, "genuine domains sometimes carry a brand's name or sit one letter from another's; "
        "only the brand can say whether this one is its own"), ID, Basis.UNCHECKABLE)
