"""Receiving-provider profiles (DESIGN §3): the registry, and choosing profiles for --provider."""

from __future__ import annotations

from functools import lru_cache

from mailcheck.providers import (
    barracuda,
    cisco,
    fastmail,
    google,
    icloud,
    microsoft,
    mimecast,
    proofpoint,
    proton,
    sophos,
    symantec,
    trendmicro,
    yahoo,
    zoho,
)
from mailcheck.providers.profile import HeaderName, Name, Network, Profile, Source, cite

# Mailbox providers first, then the gateways that sit in front of them.
PROFILES: tuple[Profile, ...] = (
    microsoft.PROFILE, google.PROFILE, yahoo.PROFILE, icloud.PROFILE, proton.PROFILE, fastmail.PROFILE,
    zoho.PROFILE,
    proofpoint.PROFILE, mimecast.PROFILE, barracuda.PROFILE, cisco.PROFILE, trendmicro.PROFILE, sophos.PROFILE,
    symantec.PROFILE,
)

__all__ = ["PROFILES", "HeaderName", "Name", "Network", "Profile", "Source", "by_name", "cite", "select"]


def by_name(name: str) -> Profile:
    """The profile called `name` (ValueError naming the known ones otherwise)."""
    for profile in PROFILES:
        if profile.name == name.strip().lower():
            return profile
    raise ValueError(f"unknown provider {name!r}; known: {', '.join(p.name for p in PROFILES)}")


@lru_cache(maxsize=64)  # every chain walk asks, with the run's one --provider text
def select(spec: str) -> tuple[tuple[Profile, ...], tuple[Profile, ...]]:
    """--provider SPEC -> (mailbox profiles to recognise, gateways to follow).

    "auto": every mailbox profile; no gateway is followed, because a gateway client at a mailbox's edge
    looks the same whether it is the reader's inbound gateway or the sender's outbound one.
    "none": nothing. Otherwise a comma-separated list of names: the mailbox providers named (every one
    when the list names only gateways), and the gateways named, which are then trusted in front of them.
    """
    text = spec.strip().lower()
    if text == "none":
        return (), ()
    mailboxes = tuple(p for p in PROFILES if p.kind == "mailbox")
    if text in ("", "auto"):
        return mailboxes, ()
    named = tuple(by_name(n) for n in text.split(",") if n.strip())
    chosen = tuple(p for p in named if p.kind == "mailbox") or mailboxes
    return chosen, tuple(p for p in named if p.kind == "gateway")
