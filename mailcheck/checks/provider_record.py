"""provider-record: the sender IP your receiving provider recorded at receipt, against the entry client.

Your recognised provider's own verdict headers (mailcheck/providers/block.py) record the address that
connected to its inbound edge. Validated when it is the entry client's address (trust.entry_client):
two records, the edge's Received line and the provider's verdict, agree on who handed over the message.
A difference is unverifiable, with both addresses: both records are the provider's, so it is not the
sender's deceit; it means the trust boundary and the provider disagree (a gateway or forwarder in front
that the chain does not show, a re-entry into the provider), and the entry client should be read with
that in mind. No field is reported when no provider block, or no recorded address, was found.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from mailcheck.context import Context, Facts
from mailcheck.model import Basis, Finding, Label
from mailcheck.providers.block import provider_block
from mailcheck.trust import entry_client

ID = "provider-record"
SUMMARY = "the sender IP your receiving provider recorded, against the entry client"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()


def _same(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return a.strip().lower() == b.strip().lower()


def run(facts: Facts, ctx: Context) -> Iterator[Finding]:
    block = provider_block(facts)
    if block is None or block.verdict is None:
        return
    recorded = block.verdict.recorded_sender_ip()
    if not recorded:
        return
    title = block.profile.title
    entry = entry_client(facts, ctx)
    if entry is None:
        yield Finding(ID, recorded, Label.UNVERIFIABLE, (
            f"{title} recorded sender IP {recorded} at receipt, but no entry client is known to compare it with",
        ), ID, Basis.UNDECIDED)
        return
    if _same(recorded, entry.ip):
        yield Finding(ID, recorded, Label.VALIDATED, (
            f"{title} recorded sender IP {recorded} at receipt, the entry client's address ({entry.source}): "
            "the provider's verdict and its edge's Received line agree on who handed over the message",
        ), ID)
        return
    yield Finding(ID, recorded, Label.UNVERIFIABLE, (
        f"{title} recorded sender IP {recorded} at receipt, but the entry client is {entry.ip} ({entry.source})",
        "both are the provider's own records, so this is not the sender's doing: a hop the chain does not show "
        "(a gateway or forwarder in front, a re-entry) sits between them; read the entry client with care",
    ), ID, Basis.UNDECIDED)
