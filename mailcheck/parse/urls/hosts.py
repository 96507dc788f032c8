"""The host of a URL as a browser reads it (WHATWG URL Standard host parsing, UTS #46 / IDNA 2008 names)."""

from __future__ import annotations

import ipaddress
import unicodedata
from urllib.parse import unquote

from mailcheck.lookup.domains import public_suffix_list
from mailcheck.parse.lazy_pattern import lazy_compile

# RFC 6761 special-use TLDs: real names with a defined meaning (documentation, tests), not on the list.
_SPECIAL_USE = ("example", "test", "invalid", "localhost")


def known_suffix(host_ascii: str) -> bool:
    """True when the host is a name under a suffix on the public suffix list or a special-use TLD, so that
    'file.txt' or 'www.shop' (no such suffix) is not taken for a domain."""
    host = host_ascii.rstrip(".").lower()
    if "." in host and host.rsplit(".", 1)[1] in _SPECIAL_USE:
        return True
    return public_suffix_list().privatesuffix(host, accept_unknown=False) is not None


# UTS #46 maps these to '.', so browsers treat them as label separators.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_NUMBER = lazy_compile(r"(?:0[xX][0-9A-Fa-f]*|[0-9]+)")
# WHATWG URL Standard §3.2 forbidden domain code points: a host containing one is a parse failure.
_FORBIDDEN_HOST = lazy_compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")


def is_ip_text(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _ipv4_number(part: str) -> int | None:
    """One part of a WHATWG IPv4 host: 0x-prefixed hex, 0-prefixed octal, else decimal."""
    if not _NUMBER.fullmatch(part):
        return None
    if part[:2] in ("0x", "0X"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8) if set(part) <= set("01234567") else None
    return int(part)


def _ipv4(host: str) -> str | None:
    """WHATWG URL Standard §3.5 IPv4 parser: browsers accept 3232235777, 0xC0.0xA8.1.1, 0300.0250.1.1, 10.1.

    Written by hand because the ipaddress module accepts only dotted-decimal quads."""
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts.pop()
    if not parts or len(parts) > 4 or not _NUMBER.fullmatch(parts[-1]):
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    address = values[-1]
    for i, n in enumerate(values[:-1]):
        address += n << (8 * (3 - i))
    return str(ipaddress.IPv4Address(address))


def _idna_label(label: str) -> tuple[str, str] | None:
    """(Unicode form, ASCII form) of one host label, or None when no browser accepts it.

    UTS #46 non-transitional processing, as browsers do: 'ß' stays 'ß' (IDNA 2008; 'fass' is another
    name), and a joiner (U+200D) where RFC 5892's CONTEXTJ rule forbids it makes the host invalid instead
    of vanishing, so 'a\u200db.com' is never read as 'ab.com'."""
    if label.isascii():
        label = label.lower()
        if label.startswith("xn--"):
            try:
                return label[4:].encode("ascii").decode("punycode").lower(), label
            except (UnicodeError, ValueError):
                return label, label
        return label, label
    import idna  # only for labels outside ASCII: most messages have none, and the import costs a filter run ~2 ms

    try:
        mapped = idna.uts46_remap(label, std3_rules=False, transitional=False)
    except (idna.IDNAError, UnicodeError, ValueError):
        return None  # a code point UTS #46 disallows
    if mapped.isascii():
        return mapped, mapped  # full-width or otherwise mapped letters that are plain ASCII after all
    try:
        # Browsers process with CheckHyphens off (WHATWG URL Standard §3.3), so the hyphen rules are left out
        # of the check; the code point, joiner and bidi rules of IDNA 2008 stay.
        idna.check_label(mapped.replace("-", ""))
    except idna.InvalidCodepoint:
        pass  # UTS #46 valid, not IDNA 2008 PVALID (symbols such as U+2603): browsers still open these names
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    return mapped, "xn--" + mapped.encode("punycode").decode("ascii")


def host_forms(written: str) -> tuple[str, str, str | None] | None:
    """(Unicode host, ASCII host, IP) for the host part of an authority; None when it is no valid host."""
    if written.startswith("["):
        inner = written[1:].split("]", 1)[0]
        address = unquote(inner).split("%", 1)[0]  # drop an RFC 6874 zone id
        try:
            ip = ipaddress.IPv6Address(address).compressed
        except ValueError:
            return None
        return ip, ip, ip
    host = unquote(written, errors="replace").translate(_DOTS)
    # UTS #46 maps compatibility characters first (a no-break space becomes a space), then forbids.
    if _FORBIDDEN_HOST.search(unicodedata.normalize("NFKC", host)):
        return None
    ip4 = _ipv4(host)
    if ip4 is not None:
        return ip4, ip4, ip4
    if _NUMBER.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
        return None  # WHATWG: a host ending in a number must be a valid IPv4 address (356.1.1.1 is not)
    labels = []
    for label in host.rstrip(".").split(".") if host.strip(".") else []:
        forms = _idna_label(label)
        if forms is None:
            return None
        labels.append(forms)
    unicode_host = ".".join(u for u, _ in labels)
    ascii_host = ".".join(a for _, a in labels)
    return unicode_host, ascii_host, None
