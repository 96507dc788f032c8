"""The registry of checks, in the order they run.

A check is a module with ID (stable, kebab-case), SUMMARY (one line), NEEDS and PROVIDES (the
fields of context.Results it reads and writes) and run(facts, ctx) -> Iterable[Finding]. Its
docstring is its user documentation (`mailcheck checks ID` prints it). Order matters: a check
runs after every check that provides what it needs (tests/checks/test_registry.py proves it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from mailcheck.checks import (
    arc,
    attachments,
    body_claims,
    body_parts,
    client,
    client_dns,
    date,
    display_name,
    dkim,
    dmarc,
    envelope,
    from_address,
    impersonation,
    message_id,
    originator,
    probe,
    provider_record,
    received,
    sender_domain,
    spf,
    subject,
    urls,
    verdict_headers,
)
from mailcheck.context import Context, Facts
from mailcheck.model import Finding


class Check(Protocol):
    ID: str
    SUMMARY: str
    NEEDS: tuple[str, ...]
    PROVIDES: tuple[str, ...]

    def run(self, facts: Facts, ctx: Context) -> Iterable[Finding]: ...


CHECKS: tuple[Check, ...] = (
    client,  # entry hop's IP (TCP), HELO and rDNS claims
    received,  # every Received hop, offline consistency
    sender_domain,  # envelope-sender and From domains exist (DNS)
    spf,  # SPF for the envelope sender and HELO (DNS)
    client_dns,  # the entry client's HELO (SPF) and forward-confirmed rDNS (DNS)
    arc,  # the ARC chain (DNS)
    dkim,  # every DKIM signature (DNS); after arc, whose first sealer may explain a signature broken in transit
    dmarc,  # DMARC policy and alignment (DNS)
    impersonation,  # brand display names (vouched for by the brand's DKIM), lookalike domains, replies elsewhere
    envelope,  # envelope-sender, labelled from SPF
    from_address,  # From, labelled from DMARC; several/missing From
    display_name,
    originator,  # Sender, Reply-To
    date,
    message_id,
    subject,
    verdict_headers,  # X-Spam*, Authentication-Results, … and Return-Path below Received
    provider_record,  # the sender IP your receiving provider recorded, against the entry client
    body_parts,  # text parts too large to examine whole; before the checks that read them
    urls,
    attachments,  # attached files: declared type against the bytes (libmagic), hashes, risky kinds
    body_claims,
    probe,  # opt-in SMTP probes
)


def by_id(check_id: str) -> Check | None:
    """The registered check with this ID (`mailcheck checks ID`)."""
    return next((check for check in CHECKS if check_id == check.ID), None)
