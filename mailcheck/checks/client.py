"""client: the address of the client that handed the message to your servers.

The entry hop is the first Received line your servers wrote whose client is not one of your own
(see the trust boundary in the report). The address it recorded comes from the TCP connection
itself: a client cannot take part in the handshake from an address it does not hold, so the
address is **validated** — the essay's leftmost step of the continuum ("None (TCP)"). In filter
mode Postfix hands the address it saw to mailcheck in CLIENT_ADDRESS, which is better evidence
than any header.

When there is no entry hop the field is **unverifiable**: the message has no Received lines, or
every hop is your own (a local or authenticated submission), or your server recorded no address.
The client's HELO and reverse-DNS names are claims checked elsewhere (client-helo, client-rdns).
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.trust import entry_client

ID = "client"
SUMMARY = "the entry client's IP address, seen by your server in the TCP connection"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()


def _submitter(facts: Facts) -> str:
    """The address the oldest trusted hop recorded, when every hop is trusted (e.g. an authenticated user)."""
    trusted = [v for v in facts.hops if v.trusted]
    if trusted and len(trusted) == len(facts.hops) and trusted[-1].hop.ip:
        return trusted[-1].hop.ip
    return ""


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    client = entry_client(facts, ctx)
    if client is not None:
        if ctx.mta is not None and ctx.mta.client_address:
            evidence = (f"your MTA passed the client address in its environment (CLIENT_ADDRESS): it saw the "
                        f"client at {client.ip} in the TCP connection (TCP handshake)",)
        else:
            entry = facts.entry
            by = entry.hop.by if entry is not None and entry.hop.by else "your server"
            where = f"received[{entry.index}]" if entry is not None else "the entry hop"
            evidence = (f"recorded by {by} at the TCP level in {where}: the client really was at this "
                        "address (TCP handshake)",)
        yield Finding("client-ip", client.ip, Label.VALIDATED, evidence, ID)
        return
    yield Finding("client-ip", _submitter(facts), Label.UNVERIFIABLE,
                  ("no untrusted client is on record: " + facts.boundary.explanation,), ID, Basis.UNCHECKABLE)
