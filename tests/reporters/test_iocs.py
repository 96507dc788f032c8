"""--format iocs (issue 10 item 3): CSV that reads back to the indicators, with the sender's text unable to
run as a spreadsheet formula or hide characters, from the samples and the command line."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from support.messages import SAMPLES, run

from mailcheck.commands.group import cli
from mailcheck.reporters.indicators import indicators
from mailcheck.reporters.iocs import HEADER, cell, render

_NAME = b'filename="Invoice_4471.pdf"'


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _invoice_named(disposition: bytes) -> bytes:
    """samples/disguised-invoice.eml with another attachment name (its Content-Type name= removed)."""
    raw = (SAMPLES / "disguised-invoice.eml").read_bytes()
    assert _NAME in raw
    return raw.replace(_NAME, disposition).replace(b'; name="Invoice_4471.pdf"', b"")


def test_the_csv_reads_back_to_the_indicators() -> None:
    report = run((SAMPLES / "brand-impersonation.eml").read_bytes())
    rows = _rows(render(report))
    assert tuple(rows[0]) == HEADER == ("type", "value", "field", "label")
    assert rows[1:] == [[i.type.value, i.value, i.field, i.label.value] for i in indicators(report)]
    assert ["domain-name", "c0ntoso.example", "lookalike-domain[0] url[0] url[1]", "forged"] in rows


def test_an_attachment_named_as_a_formula_cannot_run_in_a_spreadsheet() -> None:
    report = run(_invoice_named(b'filename="=HYPERLINK(\\"http://evil.example/\\",\\"Open\\").pdf"'))
    names = [row for row in _rows(render(report)) if row[0] == "file:name"]
    assert names == [["file:name", "'=HYPERLINK(\"http://evil.example/\",\"Open\").pdf", "attachment[0]", "forged"]]


def test_an_address_that_starts_like_a_formula_is_quoted_too() -> None:
    raw = (SAMPLES / "clean.eml").read_bytes().replace(b"From: Alice Example <alice@example.com>",
                                                      b"From: <+1-2@evil.example>")
    rows = _rows(render(run(raw)))
    assert ["email-addr", "'+1-2@evil.example", "from", "unverifiable"] in rows


def test_control_and_invisible_characters_in_a_name_are_escaped() -> None:
    # RFC 2231: the name is "=cmd|' /C calc'!A0", a BEL, a right-to-left override, then "fdp.exe".
    report = run(_invoice_named(b"filename*=utf-8''%3Dcmd%7C%27%20%2FC%20calc%27%21A0%07%E2%80%AEfdp.exe"))
    text = render(report)
    assert "\x07" not in text and "\u202e" not in text
    name = next(row[1] for row in _rows(text) if row[0] == "file:name")
    assert name == "'=cmd|' /C calc'!A0\\x07\\u202efdp.exe"


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+2", "'=1+2"), ("+x", "'+x"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\\x09x"),
    ("\rx", "'\\x0dx"), ("a\r\nb", "a\\x0d\\x0ab"), ("a\x00b\x7f\x9b", "a\\x00b\\x7f\\x9b"),
    ("zero\u200bwidth", "zero\\u200bwidth"), ("line\u2028sep", "line\\u2028sep"),
    ("café, \"quoted\"", "café, \"quoted\""), ("a=b", "a=b"), ("", ""),
])
def test_cell(value: str, expected: str) -> None:
    assert cell(value) == expected


def test_commas_and_quotes_in_values_survive_the_csv() -> None:
    report = run(_invoice_named(b'filename="a,b \\"c\\".pdf"'))
    name = next(row[1] for row in _rows(render(report)) if row[0] == "file:name")
    assert name == 'a,b "c".pdf'


def test_the_command_writes_the_csv_and_exits_by_the_verdict() -> None:
    result = CliRunner().invoke(cli, ["--offline", "--format", "iocs", str(SAMPLES / "disguised-invoice.eml")])
    assert result.exit_code == 1, result.output  # forged
    rows = _rows(result.output)
    assert tuple(rows[0]) == HEADER
    assert ["file:sha256", "022b2c17e65baa9ad77d3b1ffc95a760fde09e55080aaf73126e8651a320d6d8", "attachment[0]",
            "forged"] in rows
    assert ["ipv4-addr", "198.51.100.61", "client-ip received[0]", "validated"] in rows
