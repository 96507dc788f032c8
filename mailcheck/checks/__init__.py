"""The registry of checks, in the order they run.

A check is a module with ID (stable, kebab-case), SUMMARY (one line) and
run(facts, ctx) -> Iterable[Finding]. Its docstring is its user documentation.
Order matters: checks that leave results in facts.results (spf, dkim, arc, dmarc) run
before the checks that label identities from them (envelope-sender, from, verdict headers).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from ..analyze import Context, Facts
    from ..model import Finding


class Check(Protocol):
    ID: str
    SUMMARY: str

    def run(self, facts: Facts, ctx: Context) -> Iterable[Finding]: ...


CHECK_MODULES: tuple[str, ...] = (
    "client",  # entry hop's IP (TCP), HELO and rDNS claims
    "received",  # every Received hop, offline consistency
    "sender_domain",  # envelope-sender and From domains exist (DNS)
    "spf",  # SPF for the envelope sender and HELO (DNS)
    "client_dns",  # the entry client's HELO (SPF) and forward-confirmed rDNS (DNS)
    "dkim",  # every DKIM signature (DNS)
    "arc",  # the ARC chain (DNS)
    "dmarc",  # DMARC policy and alignment (DNS)
    "envelope",  # envelope-sender, labelled from SPF
    "from_address",  # From, labelled from DMARC; several/missing From
    "display_name",
    "originator",  # Sender, Reply-To
    "date",
    "message_id",
    "subject",
    "verdict_headers",  # X-Spam*, Authentication-Results, … and Return-Path below Received
    "urls",
    "body_claims",
    "probe",  # opt-in SMTP probes
)


def load_checks() -> tuple[Check, ...]:
    return tuple(cast("Check", importlib.import_module(f"{__name__}.{name}")) for name in CHECK_MODULES)


CHECKS = load_checks()
