"""A scan's Tally → a summary document for a whole archive: text, Markdown (a ticket) or one HTML page.

The documents say what the terminal summary says, and name every forged message the tally kept (the
first tally.MAX_FORGED_LISTED, the rest counted) with its position in the archive (its PATH, its
ordinal there, its file and byte offset: enough to cut it out again) and its forged fields with why.
Message names, field names and reasons are untrusted: Markdown goes through markdown.md_text/code,
HTML through html_page.h, exactly as the one-message reports do.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from mailcheck.commands.scan.tally import ForgedMessage, Tally
from mailcheck.reporters import summary as text_summary
from mailcheck.reporters.html_page import h, page, table
from mailcheck.reporters.markdown import code, md_text
from mailcheck.reporters.sanitize import safe_text

FORMATS = ("text", "markdown", "html")
TOP_FAMILIES = 30
VERDICTS = (*text_summary.LABELS, "error")
NOTE = ("message: the file, with #N for message N of an mbox; index: its ordinal among the records of the PATH "
        "scanned; offset: its first byte in the file (0 for a file holding one message).")


def _headline(tally: Tally) -> str:
    return safe_text(text_summary.headline(tally).plain)


def _counted(tally: Tally, verdict: str) -> tuple[str, str]:
    n = tally.verdicts.get(verdict, 0)
    return f"{n:,}", f"{100 * n / tally.records:.1f} %" if tally.records else "-"


def _families(tally: Tally) -> list[tuple[str, dict[str, int]]]:
    ranked = sorted(tally.labels.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return [(name, dict(counts)) for name, counts in ranked[:TOP_FAMILIES]]


def _unlisted(tally: Tally) -> int:
    return tally.verdicts.get("forged", 0) - len(tally.forged_messages)


# -- Markdown ------------------------------------------------------------------------------------------

def _md_table(head: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _md_fields(message: ForgedMessage) -> str:
    parts = [f"{code(name)}: {md_text(reason)}" for name, reason in message.fields]
    if message.more_fields:
        parts.append(f"… {message.more_fields} more forged fields")
    return "<br>".join(parts)


def _position(position: dict[str, Any]) -> tuple[str, str]:
    # Numbers the scan wrote (sources.Item.position), shown as they are.
    return str(int(position.get("index", -1))), str(int(position.get("offset", -1)))


def markdown(tally: Tally, dns_counts: dict[str, int] | None = None) -> str:
    lines = ["# mailcheck scan summary", "", _headline(tally), "", "## Verdicts", ""]
    lines += _md_table(("verdict", "messages", "share"), [(v, *_counted(tally, v)) for v in VERDICTS])
    if tally.forged_messages:
        lines += ["## Forged messages", "", NOTE, ""]
        lines += _md_table(("message", "index", "offset", "forged fields and why"),
                           [(md_text(m.name), *_position(m.position), _md_fields(m)) for m in tally.forged_messages])
        if _unlisted(tally) > 0:
            lines += [f"… and {_unlisted(tally):,} more forged messages, counted but not listed.", ""]
    if tally.forged:
        lines += ["## Most frequent forged findings", ""]
        lines += _md_table(("count", "check", "first evidence (particulars replaced)"),
                           [(f"{n:,}", md_text(check), md_text(pattern))
                            for (check, pattern), n in tally.forged.most_common(text_summary.TOP_FORGED)])
    if tally.labels:
        lines += ["## Field labels", ""]
        lines += _md_table(("field", *text_summary.LABELS), [
            (code(name), *(f"{counts.get(label, 0):,}" for label in text_summary.LABELS))
            for name, counts in _families(tally)])
    for title, rows in (("Messages that could not be read or analysed", tally.failures),
                        ("Files skipped (not messages)", tally.skipped)):
        if rows:
            lines += [f"## {title}", "", *_md_table(("message", "why"), [(md_text(n), md_text(w)) for n, w in rows])]
    if tally.problems:
        lines += ["## Input problems and checks that crashed", ""]
        lines += _md_table(("messages", "problem"), [(f"{n:,}", md_text(p))
                                                    for p, n in tally.problems.most_common(text_summary.TOP_PROBLEMS)])
    lines += _tail(tally, dns_counts, md_text)
    return "\n".join(lines).rstrip("\n") + "\n"


def _tail(tally: Tally, dns_counts: dict[str, int] | None, escape: Any) -> list[str]:
    dns = text_summary.dns_line(dns_counts or {})
    lines = [escape(dns.plain)] if dns is not None else []
    if tally.interrupted:
        lines.append("Interrupted (Ctrl-C): these counts cover the messages scanned so far.")
    return lines


# -- HTML ----------------------------------------------------------------------------------------------

def _html_fields(message: ForgedMessage) -> str:
    items = [f'<li><code class="forged">{h(name)}</code>: {h(reason)}</li>' for name, reason in message.fields]
    if message.more_fields:
        items.append(f'<li class="note">… {message.more_fields} more forged fields</li>')
    return '<ul class="evidence">' + "".join(items) + "</ul>"


def html(tally: Tally, dns_counts: dict[str, int] | None = None) -> str:
    body = ["<header><h1>mailcheck scan summary</h1></header>", f"<p>{h(_headline(tally))}</p>", "<h2>Verdicts</h2>",
            table(("verdict", "messages", "share"),
                  [(f'<span class="{v}">{v}</span>', *_counted(tally, v)) for v in VERDICTS], "narrow")]
    if tally.forged_messages:
        body += ["<h2>Forged messages</h2>", f'<p class="note">{h(NOTE)}</p>',
                 table(("message", "index", "offset", "forged fields and why"),
                       [(f"<code>{h(m.name)}</code>", *_position(m.position), _html_fields(m))
                        for m in tally.forged_messages], "forged-messages")]
        if _unlisted(tally) > 0:
            body.append(f"<p>… and {_unlisted(tally):,} more forged messages, counted but not listed.</p>")
    if tally.forged:
        top = tally.forged.most_common(text_summary.TOP_FORGED)
        body += ["<h2>Most frequent forged findings</h2>", table(
            ("count", "check", "first evidence (particulars replaced)"),
            [(f"{n:,}", h(check), h(pattern)) for (check, pattern), n in top], "counts")]
    if tally.labels:
        body += ["<h2>Field labels</h2>", table(("field", *text_summary.LABELS), [
            (f"<code>{h(name)}</code>", *(f"{counts.get(label, 0):,}" for label in text_summary.LABELS))
            for name, counts in _families(tally)], "narrow")]
    for title, rows in (("Messages that could not be read or analysed", tally.failures),
                        ("Files skipped (not messages)", tally.skipped)):
        if rows:
            body += [f"<h2>{title}</h2>", table(("message", "why"), [(f"<code>{h(n)}</code>", h(w)) for n, w in rows],
                                                "summary")]
    if tally.problems:
        body += ["<h2>Input problems and checks that crashed</h2>", table(("messages", "problem"), [
            (f"{n:,}", h(p)) for p, n in tally.problems.most_common(text_summary.TOP_PROBLEMS)], "counts")]
    body += [f'<p class="note">{line}</p>' for line in _tail(tally, dns_counts, h)]
    return page("mailcheck scan summary", "\n".join(body))


# -- any of them ---------------------------------------------------------------------------------------

def text(tally: Tally, dns_counts: dict[str, int] | None = None, width: int = 120) -> str:
    """The terminal summary as plain text (no colour), for a file."""
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=width, highlight=False, color_system=None, soft_wrap=False).print(
        text_summary.summary(tally, dns_counts))
    return buffer.getvalue()


def render(tally: Tally, fmt: str, dns_counts: dict[str, int] | None = None) -> str:
    """The summary in one of FORMATS."""
    renderers = {"text": text, "markdown": markdown, "html": html}
    return renderers[fmt](tally, dns_counts)
