"""Report → Markdown for a ticket (GitHub, GitLab, Jira): the findings block, then pipe tables of the
fields, the Received chain (signed delays, the trust boundary marked) and the continuum.

Message text is untrusted: it first goes through safe_text (controls, bidi overrides and new lines
become visible escapes), then every character Markdown or HTML would act on is escaped, and any token
a renderer could turn into a link, an e-mail link or an @mention (a URL, a host name, an address) is
put in a code span, so a message can neither break a table nor plant a link or an image in the ticket.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC

from mailcheck.model import Basis, HopView, Label, Report
from mailcheck.parse.dates import signed_duration
from mailcheck.reporters.findings import Row, Summary, basis_note, field_rows, summarize
from mailcheck.reporters.sanitize import safe_text

VALUE_LIMIT = 300
# Characters CommonMark/GFM act on inside a line (emphasis, code, links and images, HTML, entities, cell
# borders, strike-through), GitHub's #references and $math$; each is valid behind a backslash. Text never
# starts a line here (a cell, or after our own words), so list and heading markers stay as they are.
_ACTIVE = re.compile(r"([\\`*_\[\]<>!|~&#$])")
# Tokens GFM autolinks (www., scheme://, user@host) or GitHub turns into mentions, and bare host names.
_LINKISH = re.compile(r"://|@|\w\.\w", re.IGNORECASE)
_BACKTICKS = re.compile(r"`+")
_EDGES = re.compile(r"^(\(*)(.*?)([),.;:!?]*)$", re.DOTALL)


def code(text: str, cell: bool = True) -> str:
    """A code span: nothing inside is markup, a link or a mention. The fence is one backtick longer than
    any run inside; in a table cell a pipe is escaped even here (GFM splits cells before inlines)."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    body = text.replace("|", "\\|") if cell else text
    pad = " " if body[:1] in ("`", " ") or body[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def _word(word: str, cell: bool) -> str:
    lead, core, trail = _EDGES.match(word).groups()  # type: ignore[union-attr]  # the pattern matches any text
    if not _LINKISH.search(core):
        return _ACTIVE.sub(r"\\\1", word)
    # Sentence punctuation around a host name stays outside its code span: "(`mx.example.org`),".
    return _ACTIVE.sub(r"\\\1", lead) + code(core, cell) + _ACTIVE.sub(r"\\\1", trail)


def md_text(value: str, limit: int | None = None, cell: bool = True) -> str:
    """Untrusted text as inert Markdown: one line, active characters escaped, link-like tokens in code."""
    return " ".join(_word(w, cell) for w in safe_text(value, limit).split(" "))


def _label(label: Label, basis: Basis) -> str:
    text = f"**{label.value}**" if label is Label.FORGED else label.value
    return text + (f" ({basis_note(basis)})" if basis_note(basis) else "")


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return lines


def findings_block(summary: Summary) -> list[str]:
    lines = ["## Findings", "", f"**Verdict: {summary.verdict.value.upper()}** — {md_text(summary.reason, cell=False)}",
             ""]
    if summary.forged:
        lines += _table(("forged field", "value", "why"),
                        [(code(f.name), md_text(f.value, 120), md_text(f.reason)) for f in summary.forged])
        lines.append("")
    if summary.validated:
        who = "; ".join(f"{code(i.name, False)} {md_text(i.value, 120, False)} — {md_text(i.how, cell=False)}"
                        for i in summary.validated)
    else:
        first = next(iter(summary.identities), None)
        who = "none" + (f" ({code(first.name, False)}: {md_text(first.how, cell=False)})" if first else "")
    lines.append(f"- **Validated identity:** {who}")
    if summary.not_examined:
        gaps = ", ".join(code(g, False) for g in summary.not_examined)
        lines.append(f"- **Not examined:** {gaps} (the report is incomplete)")
    lines += [f"- **Boundary:** {md_text(summary.boundary, cell=False)}", ""]
    return lines


def _evidence(row: Row) -> str:
    return "<br>".join("• " + md_text(sentence) for sentence in row.evidence)


def fields_table(rows: tuple[Row, ...]) -> list[str]:
    return ["## Fields", "", *_table(("field", "label", "value", "evidence"), [
        (code(row.name), _label(row.label, row.basis), md_text(row.value, VALUE_LIMIT) or "(empty)", _evidence(row))
        for row in rows]), ""]


def _client(view: HopView) -> str:
    hop = view.hop
    parts = [p for p in (hop.helo and f"helo={hop.helo}", hop.rdns and f"rdns={hop.rdns}", hop.ip) if p]
    return "<br>".join(md_text(p) for p in parts) or ("(local)" if not hop.relay else "?")


def _trust(report: Report, view: HopView) -> str:
    boundary = view.entry or (report.boundary.entry_index is None
                              and view.index == report.boundary.trusted_count - 1)
    word = "**entry**" if view.entry else "trusted" if view.trusted else "untrusted"
    return word + (" ⟵ trust boundary" if boundary else "")


def _delay(view: HopView) -> str:
    if view.delay_seconds is None:
        return ""
    text = signed_duration(view.delay_seconds)
    return f"**{text}**" if view.delay_seconds < 0 else text  # a negative delay must stand out


def hops_table(report: Report) -> list[str]:
    rows = []
    for view in report.hops:
        hop = view.hop
        when = (hop.timestamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if hop.timestamp
                else md_text(hop.timestamp_text or "?", 40))
        rows.append((str(view.index), _client(view), md_text(hop.by or "?"), md_text(hop.protocol or ""), when,
                     _delay(view), _trust(report, view)))
    return ["## Received chain", "", "Newest first; times UTC; a delay is this hop's time to the next newer one.",
            "", *_table(("#", "client", "by", "with", "time", "delay", "trust"), rows), ""]


def continuum_table(report: Report) -> list[str]:
    return ["## The validation continuum (cheapest first)", "", *_table(
        ("step", "status", "proves", "outcome"),
        [(s.name, s.status.value, s.proves, md_text(s.outcome)) for s in report.continuum]), ""]


def render(report: Report, verbose: bool = False) -> str:
    """The whole report as Markdown; verbose lists every field on its own row."""
    lines = [f"# mailcheck report: {md_text(report.source, cell=False)}", ""]
    lines += findings_block(summarize(report))
    lines += [f"- input: {md_text(problem, cell=False)}" for problem in report.errors]
    if report.errors:
        lines.append("")
    lines += fields_table(field_rows(report, verbose))
    if report.hops:
        lines += hops_table(report)
    lines += [f"**Trust boundary:** {md_text(report.boundary.explanation, cell=False)}", ""]
    lines += continuum_table(report)
    return "\n".join(lines).rstrip("\n") + "\n"
