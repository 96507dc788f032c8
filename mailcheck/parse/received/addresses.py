"""Addresses as MTAs write them in Received lines ("[IPv6:…]", zone ids, a port glued on) → canonical text."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from mailcheck.parse.lazy_pattern import lazy_compile

# Address characters with at least one '.' or ':' among them, then perhaps a zone id. The lookahead finds the
# separator: written as "X*[.:]X*" the two stars could split a run of ':' anywhere (quadratic backtracking).
_IPISH = lazy_compile(r"(?=[0-9A-Fa-f]*[.:])[0-9A-Fa-f:.]+(?:%[\w.~-]+)?")
# The longest text an MTA writes for one address: "IPv6:" + 45 characters of IPv4-mapped IPv6, a zone id
# and a port. Anything longer is no address, and is not worth keeping in the cache below.
MAX_ADDRESS_TEXT = 128
_V4_PORT = lazy_compile(r"(\d{1,3}(?:\.\d{1,3}){3})(?:[.:]\d{1,5})")
_V4_DIGITS = lazy_compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# A dotted quad already in canonical form (0-255, no leading zeros): ipaddress would hand back the same text,
# and most addresses in Received lines are written so.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_CANONICAL_V4 = lazy_compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


def normalise_ip(text: str) -> str | None:
    """Text an MTA wrote for an address → its canonical form (IPv4-mapped IPv6 becomes IPv4), or None.

    Accepts "IPv6:" prefixes (RFC 5321 §4.1.3), zone ids ("%6") and a port glued on with ':' or '.'.
    """
    t = text.strip("[]()")
    if len(t) > MAX_ADDRESS_TEXT:
        return None
    return _normalise_ip(t)


@lru_cache(maxsize=8192)
def _normalise_ip(t: str) -> str | None:
    if _CANONICAL_V4.fullmatch(t):
        return t
    if t[:5].lower() == "ipv6:":
        t = t[5:]
    if not _IPISH.fullmatch(t):
        return None
    t = t.split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(t)
    except ValueError:
        m = _V4_PORT.fullmatch(t)
        if not m:
            return None
        try:
            ip = ipaddress.ip_address(m.group(1))
        except ValueError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


@lru_cache(maxsize=4096)
def is_loopback(ip: str) -> bool:
    return ipaddress.ip_address(ip).is_loopback


def bad_v4(text: str) -> bool:
    """Four dotted numbers that are no IPv4 address ("[999.1.2.3]"): no socket ever reports that."""
    t = text.strip("[]()")
    return bool(_V4_DIGITS.fullmatch(t)) and normalise_ip(t) is None

