"""Robustness: every message of ../shared/corpora (~12,000 real and malformed ones) through `mailcheck scan`.

One record per message, none of them an analysis failure (a crash, or a message over its time
limit), and no check crashing on any of them. Skipped when ../shared is absent (users clone only
the project); CI always has it.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.messages import SHARED

from mailcheck.cli import cli
from mailcheck.commands.scan.sources import items

CORPORA = SHARED / "corpora"
pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason=f"{CORPORA} is absent (only in a full checkout)")


def test_every_corpus_message_gets_one_record_and_none_crashes(tmp_path: Path) -> None:
    expected = [(i.path, i.offset) for i in items(str(CORPORA)) if not i.skipped]
    out = tmp_path / "corpus.jsonl"
    began = time.monotonic()
    result = CliRunner().invoke(cli, ["scan", "--offline", "--jobs", "2", "--now", "2026-11-20T00:00:00Z",
                                      "--output", str(out), str(CORPORA)])
    seconds = time.monotonic() - began
    assert result.exit_code in (0, 1), result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    print(f"{len(records):,} corpus messages scanned in {seconds:.0f} s")  # shown with pytest -s
    assert [(r["position"]["path"], r["position"]["offset"]) for r in records] == expected
    by_folder = Counter(Path(r["position"]["path"]).relative_to(CORPORA).parts[0] for r in records)
    assert by_folder["spamassassin-publiccorpus"] == 6294
    assert by_folder["nazario-phishing"] == 414 + 456
    # Patchwork's fuzz inputs with NUL bytes in the header are no mail (parse/recognise_input.py): listed, not analysed.
    not_mail = [r["source"] for r in records if r.get("error", "").startswith("the input is not a mail message")]
    assert all("/patchwork/tests/data/fuzz/" in source for source in not_mail)
    records = [r for r in records if r["source"] not in not_mail]
    failed = [(r["source"], r["error"]) for r in records if "error" in r]
    assert failed == []
    crashed = [(r["source"], e) for r in records for e in r["errors"] if " crashed: " in e]
    assert crashed == []
    assert all(r["fields"] and r["verdict"] in ("validated", "forged", "unverifiable") for r in records)
