"""One wall-clock limit per message (commands/budget.py) for `mailcheck FILE`, filter and scan alike."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mailcheck.checks import subject
from mailcheck.cli import cli
from mailcheck.commands.budget import BudgetExceeded, time_limit
from mailcheck.commands.common import EXIT_INCOMPLETE
from mailcheck.model import Finding

MSG = b"From: alice@example.com\nTo: bob@example.org\nSubject: x\n\nhi\n"


def _slow(facts: Any, ctx: Any) -> Iterator[Finding]:
    time.sleep(30)  # a check stuck for longer than any budget below; the alarm must end it
    yield from ()


def test_the_limit_stops_a_slow_block_and_restores_the_handler() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(BudgetExceeded), time_limit(0.05) as enforced:
        assert enforced
        time.sleep(5)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_limit_and_a_fast_block_are_left_alone() -> None:
    with time_limit(None) as enforced:
        assert not enforced
    with time_limit(5) as enforced:
        assert enforced
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_outside_the_main_thread_the_limit_is_not_enforced() -> None:
    seen: list[bool] = []

    def body() -> None:
        with time_limit(0.01) as enforced:
            seen.append(enforced)

    worker = threading.Thread(target=body)
    worker.start()
    worker.join()
    assert seen == [False]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_one_message_out_of_time_says_so_and_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     fmt: str) -> None:
    monkeypatch.setattr(subject, "run", _slow)
    path = tmp_path / "m.eml"
    path.write_bytes(MSG)
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--offline", "--budget", "0.5", "--format", fmt, str(path)])
    assert time.monotonic() - started < 25  # stopped by the budget, not by the check finishing
    assert result.exit_code == EXIT_INCOMPLETE == 3
    assert "Traceback" not in result.output
    assert "the time budget of 0.5 s ran out before the analysis finished" in result.output
    if fmt == "json":
        record = json.loads(result.output.splitlines()[0])
        assert (record["verdict"], record["source"]) == ("error", str(path))
    else:
        assert "verdict error (incomplete)" in result.output


def test_one_message_within_its_budget_is_reported_as_before(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(MSG)
    result = CliRunner().invoke(cli, ["--offline", "--budget", "60", "--format", "json", str(path)])
    assert result.exit_code == 0 and json.loads(result.output)["verdict"] == "unverifiable"


def test_scan_stops_a_slow_message_through_the_same_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subject, "run", _slow)
    path = tmp_path / "m.eml"
    path.write_bytes(MSG)
    result = CliRunner().invoke(cli, ["scan", "--offline", "--jobs", "1", "--message-timeout", "0.5",
                                      "--format", "jsonl", str(path)])
    record = json.loads(result.output.splitlines()[0])
    assert record["verdict"] == "error" and "took longer than 0.5 s" in record["error"]


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "86401", "1e300"])
def test_scan_refuses_a_message_timeout_that_is_no_usable_number(tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(cli, ["scan", "--offline", "--message-timeout", value, str(tmp_path)])
    assert result.exit_code == 2
    assert "--message-timeout must be a finite number at least 0 and at most 86400 (got " in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("value", ["0", "0.5", "86400"])
def test_scan_accepts_a_message_timeout_in_range(tmp_path: Path, value: str) -> None:
    (tmp_path / "m.eml").write_bytes(MSG)
    result = CliRunner().invoke(cli, ["scan", "--offline", "--jobs", "1", "--message-timeout", value, str(tmp_path)])
    assert result.exit_code == 0, result.output
