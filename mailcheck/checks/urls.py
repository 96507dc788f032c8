"""Links in the body: does the text a reader sees name the host the link really goes to?

Every link in the text/plain and text/html parts becomes one field, ``url[N]`` (N counts from 0 in
the order found), whose value is the link as written. mailcheck never fetches a link.

forged
    * The link text names a host -- it is a URL or a domain, such as "https://www.paypal.com …",
      "paypal.com/login" or "www.bank.example" -- and the link goes to a host in another registrable
      domain (public suffix list), or is a javascript: or data: URL, which opens no site at all.
      "www.example.com" shown for "click.example.com" is not forged; "paypal.com" shown for
      "paypal.com.evil.example" is. Text that names no host ("Click here", "Amazon.com Logo") is never
      compared, nor is alt text that is just the picture's address. A click-tracking redirect on
      another domain (text "Dilbert.com", link to a mailer's click server) is a real mismatch and is
      reported as one; when the link carries the named site's address inside, the evidence says so.
    * The link puts a host name before an '@' (http://www.paypal.com@evil.example/): everything
      before the '@' is a user name, and the browser goes to the host after it.
    * With --resolve-urls: the link's host does not exist (its A lookup answers NXDOMAIN).

unverifiable
    Everything else: where a link leads cannot be checked without fetching it, and mailcheck never
    fetches. The evidence still reports what a careful reader would want to know: hosts that are IP
    addresses (including the integer, hex and octal forms browsers accept, such as
    http://3232235777/), internationalised (xn--) names and labels that mix scripts (Latin with
    Cyrillic letters), user names in the link, URL shorteners that hide the destination, and
    javascript: or data: links. An http link shown as https (or the reverse) is not a different
    host. By default link hosts are not looked up, because a lookup can tip off the sender; with
    --resolve-urls a failed lookup (timeout, SERVFAIL) leaves the link undecided, never forged.

A link a security gateway rewrote (Safe Links, Proofpoint, Mimecast… see mailcheck.parse.rewriters) is
judged by its original target, decoded offline; the rewriting is named in the evidence and is never
forgery. A rewriter that hides the target leaves the link unverifiable, saying so.

mailto: and tel: links, and in-page (#) links, are skipped. At most 200 distinct links are listed per
message; a further field named ``urls`` says when more were found.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from enum import StrEnum
from urllib.parse import unquote

from mailcheck.context import Context, Facts
from mailcheck.lookup.contract import DnsAnswer, DnsClient, DnsStatus
from mailcheck.lookup.domains import registrable_domain
from mailcheck.model import Basis, Finding, Label
from mailcheck.parse.message_links import message_links
from mailcheck.parse.rewritten_links import see_through
from mailcheck.parse.urls import LINK_CAP, Link, bare_urls, host_named_by, split_url
from mailcheck.value_types import NamedTuple

ID = "urls"
SUMMARY = "whether each link's visible text names the host it really goes to"
NEEDS: tuple[str, ...] = ()
PROVIDES: tuple[str, ...] = ()

# URL shorteners whose links redirect to a destination the message does not show. A short list of
# widely used public services, compared on registrable domain; not meant to be complete.
SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "j.mp", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "v.gd",
    "buff.ly", "rebrand.ly", "cutt.ly", "tiny.cc", "rb.gy", "shorturl.at", "t.ly", "s.id",
    "lnkd.in", "trib.al", "qrco.de", "bl.ink", "soo.gd", "clck.ru", "x.co",
})
_VALUE_CAP = 300  # characters of an href shown as a field's value (data: URLs can be megabytes)
_NOT_FETCHED = "Where a link leads cannot be checked without fetching it, and mailcheck never fetches"


# -- host existence (--resolve-urls) -----------------------------------------------------------------


class HostState(StrEnum):
    EXISTS = "exists"
    MISSING = "missing"  # NXDOMAIN: evidence of forgery
    FAILED = "failed"  # the lookup could not be completed: never evidence
    NOT_RUN = "not-run"  # offline


# One row per DnsStatus: how a host lookup's outcome translates into a link label (DESIGN §2).
LOOKUP_TABLE: dict[DnsStatus, HostState] = {
    DnsStatus.OK: HostState.EXISTS,
    DnsStatus.NODATA: HostState.EXISTS,  # the name exists, just without an address of this type
    DnsStatus.NXDOMAIN: HostState.MISSING,
    DnsStatus.TIMEOUT: HostState.FAILED,
    DnsStatus.SERVFAIL: HostState.FAILED,
    DnsStatus.REFUSED: HostState.FAILED,
    DnsStatus.CNAME_LOOP: HostState.FAILED,
    DnsStatus.ERROR: HostState.FAILED,
    DnsStatus.BUDGET: HostState.FAILED,
    DnsStatus.OFFLINE: HostState.NOT_RUN,
}


class HostLookup(NamedTuple):
    state: HostState
    answer: DnsAnswer


def lookup_host(host_ascii: str, dns: DnsClient) -> HostLookup:
    """Does the link's host exist? This is where --resolve-urls looks; nothing else in the check uses DNS.

    A first; NXDOMAIN there is per name (RFC 8020), so AAAA is asked only to show the address of a
    name that exists without an A record."""
    answer = dns.query(host_ascii, "A")
    if answer.status is DnsStatus.NODATA:
        aaaa = dns.query(host_ascii, "AAAA")
        if aaaa.status is DnsStatus.OK:
            answer = aaaa
    return HostLookup(LOOKUP_TABLE[answer.status], answer)


# -- what the target looks like ----------------------------------------------------------------------


def _script(char: str) -> str | None:
    """The script of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A" → CYRILLIC).

    unicodedata has no Script property; the first word of a letter's name is its script for the
    scripts that matter in host names (CJK ideographs are named "CJK UNIFIED IDEOGRAPH-…")."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    first = name.split(" ", 1)[0] if name else "UNKNOWN"
    return {"CJK": "HAN", "KATAKANA-HIRAGANA": "KATAKANA"}.get(first, first)


# UTS #39 §5.2 "highly restrictive": one script, or Latin with the scripts written together in
# Japanese, Chinese or Korean. Anything else mixed in one label is the look-alike trick.
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def mixed_script_label(host: str) -> tuple[str, list[str]] | None:
    """The first label of a (Unicode) host whose letters mix scripts, with the scripts found."""
    for label in host.split("."):
        if label.isascii():
            continue  # ASCII letters are all Latin: one script (and most hosts are all ASCII)
        scripts = sorted({s for s in map(_script, label) if s is not None})
        if len(scripts) > 1 and not any(set(scripts) <= allowed for allowed in _ALLOWED_MIXES):
            return label, scripts
    return None


def _is_shortener(host_ascii: str) -> bool:
    # A suffix match, not the Public Suffix List: shorteners are registrable domains themselves. The host
    # and each name it ends with (cut after each dot, not labels joined again) is looked up.
    name = host_ascii
    while name not in SHORTENERS and "." in name:
        name = name.partition(".")[2]
    return name in SHORTENERS


def _notes(link: Link) -> list[str]:
    """Facts about the target a reader should know; none of them decides forged."""
    notes: list[str] = []
    if link.scheme == "javascript":
        notes.append("it is a javascript: link, which runs a script instead of opening a page")
    elif link.scheme == "data":
        notes.append("it is a data: link: the page it opens is carried inside the link, from no site")
    elif link.scheme not in ("", "http", "https", "ftp") and link.scheme:
        notes.append(f"it uses the {link.scheme}: scheme")
    if link.ip is not None:
        written = split_url(link.target, assume_http=not link.scheme).host_written
        if written.strip("[]").lower() in (link.ip, link.ip + "."):
            notes.append("its host is an IP address, not a name")
        else:
            notes.append(f"its host {written!r} is the IP address {link.ip} written in another form, "
                         "which browsers accept and readers do not recognise")
    elif link.host_ascii != link.host or "xn--" in link.host_ascii:
        notes.append(f"its host is an internationalised name, {link.host_ascii}, displayed as {link.host}")
    mixed = mixed_script_label(link.host) if link.ip is None else None
    if mixed is not None:
        label, scripts = mixed
        notes.append(f"the label {label!r} mixes {' and '.join(s.title() for s in scripts)} letters, "
                     "a look-alike trick")
    if link.userinfo is not None:
        notes.append(f"it carries a user name ({link.userinfo!r}) before '@'")
    if link.host_ascii and _is_shortener(link.host_ascii):
        notes.append(f"{link.host_ascii} is a URL shortener, so the real destination is hidden")
    if link.target != link.href:
        notes.append("its address is relative and the message's <base href> completes it")
    elif not link.scheme and link.host and link.kind != "bare":
        notes.append("it is written without http://, so only mail clients that add it go there")
    if link.bad_host is not None:
        notes.append(f"its host {link.bad_host!r} is not a valid host name, so browsers will not open it")
    elif not link.host and link.scheme in ("", "http", "https"):
        notes.append("it has no host (a relative link with no base), so it leads nowhere checkable")
    return notes


# -- forgery -----------------------------------------------------------------------------------------


def _userinfo_host(userinfo: str) -> str | None:
    """The host a user name impersonates (http://www.paypal.com@evil.example/), if it looks like one."""
    return host_named_by(userinfo.split(":", 1)[0])


def _site(host: str) -> str:
    """Whose site a host is: its registrable domain, or the host itself when it has none (an IP address, a
    bare suffix), so that two different addresses never count as one site."""
    return registrable_domain(host) or host.rstrip(".").lower()


def forged_because(link: Link) -> str | None:
    """The sentence that proves the link forged, or None when nothing contradicts it."""
    goes_to = link.ip or link.host_ascii
    if link.userinfo is not None and goes_to:
        shown = _userinfo_host(link.userinfo)
        if shown is not None and _site(shown) != _site(goes_to):
            return (f"The link begins with {shown}, but that is only a user name before '@'; "
                    f"it goes to {goes_to}.")
    named = link.shown_host
    if named is None:
        return None
    if link.scheme in ("javascript", "data", "vbscript"):
        return f"The link text names {named}, but the link is a {link.scheme}: URL, which opens no site."
    if not goes_to:
        return None  # a relative link: where it goes depends on a base the message does not give
    if _site(named) != _site(goes_to):
        sentence = f"The link text names {named}, but the link goes to {goes_to}."
        if _passes_along(link, named):
            sentence += (f" It carries a {_site(named)} address inside, as click-tracking "
                         "redirects do, but where it forwards cannot be checked without fetching it.")
        return sentence
    return None


def _passes_along(link: Link, named: str) -> bool:
    """Does the link carry a URL for the named host inside it (a redirect's target parameter)?"""
    after_host = link.target.split(link.host_ascii if link.host_ascii in link.target else "://", 1)[-1]
    wanted = _site(named)
    for url in bare_urls(unquote(unquote(after_host))):
        host = split_url(url).host_ascii
        if "://" in url and host and _site(host) == wanted:
            return True
    return False


# -- one finding per link ----------------------------------------------------------------------------


def _value(link: Link) -> str:
    if len(link.href) <= _VALUE_CAP:
        return link.href
    return link.href[:_VALUE_CAP] + f"… ({len(link.href)} characters)"


def _describe(link: Link) -> str:
    """One sentence: where the link sits, what it shows, where it goes, and what is odd about it."""
    shown = repr(link.shown if len(link.shown) <= 80 else link.shown[:80] + "…") if link.shown else "no text"
    dest = link.ip or link.host_ascii
    if link.kind == "bare":
        head = f"The {link.part} part shows this URL as text"
    elif link.kind == "form":
        head = f"A form in the {link.part} part sends what the reader types"
        shown = ""
    elif link.kind == "area":
        head = f"An image-map link in the {link.part} part shows {shown}"
    else:
        head = f"A link in the {link.part} part shows {shown}"
    if dest:
        head += f" to {dest}" if link.kind == "form" else f"; it goes to {dest}"
    notes = _notes(link)
    return head + ("; " + "; ".join(notes) if notes else "") + "."


def _unverifiable(link: Link, name: str, lookup: HostLookup | None, resolving: bool, value: str,
                  rewriting: tuple[str, ...]) -> Finding:
    host = link.host_ascii if link.ip is None else ""
    basis = Basis.UNCHECKABLE
    if not host:
        tail = _NOT_FETCHED + "."
    elif not resolving:
        tail = _NOT_FETCHED + "; the host was not looked up (a lookup can tip off the sender)."
    elif lookup is None or lookup.state is HostState.NOT_RUN:
        tail = _NOT_FETCHED + "; the host lookup was not run (offline)."
        basis = Basis.NOT_RUN
    elif lookup.state is HostState.FAILED:
        tail = f"The host lookup failed ({lookup.answer.describe()}), so whether it exists is undecided."
        basis = Basis.UNDECIDED
    else:
        tail = _NOT_FETCHED + f"; the host exists ({lookup.answer.describe()})."
    return Finding(name, value, Label.UNVERIFIABLE, (_describe(link), *rewriting, tail), ID, basis)


def _valid_dns_name(host: str) -> bool:
    """Worth asking DNS about: RFC 1035 §2.3.4 sizes, and more than one label (a single label such as
    'intranet' is completed by the reader's own resolver search list, so NXDOMAIN here would prove nothing)."""
    labels = host.split(".")
    return len(labels) > 1 and len(host) <= 253 and all(0 < len(lb) <= 63 and lb.isascii() for lb in labels)


def label_link(index: int, link: Link, dns: DnsClient | None,
               cache: dict[str, HostLookup] | None = None) -> Finding:
    """The finding for one link. dns is None unless --resolve-urls asked for host lookups."""
    name, value = f"url[{index}]", _value(link)  # the value stays the link as written
    rewritten = see_through(link)
    rewriting = () if rewritten is None else (rewritten.evidence,)
    if rewritten is not None:
        if rewritten.original is None:  # opaque: nothing to compare, nothing to look up
            return Finding(name, value, Label.UNVERIFIABLE, (_describe(link), *rewriting, _NOT_FETCHED + "."),
                           ID, Basis.UNCHECKABLE)
        link = rewritten.original  # judged by where the gateway forwards it
    reason = forged_because(link)
    if reason is not None:
        return Finding(name, value, Label.FORGED, (reason, *rewriting, _describe(link)), ID)
    lookup: HostLookup | None = None
    host = link.host_ascii
    if dns is not None and link.ip is None and host and _valid_dns_name(host):
        cache = {} if cache is None else cache
        if host not in cache:
            cache[host] = lookup_host(host, dns)
        lookup = cache[host]
        if lookup.state is HostState.MISSING:
            return Finding(name, value, Label.FORGED,
                           (f"The link's host does not exist ({lookup.answer.describe()}).",
                            *rewriting, _describe(link)), ID)
    return _unverifiable(link, name, lookup, dns is not None, value, rewriting)


def label_links(links: Iterable[Link], dns: DnsClient | None) -> Iterator[Finding]:
    cache: dict[str, HostLookup] = {}  # one lookup per host per message
    for index, link in enumerate(links):
        yield label_link(index, link, dns, cache)


def run(facts: Facts, ctx: Context) -> Iterable[Finding]:
    scan = message_links(facts.message)  # one scan per message, shared with the impersonation check
    findings = list(label_links(scan.links, ctx.dns if ctx.resolve_urls else None))
    if scan.truncated:
        findings.append(
            Finding(
                "urls",
                f"{len(scan.links)} of {scan.total} links listed", Label.UNVERIFIABLE,
                (f"The message has {scan.total} distinct links; only the first {LINK_CAP} are listed and "
                 "labelled, so the rest were not checked.",),
                ID,
                Basis.NOT_EXAMINED,  # 200 decoys before a forged link must not pass for a clean message
            )
        )
    findings += [Finding("urls:html", n, Label.UNVERIFIABLE, (n,), ID, Basis.NOT_EXAMINED) for n in scan.notes]
    return findings
