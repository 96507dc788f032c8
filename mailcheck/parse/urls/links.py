"""Every link in a message's text parts: where it goes (host, IP, userinfo) and what its text claims."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from mailcheck.parse.urls.hosts import known_suffix
from mailcheck.parse.urls.html import Raw, html_part_links
from mailcheck.parse.urls.split import C0_SPACE, HOST_FIRST, SCHEME, host_named_by, split_url
from mailcheck.parse.urls.text import bare_urls
from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:
    from mailcheck.parse.message import TextPart

LINK_CAP = 200  # links listed per message; more is a newsletter or a flood, not more evidence
# mailto:, tel: and friends open no web page: they are not links a reader is sent to, so they are skipped.
_SKIPPED_SCHEMES = frozenset({"mailto", "tel", "sms", "callto", "fax", "cid", "mid"})


class Link(NamedTuple):
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


class LinkScan(NamedTuple):
    links: tuple[Link, ...]  # first LINK_CAP distinct links, in order found
    total: int  # distinct (href, shown) pairs found in all
    # HTML that could not be read as HTML (html.html_part_links): at most one note, for all the parts
    notes: tuple[str, ...] = ()

    @property
    def truncated(self) -> bool:
        return self.total > len(self.links)


_LONGEST_SKIPPED = max(map(len, _SKIPPED_SCHEMES))


def _skipped(href: str) -> bool:
    if not href or href.startswith("#"):
        return True  # empty or in-page: goes nowhere
    # A skipped scheme is ASCII letters (no other character lower-cases into one of theirs), so it is what
    # SCHEME reads: the text before a ':' within its first few characters.
    text = href.strip(C0_SPACE)
    colon = text.find(":", 0, _LONGEST_SKIPPED + 1)
    return colon > 0 and text[:colon].lower() in _SKIPPED_SCHEMES


def _resolve(href: str, base: str | None) -> str:
    if base is None or SCHEME.match(href):
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def _starts_with_host(href: str) -> bool:
    """'www.example.com/x' or 'login.bank.example': a host written without http://."""
    match = HOST_FIRST.match(href)
    return match is not None and known_suffix(split_url(href, assume_http=True).host_ascii)


def _link(raw: Raw, part: str) -> Link:
    target = _resolve(raw.href, raw.base)
    # Bare www. URLs, hrefs that begin with a host name (mail clients that open them add http://) and
    # scheme-relative //host/ links (webmail opens them with its own scheme) all go to the host written.
    assume_http = raw.kind == "bare" or (
        target == raw.href and (target.startswith("//") or _starts_with_host(target))
    )
    parts = split_url(target, assume_http)
    return Link(  # in field order: a NamedTuple is made fastest from positional values
        raw.href, raw.shown, part, raw.kind, target, parts.scheme, parts.userinfo, parts.host, parts.host_ascii,
        parts.ip, parts.host_written if parts.bad_host else None,
        host_named_by(raw.shown) if raw.kind != "bare" and raw.claims else None,
    )


def scan_links(parts: Iterable[TextPart], cap: int = LINK_CAP) -> LinkScan:
    """Every distinct (href, shown) link in the parts, in order; the first `cap` are kept."""
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    notes: list[str] = []
    for part in parts:
        if part.content_type == "text/html":
            raws, note = html_part_links(part.text)
            if note:
                notes.append(note)
        else:
            raws = [Raw(url, url, "bare", None) for url in bare_urls(part.text)]
        for raw in raws:
            key = (raw.href, raw.shown)
            if key in seen or _skipped(raw.href):
                continue
            seen.add(key)
            if len(links) < cap:
                links.append(_link(raw, part.content_type))
    return LinkScan(tuple(links), len(seen), ("; ".join(notes),) if notes else ())


def extract_links(parts: Iterable[TextPart]) -> list[Link]:
    """The links a reader of these parts could follow, with the text shown for each (at most LINK_CAP)."""
    return list(scan_links(parts).links)
