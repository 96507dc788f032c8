"""Where a domain's mail goes: its MX hosts by preference, the implicit MX, RFC 7505 null MX, addresses."""

from __future__ import annotations

from enum import Enum

from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus, normalise_name
from mailcheck.value_types import NamedTuple


class RouteKind(str, Enum):
    MX = "mx"  # the domain publishes MX records
    IMPLICIT = "implicit"  # no MX, but the domain has A/AAAA: RFC 5321 §5.1 implicit MX
    NULL = "null-mx"  # "MX 0 ." alone: the domain accepts no mail (RFC 7505)
    NONE = "none"  # no MX and no address records, or the domain does not exist
    FAILED = "failed"  # DNS could not answer: nothing is known


class MailRoute(NamedTuple):
    """The mail hosts of one domain, most preferred first, and the DNS answers that say so."""

    domain: str
    kind: RouteKind
    hosts: tuple[str, ...]
    answers: tuple[DnsAnswer, ...]

    def describe(self) -> str:
        return "; ".join(a.describe() for a in self.answers)


def _parse_mx(record: str) -> tuple[int, str] | None:
    preference, _, exchange = record.strip().partition(" ")
    if not preference.isdigit():
        return None
    return int(preference), normalise_name(exchange.strip())


def is_null_mx(records: tuple[str, ...]) -> bool:
    """RFC 7505 §3: the domain's only MX exchange is the root ("0 ."; text forms may drop the dot)."""
    parsed = [_parse_mx(r) for r in records]
    return bool(parsed) and all(p is not None and p[1] in ("", ".") for p in parsed)


def mail_route(dns: DnsClient, domain: str) -> MailRoute:
    """Resolve a domain's MX the way a sending MTA would (RFC 5321 §5.1)."""
    domain = normalise_name(domain)
    mx = dns.query(domain, "MX")
    if mx.status is DnsStatus.OK:
        parsed = sorted(p for p in (_parse_mx(r) for r in mx.records) if p is not None)
        hosts = tuple(dict.fromkeys(name for _, name in parsed if name not in ("", ".")))
        if hosts:
            return MailRoute(domain, RouteKind.MX, hosts, (mx,))
        kind = RouteKind.NULL if is_null_mx(mx.records) else RouteKind.NONE
        return MailRoute(domain, kind, (), (mx,))
    if mx.status is DnsStatus.NXDOMAIN:
        return MailRoute(domain, RouteKind.NONE, (), (mx,))
    if mx.status is not DnsStatus.NODATA:
        return MailRoute(domain, RouteKind.FAILED, (), (mx,))
    # RFC 5321 §5.1: with no MX records the domain itself is the mail host, if it has an address.
    answers = (mx, *(dns.query(domain, t) for t in ("A", "AAAA")))
    if any(a.status is DnsStatus.OK for a in answers[1:]):
        return MailRoute(domain, RouteKind.IMPLICIT, (domain,), answers)
    if all(a.answered for a in answers[1:]):
        return MailRoute(domain, RouteKind.NONE, (), answers)
    return MailRoute(domain, RouteKind.FAILED, (), answers)


def host_addresses(dns: DnsClient, host: str) -> tuple[tuple[str, ...], tuple[DnsAnswer, ...]]:
    """A then AAAA addresses of one mail host (IPv4 first: more often routable from where we run)."""
    answers = tuple(dns.query(host, t) for t in ("A", "AAAA"))
    addresses = tuple(r for a in answers if a.status is DnsStatus.OK for r in a.records)
    return addresses, answers
