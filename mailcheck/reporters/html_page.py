"""The shell of every HTML document mailcheck writes: escaping, one style sheet, a strict Content-Security-Policy.

A report is a file an analyst opens, attaches to a ticket or mails on, so it must be inert whatever the
message said. Every piece of message text goes through `h`: safe_text first (controls, bidi overrides and
new lines become visible \\uNNNN escapes), then html.escape with quote=True, so text can close neither an
element nor an attribute. The document has no script, no event handler, no link, no external resource
(message URLs are shown as text); its CSP lets only the one <style> element below apply, by its SHA-256,
and forbids everything else (scripts, images, fonts, frames, forms, base URLs, connections).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from html import escape

from mailcheck.reporters.sanitize import safe_text

# Colours as variables so that dark mode and print change them in one place. No web fonts: system ones.
STYLE = """
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de;
  --panel: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --axis: #8c959f; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --ok: #3fb950; --bad: #f85149; --warn: #d29922; --axis: #6e7681; } }
@media print {
  :root { --fg: #000000; --bg: #ffffff; --muted: #444444; --line: #999999; --panel: #ffffff; }
  tr, figure, section.findings { break-inside: avoid; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 78rem; padding: 1.5rem; color: var(--fg); background: var(--bg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
h1 { font-size: 1.35rem; margin: 0 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 2rem 0 0.6rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 0.92em; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 0.4rem 0 1rem; table-layout: fixed; }
/* Fixed column shares: a long token (a base64 stamp) breaks inside its cell, never squeezes the names. */
table.forged-list th:nth-child(1) { width: 18%; } table.forged-list th:nth-child(2) { width: 34%; }
table.fields th:nth-child(1) { width: 22%; } table.fields th:nth-child(2) { width: 12%; }
table.fields th:nth-child(3) { width: 28%; }
table.hops th:nth-child(1) { width: 3.5%; } table.hops th:nth-child(2) { width: 22%; }
table.hops th:nth-child(3) { width: 22%; } table.hops th:nth-child(4) { width: 10%; }
table.hops th:nth-child(5) { width: 15%; } table.hops th:nth-child(6) { width: 9%; }
table.steps th:nth-child(1) { width: 16%; } table.steps th:nth-child(2) { width: 8%; }
table.summary th:nth-child(1) { width: 30%; }
table.narrow { width: auto; min-width: 24rem; table-layout: auto; }
table.counts th:nth-child(1) { width: 9%; } table.counts th:nth-child(2) { width: 16%; }
table.forged-messages th:nth-child(1) { width: 30%; } table.forged-messages th:nth-child(2),
table.forged-messages th:nth-child(3) { width: 7%; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: var(--panel); font-weight: 600; }
ul.evidence { margin: 0; padding-left: 1.1rem; }
.findings { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem 1rem; }
.findings p { margin: 0.35rem 0; }
.findings h2 { margin-top: 0; }
.verdict { font-size: 1.15rem; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 4px; font-weight: 700; border: 1px solid; }
.validated { color: var(--ok); }
.forged { color: var(--bad); }
.unverifiable, .error { color: var(--warn); }
.note, .muted { color: var(--muted); }
.neg { color: var(--bad); font-weight: 700; }
figure { margin: 0.5rem 0 1rem; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.3rem; }
svg.chain { width: 100%; height: auto; display: block; }
svg.chain text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg.chain text.small { font-size: 11px; fill: var(--muted); }
svg.chain text.delay { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: var(--bg); stroke-width: 4px; }
svg.chain text.delay.neg { fill: var(--bad); }
svg.chain line.axis, svg.chain line.tick { stroke: var(--axis); stroke-width: 1; }
svg.chain line.row { stroke: var(--line); stroke-width: 1; }
svg.chain line.step { stroke: var(--muted); stroke-width: 1.5; }
svg.chain line.step.neg { stroke: var(--bad); stroke-width: 2.5; stroke-dasharray: 5 3; }
svg.chain line.boundary { stroke: var(--bad); stroke-width: 2; stroke-dasharray: 8 4; }
svg.chain text.boundary { fill: var(--bad); font-size: 11px; font-weight: 700; }
svg.chain circle.trusted { fill: var(--ok); stroke: var(--ok); }
svg.chain circle.entry { fill: var(--ok); stroke: var(--fg); stroke-width: 2.5; }
svg.chain circle.untrusted { fill: var(--bg); stroke: var(--warn); stroke-width: 2.5; }
svg.chain circle.untimed { fill: var(--bg); stroke: var(--axis); stroke-width: 2; stroke-dasharray: 2 2; }
footer { margin-top: 2rem; color: var(--muted); font-size: 0.85rem; }
"""


def style_hash(style: str = STYLE) -> str:
    """The CSP source that allows exactly this style element's text (CSP Level 2 hash source)."""
    digest = hashlib.sha256(style.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp(style: str = STYLE) -> str:
    # frame-ancestors and sandbox cannot be set from a <meta> element (browsers ignore them with a console
    # warning); everything else a page could load or do is refused.
    return (f"default-src 'none'; style-src {style_hash(style)}; img-src 'none'; font-src 'none'; "
            "base-uri 'none'; form-action 'none'")


def h(value: str, limit: int | None = None) -> str:
    """Untrusted text as inert HTML text or attribute content: one line, hidden characters visible."""
    return escape(safe_text(value, limit), quote=True)


def table(head: Iterable[str], rows: Iterable[Iterable[str]], cls: str = "") -> str:
    """A table of cells that are already HTML (each caller escapes what it puts in)."""
    attr = f' class="{cls}"' if cls else ""
    lines = [f"<table{attr}>", "<thead><tr>" + "".join(f"<th>{c}</th>" for c in head) + "</tr></thead>", "<tbody>"]
    lines += ["<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows]
    return "\n".join([*lines, "</tbody>", "</table>"])


def page(title: str, body: str) -> str:
    """A whole document around `body` (already HTML). `title` is untrusted text."""
    # The CSP comes first in <head>: a policy in <meta> applies only to what follows it.
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp()}\">\n"
            "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{h(title, 200)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
