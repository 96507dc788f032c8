"""Probe one sender domain: find its mail hosts, talk to the first address that greets us, and stop."""

from __future__ import annotations

import secrets

from mailcheck.lookup.contract import DnsAnswer, DnsClient
from mailcheck.lookup.mx import MailRoute, RouteKind, host_addresses, mail_route
from mailcheck.probe.addresses import refusal
from mailcheck.probe.smtp import Session, converse
from mailcheck.probe.vocabulary import Outcome
from mailcheck.reporters.sanitize import safe_text
from mailcheck.value_types import NamedTuple

# Connection attempts per domain: an MTA tries the next MX when one is down (RFC 5321 §5.1); we try a
# few, so one dead host does not hide a live one, but a long MX list cannot make us knock on many doors.
MAX_ATTEMPTS = 3


class ProbeSettings(NamedTuple):
    """How to probe: what the user chose on the command line (see Context)."""

    port: int
    helo: str
    timeout: float
    callout: bool
    allow_private: bool  # connect to non-global addresses (loopback, RFC 1918): only for tests/labs


class DomainProbe(NamedTuple):
    """Everything one probe of a domain did: its mail route, the connections tried, in order."""

    domain: str
    route: MailRoute
    address_answers: tuple[DnsAnswer, ...]
    sessions: tuple[Session, ...]
    skipped: tuple[str, ...]  # addresses not tried, and why (not public, over the attempt limit)
    callout_sender: str | None  # the address asked about, when the callout was made

    @property
    def answered(self) -> Session | None:
        """The session in which a server greeted us (with any code), if one did."""
        greeted = (Outcome.ANSWERED, Outcome.BANNER_TEMPFAIL, Outcome.BANNER_REJECT)
        return next((s for s in self.sessions if s.outcome in greeted), None)


def random_local_part() -> str:
    """A local part no real mailbox has; it says plainly what it is to an operator reading logs."""
    return "no-such-user-" + secrets.token_hex(6)


def probe_domain(dns: DnsClient, domain: str, settings: ProbeSettings, sender: str | None) -> DomainProbe:
    """Find the domain's mail hosts and talk to the first address that greets us.

    `sender` is the address to call out (already checked with smtp_probe.safe_path), or None.
    Addresses that are not public (probe/addresses.py) are skipped unless allowed: the domain is chosen
    by whoever wrote the message, and must not make us connect into our own network.
    """
    route = mail_route(dns, domain)
    answers: list[DnsAnswer] = []
    sessions: list[Session] = []
    skipped: list[str] = []
    if route.kind not in (RouteKind.MX, RouteKind.IMPLICIT):
        return DomainProbe(domain, route, (), (), (), None)
    callout = (sender, f"{random_local_part()}@{domain}") if settings.callout and sender else None
    for host in route.hosts:
        addresses, host_answers = host_addresses(dns, host)
        shown = safe_text(host, 120)  # an MX name is whatever the domain's owner wrote
        answers.extend(host_answers)
        for address in addresses:
            why = None if settings.allow_private else refusal(address)
            if why is not None:
                skipped.append(f"{shown} ({address}): not a public address, not probed ({why})")
                continue
            if len(sessions) >= MAX_ATTEMPTS:
                skipped.append(f"{shown} ({address}): over {MAX_ATTEMPTS} connection attempts, not tried")
                continue
            session = converse(host, address, settings.port, settings.helo, settings.timeout, callout)
            sessions.append(session)
            if session.outcome in (Outcome.ANSWERED, Outcome.BANNER_TEMPFAIL, Outcome.BANNER_REJECT):
                # One conversation per domain: a server answered, whatever it said.
                called = sender if callout and session.callout is not None else None
                return DomainProbe(domain, route, tuple(answers), tuple(sessions), tuple(skipped), called)
    return DomainProbe(domain, route, tuple(answers), tuple(sessions), tuple(skipped), None)
