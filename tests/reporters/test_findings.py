"""The findings block and the field rows every human-facing reporter shares (mailcheck/reporters/findings.py)."""

from __future__ import annotations

import io

from rich.console import Console
from support.messages import SAMPLES, build, run

from mailcheck.model import Basis, Finding, Label, Report
from mailcheck.reporters import markdown
from mailcheck.reporters.findings import basis_note, field_rows, one_line_reason, summarize, vendor_of
from mailcheck.reporters.terminal import print_report

# Microsoft 365 delivered it: its edge, its verdicts appended at the end, the sender tenant's stamps below.
M365 = """\
Received: from MB0PR11MB0002.namprd11.prod.outlook.com (2603:10b6:806:1::2) by
	MB0PR11MB0003.namprd11.prod.outlook.com with HTTPS; Wed, 18 Nov 2026 12:00:03 +0000
Received: from BN1PEPF00001234.namprd03.prod.outlook.com (2603:10b6:408:cafe::12) by
	MB0PR11MB0002.namprd11.prod.outlook.com (2603:10b6:806:1::2) with Microsoft SMTP Server id 15.20.1; Wed, 18
	Nov 2026 12:00:02 +0000
Received: from mx.example.org (198.51.100.7) by BN1PEPF00001234.mail.protection.outlook.com (10.167.243.1)
	with Microsoft SMTP Server id 15.20.1 via Frontend Transport; Wed, 18 Nov 2026 12:00:01 +0000
Received: from x by mx.example.org; Wed, 18 Nov 2026 12:00:00 +0000
X-MS-Exchange-CrossTenant-Id: 84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa
X-MS-Exchange-CrossTenant-AuthAs: Internal
X-MS-Exchange-Transport-EndToEndLatency: 00:00:01.0
From: Bank <alerts@example.org>
Subject: hi
Date: Wed, 18 Nov 2026 11:59:00 +0000
X-MS-Exchange-Organization-SCL: 5
X-MS-Exchange-Organization-AuthAs: Anonymous
X-Microsoft-Antispam: BCL:0;

Hello.
"""


def test_vendor_families_come_from_the_provider_profiles() -> None:
    assert vendor_of("X-MS-Exchange-CrossTenant-Id") == "microsoft365"
    assert vendor_of("X-MS-Exchange-Transport-EndToEndLatency") == "microsoft365"  # not a profile verdict
    assert vendor_of("X-Proofpoint-Spam-Details") == "proofpoint"
    assert vendor_of("Authentication-Results") is None and vendor_of("Received-SPF") is None  # every receiver's
    assert vendor_of("X-Spam-Status") is None


def test_a_vendor_family_is_one_row_per_label_with_its_decoded_meaning() -> None:
    report = run(M365.encode())
    families = {row.label: row for row in field_rows(report) if row.name == "Microsoft 365 (3 headers)"}
    ours, theirs = families[Label.VALIDATED], families[Label.UNVERIFIABLE]
    assert any(e.startswith("X-MS-Exchange-Organization-SCL: it says:") and "SCL 5" in e for e in ours.evidence)
    assert "X-MS-Exchange-CrossTenant-* (2)" in theirs.value and "Transport-EndToEndLatency" in theirs.value
    # -v: every field on its own row, names as the check wrote them.
    assert [row.name for row in field_rows(report, verbose=True)] == [f.name for f in report.fields]


def test_a_forged_field_is_never_folded_into_a_row() -> None:
    report = run((SAMPLES / "planted-authres.eml").read_bytes())
    forged = [f.name for f in report.fields if f.label is Label.FORGED]
    assert forged
    names = {row.name for row in field_rows(report) if not row.collapsed}
    assert set(forged) <= names
    assert [f.name for f in summarize(report).forged] == forged


def test_identical_neighbours_collapse_but_every_member_is_kept() -> None:
    report = run((SAMPLES / "flabbia.eml").read_bytes())
    rows = field_rows(report)
    assert sum(len(row.members) for row in rows) == len(report.fields)
    spam = next(row for row in rows if row.collapsed)
    assert spam.name == "header: 3 fields" and "X-Antivirus-Status[0]" in spam.value


def test_the_reason_is_one_line_and_goes_past_an_introduction() -> None:
    finding = Finding("received[4]", "v", Label.FORGED, ("it contradicts the record:", "dated after its successor"),
                      "received-chain")
    assert one_line_reason(finding) == "it contradicts the record: dated after its successor"
    long = finding._replace(evidence=("word " * 200,))
    assert len(one_line_reason(long)) <= 282 and one_line_reason(long).endswith(" …")


def test_the_boundary_line_names_the_provider_edge_and_the_entry_client() -> None:
    line = summarize(run(M365.encode())).boundary
    assert line.startswith("received by Microsoft 365 / Exchange Online / Outlook.com (edge received[2])")
    assert "trust ends at received[2] by BN1PEPF00001234.mail.protection.outlook.com" in line
    assert "198.51.100.7" in line
    # No hops: the boundary's own explanation says why nothing is trusted.
    bare = run(b"From: a@example.net\n\nhi\n")
    assert summarize(bare).boundary == bare.boundary.explanation


def _incomplete(report: Report) -> Report:
    crashed = Finding("check:from", "", Label.UNVERIFIABLE, ("the check crashed",), "from", Basis.NOT_EXAMINED)
    return report._replace(fields=(*report.fields, crashed), not_examined=("check:from",))


def test_an_incomplete_report_says_what_was_not_examined() -> None:
    report = _incomplete(run(build("From: a@example.net\nSubject: s\n")))
    console = Console(record=True, width=80, file=io.StringIO(), color_system=None)
    print_report(report, console)
    text = console.export_text()
    assert "not examined: check:from (the report is incomplete)" in text
    assert "unverifiable (not examined)" in text
    assert "- **Not examined:** `check:from` (the report is incomplete)" in markdown.render(report)
    assert basis_note(Basis.CHECKED) == ""
