"""Report → a rich terminal report: verdict, fields table, hop table with the boundary, continuum.

Every piece of message text goes through safe_text and into rich Text objects, never into markup,
so a message cannot drive the terminal or style the report.
"""

from __future__ import annotations

from datetime import UTC

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from mailcheck.model import Basis, HopView, Label, Report, StepStatus
from mailcheck.parse.dates import signed_duration
from mailcheck.reporters.sanitize import safe_text

LABEL_STYLE = {Label.VALIDATED: "bold green", Label.FORGED: "bold red", Label.UNVERIFIABLE: "yellow"}
BASIS_NOTE = {
    Basis.CHECKED: "",
    Basis.UNDECIDED: "check undecided",
    Basis.NOT_RUN: "not run",
    Basis.UNCHECKABLE: "no machine can check",
}
STEP_STYLE = {StepStatus.RAN: "green", StepStatus.NOT_RUN: "yellow", StepStatus.NEVER: "dim"}


def _field_cell(name: str, label: Label, basis: Basis) -> Text:
    cell = Text(safe_text(name), style="bold")
    cell.append("\n" + label.value, style=LABEL_STYLE[label])
    if BASIS_NOTE[basis]:
        cell.append(f"\n({BASIS_NOTE[basis]})", style="dim")
    return cell


def fields_table(report: Report) -> Table:
    """Two columns so the evidence gets the width: field + label, then the value and why."""
    table = Table(title="Fields", box=box.SIMPLE_HEAD, show_lines=True, expand=True)
    table.add_column("field", no_wrap=True, max_width=30)
    table.add_column("value and evidence", ratio=1, overflow="fold")
    for finding in report.fields:
        detail = Text(safe_text(finding.value, 200) or "(empty)", style="bold")
        for sentence in finding.evidence:
            detail.append("\n• " + safe_text(sentence))
        table.add_row(_field_cell(finding.name, finding.label, finding.basis), detail)
    return table


def _hop_client(view: HopView) -> str:
    hop = view.hop
    parts = [p for p in (hop.helo and f"helo={hop.helo}", hop.rdns and f"rdns={hop.rdns}", hop.ip) if p]
    return " ".join(parts) or ("(local)" if not hop.relay else "?")


def hops_table(report: Report) -> Table:
    """Newest first; the rule under a row marks where trust ends (the entry hop, or the last trusted)."""
    table = Table(title="Received chain (newest first; times UTC)", box=box.SIMPLE_HEAD, expand=True)
    table.add_column("#", no_wrap=True)
    table.add_column("client", ratio=3, overflow="fold")
    table.add_column("by", ratio=2, overflow="fold")
    table.add_column("with", overflow="fold")
    table.add_column("time", overflow="fold")
    table.add_column("delay", no_wrap=True, justify="right")
    table.add_column("trust", no_wrap=True)
    last_trusted = report.boundary.trusted_count - 1
    for view in report.hops:
        hop = view.hop
        when = (hop.timestamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if hop.timestamp
                else safe_text(hop.timestamp_text or "?", 40))
        delay = Text(signed_duration(view.delay_seconds) if view.delay_seconds is not None else "")
        if view.delay_seconds is not None and view.delay_seconds < 0:
            delay.stylize("bold red")
        trust = Text("entry" if view.entry else "trusted" if view.trusted else "untrusted",
                     style="bold green" if view.entry else "green" if view.trusted else "yellow")
        table.add_row(str(view.index), Text(safe_text(_hop_client(view))), Text(safe_text(hop.by or "?")),
                      Text(safe_text(hop.protocol or "")), Text(when), delay, trust,
                      end_section=view.entry or view.index == last_trusted)
    return table


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


def print_report(report: Report, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    title = Text("mailcheck ", style="bold")
    title.append(safe_text(report.source))
    console.print(title)
    verdict = Text("verdict: ")
    verdict.append(report.verdict.value.upper(), style=LABEL_STYLE[report.verdict])
    verdict.append(" — " + safe_text(report.verdict_reason))
    console.print(verdict)
    for problem in report.errors:
        console.print(Text("input: " + safe_text(problem), style="yellow"))
    console.print(fields_table(report))
    if report.hops:
        console.print(hops_table(report))
    console.print(Text("trust boundary: " + safe_text(report.boundary.explanation)))
    console.print(continuum_table(report))
