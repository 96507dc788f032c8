"""A URL split as a browser splits it (WHATWG URL Standard), and the host a piece of link text names."""

from __future__ import annotations

import re
from functools import lru_cache

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.urls.hosts import host_forms, is_ip_text, known_suffix
from mailcheck.value_types import NamedTuple

# WHATWG URL Standard §4.2 "special schemes": their authority ends at '\\' as well as '/', and any
# number of slashes (even none) may follow the colon.
_SPECIAL = frozenset({"http", "https", "ftp", "ws", "wss", "file"})
SCHEME = lazy_compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_ABSOLUTE = lazy_compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")  # in running text "www.x.com:8080" has no scheme
HOST_FIRST = lazy_compile(r"(?:[\w-]+\.)+[\w-]+(?=[:/?#]|$)")  # "www.example.com/x", written without http://
C0_SPACE = "".join(chr(i) for i in range(0x21))
_TAB_NEWLINE = lazy_compile(r"[\t\r\n]")
_AUTHORITY_END = lazy_compile(r"[/?#]")
_SPECIAL_AUTHORITY_END = lazy_compile(r"[/\\?#]")  # special schemes: '\' ends it too


class UrlParts(NamedTuple):
    """A URL split the way a browser would split it (WHATWG URL Standard), for the parts a check needs."""

    scheme: str  # lower-case; "" for a relative link
    userinfo: str | None  # text before the last '@' of the authority (RFC 3986 §3.2.1), None when absent
    host: str  # lower-case, IDNA-decoded (Unicode) where possible; "" when the URL has no host
    host_ascii: str  # the same host in ASCII (punycode) form; equal to host for plain ASCII names
    port: str
    ip: str | None  # canonical address when the host is an IP literal, in any form browsers accept
    host_written: str  # the host exactly as written (before percent-decoding and case folding)
    bad_host: bool = False  # a host no browser accepts (white space, '<', a number out of range…)


# Links and link texts recur across messages, so their analyses are remembered; but only up to this many
# characters (data: URLs can be megabytes), so that the caches stay small whatever the input.
_URL_CACHED = 1000


def split_url(url: str, assume_http: bool = False) -> UrlParts:
    """Split a URL into scheme, userinfo and host as a browser would; never raises.

    assume_http: the URL has no scheme but a reader's client treats it as a web address (www.example.com)."""
    if len(url) <= _URL_CACHED:
        return _split_url_cached(url, assume_http)
    return _split_url(url, assume_http)


@lru_cache(maxsize=8192)  # a mailbox's links recur further apart than 2048 URLs (a third more misses)
def _split_url_cached(url: str, assume_http: bool) -> UrlParts:
    return _split_url(url, assume_http)


# URLs are mostly unique (tracking paths), their hosts are not: the host's forms (IDNA, IPv4 parsing) are kept
# apart from the URL cache. Longer hosts (at most 253 characters in DNS) are rare and worked out each time.
_HOST_CACHED = 255


@lru_cache(maxsize=8192)
def _host_forms_kept(written: str) -> tuple[str, str, str | None] | None:
    return host_forms(written)


def _split_url(url: str, assume_http: bool) -> UrlParts:
    text = url.strip(C0_SPACE)
    if "\t" in text or "\n" in text or "\r" in text:
        text = _TAB_NEWLINE.sub("", text)  # WHATWG: browsers delete tabs and newlines anywhere in a URL
    match = (_ABSOLUTE if assume_http else SCHEME).match(text)
    if match:
        scheme, rest = match.group(1).lower(), text[match.end() :]
    elif assume_http:
        scheme, rest = "", "//" + text
    else:
        return UrlParts("", None, "", "", "", None, "")
    special = scheme in _SPECIAL or (not scheme and assume_http)
    if special:
        rest = "//" + rest.lstrip("/\\")
    if not rest.startswith("//"):
        return UrlParts(scheme, None, "", "", "", None, "")  # javascript:, data:, news: … have no host
    end = (_SPECIAL_AUTHORITY_END if special else _AUTHORITY_END).search(rest, 2)
    authority = rest[2 : end.start()] if end else rest[2:]
    userinfo: str | None = None
    if "@" in authority:
        # The userinfo ends at the LAST '@' (WHATWG), so http://a@b@evil.example/ goes to evil.example.
        userinfo, _, authority = authority.rpartition("@")
    if authority.startswith("["):
        host_written, _, after = authority.partition("]")
        host_written += "]"
        port = after[1:] if after.startswith(":") else ""
    else:
        host_written, _, port = authority.partition(":")
    forms = _host_forms_kept(host_written) if len(host_written) <= _HOST_CACHED else host_forms(host_written)
    if forms is None:
        return UrlParts(scheme, userinfo, "", "", port, None, host_written, bad_host=True)
    host, host_ascii, ip = forms
    return UrlParts(scheme, userinfo, host, host_ascii, port, ip, host_written)


_DOMAIN = lazy_compile(r"(?:[\w-]+\.)+[\w-]+\.?")
_WRAPPERS = "<>()[]{}\"'“”‘’«»"
_TRAILING = ".,;:!?"


def host_named_by(text: str) -> str | None:
    """The ASCII host that text names when the whole text is a URL or a domain name, else None.

    "https://www.paypal.com/login …", "www.bank.example" and "paypal.com/login" name a host; "Click here",
    "bob@example.com" (an address, not a place to go) and "file.txt" (no such public suffix) do not."""
    # The same link texts ("Click here", a list's own address) recur across messages.
    return _host_named_by_cached(text) if len(text) <= _URL_CACHED else _host_named_by(text)


@lru_cache(maxsize=2048)
def _host_named_by_cached(text: str) -> str | None:
    return _host_named_by(text)


def _host_named_by(text: str) -> str | None:
    words = text.strip().strip(_WRAPPERS).split()
    if not words:
        return None
    token = words[0].strip(_WRAPPERS)
    # A text that starts with a full URL names its host even when words follow or the URL is broken by
    # white space ("https://www.paypal.com/us/webscr? cmd=_login-run"); a bare domain must stand alone
    # ("Amazon.com Logo" is a caption, not an address).
    if len(words) > 1 and not (_ABSOLUTE.match(token) or token.lower().startswith("www.")):
        return None
    if token.startswith("URL:"):
        token = token[4:]
    truncated = token.rstrip(_WRAPPERS).endswith(("...", "…"))
    token = token.rstrip(_WRAPPERS + _TRAILING + "…")
    match = _ABSOLUTE.match(token)
    if match:
        if match.group(1).lower() not in ("http", "https", "ftp"):
            return None
        parts = split_url(token)
        rest = token[match.end() :].lstrip("/\\")
    else:
        if "@" in token:
            return None
        head = re.split(r"[/?#:]", token, maxsplit=1)[0]
        if is_ip_text(head):
            pass
        elif not _DOMAIN.fullmatch(head) or head.rstrip(".").rsplit(".", 1)[-1].isdigit():
            return None  # in running text "1.5" is a number, though a browser reads http://1.5/ as an IP
        parts = split_url(token, assume_http=True)
        rest = token
    if not (parts.ip or (parts.host_ascii and known_suffix(parts.host_ascii))):
        return None  # "http://www.shop/" or "LOSEweightFAST!" name no host that can exist
    # "http://www.exam…" names no host for sure: the text was cut inside it.
    if truncated and not re.search(r"[/?#]", rest):
        return None
    if parts.userinfo is not None:
        return None  # the shown text itself uses the user@host trick; the check reports the target's
    return parts.ip or parts.host_ascii or None
