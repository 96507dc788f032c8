"""`mailcheck filter` as procmail and Postfix run it: a real process, stdin to stdout, exit status."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from support.filtermode import SAMPLES, VERDICTS, child_env, filter_command, run_filter, split_added, verdict_of

MSG = (b"Received: from a.example.net (a.example.net [192.0.2.1])\n\tby mx.example.org with ESMTP id 1;"
       b" Wed, 18 Nov 2026 12:00:00 +0000\nFrom: Alice <alice@example.net>\nTo: bob@example.org\n"
       b"Subject: hi\nDate: Wed, 18 Nov 2026 11:59:58 +0000\nMessage-ID: <1@example.net>\n\nHi.\n")
NO_HOPS = b"From: alice@example.com\nTo: bob@example.org\nSubject: x\n\nhi\n"


def labels(out: bytes) -> str:
    added, _ = split_added(out)
    fields = [f for f in added if f.startswith(b"X-Mailcheck:")]
    assert len(fields) == 1
    return fields[0].decode().replace("\n ", " ").strip()


def test_samples_pass_through_byte_for_byte() -> None:
    paths = sorted(SAMPLES.glob("*.eml"))
    assert len(paths) >= 4  # the samples are part of the project (samples/README.md)
    for path in paths:
        raw = path.read_bytes()
        done = run_filter(raw, "--offline")
        assert done.returncode == 0, done.stderr
        assert verdict_of(done.stdout) in VERDICTS - {"error"}, (path.name, done.stderr)
        assert split_added(done.stdout)[1] == raw, path.name


def test_from_line_and_crlf() -> None:
    raw = b"From alice@example.net Wed Nov 18 12:00:00 2026\n" + MSG.replace(b"\n", b"\r\n")
    done = run_filter(raw, "--offline")
    assert done.returncode == 0
    first, second = done.stdout.split(b"\n", 2)[:2]
    assert first == b"From alice@example.net Wed Nov 18 12:00:00 2026"
    assert second.startswith(b"X-Mailcheck-Verdict: ") and second.endswith(b"\r")
    assert split_added(done.stdout)[1] == raw


def test_authentication_results_with_authserv_id() -> None:
    done = run_filter(MSG, "--offline", "--authserv-id", "mx.example.org")
    added, rest = split_added(done.stdout)
    assert rest == MSG
    assert [f.split(b":")[0] for f in added] == [b"X-Mailcheck-Verdict", b"Authentication-Results",
                                                 b"X-Mailcheck"]
    assert added[1] == b"Authentication-Results: mx.example.org; none\n"  # offline: no method ran


def test_postfix_environment_is_the_entry_hops_evidence() -> None:
    without = run_filter(NO_HOPS, "--offline")
    assert "client-ip=unverifiable" in labels(without.stdout)
    env = child_env(CLIENT_ADDRESS="192.0.2.7", CLIENT_HELO="mail.example.com", SENDER="alice@example.com")
    with_env = run_filter(NO_HOPS, "--offline", env=env)
    assert "client-ip=validated" in labels(with_env.stdout)  # the address Postfix saw in TCP
    assert split_added(with_env.stdout)[1] == NO_HOPS


@pytest.mark.parametrize("args,why", [
    (["--bogus"], "usage error"),
    (["--budget", "soon"], "usage error"),
    (["--offline", "--now", "yesterday"], "usage error"),
    (["--offline", "--authserv-id", "not a token"], "authserv-id"),
    (["--offline", "--budget", "0.000001"], "time budget"),
])
def test_fails_open(args: list[str], why: str) -> None:
    done = run_filter(MSG, *args)
    assert done.returncode == 0
    assert verdict_of(done.stdout) == "error"
    assert why in labels(done.stdout)
    assert split_added(done.stdout)[1] == MSG
    assert done.stderr.startswith(b"mailcheck filter: ") or b"Error" in done.stderr


def test_bad_config_file_fails_open(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("trusted = 'not a list'\n")
    done = run_filter(MSG, "--offline", "--config", str(config))
    assert done.returncode == 0 and verdict_of(done.stdout) == "error"
    assert split_added(done.stdout)[1] == MSG


@pytest.mark.parametrize("raw", [b"", b"\x00\x01\x02binary\xff", b"no header here\n"])
def test_input_that_is_no_message(raw: bytes) -> None:
    done = run_filter(raw, "--offline")
    assert done.returncode == 0
    assert verdict_of(done.stdout) == "error"
    assert split_added(done.stdout)[1] == raw


def test_help_is_clicks() -> None:
    done = subprocess.run([*filter_command(), "--help"], capture_output=True, env=child_env(), timeout=60,
                          check=False)
    assert done.returncode == 0
    assert b"fails open" in done.stdout and b"--authserv-id" in done.stdout


def test_unreadable_stdin_writes_what_it_has_and_exits_75(tmp_path: Path) -> None:
    fd = os.open(tmp_path / "w", os.O_WRONLY | os.O_CREAT)  # reading a write-only descriptor fails (EBADF)
    try:
        done = subprocess.run([*filter_command(), "--offline"], stdin=fd, capture_output=True,
                              env=child_env(), timeout=60, check=False)
    finally:
        os.close(fd)
    assert done.returncode == 75
    assert verdict_of(done.stdout) == "error"
    assert b"could not be read" in done.stdout


def test_closed_stdout_exits_non_zero() -> None:
    proc = subprocess.Popen([*filter_command(), "--offline"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env())
    assert proc.stdout is not None and proc.stdin is not None and proc.stderr is not None
    proc.stdout.close()  # the reader went away: procmail's `w` then keeps its own copy
    proc.stdin.write(MSG * 2000)
    proc.stdin.close()
    assert proc.wait(timeout=60) == 74
    assert b"stdout was closed" in proc.stderr.read()
    proc.stderr.close()


STUCK = """
import hashlib, sys
import mailcheck.pipeline
import mailcheck.commands.filter.run as filter_run
from mailcheck.commands.settings import Settings

def stuck(raw, ctx, source="-"):
    hashlib.pbkdf2_hmac("sha256", b"x", b"y", 10**9)  # minutes inside OpenSSL: no signal handler runs

mailcheck.pipeline.analyze = stuck
filter_run.HARD_STOP_GRACE = 0.5
sys.exit(filter_run.run(Settings(offline=True, budget=0.2)))
"""


def test_analysis_stuck_in_c_code_is_ended_without_output() -> None:
    # The alarm's Python handler cannot interrupt C code; faulthandler's own thread ends the process
    # (status 1, nothing written), and procmail's `w` flag keeps the original message.
    done = subprocess.run([filter_command()[0], "-c", STUCK], input=MSG, capture_output=True,
                          env=child_env(), timeout=60, check=False)
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"Timeout" in done.stderr
