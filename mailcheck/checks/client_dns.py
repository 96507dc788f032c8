"""client-dns — the entry client's HELO name and reverse DNS, checked against DNS.

The entry client is the untrusted host that connected to your servers (DESIGN §3). Its IP is
validated by TCP; the two names around it are claims:
- client-helo: the name it gave in HELO/EHLO. Labelled by SPF for the HELO identity (RFC 7208 §2.3,
  evaluated by the "spf" check): pass validated, fail forged, anything else unverifiable. Without an
  SPF verdict, a HELO equal to the forward-confirmed rDNS name is validated (the name's own DNS points
  at the IP), and an address literal equal to the client's IP is validated.
- client-rdns: forward-confirmed reverse DNS (FCrDNS) of the IP: the PTR names of the IP, and for
  each the A/AAAA records; validated when one of them contains the IP. A PTR that does not confirm
  is unverifiable, not forged: whoever controls the reverse zone may write any name there, and a
  mismatch is usually neglect, not forgery. If the name your server recorded at receipt differs from
  what DNS says now, that is noted (reverse zones change), never held against the message.
--offline: both not run. No entry client: both unverifiable, saying why.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from mailcheck.auth.spf import SpfResult
from mailcheck.context import Context, Facts
from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus
from mailcheck.model import Basis, EntryClient, Finding, Label
from mailcheck.trust import entry_client
from mailcheck.value_types import NamedTuple

ID = "client-dns"
SUMMARY = "the entry client's HELO name (SPF HELO) and forward-confirmed reverse DNS"
NEEDS: tuple[str, ...] = ("spf",)
PROVIDES: tuple[str, ...] = ()
MAX_PTR = 10  # names followed per IP, as RFC 7208 §4.6.4 limits the ptr mechanism
_UNRECORDED = "(none recorded)"


class Fcrdns(NamedTuple):
    """Forward-confirmed reverse DNS of one IP."""

    ip: str
    confirmed: str | None  # the PTR name whose A/AAAA records contain the IP
    names: tuple[str, ...]  # every PTR name DNS gave
    answered: bool  # the PTR lookup got an answer (records, NXDOMAIN or no data)
    offline: bool
    evidence: tuple[str, ...]


def fcrdns(dns: DnsClient, ip_text: str) -> Fcrdns:
    ip = ipaddress.ip_address(ip_text)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
    ptr = dns.query(ip.reverse_pointer, "PTR")
    evidence = [f"DNS {ptr.describe()}"]
    names = tuple(ptr.records) if ptr.status is DnsStatus.OK else ()
    rdtype = "A" if ip.version == 4 else "AAAA"
    for name in names[:MAX_PTR]:
        forward = dns.query(name, rdtype)
        evidence.append(f"DNS {forward.describe()}")
        if _contains(forward, ip):
            return Fcrdns(str(ip), name, names, True, False, tuple(evidence))
    return Fcrdns(str(ip), None, names, ptr.answered, ptr.status is DnsStatus.OFFLINE, tuple(evidence))


def _contains(answer: DnsAnswer, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    for record in answer.records if answer.status is DnsStatus.OK else ():
        try:
            if ipaddress.ip_address(record) == ip:
                return True
        except ValueError:
            continue
    return False


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    client = entry_client(facts, ctx)
    if client is None:
        why = f"no entry client: {facts.boundary.explanation}"
        yield Finding("client-helo", _UNRECORDED, Label.UNVERIFIABLE, (why,), ID, Basis.UNDECIDED)
        yield Finding("client-rdns", _UNRECORDED, Label.UNVERIFIABLE, (why,), ID, Basis.UNDECIDED)
        return
    if ctx.offline:
        for name, value in (("client-helo", client.helo), ("client-rdns", client.rdns)):
            yield Finding(name, value or _UNRECORDED, Label.UNVERIFIABLE,
                          (f"not run (offline); {_origin(client)}",), ID, Basis.NOT_RUN)
        return
    try:
        reverse: Fcrdns | None = fcrdns(ctx.dns, client.ip)
    except ValueError:
        reverse = None
    spf = facts.results.spf
    yield _helo(client, spf if isinstance(spf, SpfResult) else None, reverse)
    yield _rdns(client, reverse)


def _origin(client: EntryClient) -> str:
    return f"client {client.ip}, from {client.source}"


def _helo(client: EntryClient, spf: SpfResult | None, reverse: Fcrdns | None) -> Finding:
    name, helo = "client-helo", client.helo
    if not helo:
        return Finding(name, _UNRECORDED, Label.UNVERIFIABLE,
                       (f"no HELO name recorded for the entry client ({_origin(client)})",), ID, Basis.UNDECIDED)
    outcome = spf.helo if spf is not None else None
    if outcome is not None and outcome.label is not Label.UNVERIFIABLE:
        return Finding(name, helo, outcome.label, (*outcome.evidence(), _origin(client)), ID, outcome.basis)
    spf_said = outcome.evidence() if outcome is not None else (
        (f"SPF for the HELO was not evaluated: {spf.why_not}",) if spf is not None and spf.why_not
        else ("SPF for the HELO was not evaluated",))
    if helo.startswith("[") and _same_ip(helo.strip("[]"), client.ip):
        return Finding(name, helo, Label.VALIDATED, (
            f"the HELO is an address literal equal to the client's IP {client.ip}, which your server "
            "recorded for the connection", *spf_said), ID)
    if reverse is not None and reverse.confirmed and reverse.confirmed.lower() == helo.rstrip(".").lower():
        return Finding(name, helo, Label.VALIDATED, (
            f"the HELO name is the client's forward-confirmed reverse DNS name {reverse.confirmed}",
            *reverse.evidence, *spf_said), ID)
    return Finding(name, helo, Label.UNVERIFIABLE,
                   ("the HELO name is the client's claim and nothing confirms or contradicts it", *spf_said,
                    _origin(client)), ID, Basis.UNDECIDED)


def _same_ip(literal: str, ip: str) -> bool:
    text = literal[5:] if literal.lower().startswith("ipv6:") else literal  # RFC 5321 §4.1.3
    try:
        return ipaddress.ip_address(text) == ipaddress.ip_address(ip)
    except ValueError:
        return False


def _rdns(client: EntryClient, reverse: Fcrdns | None) -> Finding:
    name = "client-rdns"
    recorded = client.rdns
    value = recorded or _UNRECORDED
    if reverse is None:
        return Finding(name, value, Label.UNVERIFIABLE,
                       (f"{client.ip} is not an IP address, so it has no reverse DNS ({client.source})",), ID,
                       Basis.UNDECIDED)
    notes = _recorded_note(recorded, reverse)
    if reverse.confirmed:
        return Finding(name, value if recorded else reverse.confirmed, Label.VALIDATED, (
            f"forward-confirmed: {client.ip} has the PTR name {reverse.confirmed}, whose address records "
            f"include {client.ip}", *reverse.evidence, *notes), ID)
    if reverse.offline:
        return Finding(name, value, Label.UNVERIFIABLE, ("not run: " + "; ".join(reverse.evidence), *notes),
                       ID, Basis.NOT_RUN)
    if reverse.names:
        why = (f"{client.ip} has the PTR name(s) {', '.join(reverse.names)}, but none of them resolves back "
               "to it; FCrDNS failing is common neglect, not evidence of forgery")
    elif reverse.answered:
        why = f"{client.ip} has no reverse DNS (no PTR record)"
    else:
        why = f"the reverse lookup for {client.ip} failed, so its name is unknown"
    return Finding(name, value, Label.UNVERIFIABLE, (why, *reverse.evidence, *notes), ID, Basis.UNDECIDED)


def _recorded_note(recorded: str | None, reverse: Fcrdns) -> tuple[str, ...]:
    if not reverse.answered:
        return ()
    current = {n.rstrip(".").lower() for n in reverse.names}
    if recorded and recorded.lower() != "unknown" and recorded.rstrip(".").lower() not in current:
        now = ", ".join(reverse.names) or "no PTR record"
        return (f"your server recorded the name {recorded} at receipt; DNS now says {now} "
                "(reverse DNS changes over time: noted, not held against the message)",)
    if recorded and recorded.lower() == "unknown" and current:
        return ("your server recorded no reverse DNS name at receipt (\"unknown\"); DNS now has one",)
    return ()
