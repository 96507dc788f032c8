"""The terminal report and the scan summary: file names cannot drive the terminal; any locale works."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from mailcheck.commands.scan.tally import Tally
from mailcheck.reporters.summary import print_summary

MESSAGE = (b"Received: from a (a [192.0.2.3]) by mx.ours.example; Mon, 22 Jul 2002 16:10:03 +0100\n"
           b"From: a@example.com\nSubject: hi\n\nbody\n")
CSI = b"\x9b"  # 8-bit CSI: ESC [ in one byte on terminals that read C1 controls


def _mailcheck(args: list[bytes], encoding: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "100"}
    return subprocess.run([os.fsencode(sys.executable), b"-m", b"mailcheck", *args], env=env, cwd=cwd,
                          capture_output=True, timeout=120, check=False)


def test_the_report_title_escapes_a_raw_byte_of_the_file_name(tmp_path: Path) -> None:
    path = os.path.join(os.fsencode(tmp_path), b"evil" + CSI + b"2J.eml")
    Path(os.fsdecode(path)).write_bytes(MESSAGE)
    done = _mailcheck([b"--offline", path], "utf-8")
    assert done.returncode == 0, done.stderr
    assert CSI not in done.stdout
    assert b"evil\\x9b2J.eml" in done.stdout.splitlines()[0]


def test_an_ascii_stdout_gets_escapes_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(MESSAGE)
    done = _mailcheck([b"--offline", os.fsencode(path)], "ascii")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"verdict: UNVERIFIABLE \\u2014" in done.stdout
    done.stdout.decode("ascii")


def test_the_scan_summary_escapes_a_skipped_file_name(tmp_path: Path) -> None:
    (tmp_path / "good.eml").write_bytes(MESSAGE)
    bad = os.path.join(os.fsencode(tmp_path), b"x" + CSI + b"\xe2\x80\xae.txt")  # 0x9b and U+202E
    with open(bad, "wb") as handle:
        handle.write(b"\x00\x01 not a message\n")
    # A relative path keeps the name short enough not to be folded across table lines.
    done = _mailcheck([b"scan", b"--offline", b"--jobs", b"1", b"--no-progress", b"."], "ascii", cwd=tmp_path)
    assert b"Traceback" not in done.stderr
    assert CSI not in done.stdout and b"\xe2\x80\xae" not in done.stdout
    assert b"x\\x9b\\u202e.txt" in done.stdout
    done.stdout.decode("ascii")


def test_summary_listing_escapes_surrogate_escaped_names() -> None:
    tally = Tally()
    tally.failures.append((os.fsdecode(b"box/cur/a" + CSI + b"b"), "unreadable\u2028second line"))
    tally.failure_count = 1
    out = io.StringIO()
    print_summary(tally, Console(file=out, width=200, highlight=False, color_system=None))
    text = out.getvalue()
    assert "a\\x9bb" in text and "\\u2028" in text
    assert not any("\udc80" <= c <= "\udcff" or c == "\u2028" for c in text)
