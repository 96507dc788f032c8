"""ruff and mypy (strict) are part of the test command, so CI and a developer run the same gate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "mailcheck", "tests", "benchmarks"],
        [sys.executable, "-m", "mypy", "mailcheck", "tests", "benchmarks"],
    ],
    ids=["ruff", "mypy"],
)
def test_linters_pass(command: list[str]) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
