"""The terminal report (issue 10 item 1): findings first, vendor families collapsed unless -v, readable at
80 and at 200 columns (whole host names and field names), rendered with rich's recording console."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from support.messages import SAMPLES, SHARED, build, run

from mailcheck.model import Label, Report
from mailcheck.reporters.terminal import print_report

WIDTHS = (80, 200)
PHISH_M365 = SHARED / "corpora" / "phishing-pot-dev" / "email" / "sample-1141.eml"


def render(report: Report, width: int, verbose: bool = False) -> str:
    console = Console(record=True, width=width, file=io.StringIO(), highlight=False, color_system=None)
    print_report(report, console, verbose=verbose)
    return console.export_text()


def sample(name: str) -> Report:
    return run((SAMPLES / name).read_bytes())


def flat(text: str) -> str:
    """The text as one line: wrapping and the findings panel's side borders removed."""
    return " ".join(text.replace("│", " ").split())


def _before_fields(text: str) -> str:
    return text.split("\nFields", 1)[0] if "\nFields" in text else text.split(" Fields ", 1)[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_findings_block_comes_first_and_names_each_forged_field_with_why(width: int) -> None:
    text = render(sample("flabbia.eml"), width)
    head = flat(_before_fields(text))
    assert "verdict: FORGED" in head
    assert "forged:" in head and "date" in head and "received[2]" in head
    assert "the time-zone offset -0060 is impossible" in head
    assert "validated identity: none" in head
    assert "trust ends at received[1] by mail.example.org" in head and "203.0.113.77" in head


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["flabbia.eml", "clean.eml", "phishing.eml", "planted-authres.eml"])
def test_every_field_name_and_hop_host_is_shown_whole(name: str, width: int) -> None:
    report = sample(name)
    text = render(report, width, verbose=True)
    for finding in report.fields:
        assert finding.name in text, finding.name
    for view in report.hops:
        if view.hop.by:
            assert view.hop.by in text, view.hop.by
    # The field the verdict names is readable, index and all.
    for forged in (f.name for f in report.fields if f.label is Label.FORGED):
        assert forged in _before_fields(text)


@pytest.mark.skipif(not PHISH_M365.is_file(), reason="../shared/corpora/phishing-pot-dev is not present")
@pytest.mark.parametrize("width", WIDTHS)
def test_a_real_microsoft_365_message_collapses_its_vendor_headers(width: int) -> None:
    report = run(PHISH_M365.read_bytes())
    short, full = render(report, width), render(report, width, verbose=True)
    assert "Microsoft 365 (12 headers)" in short
    assert "header:X-MS-Exchange-CrossTenant-Id[0]" not in short
    assert "header:X-MS-Exchange-CrossTenant-Id[0]" in full
    # The collapsed row keeps the decoded meaning, and says which header said it.
    one_line = flat(short)
    assert "X-MS-Exchange-Organization-SCL: it says: Microsoft's spam confidence level: SCL 5" in one_line
    assert len(short.splitlines()) < len(full.splitlines())
    # No host name is broken across lines, in the hop list (80) or the hop table (200).
    for view in report.hops:
        assert view.hop.by is not None and view.hop.by in short
    assert "received by Microsoft 365 / Exchange Online / Outlook.com (edge received[3])" in one_line


def test_at_80_columns_no_line_is_wider_and_hops_are_a_list() -> None:
    text = render(sample("clean.eml"), 80)
    assert all(len(line) <= 80 for line in text.splitlines())
    assert re.search(r"^ *1 entry ", text, re.M)
    assert "trust ends" in text


def test_a_negative_delay_and_the_boundary_show_in_the_hop_table() -> None:
    older = ("Received: from a.example.net (a.example.net [198.51.100.5]) by sender.example.net with ESMTP; "
             "Wed, 18 Nov 2026 12:30:00 +0000\nFrom: a@example.net\nSubject: s\n")
    report = run(build(older))
    text = render(report, 200)
    assert re.search(r"-30m\S*\s+untrusted", text)
    rule = [line for line in text.splitlines() if line.strip() == ""]
    assert rule  # the section rule under the entry hop renders as a line of its own
    assert "-30m" in render(report, 80)


def test_message_text_in_the_findings_block_cannot_drive_the_terminal() -> None:
    raw = build("From: \"\x1b[2J\u202eevil\" <a@example.net>\nSubject: s\n")
    for width in WIDTHS:
        text = render(run(raw), width, verbose=True)
        assert "\x1b" not in text and "\u202e" not in text
        assert "\\x1b[2J\\u202eevil" in text
