"""--format markdown (issue 10 item 2): the findings block, pipe tables that message text cannot break, no
links or images planted by the sender, the Received chain with signed delays and the boundary marked."""

from __future__ import annotations

import re
import subprocess
import sys

from markdown_it import MarkdownIt
from support.messages import SAMPLES, build, run

from mailcheck.reporters.markdown import code, md_text, render

# CommonMark with GFM tables and strike-through: what GitHub and GitLab parse a ticket comment with.
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = ("| [click](http://evil.example/x) ![img](http://evil.example/i.png) <script>alert(1)</script> "
           "`tick` ``two`` &#x202e; **bold** ~~gone~~ @octocat www.evil.example $x$ #1 next\u202eline\x07")


def sample(name: str) -> str:
    return render(run((SAMPLES / name).read_bytes()))


def _tables(html: str) -> list[str]:
    return re.findall(r"<table>.*?</table>", html, re.S)


def _cells_per_row(table: str) -> set[int]:
    return {len(re.findall(r"<t[hd][ >]", row)) for row in re.findall(r"<tr>.*?</tr>", table, re.S)}


def test_the_findings_block_comes_first() -> None:
    text = sample("flabbia.eml")
    assert text.startswith("# mailcheck report: ")
    findings, rest = text.split("## Fields", 1)
    assert "**Verdict: FORGED**" in findings
    assert "| `date` |" in findings and "| `received[2]` |" in findings
    assert "**Validated identity:** none" in findings and "**Boundary:** trust ends at received\\[1\\]" in findings
    assert "## Received chain" in rest and "## The validation continuum" in rest


def test_hostile_message_text_neither_breaks_a_table_nor_plants_links() -> None:
    raw = build(f"From: \"{HOSTILE}\" <a@example.net>\nSubject: {HOSTILE}\n")
    text = render(run(raw), verbose=True)
    html = MD.render(text)
    assert "<a " not in html and "<img" not in html and "<script" not in html and "<del>" not in html
    assert "<strong>bold" not in html
    for table in _tables(html):
        assert len(_cells_per_row(table)) == 1, table  # every row has the header's number of cells
    # The link-like tokens are inert code; @mentions too. The subject is one cell, whole.
    assert "<code>www.evil.example</code>" in html and "<code>@octocat</code>" in html
    subject = next(line for line in text.splitlines() if line.startswith("| `subject` |"))
    assert "\\u202e" in subject and "\\x07" in subject and "\u202e" not in text and "\x07" not in text
    assert "&#x202e;" not in text  # an entity would put the override back


def test_code_spans_outfence_backticks_and_escape_pipes_only_in_cells() -> None:
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b") == "`a\\|b`" and code("a|b", cell=False) == "`a|b`"
    assert md_text("see (mx.example.org), then") == "see (`mx.example.org`), then"
    assert md_text("[x](y) <b> & *z*") == "\\[x\\](y) \\<b\\> \\& \\*z\\*"


def test_received_chain_has_signed_delays_and_the_boundary() -> None:
    older = ("Received: from a.example.net (a.example.net [198.51.100.5]) by sender.example.net with ESMTP; "
             "Wed, 18 Nov 2026 12:30:00 +0000\nFrom: a@example.net\nSubject: s\n")
    text = render(run(build(older)))
    rows = [line for line in text.split("## Received chain", 1)[1].splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| # | client | by |")
    assert "**entry** ⟵ trust boundary" in rows[1]
    assert "**-30m" in rows[2] and rows[2].endswith("untrusted |")


def test_the_command_writes_markdown_and_takes_verbose() -> None:
    done = subprocess.run([sys.executable, "-m", "mailcheck", "--offline", "--format", "markdown", "-v",
                           str(SAMPLES / "flabbia.eml")], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr  # forged, as with the text report
    assert done.stdout.startswith("# mailcheck report: ") and "| `header:X-Spam[0]` |" in done.stdout
