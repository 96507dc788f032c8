"""mailcheck.parse.pattern_cache: patterns from the stored table equal re.compile's; a bad or foreign one is ignored."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # the engine under re
import importlib
import os
import pkgutil
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

import mailcheck
from mailcheck.parse import pattern_cache
from mailcheck.parse.lazy_pattern import _Pattern

ROOT = Path(__file__).resolve().parents[2]
SAMPLES: list[tuple[str | bytes, int]] = [
    (r"(?P<user>[a-z]+)@(?P<host>[a-z.]+)", re.IGNORECASE),
    (r"[^\s]+\.prod\.outlook\.com", re.IGNORECASE),
    (r"(?x) \d{1,3} (?:\.\d{1,3}){3}  # an IPv4 address", 0),
    (rb"\r?\n\r?\n", 0),
    (r"(?<![\w.@/+-])www\.[^\s<>]+", re.ASCII),
    ("[.\u3002\uff0e\uff61]", 0),
]


def _re(source: str | bytes, flags: int) -> re.Pattern[Any]:
    return re.compile(cast(Any, source), flags)  # re.compile itself, for either kind of source


@pytest.fixture()
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory and a module that has read no table yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(pattern_cache, "_table", None)
    monkeypatch.setattr(pattern_cache, "_missed", {})
    yield tmp_path


def _reload_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pattern_cache, "_table", None)  # as a new process would start


def test_patterns_equal_re_compile_before_and_after_the_table(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = [pattern_cache.compile_pattern(source, flags) for source, flags in SAMPLES]
    assert first == [_re(source, flags) for source, flags in SAMPLES]
    pattern_cache.save()
    path = pattern_cache.cache_file()
    assert path is not None and Path(path).is_file() and Path(path).parent == fresh / "mailcheck"
    _reload_table(monkeypatch)
    compiled: list[object] = []
    real = re.compile

    def counted(source: str | bytes, flags: int = 0) -> re.Pattern[Any]:
        compiled.append(source)
        return real(cast(Any, source), flags)

    monkeypatch.setattr(re, "compile", counted)
    second = [pattern_cache.compile_pattern(source, flags) for source, flags in SAMPLES]
    monkeypatch.setattr(re, "compile", real)
    assert compiled == []  # every one came from the table
    for (source, flags), pattern in zip(SAMPLES, second, strict=True):
        expected = _re(source, flags)
        assert pattern == expected  # same flags and engine code
        assert (pattern.pattern, pattern.flags, pattern.groups, dict(pattern.groupindex)) == (
            expected.pattern, expected.flags, expected.groups, dict(expected.groupindex))
    text = "Mail Bob@Example.org via www.example.com on 192.0.2.1"
    assert second[0].search(text).groupdict() == {"user": "Bob", "host": "Example.org"}  # type: ignore[union-attr]
    assert second[2].search(text) is not None and second[4].search(text) is not None


@pytest.mark.parametrize("damage", ["truncated", "checksum", "garbage", "empty", "other interpreter"])
def test_a_damaged_or_foreign_table_is_ignored(fresh: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    for source, flags in SAMPLES:
        pattern_cache.compile_pattern(source, flags)
    pattern_cache.save()
    path = Path(pattern_cache.cache_file() or "")
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif damage == "checksum":
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        monkeypatch.setattr(pattern_cache, "_interpreter", lambda: (0, "another-build", 0, 0))
    _reload_table(monkeypatch)
    assert pattern_cache._load() == {}
    assert [pattern_cache.compile_pattern(s, f) for s, f in SAMPLES] == [_re(s, f) for s, f in SAMPLES]


def test_code_the_engine_rejects_is_compiled_afresh(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, flags = SAMPLES[0]
    pattern_cache.compile_pattern(source, flags)
    pattern_cache.save()
    _reload_table(monkeypatch)
    table = pattern_cache._load()
    final_flags, code, groups, names, by_index = table[(source, flags)]
    table[(source, flags)] = (final_flags, [99999] * len(code), groups, names, by_index)  # no such opcode
    assert pattern_cache.compile_pattern(source, flags) == _re(source, flags)
    assert (source, flags) not in table


def test_an_unwritable_cache_is_no_error_and_costs_no_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(pattern_cache, "_table", None)
    monkeypatch.setattr(pattern_cache, "_missed", {})
    made = []
    monkeypatch.setattr(pattern_cache, "_entry", lambda *a: made.append(a))
    assert pattern_cache.compile_pattern(r"a+b", 0) == re.compile(r"a+b")
    pattern_cache.save()  # no exception; the entry was not even computed, since it could not be kept
    assert made == []


def _package_patterns() -> Iterator[_Pattern]:
    for module in pkgutil.walk_packages(mailcheck.__path__, "mailcheck."):
        if module.name == "mailcheck.__main__":
            continue
        try:
            loaded = importlib.import_module(module.name)
        except ImportError:  # an optional extra not installed here
            continue
        for value in vars(loaded).values():
            candidates = value.values() if isinstance(value, dict) else (
                value if isinstance(value, (tuple, list)) else (value,))
            yield from (c for c in candidates if isinstance(c, _Pattern))


def test_every_package_pattern_rebuilds_equal_from_its_entry() -> None:
    # Whatever the package defines, the table can hold it: the rebuilt pattern is the one re compiles.
    checked = 0
    for lazy in _package_patterns():
        source, flags = lazy._source, lazy._flags
        expected = re.compile(source, flags)
        entry = pattern_cache._entry(source, flags, expected)
        assert entry is not None, source
        assert _sre.compile(source, *entry) == expected
        checked += 1
    assert checked > 50


def test_a_filter_run_stores_the_table_and_the_next_compiles_nothing(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    message = (ROOT / "samples" / "phishing.eml").read_bytes()
    first = subprocess.run([sys.executable, "-m", "mailcheck", "filter", "--offline"], input=message,
                           capture_output=True, env=env, cwd=tmp_path, check=True)
    tables = list((tmp_path / "mailcheck").glob("patterns-*.bin"))
    assert len(tables) == 1
    # The second run, with re's compiler counting what reaches it from the package's patterns.
    counting = (
        "import re, re._compiler as c, runpy, sys\n"
        "real = c.compile\n"
        "seen = []\n"
        "def counted(p, flags=0):\n"
        "    frame = sys._getframe(1)\n"
        "    while frame.f_code.co_filename.startswith(re.__file__.rsplit('/', 1)[0]):\n"
        "        frame = frame.f_back\n"
        "    seen.append(frame.f_code.co_filename)\n"
        "    return real(p, flags)\n"
        "c.compile = counted\n"
        "sys.argv = ['mailcheck', 'filter', '--offline']\n"
        "try:\n"
        "    runpy.run_module('mailcheck', run_name='__main__')\n"
        "finally:\n"
        "    ours = [f for f in seen if 'pattern_cache' in f]\n"
        "    sys.stderr.write(f'compiled by the package: {len(ours)}\\n')\n"
    )
    second = subprocess.run([sys.executable, "-c", counting], input=message, capture_output=True, env=env,
                            cwd=tmp_path)
    assert second.stdout == first.stdout  # the same verdict headers and the same message
    assert b"compiled by the package: 0\n" in second.stderr, second.stderr[-2000:]
