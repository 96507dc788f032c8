"""`mailcheck schema`: a valid JSON Schema that every record mailcheck writes satisfies (jsonschema)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support.filtermode import ROOT, SAMPLES, SHARED

from mailcheck import Context, analyze
from mailcheck.reporters.json import SCHEMA, report_dict
from mailcheck.reporters.schema import report_schema

CORPORA = SHARED / "corpora"
PER_CORPUS = 12  # messages from each corpus, spread over it
VALIDATOR = jsonschema.Draft202012Validator(report_schema())


def errors(record: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(record)]


def test_the_schema_is_a_valid_draft_2020_12_schema_and_the_command_prints_it() -> None:
    jsonschema.Draft202012Validator.check_schema(report_schema())
    printed = subprocess.run([sys.executable, "-m", "mailcheck", "schema"], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout
    assert json.loads(printed) == report_schema()


def test_every_sample_report_is_valid_and_carries_version_and_settings() -> None:
    ctx = Context(trusted=("192.0.2.0/24",), now=datetime(2026, 12, 1, tzinfo=UTC))
    samples = sorted(SAMPLES.glob("*.eml"))
    assert samples
    for path in samples:
        record = report_dict(analyze(path.read_bytes(), ctx, str(path)))
        assert errors(record) == [], path.name
        assert record["schema"] == SCHEMA and record["tool"]["name"] == "mailcheck"
        assert record["settings"]["trusted"] == ["192.0.2.0/24"]
        assert record["settings"]["now"] == "2026-12-01T00:00:00+00:00" and record["settings"]["offline"] is True


def test_scan_records_and_error_records_are_valid(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(SAMPLES.glob("*.eml"))[:4]:
        (folder / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out.jsonl"
    subprocess.run([sys.executable, "-m", "mailcheck", "scan", "--offline", "--no-progress", "-o", str(out),
                    str(folder)], capture_output=True, check=False, cwd=ROOT)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 4
    for record in records:
        assert errors(record) == [], record["source"]
    error = {"schema": SCHEMA, "tool": records[0]["tool"], "source": "x.mbox#3", "verdict": "error",
             "error": "the analysis took longer than 60 s and was stopped", "position": {"index": 3}}
    assert errors(error) == []
    assert errors({**records[0], "verdict": "maybe"})  # the schema does say no


def _spread(files: list[Path]) -> list[Path]:
    step = max(len(files) // PER_CORPUS, 1)
    return files[::step][:PER_CORPUS]


def test_corpus_reports_are_valid() -> None:
    if not CORPORA.is_dir():
        pytest.skip(f"{CORPORA} is absent (the shared corpora are not cloned with the project)")
    ctx = Context(now=datetime(2026, 12, 1, tzinfo=UTC))
    checked = 0
    for corpus in sorted(p for p in CORPORA.iterdir() if p.is_dir()):
        files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.stat().st_size < 2_000_000)
        for path in _spread(files):
            record = report_dict(analyze(path.read_bytes(), ctx, str(path)))
            assert errors(record) == [], path
            checked += 1
    assert checked > 100
