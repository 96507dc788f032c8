"""Report → one self-contained HTML file: the findings block, the fields, a picture of the Received chain.

The file needs nothing but itself to be read (no script, font, image or style sheet from elsewhere) and
is inert whatever the message holds: html_page.py escapes every value and sets a Content-Security-Policy
that lets only its own style sheet apply. Links in the message are shown as text, never as <a href>.
The findings block and the collapsed field rows are findings.py's, as in the terminal and Markdown
reports, so the three say the same thing in the same order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC

from mailcheck import __version__
from mailcheck.model import Basis, HopView, Label, Report
from mailcheck.parse.dates import signed_duration
from mailcheck.reporters.findings import Row, Summary, basis_note, field_rows, summarize
from mailcheck.reporters.html_chain import chain_svg, last_trusted
from mailcheck.reporters.html_page import h, page, table

VALUE_LIMIT = 600


def label_html(label: Label, basis: Basis = Basis.CHECKED) -> str:
    note = basis_note(basis)
    text = f'<span class="{label.value}">{label.value}</span>'
    return text + (f' <span class="note">({note})</span>' if note else "")


def _evidence(sentences: Iterable[str]) -> str:
    items = "".join(f"<li>{h(s)}</li>" for s in sentences)
    return f'<ul class="evidence">{items}</ul>' if items else ""


def findings_block(summary: Summary) -> str:
    verdict = summary.verdict.value
    badge = f'<span class="badge {verdict}">{verdict.upper()}</span>'
    parts = ['<section class="findings">', "<h2>Findings</h2>",
             f'<p class="verdict">Verdict: {badge} — {h(summary.reason)}</p>']
    if summary.forged:
        parts.append(table(("forged field", "value", "why"), [
            (f"<code>{h(f.name)}</code>", f"<code>{h(f.value, 160)}</code>", h(f.reason)) for f in summary.forged],
            "forged-list"))
    if summary.validated:
        who = "; ".join(f'<code>{h(i.name)}</code> <code>{h(i.value, 160)}</code> — <span class="validated">'
                        f"{h(i.how)}</span>" for i in summary.validated)
    else:
        first = next(iter(summary.identities), None)
        who = '<span class="unverifiable">none</span>' + (
            f" (<code>{h(first.name)}</code>: {h(first.how)})" if first else "")
    parts.append(f"<p><strong>Validated identity:</strong> {who}</p>")
    if summary.not_examined:
        gaps = ", ".join(f"<code>{h(g)}</code>" for g in summary.not_examined)
        parts.append(f'<p><strong class="unverifiable">Not examined:</strong> {gaps} (the report is incomplete)</p>')
    parts += [f"<p><strong>Boundary:</strong> {h(summary.boundary)}</p>", "</section>"]
    return "\n".join(parts)


def fields_table(rows: tuple[Row, ...]) -> str:
    return "<h2>Fields</h2>\n" + table(("field", "label", "value", "evidence"), (
        (f"<code>{h(row.name)}</code>", label_html(row.label, row.basis),
         f"<code>{h(row.value, VALUE_LIMIT)}</code>" if row.value else '<span class="note">(empty)</span>',
         _evidence(row.evidence)) for row in rows), "fields")


def _client(view: HopView) -> str:
    hop = view.hop
    parts = [p for p in (hop.helo and f"helo={hop.helo}", hop.rdns and f"rdns={hop.rdns}", hop.ip) if p]
    return "<br>".join(f"<code>{h(p)}</code>" for p in parts) or ("(local)" if not hop.relay else "?")


def _delay(view: HopView) -> str:
    if view.delay_seconds is None:
        return ""
    text = h(signed_duration(view.delay_seconds))
    return f'<span class="neg">{text}</span>' if view.delay_seconds < 0 else text


def _trust(view: HopView, last: int) -> str:
    untrusted = '<span class="unverifiable">untrusted</span>'
    word = "<strong>entry</strong>" if view.entry else "trusted" if view.trusted else untrusted
    return word + (' <span class="forged">⟵ trust boundary</span>' if view.index == last else "")


def hops_section(report: Report) -> str:
    last = last_trusted(report)
    rows = []
    for view in report.hops:
        hop = view.hop
        when = (hop.timestamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if hop.timestamp
                else h(hop.timestamp_text or "?", 60))
        rows.append((str(view.index), _client(view), f"<code>{h(hop.by or '?')}</code>", h(hop.protocol or ""), when,
                     _delay(view), _trust(view, last)))
    return "\n".join([
        "<h2>Received chain</h2>", "<figure>", chain_svg(report),
        "<figcaption>Each hop on a time line by the time its server wrote (UTC); the delay beside a step is the "
        "newer hop's time minus the older one's, negative when the newer hop claims an earlier time. Below the "
        "dashed line the hops were written by servers you trust; above it, what the sending side claims.</figcaption>",
        "</figure>",
        '<p class="note">Newest first; times UTC; a delay is this hop\'s time to the next newer one.</p>',
        table(("#", "client", "by", "with", "time", "delay", "trust"), rows, "hops")])


def continuum_table(report: Report) -> str:
    return "<h2>The validation continuum (cheapest first)</h2>\n" + table(("step", "status", "proves", "outcome"), (
        (h(s.name), h(s.status.value), h(s.proves), h(s.outcome)) for s in report.continuum), "steps")


def _setting(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def footer(report: Report) -> str:
    settings = "; ".join(f"{h(name)}: <code>{h(_setting(value), 200)}</code>" for name, value in report.settings)
    return (f"<footer><p>mailcheck {h(__version__)}. This file is self-contained: no scripts, nothing loaded from "
            "elsewhere; message text is shown as text.</p>" + (f"<p>Settings: {settings}</p>" if settings else "")
            + "</footer>")


def render(report: Report, verbose: bool = False) -> str:
    """The whole report as one HTML document; verbose lists every field on its own row."""
    body = [f"<header><h1>mailcheck report: <code>{h(report.source)}</code></h1></header>",
            findings_block(summarize(report))]
    if report.errors:
        body.append('<ul class="errors">' + "".join(f"<li>input: {h(e)}</li>" for e in report.errors) + "</ul>")
    body.append(fields_table(field_rows(report, verbose)))
    if report.hops:
        body.append(hops_section(report))
    body.append(f"<p><strong>Trust boundary:</strong> {h(report.boundary.explanation)}</p>")
    body += [continuum_table(report), footer(report)]
    return page(f"mailcheck report: {report.source}", "\n".join(body))
