"""`--format stix`: the report's indicators as a STIX 2.1 bundle, for OpenCTI, MISP and other TIPs.

The bundle holds one Cyber-observable per indicator (ipv4-addr, ipv6-addr, domain-name, email-addr, url,
and a file with its name and SHA-256 per attachment), an email-message for the message itself (From,
Sender, Subject, Date, Message-ID, content type, its Received lines), and for every forged field a Note
with the field's evidence and, when the field names an observable, an Indicator whose pattern matches it.
A Report ties them together, with the verdict, created by an Identity for mailcheck.

The same message gives the same bundle: observables have the ids the STIX spec derives from their values
(UUIDv5), and the other objects' ids are in the UUIDv4 form the spec asks for, with their bits taken from a
SHA-256 of what the object says instead of from a random source, so that a re-analysis updates the objects
instead of duplicating them. The timestamps are the analysis clock (--now) when one was given, else the
time of writing.

stix2 is an optional dependency (pip install 'mailcheck[stix]'): it brings an HTTP client and a pattern
parser that nothing else in mailcheck needs.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import idna
from stix2.v21 import (
    URL,
    Bundle,
    DomainName,
    EmailAddress,
    EmailMessage,
    File,
    Identity,
    IPv4Address,
    IPv6Address,
    Note,
    Report,
)
from stix2.v21 import Indicator as StixIndicator

from mailcheck.model import Finding, Label
from mailcheck.model import Report as MailReport
from mailcheck.parse.message import parse
from mailcheck.reporters.indicators import Indicator, Kind, indicators, mailbox

# Mixed into the ids of objects that are not observables, so that they cannot collide with anyone else's.
_NAMESPACE = "94cab975-a1b5-4506-8a94-13440b983d78"
# mailcheck's Identity never changes, so it keeps one creation time: a new one per run would be a
# conflicting version of the same object.
_IDENTITY_CREATED = datetime(2026, 12, 1, tzinfo=UTC)


def _id(kind: str, *parts: str) -> str:
    """A fixed id for an object that says the given parts: UUIDv4 in form, its bits from their SHA-256."""
    digest = hashlib.sha256(chr(0x1F).join((_NAMESPACE, kind, *parts)).encode("utf-8", "surrogatepass")).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


IDENTITY_ID = _id("identity", "mailcheck")
_SIMPLE = {Kind.IPV4: IPv4Address, Kind.IPV6: IPv6Address, Kind.DOMAIN: DomainName, Kind.EMAIL: EmailAddress,
           Kind.URL: URL}
_PATTERN_PATH = {Kind.URL: "url:value", Kind.SHA256: "file:hashes.'SHA-256'", Kind.EMAIL: "email-addr:value",
                 Kind.IPV4: "ipv4-addr:value", Kind.IPV6: "ipv6-addr:value", Kind.DOMAIN: "domain-name:value",
                 Kind.FILE_NAME: "file:name"}
_PREFERENCE = tuple(_PATTERN_PATH)  # which observable of a forged field its Indicator matches, best first


def clock(report: MailReport) -> datetime:
    """The time the STIX objects are stamped with: the report's --now, else the time of writing."""
    now = dict(report.settings).get("now")
    if isinstance(now, str):
        stamp = datetime.fromisoformat(now)
        return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)
    return datetime.now(UTC)


# What RFC 3986 lets a URI carry as it is (reserved, unreserved, and '%' of escapes already there); '[' and
# ']' only around an IPv6 host, and '#' once, where the fragment starts.
_URI_SAFE = ":/?@!$&'()*+,;=-._~%"
# The email-addr values the OASIS validator (stix2-validator) accepts: narrower than RFC 5322, which also allows
# "=", "!", "#"… before the '@', but a bundle that fails the reference validator helps no one.
_EMAIL = re.compile(r"[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")  # a '%' that starts no escape ("?to=%EMAIL%")


def _hostname(value: str) -> bool:
    try:
        idna.encode(value)  # IDNA 2008: what "hostname"/"idn-hostname" mean to STIX's schemas
    except idna.IDNAError:
        return False
    return True


def _uri(url: str) -> str:
    """The link as an RFC 3986 URI: what a URI may not carry (a space, '\\', '"', '[' in a path, non-ASCII
    letters) percent-escaped, as a browser sends it; the host keeps its brackets."""
    scheme, sep, rest = url.partition("://")
    if not sep:  # "http:\\host" and other forms browsers take: not split, every odd character escaped
        return _BAD_ESCAPE.sub("%25", quote(url, safe=_URI_SAFE))
    cut = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    user, at, host = rest[:cut].rpartition("@")
    path, hash_sign, fragment = rest[cut:].partition("#")
    uri = (scheme + sep + quote(user, safe=_URI_SAFE) + at + quote(host, safe=_URI_SAFE + "[]")
           + quote(path, safe=_URI_SAFE) + hash_sign + quote(fragment, safe=_URI_SAFE))
    return _BAD_ESCAPE.sub("%25", uri)


def stix_value(kind: Kind, value: str) -> str | None:
    """The value as a STIX observable carries it, or None when STIX cannot carry it as the message wrote it:
    a url must be a URI (escaped into one), a domain-name a host name IDNA accepts (not "a_b.example", not
    "x.-com"), an email-addr what the OASIS validator accepts (ASCII letters, digits and "_.+-" before the
    '@'). What is left out of the bundle is still in the CSV."""
    if kind is Kind.URL:
        return _uri(value)
    if kind is Kind.DOMAIN:
        return value if _hostname(value) else None
    if kind is Kind.EMAIL:
        return value if _EMAIL.fullmatch(value) and _hostname(value.rpartition("@")[2]) else None
    return value


def _literal(value: str) -> str:
    """A STIX pattern string literal (quotes and backslashes escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class _Observables:
    """The observables of the indicators, and for each report field the ids of the ones it gave."""

    def __init__(self, found: list[Indicator]) -> None:
        self.objects: dict[str, Any] = {}
        self.by_field: dict[str, list[str]] = {}
        self.by_value: dict[tuple[Kind, str], str] = {}
        files: dict[str, dict[Kind, str]] = {}
        for item in found:
            if item.type in _SIMPLE:
                value = stix_value(item.type, item.value)
                if value is not None:
                    self._add(_SIMPLE[item.type](value=value), item.fields, (item.type, item.value))
            else:  # a file's name and hash come as two indicators from the same attachment field
                for name in item.fields:
                    files.setdefault(name, {})[item.type] = item.value
        for name, parts in files.items():
            hashes = {"SHA-256": parts[Kind.SHA256]} if Kind.SHA256 in parts else None
            sco = File(name=parts.get(Kind.FILE_NAME), hashes=hashes)
            self._add(sco, (name,), *((kind, value) for kind, value in parts.items()))

    def _add(self, sco: Any, fields: Iterable[str], *keys: tuple[Kind, str]) -> None:
        self.objects.setdefault(sco.id, sco)
        for key in keys:
            self.by_value.setdefault(key, sco.id)
        for name in fields:
            ids = self.by_field.setdefault(name, [])
            if sco.id not in ids:
                ids.append(sco.id)


def _field_value(report: MailReport, name: str) -> str | None:
    return next((f.value for f in report.fields if f.name == name and f.value), None)


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        stamp = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None  # a Date no parser reads (its own finding says why) is left out, not guessed
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _message(report: MailReport, raw: bytes, seen: _Observables) -> Any:
    content_type = parse(raw).get("Content-Type")
    refs = {}
    for prop, name in (("from_ref", "from"), ("sender_ref", "sender")):
        value = _field_value(report, name)
        address = mailbox(value) if value else None
        if address is not None and (Kind.EMAIL, address) in seen.by_value:
            refs[prop] = seen.by_value[Kind.EMAIL, address]
    props: dict[str, Any] = {
        "is_multipart": bool(content_type and content_type.strip().lower().startswith("multipart/")),
        "content_type": content_type.split(";", 1)[0].strip() if content_type else None,
        "subject": _field_value(report, "subject"),
        "date": _date(_field_value(report, "date")),
        "message_id": _field_value(report, "message-id"),
        "received_lines": [view.hop.raw for view in report.hops] or None,
        **refs,
    }
    props = {k: v for k, v in props.items() if v is not None}
    if not {"from_ref", "subject"} & props.keys():
        # The spec derives the id from From, Subject and body, and falls back to a random one without them;
        # the same message must give the same id, so it is derived the same way from what there is.
        # (The spec then asks for a UUIDv4, so the id is of that form, as the other objects' ids are.)
        props["id"] = _id("email-message", json.dumps([props.get("message_id"), props.get("received_lines")]))
    return EmailMessage(**props)


def _primary(found: list[Indicator], name: str) -> tuple[Kind, str] | None:
    """The observable a forged field's Indicator matches: a URL before its host, a hash before a name."""
    mine = [(item.type, value) for item in found if name in item.fields
            if (value := stix_value(item.type, item.value)) is not None]
    return min(mine, key=lambda pair: _PREFERENCE.index(pair[0]), default=None)


def _forged_objects(report: MailReport, found: list[Indicator], seen: _Observables, message_id: str,
                    now: datetime) -> list[Any]:
    made: dict[str, Any] = {}
    stamps = {"created": now, "modified": now, "created_by_ref": IDENTITY_ID}
    for finding in report.fields:
        if finding.label is not Label.FORGED:
            continue
        evidence = "\n".join(finding.evidence)
        refs = seen.by_field.get(finding.name) or [message_id]
        note_id = _id("note", message_id, finding.name, finding.value)
        made[note_id] = Note(id=note_id, abstract=f"{finding.name} is forged",
                             content=_note_text(finding), object_refs=refs, authors=["mailcheck"], **stamps)
        primary = _primary(found, finding.name)
        if primary is None:
            continue
        pattern = f"[{_PATTERN_PATH[primary[0]]} = {_literal(primary[1])}]"
        indicator_id = _id("indicator", pattern)
        made.setdefault(indicator_id, StixIndicator(
            id=indicator_id, name=f"{finding.name}: forged", description=evidence, pattern=pattern,
            pattern_type="stix", valid_from=now, indicator_types=["malicious-activity"], **stamps))
    return list(made.values())


def _note_text(finding: Finding) -> str:
    return f"{finding.name}: {finding.value}\n" + "\n".join(f"- {line}" for line in finding.evidence)


def _verdict(report: MailReport) -> str:
    reason = report.verdict_reason
    return f"Verdict {report.verdict.value}. {reason[:1].upper()}{reason[1:]}."


def bundle(report: MailReport, raw: bytes) -> Bundle:
    """The bundle for one analysed message; raw is the message itself (for its Content-Type)."""
    now = clock(report)
    found = indicators(report)
    seen = _Observables(found)
    message = _message(report, raw, seen)
    forged = _forged_objects(report, found, seen, message.id, now)
    contents = [*seen.objects.values(), message, *forged]
    subject = _field_value(report, "subject")
    report_id = _id("report", message.id)
    summary = Report(id=report_id, name=f"mailcheck: {subject}" if subject else "mailcheck report",
                     description=_verdict(report), published=now,
                     report_types=["threat-report"], object_refs=[obj.id for obj in contents],
                     created=now, modified=now, created_by_ref=IDENTITY_ID)
    tool = Identity(id=IDENTITY_ID, name="mailcheck", identity_class="system", created=_IDENTITY_CREATED,
                    modified=_IDENTITY_CREATED)
    objects = [tool, summary, *contents]
    bundle_id = _id("bundle", now.isoformat(), *sorted(obj.id for obj in objects))
    return Bundle(objects=objects, id=bundle_id, allow_custom=False)


def render(report: MailReport, raw: bytes) -> str:
    """The bundle as JSON; non-ASCII is escaped, so no character of the message reaches a terminal raw."""
    return str(bundle(report, raw).serialize(pretty=True, ensure_ascii=True)) + "\n"
