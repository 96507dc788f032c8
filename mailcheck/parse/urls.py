"""URLs from text and HTML parts, each with the text a reader sees for it; never fetches anything."""

from __future__ import annotations

import encodings.idna
import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin

from mailcheck.lookup.domains import public_suffix_list

if TYPE_CHECKING:
    from mailcheck.parse.message import TextPart

LINK_CAP = 200  # links listed per message; more is a newsletter or a flood, not more evidence
_SHOWN_CAP = 500  # characters of anchor text kept (an unclosed <a> can swallow a whole page)
# mailto:, tel: and friends open no web page: they are not links a reader is sent to, so they are skipped.
_SKIPPED_SCHEMES = frozenset({"mailto", "tel", "sms", "callto", "fax", "cid", "mid"})
# WHATWG URL Standard §4.2 "special schemes": their authority ends at '\' as well as '/', and any
# number of slashes (even none) may follow the colon.
_SPECIAL = frozenset({"http", "https", "ftp", "ws", "wss", "file"})


@dataclass(frozen=True)
class UrlParts:
    """A URL split the way a browser would split it (WHATWG URL Standard), for the parts a check needs."""

    scheme: str  # lower-case; "" for a relative link
    userinfo: str | None  # text before the last '@' of the authority (RFC 3986 §3.2.1), None when absent
    host: str  # lower-case, IDNA-decoded (Unicode) where possible; "" when the URL has no host
    host_ascii: str  # the same host in ASCII (punycode) form; equal to host for plain ASCII names
    port: str
    ip: str | None  # canonical address when the host is an IP literal, in any form browsers accept
    host_written: str  # the host exactly as written (before percent-decoding and case folding)
    bad_host: bool = False  # a host no browser accepts (white space, '<', a number out of range…)


@dataclass(frozen=True)
class Link:
    """One link found in a message."""

    href: str  # the URL as written, HTML entities decoded, surrounding white space removed
    shown: str  # the text a reader sees for it (anchor text, alt text, or the URL itself)
    part: str  # "text/plain" or "text/html"
    kind: str  # "bare" (URL in running text), "anchor" (<a href>), "area" (<area href>), "form" (<form>)
    target: str  # href resolved against <base href> when it is relative; else the same as href
    scheme: str
    userinfo: str | None
    host: str
    host_ascii: str
    ip: str | None
    bad_host: str | None  # the host as written when no browser would accept it (then host is "")
    shown_host: str | None  # ASCII host the shown text names, when it looks like a URL or domain


@dataclass(frozen=True)
class LinkScan:
    links: tuple[Link, ...]  # first LINK_CAP distinct links, in order found
    total: int  # distinct (href, shown) pairs found in all

    @property
    def truncated(self) -> bool:
        return self.total > len(self.links)


# -- public suffix list ------------------------------------------------------------------------------


def registrable_domain(host_ascii: str) -> str:
    """The registrable domain (public suffix + one label) of an ASCII host; IPs and bare suffixes as-is."""
    host = host_ascii.rstrip(".").lower()
    if not host or _is_ip_text(host):
        return host
    found = public_suffix_list().privatesuffix(host)
    return found if isinstance(found, str) else host


# RFC 6761 special-use TLDs: real names with a defined meaning (documentation, tests), not on the list.
_SPECIAL_USE = ("example", "test", "invalid", "localhost")


def _known_suffix(host_ascii: str) -> bool:
    """True when the host is a name under a suffix on the public suffix list or a special-use TLD, so that
    'file.txt' or 'www.shop' (no such suffix) is not taken for a domain."""
    host = host_ascii.rstrip(".").lower()
    if "." in host and host.rsplit(".", 1)[1] in _SPECIAL_USE:
        return True
    return public_suffix_list().privatesuffix(host, accept_unknown=False) is not None


# -- splitting a URL ---------------------------------------------------------------------------------

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_ABSOLUTE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")  # in running text "www.x.com:8080" has no scheme
_HOST_FIRST = re.compile(r"(?:[\w-]+\.)+[\w-]+(?=[:/?#]|$)")  # "www.example.com/x", written without http://
_C0_SPACE = "".join(chr(i) for i in range(0x21))
# UTS #46 maps these to '.', so browsers treat them as label separators.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_NUMBER = re.compile(r"(?:0[xX][0-9A-Fa-f]*|[0-9]+)")
# WHATWG URL Standard §3.2 forbidden domain code points: a host containing one is a parse failure.
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_TAB_NEWLINE = re.compile(r"[\t\r\n]")


def _is_ip_text(host: str) -> bool:
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


def _idna_label(label: str) -> tuple[str, str]:
    """(Unicode form, ASCII form) of one host label; labels that cannot be converted stay as written."""
    if label.isascii():
        label = label.lower()
        if label.startswith("xn--"):
            try:
                return label[4:].encode("ascii").decode("punycode").lower(), label
            except (UnicodeError, ValueError):
                return label, label
        return label, label
    unicode_form = unicodedata.normalize("NFKC", label).casefold()
    try:
        # IDNA 2003 (RFC 3490) from the stdlib: nameprep + punycode; close to what browsers display.
        return unicode_form, encodings.idna.ToASCII(label).decode("ascii").lower()
    except (UnicodeError, ValueError):
        return unicode_form, unicode_form


def _host_forms(written: str) -> tuple[str, str, str | None] | None:
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
    labels = [_idna_label(label) for label in host.rstrip(".").split(".")] if host.strip(".") else []
    unicode_host = ".".join(u for u, _ in labels)
    ascii_host = ".".join(a for _, a in labels)
    return unicode_host, ascii_host, None


# Links and link texts recur across messages, so their analyses are remembered; but only up to this many
# characters (data: URLs can be megabytes), so that the caches stay small whatever the input.
_URL_CACHED = 1000


def split_url(url: str, assume_http: bool = False) -> UrlParts:
    """Split a URL into scheme, userinfo and host as a browser would; never raises.

    assume_http: the URL has no scheme but a reader's client treats it as a web address (www.example.com)."""
    if len(url) <= _URL_CACHED:
        return _split_url_cached(url, assume_http)
    return _split_url(url, assume_http)


@lru_cache(maxsize=2048)
def _split_url_cached(url: str, assume_http: bool) -> UrlParts:
    return _split_url(url, assume_http)


def _split_url(url: str, assume_http: bool) -> UrlParts:
    text = url.strip(_C0_SPACE)
    text = _TAB_NEWLINE.sub("", text)  # WHATWG: browsers delete tabs and newlines anywhere in a URL
    match = (_ABSOLUTE if assume_http else _SCHEME).match(text)
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
    authority = re.split(r"[/\\?#]" if special else r"[/?#]", rest[2:], maxsplit=1)[0]
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
    forms = _host_forms(host_written)
    if forms is None:
        return UrlParts(scheme, userinfo, "", "", port, None, host_written, bad_host=True)
    host, host_ascii, ip = forms
    return UrlParts(scheme, userinfo, host, host_ascii, port, ip, host_written)


# -- the host a piece of text names ------------------------------------------------------------------

_DOMAIN = re.compile(r"(?:[\w-]+\.)+[\w-]+\.?")
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
        if _is_ip_text(head):
            pass
        elif not _DOMAIN.fullmatch(head) or head.rstrip(".").rsplit(".", 1)[-1].isdigit():
            return None  # in running text "1.5" is a number, though a browser reads http://1.5/ as an IP
        parts = split_url(token, assume_http=True)
        rest = token
    if not (parts.ip or (parts.host_ascii and _known_suffix(parts.host_ascii))):
        return None  # "http://www.shop/" or "LOSEweightFAST!" name no host that can exist
    # "http://www.exam…" names no host for sure: the text was cut inside it.
    if truncated and not re.search(r"[/?#]", rest):
        return None
    if parts.userinfo is not None:
        return None  # the shown text itself uses the user@host trick; the check reports the target's
    return parts.ip or parts.host_ascii or None


# -- plain text --------------------------------------------------------------------------------------

_BARE_URL = re.compile(
    r"(?<![\w.+-])(?:https?|ftp)://[^\s<>\"]+"
    # www. hosts: not inside a path or an address (foo@www.example.com), and not the local part of an
    # address (www.example.com@example.com): possessive quantifiers stop the host from backing off the '@'.
    r"|(?<![\w.@/+-])www\.[\w-]++(?:\.[\w-]++)++(?!@)(?:[:/?#][^\s<>\"]*)?",
    re.IGNORECASE,
)
_CLOSERS = {")": "(", "]": "[", "}": "{"}
# Where a _BARE_URL match can start: its alternatives without their look-behinds. Searching for this and
# trying _BARE_URL only there finds the same matches several times faster than _BARE_URL.finditer, which
# tries the look-behinds at every position of the text (and most text holds no URL at all). The letters
# are matched as re.IGNORECASE matches them (ſ is the long s), but spelled out: with the flag the search
# could not skip ahead to the next h, f or w (tests/test_fast_paths.py checks the spelling).
_BARE_URL_START = re.compile(r"[hH][tT][tT][pP][sSſ]?://|[fF][tT][pP]://|[wW][wW][wW]\.")


def _trim(url: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, and closing brackets that are unbalanced."""
    counts = {c: url.count(c) for c in "()[]{}"}  # counted once: trimming must stay linear
    end = len(url)
    while end:
        last = url[end - 1]
        unbalanced = last in _CLOSERS and counts[last] > counts[_CLOSERS[last]]
        if not (last in _TRAILING or last in "'\"" or unbalanced):
            break
        if last in counts:
            counts[last] -= 1
        end -= 1
    return url[:end]


def bare_urls(text: str) -> list[str]:
    """URLs written in running text: http(s)/ftp URLs and www. hosts, sentence punctuation trimmed."""
    found = []
    pos = 0
    while (start := _BARE_URL_START.search(text, pos)) is not None:
        # The leftmost match begins at the first start where _BARE_URL matches (its look-behinds see the
        # text before pos); after it the search goes on from its end, as finditer's does.
        match = _BARE_URL.match(text, start.start())
        if match is None:
            pos = start.start() + 1
            continue
        pos = match.end()
        url = _trim(match.group(0))
        if url.endswith("://") or not url:
            continue
        found.append(url)
    return found


# -- HTML --------------------------------------------------------------------------------------------

# Elements that start a new line or cell: text on either side of them is not one word.
_BREAKS = frozenset({
    "br", "p", "div", "tr", "td", "th", "li", "ul", "ol", "table", "tbody", "thead", "hr", "blockquote",
    "pre", "dt", "dd", "center", "h1", "h2", "h3", "h4", "h5", "h6",
})
# Alt text that is a picture's address (generators fill alt with src) describes the image, not the link.
_IMAGE_URL = re.compile(r"^\S+\.(?:gif|jpe?g|png|bmp|webp|svg)$", re.IGNORECASE)
_HIDDEN = frozenset({"script", "style", "title", "template"})  # content a reader is never shown
_ATTRIBUTE_TAGS = frozenset({"a", "area", "form", "base", "img"})  # the tags whose attributes handle_starttag reads
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0]")


def normalise_text(text: str) -> str:
    """What a reader sees: invisible format characters removed, runs of white space made one space."""
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


@dataclass
class _Raw:
    href: str
    shown: str
    kind: str
    base: str | None
    claims: bool = True  # False when the shown text names the picture's address, not the destination


class _LinkParser(HTMLParser):
    """Collects <a href>, <area href>, <form action> and URLs in running text; tolerant of broken HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[_Raw] = []
        self.base: str | None = None
        self._anchor: str | None = None  # href of the open <a>
        self._text: list[str] = []
        self._text_len = 0  # kept as a count: summing the list on every chunk would be quadratic
        self._alts: list[str] = []
        self._alt_names_picture = False  # the alt text is just the image's own URL (a generator's default)
        self._hidden: list[str] = []  # stack of open script/style/title elements

    def updatepos(self, i: int, j: int) -> int:
        # The base class counts the lines of every chunk it passes, for getpos(); links need no line numbers.
        return j

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Only these tags' attributes are read; most tags in a message are <td>, <font>, <br> …
        values = ({name: value for name, value in reversed(attrs) if value is not None}  # first one wins
                  if tag in _ATTRIBUTE_TAGS else {})
        if tag in _HIDDEN:
            self._hidden.append(tag)
        elif tag == "body":
            self._hidden.clear()  # an unclosed <title> in the head must not hide the whole body
        elif tag == "a":
            self._close_anchor()  # browsers never nest <a>: a new one ends the previous one
            if "href" in values:
                self._anchor = values["href"]
        elif tag == "area" and "href" in values:
            self._add(values["href"], values.get("alt", ""), "area")
        elif tag == "form" and "action" in values:
            self._add(values["action"], "", "form")
        elif tag == "base" and "href" in values and self.base is None:
            self.base = values["href"].strip()  # HTML: only the first <base href> counts
        elif tag == "img" and self._anchor is not None and values.get("alt"):
            self._alts.append(values["alt"])
            alt = values["alt"].strip()
            names_picture = alt == values.get("src", "").strip() or _IMAGE_URL.search(alt) is not None
            self._alt_names_picture = self._alt_names_picture or names_picture
        if tag in _BREAKS:
            self._anchor_text(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            if tag in self._hidden:
                del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag) :]
        elif tag == "a":
            self._close_anchor()
        elif tag in _BREAKS:
            self._anchor_text(" ")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._anchor is not None:
            self._anchor_text(data)
            return
        for url in bare_urls(data):
            self._add(url, url, "bare")

    def _anchor_text(self, data: str) -> None:
        if self._anchor is not None and self._text_len < _SHOWN_CAP:
            self._text.append(data)
            self._text_len += len(data)

    def _add(self, href: str, shown: str, kind: str, claims: bool = True) -> None:
        self.found.append(_Raw(href.strip(), normalise_text(shown)[:_SHOWN_CAP], kind, self.base, claims))

    def _close_anchor(self) -> None:
        if self._anchor is None:
            return
        shown = normalise_text("".join(self._text))
        claims = True
        if not shown:
            shown = normalise_text(" ".join(self._alts))
            claims = not self._alt_names_picture
        self._add(self._anchor, shown, "anchor", claims)
        self._anchor = None
        self._text = []
        self._text_len = 0
        self._alts = []
        self._alt_names_picture = False

    def finish(self) -> None:
        self._close_anchor()


def _html_links(html: str) -> list[_Raw]:
    parser = _LinkParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        # html.parser raises on marked sections it does not know ("<![foo]>"); defuse them and retry.
        parser = _LinkParser()
        try:
            parser.feed(html.replace("<![", "&lt;!["))
            parser.close()
        except (AssertionError, ValueError):
            pass  # keep whatever was collected before the parser gave up
    parser.finish()
    return parser.found


# -- putting it together -----------------------------------------------------------------------------


def _skipped(href: str) -> bool:
    if not href or href.startswith("#"):
        return True  # empty or in-page: goes nowhere
    match = _SCHEME.match(href.strip(_C0_SPACE))
    return match is not None and match.group(1).lower() in _SKIPPED_SCHEMES


def _resolve(href: str, base: str | None) -> str:
    if base is None or _SCHEME.match(href):
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def _starts_with_host(href: str) -> bool:
    """'www.example.com/x' or 'login.bank.example': a host written without http://."""
    match = _HOST_FIRST.match(href)
    return match is not None and _known_suffix(split_url(href, assume_http=True).host_ascii)


def _link(raw: _Raw, part: str) -> Link:
    target = _resolve(raw.href, raw.base)
    # Bare www. URLs, hrefs that begin with a host name (mail clients that open them add http://) and
    # scheme-relative //host/ links (webmail opens them with its own scheme) all go to the host written.
    assume_http = raw.kind == "bare" or (
        target == raw.href and (target.startswith("//") or _starts_with_host(target))
    )
    parts = split_url(target, assume_http=assume_http)
    return Link(
        href=raw.href,
        shown=raw.shown,
        part=part,
        kind=raw.kind,
        target=target,
        scheme=parts.scheme,
        userinfo=parts.userinfo,
        host=parts.host,
        host_ascii=parts.host_ascii,
        ip=parts.ip,
        bad_host=parts.host_written if parts.bad_host else None,
        shown_host=host_named_by(raw.shown) if raw.kind != "bare" and raw.claims else None,
    )


def scan_links(parts: Iterable[TextPart], cap: int = LINK_CAP) -> LinkScan:
    """Every distinct (href, shown) link in the parts, in order; the first `cap` are kept."""
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for part in parts:
        if part.content_type == "text/html":
            raws = _html_links(part.text)
        else:
            raws = [_Raw(url, url, "bare", None) for url in bare_urls(part.text)]
        for raw in raws:
            key = (raw.href, raw.shown)
            if key in seen or _skipped(raw.href):
                continue
            seen.add(key)
            if len(links) < cap:
                links.append(_link(raw, part.content_type))
    return LinkScan(tuple(links), len(seen))


def extract_links(parts: Iterable[TextPart]) -> list[Link]:
    """The links a reader of these parts could follow, with the text shown for each (at most LINK_CAP)."""
    return list(scan_links(parts).links)
