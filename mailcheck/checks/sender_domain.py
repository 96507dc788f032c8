"""sender-domain — do the envelope sender's domain and the From domain exist in DNS?

The first DNS step of the essay's continuum: a domain that does not exist cannot have sent mail, and
mail from it can never be answered. For each domain the check asks MX, and A/AAAA only when MX
does not settle it:
- MX records, or no MX but an A/AAAA record (the implicit MX of RFC 5321 §5.1): validated — the
  domain exists and can receive mail. That is all it proves: anybody can write an existing domain.
- NXDOMAIN: forged — the domain does not exist (RFC 8020: nothing exists at or below that name).
- A null MX ("0 .", RFC 7505): the domain's owner says it accepts no mail at all.
  For the envelope sender that is forged: the envelope sender is where bounces go (RFC 5321 §4.5.5),
  and its own domain declares that nothing can be delivered there; RFC 7505 §4.2 tells receivers
  they may reject such mail outright. For From it is unverifiable, with the note: a domain may send
  without receiving (a "no-reply" domain), so authorship is not contradicted; DMARC decides From.
- The name exists but has no MX, A or AAAA records: unverifiable — it exists, but no mail can reach it.
- Timeouts, SERVFAIL, refusals, a spent budget: unverifiable, with the DNS detail. Never forged.
- --offline: unverifiable, "not run (offline)".
A null envelope sender (<>) has no domain; an address literal ([192.0.2.1]) is no DNS name. Both are
reported as uncheckable. Fields: envelope-sender-domain, from-domain (from-domain[N] when From names
several domains).
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.continuum import step
from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus
from mailcheck.model import Basis, Finding, Label, StepStatus
from mailcheck.parse.envelope import address_domain, envelope_sender
from mailcheck.value_types import NamedTuple

ID = "sender-domain"
SUMMARY = "the envelope-sender and From domains exist in DNS (A/AAAA/MX, RFC 7505 null MX)"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()
STEP = "Sender domain exists"


class DomainExistence(NamedTuple):
    """What DNS says about one domain; label and evidence ready for a Finding."""

    domain: str
    label: Label
    basis: Basis
    evidence: tuple[str, ...]
    summary: str  # a few words for the continuum step: "exists", "does not exist", "null MX", …


def domain_existence(dns: DnsClient, domain: str, role: str) -> DomainExistence:
    """role: "envelope" or "from" (they differ only for a null MX)."""
    from mailcheck.lookup.mx import is_null_mx  # with DNS only: offline, the filter's start-up is spared it

    answers = [dns.query(domain, "MX")]
    mx = answers[0]
    if mx.status is DnsStatus.OK and is_null_mx(mx.records):
        return _null_mx(domain, mx, role)
    if mx.status is DnsStatus.OK:
        return DomainExistence(domain, Label.VALIDATED, Basis.CHECKED,
                               (f"the domain exists and receives mail: {mx.describe()}",), "exists (MX)")
    if mx.status is not DnsStatus.NXDOMAIN:
        # No MX (or the MX lookup failed): an address record also proves the name exists.
        for rdtype in ("A", "AAAA"):
            answer = dns.query(domain, rdtype)
            answers.append(answer)
            if answer.status is DnsStatus.OK:
                note = "no MX records, so mail goes to this address (RFC 5321 §5.1)" \
                    if mx.status is DnsStatus.NODATA else f"the MX lookup failed: {mx.describe()}"
                return DomainExistence(domain, Label.VALIDATED, Basis.CHECKED,
                                       (f"the domain exists: {answer.describe()}", note), f"exists ({rdtype})")
            if answer.status is DnsStatus.NXDOMAIN:
                break
    facts = tuple(f"DNS {a.describe()}" for a in answers)
    if any(a.status is DnsStatus.NXDOMAIN for a in answers):
        return DomainExistence(domain, Label.FORGED, Basis.CHECKED,
                               (f"the domain {domain} does not exist (NXDOMAIN)", *facts), "does not exist")
    if all(a.status is DnsStatus.NODATA for a in answers):
        return DomainExistence(domain, Label.UNVERIFIABLE, Basis.UNDECIDED, (
            f"the name {domain} exists in DNS but has no MX, A or AAAA record: no mail can reach it", *facts),
            "exists, no mail route")
    failed = [a for a in answers if not a.answered]
    if all(a.status is DnsStatus.OFFLINE for a in failed):
        return DomainExistence(domain, Label.UNVERIFIABLE, Basis.NOT_RUN,
                               ("not run: " + "; ".join(a.describe() for a in failed),), "not run")
    return DomainExistence(domain, Label.UNVERIFIABLE, Basis.UNDECIDED, (
        "DNS could not answer, so whether the domain exists is unknown (a failed lookup is not evidence)",
        *facts), "DNS failed")


def _null_mx(domain: str, mx: DnsAnswer, role: str) -> DomainExistence:
    said = f"DNS {mx.describe()}: a null MX (RFC 7505), the domain's owner declares it accepts no mail"
    if role == "envelope":
        return DomainExistence(domain, Label.FORGED, Basis.CHECKED, (
            said,
            "the envelope sender is the address bounces go to, and its domain says nothing can be "
            "delivered there; RFC 7505 §4.2 lets receivers reject such mail",
        ), "null MX")
    return DomainExistence(domain, Label.UNVERIFIABLE, Basis.UNDECIDED, (
        said,
        "replies to this From address cannot be delivered; a domain may still send without receiving, "
        "so this does not contradict the author (DMARC decides From)",
    ), "null MX")


def _no_dns_domain(address: str) -> str | None:
    """Why an address has no domain to look up, or None when it has one."""
    domain = address_domain(address)
    if domain is None:
        return f"the address {address!r} has no domain part"
    if domain.startswith("["):
        return f"{domain} is an address literal, not a domain name: there is nothing in DNS to check"
    return None


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    summaries: list[str] = []
    findings = [*_envelope(facts, ctx, summaries), *_from(facts, ctx, summaries)]
    if ctx.offline:
        facts.steps[STEP] = step(STEP, StepStatus.NOT_RUN, "not run (offline)")
    elif summaries:
        facts.steps[STEP] = step(STEP, StepStatus.RAN, "; ".join(summaries))
    else:
        facts.steps[STEP] = step(STEP, StepStatus.RAN,
                                          "no envelope-sender or From domain to look up")
    yield from findings


def _label(name: str, value: str, domain: str, role: str, ctx: Context, summaries: list[str],
           where: str) -> Finding:
    if ctx.offline:
        return Finding(name, value, Label.UNVERIFIABLE, (f"{domain}: not run (offline)",), ID, Basis.NOT_RUN)
    found = domain_existence(ctx.dns, domain, role)
    summaries.append(f"{where} {domain}: {found.summary}")
    return Finding(name, value, found.label, found.evidence, ID, found.basis)


def _envelope(facts: Facts, ctx: Context, summaries: list[str]) -> Iterator[Finding]:
    name = "envelope-sender-domain"
    sender, source = envelope_sender(facts.message, ctx.mta)
    if sender is None:
        yield Finding(name, "", Label.UNVERIFIABLE, (source,), ID, Basis.UNCHECKABLE)
        return
    if sender == "":
        yield Finding(name, "<>", Label.UNVERIFIABLE, (
            f"a null envelope sender (<>, from {source}): a bounce or auto-reply has no sender domain",), ID,
            Basis.UNCHECKABLE)
        return
    why = _no_dns_domain(sender)
    domain = address_domain(sender)
    if why is not None or domain is None:
        yield Finding(name, sender, Label.UNVERIFIABLE, (f"{why} (envelope sender from {source})",), ID,
                      Basis.UNCHECKABLE)
        return
    finding = _label(name, domain, domain, "envelope", ctx, summaries, "envelope sender")
    yield Finding(finding.name, finding.value, finding.label,
                  (*finding.evidence, f"envelope sender <{sender}> read from {source}"), ID, finding.basis)


def _from(facts: Facts, ctx: Context, summaries: list[str]) -> Iterator[Finding]:
    addresses = [a for _, a in facts.message.addresses("From") if a]
    domains: dict[str, str] = {}  # domain → first address, in order
    problems: list[tuple[str, str]] = []
    for address in addresses:
        why = _no_dns_domain(address)
        domain = address_domain(address)
        if why is not None or domain is None:
            problems.append((address, why or ""))
        elif domain not in domains:
            domains[domain] = address
    total = len(domains) + len(problems)
    if total == 0:
        yield Finding("from-domain", "", Label.UNVERIFIABLE,
                      ("the message has no From address, so there is no From domain to look up",), ID,
                      Basis.UNCHECKABLE)
        return
    index = 0
    for domain in domains:
        name = "from-domain" if total == 1 else f"from-domain[{index}]"
        yield _label(name, domain, domain, "from", ctx, summaries, "From")
        index += 1
    for address, why in problems:
        name = "from-domain" if total == 1 else f"from-domain[{index}]"
        yield Finding(name, address, Label.UNVERIFIABLE, (why,), ID, Basis.UNCHECKABLE)
        index += 1
