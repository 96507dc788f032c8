"""benchmarks/filter_startup.py's "installed" interpreter, whose rows are the headline figures: it must find the
dependencies, run the tree PYTHONPATH names, and not load an editable install's finder (~20 ms a process)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("filter_startup", ROOT / "benchmarks" / "filter_startup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_installed_interpreter_runs_the_tree_without_an_editable_finder(tmp_path: Path) -> None:
    python = benchmark().installed_python(tmp_path / "installed")
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    code = "import sys, dns, selectolax, mailcheck; print(mailcheck.__file__); print(*sys.modules, sep='\\n')"
    done = subprocess.run([str(python), "-c", code], cwd=cwd, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                          capture_output=True, text=True, check=True)
    first, *modules = done.stdout.splitlines()
    assert Path(first).is_relative_to(ROOT / "mailcheck")
    assert [m for m in modules if m.startswith("__editable__")] == []
