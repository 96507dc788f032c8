"""Which addresses a probe may connect to: an explicit table of forbidden ranges, not `is_global`.

The sender's domain is chosen by whoever wrote the message, and its DNS can name any address. We
decide by our own table rather than `ipaddress.is_global`, whose answer changes between Python
versions and which judges IPv6 forms that carry an IPv4 address (NAT64, 6to4, IPv4-compatible) by
their IPv6 prefix: `64:ff9b::7f00:1` is "global" there, yet a NAT64 gateway delivers it to 127.0.0.1.
Those forms are judged by the IPv4 address they carry.
"""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

# IPv4: every range below is refused; anything else is a unicast address on the Internet. From the
# IANA special-purpose registry (RFC 6890 and successors), plus multicast and the reserved class E,
# counting ranges that registry calls globally reachable but no mail server lives in (192.0.0.0/24).
_IPV4_FORBIDDEN: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), why) for net, why in (
        ("0.0.0.0/8", "this network"),
        ("10.0.0.0/8", "private network"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private network"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private network"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),  # 255.255.255.255 (broadcast) included
    )
)

# IPv6: only global unicast (2000::/3) may be used, minus the ranges below. Everything outside it
# (unspecified, loopback, ULA fc00::/7, link-local fe80::/10, multicast ff00::/8, unassigned space)
# is refused whole; the forms that embed IPv4 are handled before this table is read.
_IPV6_UNICAST = IPv6Network("2000::/3")
_IPV6_FORBIDDEN: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), why) for net, why in (
        ("2001::/23", "IETF protocol assignments"),  # Teredo, ORCHID, benchmarking, anycast services
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
    )
)

# IPv6 forms that carry an IPv4 address in their low bits, or (6to4) in bits 16–47.
_NAT64 = IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix
_NAT64_LOCAL = IPv6Network("64:ff9b:1::/48")  # RFC 8215: a local network's own translators
_MAPPED = IPv6Network("::ffff:0:0/96")  # RFC 4291 §2.5.5.2
_COMPATIBLE = IPv6Network("::/96")  # RFC 4291 §2.5.5.1 (deprecated); ::1 and :: are in it too
_SIX_TO_FOUR = IPv6Network("2002::/16")  # RFC 3056
_UNSPECIFIED_OR_LOOPBACK = {IPv6Address("::"): "unspecified", IPv6Address("::1"): "loopback"}


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one."""
    value = int(address)
    if address in _NAT64 or address in _MAPPED or address in _COMPATIBLE:
        return IPv4Address(value & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return IPv4Address((value >> 80) & 0xFFFFFFFF)
    return None


def _ipv4_refusal(address: IPv4Address) -> str | None:
    return next((why for net, why in _IPV4_FORBIDDEN if address in net), None)


def refusal(address: str) -> str | None:
    """Why a probe must not connect to `address` (e.g. "loopback"), or None when it may."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    if isinstance(parsed, IPv4Address):
        return _ipv4_refusal(parsed)
    if parsed.scope_id:
        return "scoped to a local interface"
    if parsed in _UNSPECIFIED_OR_LOOPBACK:
        return _UNSPECIFIED_OR_LOOPBACK[parsed]  # inside ::/96, but not IPv4 addresses in any sense
    if parsed in _NAT64_LOCAL:
        return "local-use NAT64"
    embedded = _embedded_ipv4(parsed)
    if embedded is not None:
        why = _ipv4_refusal(embedded)
        return f"{why}, {embedded} in IPv6 form" if why else None
    if parsed not in _IPV6_UNICAST:
        return "not global unicast IPv6"
    return next((why for net, why in _IPV6_FORBIDDEN if parsed in net), None)


def is_public(address: str) -> bool:
    """True when a probe may connect to `address` without --probe-private."""
    return refusal(address) is None
