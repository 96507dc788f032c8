"""Scan on a hostile file system (issue 11 item 6): link loops, FIFOs and devices are listed, never
read, and the scan goes on; a file read as one message is capped in size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support.archives import mbox, mbox_entry, message, write

from mailcheck.commands.scan import sources
from mailcheck.commands.scan.sources import Item, items

TIMEOUT = 30  # seconds: a FIFO opened for reading would block forever


def collect(path: Path) -> list[Item]:
    """items(path), failing (not hanging) if the walk blocks."""
    found: list[Item] = []
    failure: list[BaseException] = []

    def walk() -> None:
        try:
            found.extend(items(str(path)))
        except BaseException as exc:  # handed to the test thread, which reports it
            failure.append(exc)

    worker = threading.Thread(target=walk, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    assert not worker.is_alive(), f"the scan of {path} blocked"
    assert not failure, failure
    return found


def hostile_tree(root: Path) -> None:
    """A folder and a Maildir, each with good messages among a link loop, FIFOs and a link to a device."""
    write(root / "folder" / "a.eml", message(1))
    os.symlink("loop", root / "folder" / "loop")  # points at itself: ELOOP
    os.symlink(root / "folder" / "l2", root / "folder" / "l1")
    os.symlink(root / "folder" / "l1", root / "folder" / "l2")
    os.mkfifo(root / "folder" / "pipe")
    os.mkfifo(root / "folder" / "fifo-target")
    os.symlink(root / "folder" / "fifo-target", root / "folder" / "to-fifo.eml")
    os.symlink("/dev/zero", root / "folder" / "zero.eml")
    write(root / "folder" / "z.eml", message(2))
    for sub in ("cur", "new", "tmp"):
        (root / "md" / sub).mkdir(parents=True)
    write(root / "md" / "cur" / "1", message(3))
    os.mkfifo(root / "md" / "cur" / "2")
    os.symlink("/dev/zero", root / "md" / "new" / "3")
    write(root / "md" / "new" / "4", message(4))


def test_bad_entries_are_listed_and_the_walk_goes_on(tmp_path: Path) -> None:
    hostile_tree(tmp_path)
    found = collect(tmp_path / "folder")
    assert [i.data for i in found if i.data is not None] == [message(1), message(2)]
    reasons = {Path(i.path).name: i.error or "" for i in found if i.data is None}
    assert "symbolic links" in reasons["loop"] and "symbolic links" in reasons["l1"]
    assert "a FIFO" in reasons["to-fifo.eml"]
    assert "character device" in reasons["zero.eml"]
    assert "not a regular file" in reasons["pipe"] and "not a regular file" in reasons["fifo-target"]
    md = collect(tmp_path / "md")
    assert [i.data for i in md if i.data is not None] == [message(3), message(4)]
    md_reasons = {Path(i.path).name: i.error or "" for i in md if i.data is None}
    assert "a FIFO" in md_reasons["2"] and "character device" in md_reasons["3"]
    assert all(not i.skipped for i in md if i.data is None)  # a Maildir entry is an unreadable message


def test_a_single_message_file_over_the_cap_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MESSAGE_CAP", 1000)
    big = message(1) + b"x" * 2000 + b"\n"
    write(tmp_path / "big.eml", big)
    write(tmp_path / "small.eml", message(2))
    archive = mbox([mbox_entry(message(3) + b"y" * 900 + b"\n"), mbox_entry(message(4) + b"y" * 900 + b"\n")])
    write(tmp_path / "box.mbox", archive)  # streamed, so larger than the cap in total and still read
    found = collect(tmp_path)
    by_name = {Path(i.path).name: i for i in found if i.data is None}
    assert "too large to examine" in (by_name["big.eml"].error or "")
    assert by_name["big.eml"].size == len(big)
    assert sum(1 for i in found if i.data is not None) == 3


def test_scan_command_survives_the_hostile_tree(tmp_path: Path) -> None:
    hostile_tree(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "mailcheck", "scan", "--offline", "--now", "2026-11-20T00:00:00Z",
         "-o", str(tmp_path / "out.jsonl"), str(tmp_path / "folder"), str(tmp_path / "md")],
        capture_output=True, timeout=TIMEOUT * 4, check=False)
    assert b"Traceback" not in run.stderr, run.stderr.decode()
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines() if line.strip()]
    assert sum(1 for r in lines if r["verdict"] != "error") == 4, lines
    errors = {Path(r["source"]).name: r["error"] for r in lines if r["verdict"] == "error"}
    assert set(errors) == {"loop", "l1", "l2", "to-fifo.eml", "zero.eml", "2", "3"}
    assert "a FIFO" in errors["2"] and "character device" in errors["3"]
    assert "2 files skipped" in run.stdout.decode() + run.stderr.decode()  # the two FIFOs in the folder
