"""What a report for a person says first, and its field rows: pure functions over a Report, plain data out.

Shared by the terminal, Markdown (and later HTML) reporters so they open with the same findings block
and collapse the same rows. Every string here may carry message text: each reporter escapes it for
its own medium (safe_text for the terminal, Markdown escaping for tickets).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from mailcheck.model import Basis, Finding, HopView, Label, Report
from mailcheck.providers import PROFILES, Profile, by_name

# The fields that carry the sender identity (model.decide_verdict validates the message by them).
IDENTITY_FIELDS = ("from", "envelope-sender")
REASON_LIMIT = 280  # a forged field's reason is one line of a ticket, not its whole evidence

# Vendor header names the receiving-provider profiles do not list one by one but that come from the
# same vendor: Exchange writes dozens of X-MS-Exchange-* and X-Microsoft-* stamps (Transport-*,
# Processed-By-*, Antispam-Message-Info…), only some of which the profile uses as verdicts.
_EXTRA_FAMILIES = (("x-ms-", "microsoft365"), ("x-microsoft-", "microsoft365"), ("x-forefront-", "microsoft365"))
# Keyed by value so that a basis added later still reads as words (its value with spaces).
_BASIS_NOTE = {"checked": "", "undecided": "check undecided", "not-run": "not run",
               "uncheckable": "no machine can check", "not-examined": "not examined"}
_HEADER_FIELD = re.compile(r"^header:(?P<header>.+)\[(?P<index>\d+)\]$")
_INDEXED = re.compile(r"^(?P<stem>.+)\[(?P<index>\d+)\]$")


@dataclass(frozen=True)
class Row:
    """One row of the fields list: a finding, or several findings collapsed into one."""

    name: str
    value: str
    label: Label
    basis: Basis
    evidence: tuple[str, ...]
    members: tuple[Finding, ...]  # the findings it stands for; one when nothing was collapsed

    @property
    def collapsed(self) -> bool:
        return len(self.members) > 1


@dataclass(frozen=True)
class Forged:
    """A forged field and the one line that says why."""

    name: str
    value: str
    reason: str


@dataclass(frozen=True)
class Identity:
    """A sender identity field, its label and what decided it."""

    name: str
    value: str
    label: Label
    how: str


@dataclass(frozen=True)
class Summary:
    """The findings block: the verdict, what is forged, who the sender is proven to be, where trust ends."""

    verdict: Label
    reason: str
    forged: tuple[Forged, ...]
    identities: tuple[Identity, ...]
    boundary: str
    not_examined: tuple[str, ...] = ()  # what mailcheck meant to examine but could not: the report is incomplete

    @property
    def validated(self) -> tuple[Identity, ...]:
        return tuple(i for i in self.identities if i.label is Label.VALIDATED)


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word when one ends late enough."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + " …"


def one_line_reason(finding: Finding) -> str:
    """The first two evidence sentences, cut to one line. Two, because checks often say where or what
    first and why second ("it sits below the entry hop…", "it names your trusted host…")."""
    first = finding.evidence[0].rstrip()
    if len(finding.evidence) == 1:
        return _cut(first, REASON_LIMIT)
    glue = " " if first.endswith(":") else "; "  # an introduction runs on into what it introduces
    return _cut(first + glue + finding.evidence[1], REASON_LIMIT)


def summarize(report: Report) -> Summary:
    forged = tuple(Forged(f.name, f.value, one_line_reason(f)) for f in report.fields if f.label is Label.FORGED)
    identities = tuple(Identity(f.name, f.value, f.label, one_line_reason(f))
                       for name in IDENTITY_FIELDS for f in report.fields if f.name == name)
    # getattr: Reports built by library callers before the field existed have no gaps to show.
    gaps = tuple(getattr(report, "not_examined", ()))
    return Summary(report.verdict, report.verdict_reason, forged, identities, boundary_line(report), gaps)


def basis_note(basis: Basis) -> str:
    """How a label was reached, in words for a reader ("" when a check decided it)."""
    return _BASIS_NOTE.get(basis.value, basis.value.replace("-", " "))


def _profile(name: str) -> Profile | None:
    try:
        return by_name(name)
    except ValueError:
        return None


def provider_title(name: str) -> str:
    profile = _profile(name)
    return profile.title if profile is not None else name


def _client(view: HopView) -> str:
    hop = view.hop
    claims = ", ".join(c for c in (hop.helo and f"HELO {hop.helo}", hop.rdns and f"rDNS {hop.rdns}") if c)
    return (hop.ip or "?") + (f" ({claims})" if claims else "")


def boundary_line(report: Report) -> str:
    """One line: the receiving provider (and gateways) with their inbound edges, and where trust ends."""
    boundary = report.boundary
    parts: list[str] = []
    if boundary.provider_edges:
        # Top first: the mailbox provider, then each gateway in front of it.
        names = [provider_title(name) + (f" (edge received[{edge}])" if edge is not None else "")
                 for name, edge in boundary.provider_edges]
        parts.append("received by " + ", behind ".join(names))
    elif boundary.provider:
        parts.append("received by " + provider_title(boundary.provider))
    entry = next((view for view in report.hops if view.entry), None)
    if entry is not None:
        parts.append(f"trust ends at received[{entry.index}] by {entry.hop.by or '?'}, "
                     f"the entry hop: its client {_client(entry)} is TCP-validated")
    elif boundary.trusted_count and report.hops:
        last = report.hops[min(boundary.trusted_count, len(report.hops)) - 1]
        parts.append(f"trust ends at received[{last.index}] by {last.hop.by or '?'}; "
                     "no trusted hop records an untrusted client")
    else:
        parts.append(_cut(boundary.explanation, REASON_LIMIT))
    return "; ".join(parts)


def vendor_of(header: str) -> str | None:
    """The registry name of the vendor whose header family this field name belongs to, if any.

    Only names that are the vendor's own (X-…): Authentication-Results and Received-SPF are written by
    every receiver, so they never make a family."""
    low = header.lower()
    if not low.startswith("x-"):
        return None
    for profile in PROFILES:
        if profile.verdict_header_for(header) is not None:
            return profile.name
    return next((name for prefix, name in _EXTRA_FAMILIES if low.startswith(prefix)), None)


def _short_title(name: str) -> str:
    # "Microsoft 365 / Exchange Online / Outlook.com" → "Microsoft 365": a row name, not a sentence.
    return provider_title(name).split(" / ")[0].split(" (")[0]


def _name_summary(headers: list[str]) -> str:
    """'X-MS-Exchange-Organization-* (10), X-Microsoft-Antispam, …': names sharing their first four
    dash-separated parts are counted under that prefix, so the row's value stays a line or two."""
    groups: dict[str, list[str]] = {}
    for header in headers:
        parts = header.split("-")
        key = "-".join(parts[:4]) + "-*" if len(parts) > 4 else header
        groups.setdefault(key.lower(), []).append(header)
    shown = []
    for key, names in groups.items():
        unique = list(dict.fromkeys(names))
        if len(unique) == 1:
            shown.append(unique[0] + (f" (×{len(names)})" if len(names) > 1 else ""))
        else:
            shown.append("-".join(unique[0].split("-")[:4]) + f"-* ({len(names)})" if key.endswith("-*")
                         else f"{unique[0]} ({len(names)})")
    return ", ".join(shown)


def _family_evidence(members: list[Finding], headers: list[str]) -> tuple[str, ...]:
    """Each distinct sentence once: plain when every member says it, else saying which fields do, so the
    decoded meanings ("it says: …") keep the header they came from."""
    said_by: dict[str, list[str]] = {}
    for finding, header in zip(members, headers, strict=True):
        for sentence in dict.fromkeys(finding.evidence):
            said_by.setdefault(sentence, []).append(header)
    total = len(members)
    evidence = []
    for sentence, who in said_by.items():
        if len(who) == total:
            evidence.append(sentence)
        elif len(who) == 1:
            evidence.append(f"{who[0]}: {sentence}")
        else:
            evidence.append(f"{len(who)} of these {total} fields: {sentence}")
    return tuple(evidence)


def _common_basis(members: list[Finding]) -> Basis:
    bases = Counter(f.basis for f in members)
    return members[0].basis if len(bases) == 1 else Basis.UNDECIDED


def _family_row(vendor: str, members: list[Finding]) -> Row:
    headers = [m.group("header") for f in members if (m := _HEADER_FIELD.match(f.name))]
    label = members[0].label
    return Row(f"{_short_title(vendor)} ({len(members)} headers)", _name_summary(headers), label,
               _common_basis(members), _family_evidence(members, headers), tuple(members))


def _family_key(finding: Finding) -> tuple[str, Label] | None:
    match = _HEADER_FIELD.match(finding.name)
    if match is None or finding.label is Label.FORGED:
        return None  # a forged field always keeps a row of its own
    vendor = vendor_of(match.group("header"))
    return (vendor, finding.label) if vendor is not None else None


def _run_key(finding: Finding) -> tuple[str, Label, Basis, tuple[str, ...]] | None:
    if _INDEXED.match(finding.name) is None or finding.label is Label.FORGED:
        return None
    return finding.check, finding.label, finding.basis, finding.evidence


def _indexes(members: list[Finding]) -> str:
    numbers = [int(m.group("index")) for f in members if (m := _INDEXED.match(f.name))]
    if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"{numbers[0]}–{numbers[-1]}"
    return ",".join(str(n) for n in numbers)


def _run_row(members: list[Finding]) -> Row:
    first = members[0]
    stems = {m.group("stem") for f in members if (m := _INDEXED.match(f.name))}
    if len(stems) == 1:
        name = f"{stems.pop()}[{_indexes(members)}]"
        value = f"{len(members)} fields with the same label and evidence (-v shows each value)"
    else:  # header:ARC-Seal[1], header:Received-SPF[1]…: the names are the value, -v the values
        prefix = first.name.split(":", 1)[0] + ":" if all(":" in f.name for f in members) else ""
        same = prefix and all(f.name.startswith(prefix) for f in members)
        name = f"{prefix + ' ' if same else ''}{len(members)} fields"
        value = ", ".join(f.name[len(prefix):] if same else f.name for f in members)
    return Row(name, value, first.label, first.basis, first.evidence, tuple(members))


def _single(finding: Finding) -> Row:
    return Row(finding.name, finding.value, finding.label, finding.basis, finding.evidence, (finding,))


def _collapse_runs(rows: list[Row]) -> list[Row]:
    """Neighbouring fields from one check (received[4], received[5]…; header:ARC-Seal[1],
    header:Received-SPF[1]…) whose label and evidence are the same word for word become one row:
    only their values differ, and -v shows those."""
    out: list[Row] = []
    run: list[Finding] = []
    key: object = None

    def flush() -> None:
        if len(run) > 1:
            out.append(_run_row(run))
        elif run:
            out.append(_single(run[0]))

    for row in rows:
        this = _run_key(row.members[0]) if not row.collapsed else None
        if this is not None and this == key:
            run.append(row.members[0])
            continue
        flush()
        run, key = ([row.members[0]], this) if this is not None else ([], None)
        if this is None:
            out.append(row)
    flush()
    return out


def field_rows(report: Report, verbose: bool = False) -> tuple[Row, ...]:
    """Every field, in the report's order. Unless verbose: a vendor's headers with the same label make
    one row (at the place of the first), and runs of identical neighbours make one row."""
    if verbose:
        return tuple(_single(f) for f in report.fields)
    families: dict[tuple[str, Label], list[Finding]] = {}
    for finding in report.fields:
        if (key := _family_key(finding)) is not None:
            families.setdefault(key, []).append(finding)
    rows: list[Row] = []
    for finding in report.fields:
        key = _family_key(finding)
        members = families.get(key) if key is not None else None
        if members is None or len(members) == 1:
            rows.append(_single(finding))
        elif members[0] is finding:
            rows.append(_family_row(key[0] if key else "", members))
    return tuple(_collapse_runs(rows))
