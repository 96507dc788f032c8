"""A scan's Tally → the summary tables: verdicts, labels by field, frequent forged findings, failures.

Message names, reasons and evidence are untrusted text: each goes through safe_text into a rich
Text object, never into console markup. Rendered on a terminal in colour; elsewhere rich writes the
same tables as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from mailcheck.commands.scan.tally import Tally
from mailcheck.reporters.sanitize import safe_text

LABELS = ("validated", "forged", "unverifiable")
STYLE = {"validated": "bold green", "forged": "bold red", "unverifiable": "yellow", "error": "magenta"}
TOP_FORGED = 10
TOP_PROBLEMS = 10
MAX_FAMILIES = 30
MAX_ROWS = 20


def _count(n: int, style: str = "") -> Text:
    return Text(f"{n:,}", style=style if n else "dim")


def headline(tally: Tally) -> Text:
    state = "interrupted after" if tally.interrupted else "scanned"
    line = Text(f"{state} {tally.records:,} messages in {tally.elapsed:.1f} s ({tally.rate:,.0f} msg/s)",
                style="bold")
    if tally.skipped_count:
        line.append(f"; {tally.skipped_count:,} files skipped as not messages", style="")
    return line


def verdict_table(tally: Tally) -> Table:
    table = Table(title="Verdicts", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("verdict")
    table.add_column("messages", justify="right")
    table.add_column("share", justify="right")
    for verdict in (*LABELS, "error"):
        n = tally.verdicts.get(verdict, 0)
        share = f"{100 * n / tally.records:.1f} %" if tally.records else "-"
        table.add_row(Text(verdict, style=STYLE[verdict]), _count(n), Text(share))
    return table


def labels_table(tally: Tally) -> Table:
    table = Table(title="Field labels (fields of every message, by field name)", box=box.SIMPLE_HEAD,
                  title_justify="left")
    table.add_column("field")
    for label in LABELS:
        table.add_column(label, justify="right", style=STYLE[label])
    families = sorted(tally.labels.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    for family, counts in families[:MAX_FAMILIES]:
        table.add_row(Text(safe_text(family, 60)), *(_count(counts.get(lb, 0)) for lb in LABELS))
    if len(families) > MAX_FAMILIES:
        table.add_row(Text(f"… {len(families) - MAX_FAMILIES} more field names", style="dim"))
    return table


def forged_table(tally: Tally) -> Table:
    table = Table(title=f"Most frequent forged findings (top {TOP_FORGED})", box=box.SIMPLE_HEAD,
                  title_justify="left", expand=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("first evidence (particulars replaced), and one message it was found in",
                     overflow="fold")
    for (check, pattern), n in tally.forged.most_common(TOP_FORGED):
        evidence = Text(safe_text(pattern))
        example = tally.forged_example.get((check, pattern))
        if example:
            evidence.append("\ne.g. " + safe_text(example), style="dim")
        table.add_row(_count(n, "bold red"), Text(safe_text(check, 40)), evidence)
    return table


def _listing(title: str, rows: Iterable[tuple[str, str]], total: int) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=True)
    table.add_column("message", ratio=1, overflow="fold")
    table.add_column("why", ratio=2, overflow="fold")
    shown = 0
    for name, why in rows:
        if shown == MAX_ROWS:
            break
        table.add_row(Text(safe_text(name)), Text(safe_text(why)))
        shown += 1
    if total > shown:
        table.add_row(Text(f"… {total - shown:,} more", style="dim"), Text(""))
    return table


def where(position: dict[str, Any]) -> str:
    """A message's place in its archive: its ordinal under its PATH and its first byte in its file (or its
    IMAP UID)."""
    if "uid" in position:
        return f"index {position.get('index', '?')}, UID {position['uid']}"
    return f"index {position.get('index', '?')}, offset {position.get('offset', '?')}"


def forged_messages_table(tally: Tally) -> Table:
    """The forged messages by name and position, each with its forged fields and why (the first MAX_ROWS)."""
    total = tally.verdicts.get("forged", 0)
    table = Table(title=f"Forged messages ({min(total, MAX_ROWS):,} of {total:,} shown; every one: --summary-file)",
                  box=box.SIMPLE_HEAD, title_justify="left", expand=True)
    table.add_column("message", ratio=1, overflow="fold")
    table.add_column("where", no_wrap=True)
    table.add_column("forged fields and why", ratio=2, overflow="fold")
    for message in tally.forged_messages[:MAX_ROWS]:
        why = Text()
        for n, (name, reason) in enumerate(message.fields):
            why.append(("\n" if n else "") + safe_text(name, 60), style="bold red")
            why.append(": " + safe_text(reason, 140))
        if message.more_fields:
            why.append(f"\n… {message.more_fields} more forged fields", style="dim")
        table.add_row(Text(safe_text(message.name)), Text(where(message.position)), why)
    if total > MAX_ROWS:
        table.add_row(Text(f"… {total - MAX_ROWS:,} more", style="dim"), Text(""), Text(""))
    return table


def problems_table(tally: Tally) -> Table:
    table = Table(title=f"Input problems and checks that crashed (top {TOP_PROBLEMS})",
                  box=box.SIMPLE_HEAD, title_justify="left", expand=True)
    table.add_column("messages", justify="right", no_wrap=True)
    table.add_column("problem (particulars replaced)", overflow="fold")
    for problem, n in tally.problems.most_common(TOP_PROBLEMS):
        table.add_row(_count(n), Text(safe_text(problem)))
    return table


def dns_line(counts: dict[str, int]) -> Text | None:
    asked = counts.get("asked", 0)
    if not (counts.get("sent") or counts.get("shared")):
        return None  # --offline or --dns-replay: no server was asked
    line = Text(f"DNS: {asked:,} questions; {counts.get('shared', 0):,} answered from the run's shared "
                f"cache (another worker had asked), {counts.get('sent', 0):,} sent to servers", style="dim")
    return line


def summary(tally: Tally, dns_counts: dict[str, int] | None = None) -> RenderableType:
    parts: list[RenderableType] = [headline(tally), verdict_table(tally)]
    if tally.labels:
        parts.append(labels_table(tally))
    if tally.forged:
        parts.append(forged_table(tally))
    if tally.forged_messages:
        parts.append(forged_messages_table(tally))
    if tally.failure_count:
        parts.append(_listing("Messages that could not be read or analysed", tally.failures,
                              tally.failure_count))
    if tally.problems:
        parts.append(problems_table(tally))
    if tally.skipped_count:
        parts.append(_listing("Files skipped (not messages)", tally.skipped, tally.skipped_count))
    dns = dns_line(dns_counts or {})
    if dns is not None:
        parts.append(dns)
    if tally.interrupted:
        parts.append(Text("Interrupted (Ctrl-C): these counts cover the messages scanned so far.",
                          style="bold yellow"))
    return Group(*parts)


def print_summary(tally: Tally, console: Console, dns_counts: dict[str, int] | None = None) -> None:
    console.print(summary(tally, dns_counts))
