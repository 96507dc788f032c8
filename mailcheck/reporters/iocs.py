"""`--format iocs`: the report's indicators as CSV (type, value, field, label) for MISP, OpenCTI or TheHive.

Values are the sender's text, and a CSV is often opened in a spreadsheet: every cell is quoted as RFC 4180
needs (the csv module); a cell that starts with =, +, -, @, a tab or a carriage return gets a leading
single quote, so that a spreadsheet shows it as text instead of running it as a formula (OWASP "CSV
Injection"); and control and invisible characters (C0, DEL, C1, bidi overrides, zero-width characters,
line separators) are written as \\xNN / \\uNNNN escapes. Everything else is the exact value.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from mailcheck.model import Report
from mailcheck.reporters.indicators import indicators

HEADER = ("type", "value", "field", "label")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters a cell must not carry as they are: line breaks would survive quoting but break line-based
# tools (grep, MISP's freetext import), and invisible ones would make a value look like another.
_CANDIDATE = re.compile("[^ -~]")
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if unicodedata.category(char) not in _HIDDEN:
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def cell(value: str) -> str:
    """One CSV cell of untrusted text: no formula a spreadsheet would evaluate, no hidden characters."""
    text = _CANDIDATE.sub(_escape, value)
    return "'" + text if value.startswith(_FORMULA_START) else text


def render(report: Report) -> str:
    """The CSV text: a header row, then one row per indicator (CRLF line ends, RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADER)
    for found in indicators(report):
        writer.writerow([cell(found.type.value), cell(found.value), cell(found.field), cell(found.label.value)])
    return out.getvalue()
