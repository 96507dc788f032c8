"""`scan --fields`: shaped records from the real command, the same at any --jobs and on the Dask engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from support.archives import mbox, mbox_entry, write
from support.messages import SAMPLES

from mailcheck.cli import cli
from mailcheck.reporters.record_shape import PARTS
from mailcheck.reporters.schema import report_schema

NOW = "2026-11-20T00:00:00Z"
CORE = {"schema", "omitted", "source", "verdict", "verdict_reason", "fields", "errors", "position"}
VALIDATOR = jsonschema.Draft202012Validator(report_schema())


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["scan", "--offline", "--now", NOW, "--no-progress", *args])
    return result.exit_code, result.stdout


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The samples as one mbox, and a file that is no mail after all (an error record) beside it."""
    entries = [mbox_entry(p.read_bytes()) for p in sorted(SAMPLES.glob("*.eml"))]
    write(tmp_path / "in" / "samples.mbox", mbox(entries))
    write(tmp_path / "in" / "binary.eml", b"From: a@example.net\nSubject: \x00\x01\x02\n\nbody\n")
    return tmp_path / "in"


def run(archive: Path, out: Path, *args: str) -> list[dict[str, Any]]:
    code, summary = scan("-o", str(out), *args, str(archive))
    assert code == 1, summary  # the samples hold forged messages
    return records(out)


def test_compact_keeps_the_core_every_label_and_every_forged_field_whole(archive: Path, tmp_path: Path) -> None:
    full = run(archive, tmp_path / "full.jsonl")
    compact = run(archive, tmp_path / "compact.jsonl", "--fields", "compact")
    assert len(compact) == len(full) >= 8
    forged = 0
    for small, whole in zip(compact, full, strict=True):
        if whole["verdict"] == "error":  # error records are the same in every shape
            assert small == whole
            continue
        assert VALIDATOR.is_valid(small), small["source"]
        assert small["omitted"] == ["hops", "boundary", "continuum", "fields.value", "fields.check", "fields.evidence"]
        assert set(small) == CORE | {"tool", "settings"}
        assert all(small[k] == whole[k] for k in small if k not in ("omitted", "fields"))
        assert len(small["fields"]) == len(whole["fields"])
        for kept, field in zip(small["fields"], whole["fields"], strict=True):
            if field["label"] == "forged":
                forged += 1
                assert kept == field
            else:
                assert kept == {"name": field["name"], "label": field["label"], "basis": field["basis"]}
    assert forged and any(r["verdict"] == "error" for r in full)
    assert (tmp_path / "compact.jsonl").stat().st_size * 3 < (tmp_path / "full.jsonl").stat().st_size


def test_full_and_every_part_are_the_default_record_byte_for_byte(archive: Path, tmp_path: Path) -> None:
    default = tmp_path / "default.jsonl"
    run(archive, default)
    for spec in ("full", ",".join(PARTS), "minimal," + ",".join(PARTS)):
        shaped = tmp_path / "shaped.jsonl"
        run(archive, shaped, "--fields", spec)
        assert shaped.read_bytes() == default.read_bytes(), spec


def test_parts_are_added_to_the_core(archive: Path, tmp_path: Path) -> None:
    full = {r["source"]: r for r in run(archive, tmp_path / "full.jsonl")}
    for record in run(archive, tmp_path / "hops.jsonl", "--fields", "minimal, hops ,fields.evidence"):
        if record["verdict"] == "error":
            continue
        assert set(record) == CORE | {"hops"} and VALIDATOR.is_valid(record)
        assert record["hops"] == full[record["source"]]["hops"]
        assert "settings" in record["omitted"] and "hops" not in record["omitted"]
        assert all(set(f) == {"name", "label", "evidence"} for f in record["fields"] if f["label"] != "forged")


def test_shaped_records_are_the_same_at_any_jobs(archive: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    two = tmp_path / "two.jsonl"
    run(archive, one, "--fields", "compact", "--jobs", "1")
    run(archive, two, "--fields", "compact", "--jobs", "2", "--chunk", "1")
    assert one.read_bytes() == two.read_bytes()


def test_shaped_records_are_the_same_on_a_dask_cluster(archive: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    pool = tmp_path / "pool.jsonl"
    dask = tmp_path / "dask.jsonl"
    run(archive, pool, "--fields", "compact,hops", "--jobs", "2")
    run(archive, dask, "--fields", "compact,hops", "--engine", "dask", "--jobs", "2", "--chunk", "3")
    assert pool.read_bytes() == dask.read_bytes()


@pytest.mark.parametrize(("args", "says"), [
    (["--format", "jsonl", "--fields", "compact,bogus"], "'bogus' is not a record part: choose from full, compact"),
    (["--format", "jsonl", "--fields", "compact,"], "an empty part"),
    (["--fields", "compact"], "--fields shapes the JSON records"),
    (["--format", "summary", "--fields", "full"], "--fields shapes the JSON records"),
])
def test_what_fields_refuses(archive: Path, args: list[str], says: str) -> None:
    result = CliRunner().invoke(cli, ["scan", "--offline", *args, str(archive)])
    assert result.exit_code == 2 and says in result.output, result.output
