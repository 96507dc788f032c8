"""The library face: `from mailcheck import analyze, Context, Settings, Report`, and the README's example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import mailcheck

ROOT = Path(__file__).resolve().parents[1]

# The README's five-line example, as a reader would paste it into a fresh interpreter.
EXAMPLE = """\
from pathlib import Path
from mailcheck import Context, analyze

report = analyze(Path("samples/clean.eml").read_bytes(), Context())  # Context(): offline, no probes
print(report.verdict.value, "-", report.verdict_reason)
"""


def test_the_readme_example_runs_in_a_fresh_interpreter() -> None:
    # A fresh process, as a user's script would be: the lazy exports must resolve on first use.
    done = subprocess.run([sys.executable, "-c", EXAMPLE], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("unverifiable - nothing forged, and neither From nor the envelope sender could be "
                           "validated\n")


def test_the_exports_are_the_package_types() -> None:
    from mailcheck.commands.settings import Settings
    from mailcheck.context import Context
    from mailcheck.model import Report

    assert (mailcheck.Context, mailcheck.Settings, mailcheck.Report) == (Context, Settings, Report)
    assert sorted(mailcheck.__all__) == ["Context", "Report", "Settings", "analyze"]
    assert set(mailcheck.__all__) <= set(dir(mailcheck))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        mailcheck.no_such_name  # noqa: B018


def test_importing_the_cli_loads_none_of_the_exports() -> None:
    # procmail starts a process per message: `import mailcheck.cli` must stay as cheap as it was.
    probe = "import sys, mailcheck.cli; print(sorted(m for m in sys.modules if m.startswith('mailcheck')))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    assert done.stdout.strip() == "['mailcheck', 'mailcheck.cli']"
