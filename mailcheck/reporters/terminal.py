"""Report → a rich terminal report: findings first, then the fields, the Received chain, the continuum.

Every piece of message text goes through safe_text and into rich Text objects, never into markup,
so a message cannot drive the terminal or style the report. Below WIDE columns (80, or a pipe into
less) fields and hops are lists, not tables: a table column that narrow would break host names and
field names mid-word.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mailcheck.model import Basis, HopView, Label, Report, StepStatus
from mailcheck.parse.dates import signed_duration
from mailcheck.reporters.findings import Row, Summary, basis_note, field_rows, summarize
from mailcheck.reporters.sanitize import safe_text

LABEL_STYLE = {Label.VALIDATED: "bold green", Label.FORGED: "bold red", Label.UNVERIFIABLE: "yellow"}
STEP_STYLE = {StepStatus.RAN: "green", StepStatus.NOT_RUN: "yellow", StepStatus.NEVER: "dim"}
WIDE = 120  # from this many columns on, fields and hops are tables
VALUE_LIMIT = 200


def _label_text(label: Label, basis: Basis) -> Text:
    text = Text(label.value, style=LABEL_STYLE[label])
    if basis_note(basis):
        text.append(f" ({basis_note(basis)})", style="dim")
    return text


def findings_block(summary: Summary) -> Panel:
    """The verdict, each forged field with why, the validated identity, the boundary: one screen."""
    lines: list[RenderableType] = []
    verdict = Text("verdict: ")
    verdict.append(summary.verdict.value.upper(), style=LABEL_STYLE[summary.verdict])
    verdict.append(" — " + safe_text(summary.reason))
    lines.append(verdict)
    if summary.forged:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=False, overflow="fold", style="bold red")
        grid.add_column(ratio=1)
        for forged in summary.forged:
            grid.add_row(Text(safe_text(forged.name)), Text(safe_text(forged.reason)))
        lines.append(Text("forged:", style="bold"))
        lines.append(grid)
    identity = Text("validated identity: ", style="bold")
    if summary.validated:
        identity.append("; ".join(f"{safe_text(i.name)} {safe_text(i.value, 80)} — {safe_text(i.how)}"
                                  for i in summary.validated), style="green")
    else:
        identity.append("none", style="yellow")
        first = next(iter(summary.identities), None)
        if first is not None:
            identity.append(f" ({safe_text(first.name)}: {safe_text(first.how)})")
    lines.append(identity)
    if summary.not_examined:
        gaps = Text("not examined: ", style="bold yellow")
        gaps.append(", ".join(safe_text(g) for g in summary.not_examined) + " (the report is incomplete)")
        lines.append(gaps)
    boundary = Text("boundary: ", style="bold")
    boundary.append(safe_text(summary.boundary))
    lines.append(boundary)
    return Panel(Group(*lines), title="Findings", title_align="left", box=box.ROUNDED, expand=True)


def _value_and_evidence(row: Row) -> Text:
    detail = Text(safe_text(row.value, VALUE_LIMIT) or "(empty)", style="bold")
    for sentence in row.evidence:
        detail.append("\n• " + safe_text(sentence))
    return detail


def fields_table(rows: tuple[Row, ...], width: int) -> Table:
    """Two columns so the evidence gets the width: field + label, then the value and why. The name
    column is as wide as the longest name, up to a third of the line (a longer one folds, whole)."""
    widest = max((len(safe_text(r.name)) for r in rows), default=0)
    table = Table(title="Fields", box=box.SIMPLE_HEAD, show_lines=True, expand=True)
    table.add_column("field", width=min(max(widest, 22), width // 3), overflow="fold")
    table.add_column("value and evidence", ratio=1, overflow="fold")
    for row in rows:
        cell = Text(safe_text(row.name), style="bold")
        cell.append("\n" + row.label.value, style=LABEL_STYLE[row.label])
        if basis_note(row.basis):
            cell.append(f"\n({basis_note(row.basis)})", style="dim")
        table.add_row(cell, _value_and_evidence(row))
    return table


def fields_list(rows: tuple[Row, ...]) -> Group:
    """Narrow terminals: the name and label on one line, value and evidence indented below at full width."""
    items: list[RenderableType] = [Text("Fields", style="bold underline")]
    for row in rows:
        head = Text(safe_text(row.name), style="bold")
        head.append("  ")
        head.append_text(_label_text(row.label, row.basis))
        items.append(head)
        body = _value_and_evidence(row)
        body.overflow = "fold"  # only a token longer than the whole line folds
        items.append(Padding(body, (0, 0, 0, 2)))
    return Group(*items)


def _hop_client_lines(view: HopView) -> list[str]:
    hop = view.hop
    parts = [p for p in (hop.helo and f"helo={hop.helo}", hop.rdns and f"rdns={hop.rdns}", hop.ip) if p]
    return [safe_text(p) for p in parts] or ["(local)" if not hop.relay else "?"]


def _hop_time(view: HopView) -> str:
    hop = view.hop
    return (hop.timestamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if hop.timestamp
            else safe_text(hop.timestamp_text or "?", 40))


def _hop_delay(view: HopView) -> Text:
    delay = Text(signed_duration(view.delay_seconds) if view.delay_seconds is not None else "")
    if view.delay_seconds is not None and view.delay_seconds < 0:
        delay.stylize("bold red")
    return delay


def _hop_trust(view: HopView) -> Text:
    return Text("entry" if view.entry else "trusted" if view.trusted else "untrusted",
                style="bold green" if view.entry else "green" if view.trusted else "yellow")


def _boundary_after(report: Report, view: HopView) -> bool:
    """The rule under this hop marks where trust ends: the entry hop, or the last trusted one."""
    return view.entry or view.index == report.boundary.trusted_count - 1


def _longest_word(texts: Iterable[str | None]) -> int:
    return max((len(word) for text in texts for word in safe_text(text or "").split()), default=4)


def _hops_table_width(report: Report) -> int:
    """Columns a table needs so that no host name, address or time is broken."""
    client = max(len(line) for v in report.hops for line in _hop_client_lines(v))
    by = max(len(safe_text(v.hop.by or "?")) for v in report.hops)
    protocol = _longest_word(v.hop.protocol for v in report.hops)
    when = max(len(_hop_time(v)) for v in report.hops)
    # '#', delay, trust; then per column a padding space each side and a (blank) box rule, plus the edge
    return len(str(len(report.hops))) + client + by + max(protocol, 4) + when + 8 + 9 + 7 * 3 + 1


def hops_table(report: Report) -> Table:
    """Newest first, one hop per row; client claims one per line so each line is one unbroken name."""
    # Not expanded: spare width would go to the "with" column and push the times off to the right.
    table = Table(title="Received chain (newest first; times UTC)", box=box.SIMPLE_HEAD)
    table.add_column("#", no_wrap=True)
    table.add_column("client", no_wrap=True)
    table.add_column("by", no_wrap=True)
    table.add_column("with", overflow="fold", min_width=_longest_word(v.hop.protocol for v in report.hops))
    table.add_column("time", no_wrap=True)
    table.add_column("delay", no_wrap=True, justify="right")
    table.add_column("trust", no_wrap=True)
    for view in report.hops:
        table.add_row(str(view.index), Text("\n".join(_hop_client_lines(view))), Text(safe_text(view.hop.by or "?")),
                      Text(safe_text(view.hop.protocol or "")), Text(_hop_time(view)), _hop_delay(view),
                      _hop_trust(view), end_section=_boundary_after(report, view))
    return table


def hops_list(report: Report, width: int) -> Group:
    """Narrow terminals: each hop as a few short lines, the trust boundary as a rule of its own."""
    items: list[RenderableType] = [Text("Received chain (newest first; times UTC)", style="bold underline")]
    for view in report.hops:
        head = Text(f"{view.index:>2} ", style="bold")
        head.append_text(_hop_trust(view))
        head.append(f"  {_hop_time(view)}  ")
        head.append_text(_hop_delay(view))
        items.append(head)
        body = Text("from " + " ".join(_hop_client_lines(view)), overflow="fold")
        body.append("\nby " + safe_text(view.hop.by or "?"))
        if view.hop.protocol:
            body.append(" with " + safe_text(view.hop.protocol))
        items.append(Padding(body, (0, 0, 0, 3)))
        if _boundary_after(report, view) and view.index < len(report.hops) - 1:
            items.append(Text("   " + "─" * max(width - 20, 8) + " trust ends", style="dim"))
    return Group(*items)


def continuum_table(report: Report) -> Table:
    table = Table(title="The validation continuum (cheapest first)", box=box.SIMPLE_HEAD, expand=True)
    table.add_column("step", no_wrap=True, style="bold")
    table.add_column("status", no_wrap=True)
    table.add_column("proves", ratio=2)
    table.add_column("outcome", ratio=3, overflow="fold")
    for step in report.continuum:
        table.add_row(step.name, Text(step.status.value, style=STEP_STYLE[step.status]), step.proves,
                      Text(safe_text(step.outcome)))
    return table


def continuum_list(report: Report) -> Group:
    """Narrow terminals: one step per line with its status, what it found and (dim) what it proves."""
    items: list[RenderableType] = [Text("The validation continuum (cheapest first)", style="bold underline")]
    for step in report.continuum:
        line = Text(step.name, style="bold")
        line.append(f"  {step.status.value}", style=STEP_STYLE[step.status])
        line.append(": " + safe_text(step.outcome))
        line.append(f" (proves: {step.proves})", style="dim")
        items.append(line)
    return Group(*items)


def print_report(report: Report, console: Console | None = None, verbose: bool = False) -> None:
    """verbose: every field on its own row (by default a vendor's header family is one row)."""
    console = console or Console(highlight=False)
    title = Text("mailcheck ", style="bold")
    title.append(safe_text(report.source))
    console.print(title)
    console.print(findings_block(summarize(report)))
    for problem in report.errors:
        console.print(Text("input: " + safe_text(problem), style="yellow"))
    rows = field_rows(report, verbose)
    wide = console.width >= WIDE
    console.print(fields_table(rows, console.width) if wide else fields_list(rows))
    if report.hops:
        fits = wide and console.width >= _hops_table_width(report)
        console.print(hops_table(report) if fits else hops_list(report, console.width))
    console.print(Text("trust boundary: " + safe_text(report.boundary.explanation)))
    console.print(continuum_table(report) if wide else continuum_list(report))
