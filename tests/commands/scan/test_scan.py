"""`mailcheck scan` end to end: JSON records equal `mailcheck FILE --format json`, exit codes, output places."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from support.archives import mbox, mbox_entry, message, write
from support.messages import ROOT, SAMPLES

import mailcheck.commands.scan.cli
from mailcheck.cli import cli

NOW = "2026-11-20T00:00:00Z"  # both commands get the same clock, so date checks agree


def scan(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["scan", "--offline", "--now", NOW, *args], input=input)


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def check_json(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["check", "--offline", "--now", NOW, "--format", "json", str(path)])
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "mail"
    for sample in sorted(SAMPLES.glob("*.eml")):
        write(root / sample.name, sample.read_bytes())
    return root


def test_records_are_check_json_plus_position(folder: Path) -> None:
    result = scan("--format", "jsonl", str(folder))
    found = records(result.stdout)
    files = sorted(folder.glob("*.eml"))
    assert len(found) == len(files) >= 4
    for index, (record, path) in enumerate(zip(found, files, strict=True)):
        position = record.pop("position")
        assert position == {"source": str(folder), "index": index, "path": str(path), "offset": 0}
        assert record == check_json(path)


def test_mbox_records_equal_check_of_each_message_cut_out(tmp_path: Path) -> None:
    samples = sorted(SAMPLES.glob("*.eml"))
    entries = [mbox_entry(p.read_bytes()) for p in samples]
    archive = write(tmp_path / "all.mbox", mbox(entries))
    result = scan("--format", "jsonl", "--jobs", "2", "--chunk", "1", str(archive))
    found = records(result.stdout)
    assert [r["position"]["index"] for r in found] == list(range(len(samples)))
    raw = archive.read_bytes()
    for n, record in enumerate(found):
        position = record.pop("position")
        cut = write(tmp_path / f"{n}.eml", raw[position["offset"]:position["offset"] + len(entries[n])])
        assert cut.read_bytes() == entries[n]
        expected = check_json(cut)
        assert record["source"] == f"{archive}#{n}"
        expected["source"] = record["source"]
        assert record == expected


def test_exit_status_follows_the_verdicts(tmp_path: Path, folder: Path) -> None:
    assert scan(str(folder)).exit_code == 1  # flabbia.eml is forged
    clean = write(tmp_path / "clean" / "clean.eml", (SAMPLES / "clean.eml").read_bytes())
    assert scan(str(clean.parent)).exit_code == 0
    assert scan(str(tmp_path / "missing.mbox")).exit_code == 2
    os.symlink(tmp_path / "gone", tmp_path / "dangling.mbox")
    assert scan(str(tmp_path / "dangling.mbox")).exit_code == 2
    assert scan("--format", "summary", "--output", str(tmp_path / "x.jsonl"), str(folder)).exit_code == 2
    assert scan("-", "-", input=b"").exit_code == 2
    bad_resolver = CliRunner().invoke(cli, ["scan", "--resolver", "not-an-ip", str(folder)])
    assert bad_resolver.exit_code == 2 and "not-an-ip" in bad_resolver.output


def test_a_broken_message_becomes_an_error_record_and_the_scan_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mailcheck.pipeline

    real = mailcheck.pipeline.analyze

    def fragile(raw: bytes, ctx: Any, source: str = "-") -> Any:
        if b"Subject: message 1\n" in raw:
            raise RuntimeError("boom")
        return real(raw, ctx, source)

    monkeypatch.setattr(mailcheck.pipeline, "analyze", fragile)
    archive = write(tmp_path / "a.mbox", mbox([mbox_entry(message(n)) for n in range(3)]))
    result = scan("--format", "jsonl", "--jobs", "1", str(archive))
    found = records(result.stdout)
    assert [r["verdict"] for r in found][1] == "error"
    assert "RuntimeError: boom" in found[1]["error"] and found[1]["position"]["index"] == 1
    assert found[0]["fields"] and found[2]["fields"]
    assert "could not be read or analysed" in result.stderr and "boom" in result.stderr


def test_unreadable_and_skipped_files_are_listed_in_the_summary(tmp_path: Path) -> None:
    write(tmp_path / "a.eml", message(1))
    os.symlink(tmp_path / "deleted.eml", tmp_path / "b.eml")
    write(tmp_path / "notes.txt", b"just some notes\n")
    result = scan(str(tmp_path))
    assert result.exit_code == 0
    out = result.stdout
    assert "scanned 2 messages" in out and "1 files skipped" in out
    assert "b.eml" in out and "No such file" in out and "notes.txt" in out
    jsonl = scan("--format", "jsonl", str(tmp_path))
    assert [r.get("error", "")[:12] for r in records(jsonl.stdout)] == ["", "cannot read:"]


def test_where_output_goes(tmp_path: Path, folder: Path) -> None:
    default = scan(str(folder))
    assert "Verdicts" in default.stdout and default.stderr == ""
    to_stdout = scan("--format", "jsonl", str(folder))
    assert all(line.startswith("{") for line in to_stdout.stdout.splitlines())
    assert "Verdicts" in to_stdout.stderr
    target = tmp_path / "out.jsonl"
    to_file = scan("--output", str(target), str(folder))
    assert len(records(target.read_text())) == len(list(folder.glob("*.eml"))) and "Verdicts" in to_file.stdout


def test_no_progress_bar_off_a_terminal(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int | None] = []
    real = mailcheck.commands.scan.cli._progress

    def spy(console: Any, total: int | None) -> Any:
        made.append(total)
        return real(console, total)

    monkeypatch.setattr(mailcheck.commands.scan.cli, "_progress", spy)
    result = scan(str(folder))
    assert made == [] and "\x1b[" not in result.output and "\r" not in result.output
    scan("--progress", str(folder))
    assert made == [sum(p.stat().st_size for p in folder.iterdir())]  # the ETA is estimated by bytes


def test_summary_counts(folder: Path) -> None:
    out = scan(str(folder)).stdout
    assert f"scanned {len(list(folder.glob('*.eml')))} messages" in out
    assert "forged" in out and "Most frequent forged findings" in out
    assert "Field labels" in out and "received" in out


def test_stdin_mbox(tmp_path: Path) -> None:
    entries = [mbox_entry(message(n)) for n in range(3)]
    result = scan("--format", "jsonl", "-", input=mbox(entries))
    found = records(result.stdout)
    assert [r["source"] for r in found] == ["<stdin>#0", "<stdin>#1", "<stdin>#2"]
    assert [r["position"]["source"] for r in found] == ["<stdin>"] * 3


@pytest.mark.parametrize("after_bytes", [1, 20_000, 400_000])  # while the pool starts, early, midway
def test_ctrl_c_stops_workers_and_prints_a_partial_summary(tmp_path: Path, after_bytes: int) -> None:
    archive = write(tmp_path / "big.mbox", mbox([mbox_entry(message(n, "Hello.\n" * 200)) for n in range(6000)]))
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "mailcheck", "scan", "--offline", "--jobs", "2",
                             "--output", str(out), str(archive)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=tmp_path, preexec_fn=_default_sigint)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < after_bytes) and time.monotonic() < deadline:
        time.sleep(0.05)
    descendants = _descendants(proc.pid)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr.decode()
    text = stdout.decode()
    assert "interrupted after" in text and "Interrupted (Ctrl-C)" in text
    assert "Traceback" not in stderr.decode()
    assert len(out.read_text().splitlines()) < 6000
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in descendants) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in descendants)


def _default_sigint() -> None:
    # A test runner started in the background inherits SIGINT ignored (shells do that for `cmd &`),
    # and Python keeps an ignored SIGINT ignored: give the scan the terminal's default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    kids = [int(p) for p in handle.read().split()]
                found += kids
                todo += kids
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
