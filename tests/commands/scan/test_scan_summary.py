"""The scan summary names the forged messages (issue 10 item 2): with their positions in the archive and their
forged fields, in the text tables, and in one Markdown or HTML document for the whole archive."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt
from support.archives import mbox, mbox_entry, message, write
from support.messages import SAMPLES

from mailcheck.cli import cli
from mailcheck.commands.scan import tally as tally_module
from mailcheck.commands.scan.tally import Outcome, Tally
from mailcheck.reporters import summary_docs

NOW = "2026-11-20T00:00:00Z"
HOSTILE = "<script>x</script>|`[l](http://evil.example)`\u202e"


def scan(*args: str) -> Result:
    return CliRunner().invoke(cli, ["scan", "--offline", "--now", NOW, *args])


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An mbox of clean messages with two forged ones (flabbia.eml) at known places; a short relative path, so
    that the text tables do not fold the names."""
    forged = (SAMPLES / "flabbia.eml").read_bytes()
    entries = [mbox_entry(message(0)), mbox_entry(forged), mbox_entry(message(2)), mbox_entry(forged)]
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "archive.mbox", mbox(entries))
    return Path("archive.mbox")


def positions(path: Path) -> dict[str, dict[str, int]]:
    found = scan("--format", "jsonl", str(path))
    return {r["source"]: r["position"] for r in map(json.loads, found.stdout.splitlines()) if r["verdict"] == "forged"}


def test_the_text_summary_lists_forged_messages_with_their_positions(archive: Path) -> None:
    result = scan(str(archive))
    assert result.exit_code == 1
    listing = result.stdout.split("Forged messages (2 of 2 shown", 1)[1]
    for name, where in positions(archive).items():
        assert name in listing and f"index {where['index']}, offset {where['offset']}" in listing
    assert "date: the time-zone offset -0060 is impossible" in " ".join(listing.split())


def test_summary_file_in_html_keeps_the_console_tables(archive: Path, tmp_path: Path) -> None:
    target = tmp_path / "summary.html"
    result = scan("--summary-file", str(target), str(archive))
    assert result.exit_code == 1 and "Verdicts" in result.stdout  # the console summary is still there
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page and "<script" not in page
    listing = page.split("<h2>Forged messages</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td><code>([^<]+)</code></td><td>(\d+)</td><td>(\d+)</td>", listing)
    assert {name: {"index": int(i), "offset": int(o)} for name, i, o in rows} == {
        name: {"index": p["index"], "offset": p["offset"]} for name, p in positions(archive).items()}
    assert "<code class=\"forged\">received[2]</code>" in page


def test_summary_format_markdown_alone_replaces_the_tables(archive: Path) -> None:
    result = scan("--summary-format", "markdown", str(archive))
    text = result.stdout
    assert text.startswith("# mailcheck scan summary") and "## Forged messages" in text and "Verdicts\n\n  " not in text
    html = MarkdownIt("commonmark").enable(["table"]).render(text)
    forged = html.split("<h2>Forged messages</h2>", 1)[1].split("</table>", 1)[0]
    assert forged.count("<tr>") == 3  # the head and the two forged messages
    assert "<code>date</code>" in forged


def test_the_suffix_chooses_the_format_and_bad_targets_are_usage_errors(archive: Path, tmp_path: Path) -> None:
    assert scan("--summary-file", str(tmp_path / "s.md"), str(archive)).exit_code == 1
    assert (tmp_path / "s.md").read_text().startswith("# mailcheck scan summary")
    assert scan("--summary-file", str(tmp_path / "s.txt"), str(archive)).exit_code == 1
    assert (tmp_path / "s.txt").read_text().startswith("scanned 4 messages")
    same = scan("--output", str(tmp_path / "x"), "--summary-file", str(tmp_path / "x"), str(archive))
    assert same.exit_code == 2 and "same file" in same.output
    assert scan("--summary-file", str(tmp_path / "missing" / "s.html"), str(archive)).exit_code == 2


def _forged(n: int, name: str = "m") -> Outcome:
    return Outcome(f"{name}#{n}", {"source": name, "index": n, "path": name, "offset": 100 * n}, 10, "forged",
                   labels=(("from", "forged"),), forged=(("from", "x"),),
                   forged_fields=(("from", f"reason {n}"),), forged_field_count=3)


def test_the_tally_keeps_a_bounded_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tally_module, "MAX_FORGED_LISTED", 3)
    tally = Tally()
    for n in range(5):
        tally.add(_forged(n))
    assert [m.name for m in tally.forged_messages] == ["m#0", "m#1", "m#2"] and tally.verdicts["forged"] == 5
    assert tally.forged_messages[1].more_fields == 2 and tally.forged_messages[1].position["offset"] == 100
    assert "2 more forged messages, counted but not listed" in summary_docs.markdown(tally)
    assert "2 more forged messages, counted but not listed" in summary_docs.html(tally)


def test_hostile_names_are_inert_in_both_documents() -> None:
    tally = Tally()
    tally.add(_forged(0, HOSTILE))
    page = summary_docs.html(tally)
    assert "<script>x" not in page and "&lt;script&gt;x" in page and "\u202e" not in page
    html = MarkdownIt("commonmark").enable(["table"]).render(summary_docs.markdown(tally))
    assert "<script>" not in html and "<a " not in html and "\u202e" not in html
    rows = re.findall(r"<tr>.*?</tr>", html.split("<h2>Forged messages</h2>", 1)[1].split("</table>", 1)[0], re.S)
    assert {len(re.findall(r"<t[hd][ >]", row)) for row in rows} == {4}  # a pipe in the name breaks no cell


def test_the_tally_keeps_a_bounded_number_of_field_families(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tally_module, "MAX_KEYS", 2)
    tally = Tally()
    position = {"source": "m", "index": 0}
    for family in ("from", "date", "x", "y", "from"):
        tally.add(Outcome("m", position, 1, "unverifiable", labels=((family, "unverifiable"), (family, "forged"))))
    assert {k: dict(v) for k, v in tally.labels.items()} == {
        "from": {"unverifiable": 2, "forged": 2}, "date": {"unverifiable": 1, "forged": 1},
        tally_module.OTHER: {"unverifiable": 2, "forged": 2}}
    assert tally_module.field_family("received[3]") == "received"
    assert tally_module.field_family("header:X-Spam[0]") == tally_module.field_family("header:x-spam[1]")
