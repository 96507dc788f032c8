"""Domain names: the organizational (registrable) domain from the Public Suffix List, shipped offline."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=2)
def _psl(accept_unknown: bool = True) -> Any:
    # Loading the list takes ~20 ms; done once per process and only when a check needs it.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=accept_unknown)


def registrable_domain(host: str) -> str | None:
    """'a.b.example.co.uk' → 'example.co.uk' (RFC 7489 §3.2 organizational domain); None for a bare suffix.
    A TLD the list does not know is treated as a public suffix (the list's default '*' rule)."""
    host = host.strip().rstrip(".").lower()
    if not host or "." not in host:
        return None
    result = _psl().privatesuffix(host)
    return str(result) if result else None


def known_registrable_domain(text: str) -> str | None:
    """Like registrable_domain, but only under a suffix the list really has ('st.louis' → None):
    for telling a domain written in free text from words that merely contain a dot."""
    result = _psl(False).privatesuffix(text.strip().rstrip(".").lower())
    return str(result) if result else None


def domain_of(address: str) -> str | None:
    """The domain of an address (after the last '@'), lower-cased; None when there is none."""
    if "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().strip(">").rstrip(".").lower()
    return domain or None
