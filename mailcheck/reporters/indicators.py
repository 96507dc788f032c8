"""The indicators of one report (sender IP, addresses, domains, link targets, attachment hashes) for IOC exports.

Read from the report's fields and hops only; nothing is fetched or looked up. Each indicator keeps the
fields it came from and the strongest label among them, so an analyst can go back to the evidence.
A link a security gateway rewrote (Safe Links, Proofpoint, Mimecast…) gives its original target, decoded
offline by the same decoder the urls check uses; the gateway's own address is never an indicator (it is
the recipient's gateway), and a rewritten link whose target is hidden gives none. The Message-ID's host is
left out: Exchange Online and other receivers write their own when a message has none, so it names the
recipient's infrastructure as often as the sender's.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.utils import parseaddr
from enum import StrEnum

from mailcheck.model import Finding, Label, Report
from mailcheck.parse.rewriters import unwrap
from mailcheck.parse.urls import UrlParts, split_url
from mailcheck.parse.urls.split import HOST_FIRST


class Kind(StrEnum):
    """The indicator types: STIX 2.1 Cyber-observable names, and file:<property> for a file's parts."""

    IPV4 = "ipv4-addr"
    IPV6 = "ipv6-addr"
    DOMAIN = "domain-name"
    EMAIL = "email-addr"
    URL = "url"
    SHA256 = "file:sha256"
    FILE_NAME = "file:name"


@dataclass(frozen=True)
class Indicator:
    """One value worth searching for or blocking, and where in the report it was found."""

    type: Kind
    value: str  # untrusted text from the message: escape it for whatever format carries it
    fields: tuple[str, ...]  # the report fields it came from, first first
    label: Label  # the strongest label among those fields (forged, then validated, then unverifiable)
    note: str = ""  # how it was derived, when not read directly ("original target of a Safe Links link…")

    @property
    def field(self) -> str:
        return " ".join(self.fields)


# The attachments check writes this sentence for every file it could hash (mailcheck/checks/attachments.py).
_SHA256 = re.compile(r"\bSHA-256 ([0-9a-f]{64})\.")
# The urls check cuts long links and says so at the end of the value: such a value is not the link.
_CUT = re.compile(r"… \(\d[\d,]* characters\)\Z")
# A host name: labels of letters, digits, '-' and '_' (Unicode letters too), at least two of them.
_HOST = re.compile(r"(?:[\w-]{1,63}\.)+[\w-]{1,63}")
_LOCAL = re.compile(r"[^\s@<>()\[\],;:\"\\]+")
_URL_SCHEMES = frozenset({"http", "https", "ftp"})
_ADDRESS_FIELDS = frozenset({"envelope-sender", "from", "sender", "reply-to", "from-brand",
                             "reply-to-organisation", "envelope-organisation"})
_DOMAIN_FIELDS = frozenset({"from-domain", "envelope-sender-domain", "lookalike-domain", "free-service",
                            "client-helo", "client-rdns"})
_STRENGTH = {Label.FORGED: 0, Label.VALIDATED: 1, Label.UNVERIFIABLE: 2}


def _base(name: str) -> str:
    return name.split("[", 1)[0]


def host_kind(text: str) -> tuple[Kind, str] | None:
    """(type, normalised value) of a host name or IP address; None for anything else ("cudo", "(none)")."""
    text = text.strip().rstrip(".")
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        return (Kind.IPV4 if ip.version == 4 else Kind.IPV6), ip.compressed
    if len(text) <= 253 and _HOST.fullmatch(text) and not text.replace(".", "").isdigit():
        return Kind.DOMAIN, text.lower()
    return None


def mailbox(text: str) -> str | None:
    """The mailbox in a field value ("Name <a@b>", "<a@b>", "a@b"), or None when there is none."""
    address = parseaddr(text)[1] if ("<" in text or " " in text) else text
    local, at, domain = address.rpartition("@")
    if not at or not _LOCAL.fullmatch(local) or host_kind(domain) is None:
        return None
    return address


def _from_address(finding: Finding) -> Iterator[tuple[Kind, str, str]]:
    address = mailbox(finding.value)
    if address is None:
        return
    yield Kind.EMAIL, address, ""
    host = host_kind(address.rpartition("@")[2])
    if host is not None:
        yield host[0], host[1], f"the domain of the {finding.name} address"


def _split(url: str) -> UrlParts:
    """The URL split as a reader's client takes it: "www.example.com/x" written without a scheme is a web address."""
    parts = split_url(url)
    if not parts.scheme and HOST_FIRST.match(url):
        return split_url(url, assume_http=True)
    return parts


def _from_url(finding: Finding) -> Iterator[tuple[Kind, str, str]]:
    written = finding.value
    whole = not (len(written) > 300 and _CUT.search(written))
    if not whole:
        written = _CUT.sub("", written)  # the host survives the cut; the URL does not
    parts = _split(written)
    note = ""
    if parts.scheme in ("http", "https") and (rewritten := unwrap(written)) is not None:
        if rewritten.target is None:
            return  # the gateway hides where it goes; its own address says nothing about the sender
        note = f"original target; {rewritten.describe()}"
        whole = whole and not rewritten.partial
        written = rewritten.target
        parts = _split(written)
    if whole and parts.scheme in _URL_SCHEMES and (parts.host or parts.ip):
        yield Kind.URL, written, note  # links written without a scheme give their host only
    host = host_kind(parts.ip or parts.host_ascii) if (parts.ip or parts.host_ascii) else None
    if host is not None:
        yield host[0], host[1], f"the host of the link in {finding.name}" + (f" ({note})" if note else "")


def _from_attachment(finding: Finding) -> Iterator[tuple[Kind, str, str]]:
    if not finding.value.endswith(" part, no name)"):  # the check's stand-in value for a nameless part
        yield Kind.FILE_NAME, finding.value, ""
    for sentence in finding.evidence:
        if match := _SHA256.search(sentence):
            yield Kind.SHA256, match.group(1), f"SHA-256 of {finding.value}"
            return


def _from_finding(finding: Finding) -> Iterator[tuple[Kind, str, str]]:
    base = _base(finding.name)
    if base == "client-ip":
        host = host_kind(finding.value)
        if host is not None and host[0] is not Kind.DOMAIN:
            yield host[0], host[1], "the client that handed the message to your servers"
    elif base in _ADDRESS_FIELDS:
        yield from _from_address(finding)
    elif base in _DOMAIN_FIELDS:
        host = host_kind(finding.value)
        if host is not None:
            yield host[0], host[1], ""
    elif base == "url":
        yield from _from_url(finding)
    elif base == "attachment":
        yield from _from_attachment(finding)


def _candidates(report: Report) -> Iterator[tuple[Kind, str, str, Label, str]]:
    labels = {f.name: f.label for f in report.fields}
    for finding in report.fields:
        for kind, value, note in _from_finding(finding):
            yield kind, value, finding.name, finding.label, note
    for view in report.hops:  # the entry hop's client, even when no client-ip field was written
        if view.entry and view.hop.ip:
            host = host_kind(view.hop.ip)
            name = f"received[{view.index}]"
            if host is not None:
                yield host[0], host[1], name, labels.get(name, Label.UNVERIFIABLE), "the entry hop's client"


def merge(candidates: Iterable[tuple[Kind, str, str, Label, str]]) -> list[Indicator]:
    """One indicator per (type, value), in order of first appearance, with every field it came from."""
    found: dict[tuple[Kind, str], Indicator] = {}
    for kind, value, name, label, note in candidates:
        if not value:
            continue
        old = found.get((kind, value))
        if old is None:
            found[kind, value] = Indicator(kind, value, (name,), label, note)
            continue
        fields = old.fields if name in old.fields else (*old.fields, name)
        strongest = label if _STRENGTH[label] < _STRENGTH[old.label] else old.label
        found[kind, value] = Indicator(kind, value, fields, strongest, old.note or note)
    return list(found.values())


def indicators(report: Report) -> list[Indicator]:
    """Every indicator in the report, deduplicated; the same report always gives the same list."""
    return merge(_candidates(report))
