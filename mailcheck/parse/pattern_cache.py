"""Compiled regular expressions kept between runs, so that a one-message process need not compile them again.

`re` parses and compiles a pattern in pure Python (~0.1–0.8 ms each on a slow build); a filter run uses
~100 of the package's patterns, ~12 ms of its start-up. What `re` hands the C engine in the end — the
final flags, the code (a list of ints), the group count and names — is plain data: stored once, it can be
given to the engine directly (`_sre.compile`, the call `re` itself ends with), which takes microseconds.

- The table is a marshal file (data only: loading it runs no code) in the user's cache directory, beside
  the Public Suffix List snapshot (lookup/psl_snapshot.py), named after the interpreter. It holds only the
  patterns the package passes in (its own constants, never text from a message): ~60 KB.
- It is checked before use: a file from another interpreter build, a checksum that does not match, or
  anything that does not read back as the table is ignored; each entry is keyed by its exact source and
  flags; code the engine's own validation rejects is compiled afresh.
- A pattern not in the table is compiled by `re.compile` as usual; at exit, entries for those are made,
  each checked to rebuild a pattern equal to re.compile's (same flags and code), and merged into the table
  (written to a temporary file, then renamed: processes saving at once lose nothing but time).
- Nothing here can fail a run: a table that cannot be read or written is simply not used.

This relies on CPython's `re._parser`, `re._compiler` and `_sre.compile`, which are internal: the
interpreter key (version, engine MAGIC and code size) keeps a table from ever meeting another build's
engine, an internal that changed shape only means no entry is made, and another Python compiles as usual.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from binascii import crc32
from typing import Any

from mailcheck.user_cache import cache_dir, store

try:
    import _sre  # type: ignore[import-not-found]  # no stubs: the engine under `re`
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # not CPython: compile as usual
    _sre = None

_HEADER = b"mailcheck compiled patterns 1\n"
Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
Key = tuple[str | bytes, int]

_MOST_ENTRIES = 2000  # the package defines ~250 patterns; provider and claim patterns add some
_table: dict[Key, Entry] | None = None  # read on first use
_missed: dict[Key, re.Pattern[Any]] = {}  # compiled here this run, to add at exit


def compile_pattern(source: str | bytes, flags: int = 0) -> re.Pattern[Any]:
    """re.compile(source, flags): from the stored table when this interpreter compiled it before."""
    flags = int(flags)  # a RegexFlag is an int subclass, which marshal does not store
    table = _table if _table is not None else _load()
    entry = table.get((source, flags))
    if entry is not None:
        try:
            return _sre.compile(source, *entry)  # type: ignore[no-any-return]
        except (TypeError, ValueError, RuntimeError):  # RuntimeError: the engine rejected the code
            table.pop((source, flags), None)
    pattern = re.compile(source, flags)
    if _sre is not None:
        if not _missed:
            import atexit

            atexit.register(save)
        _missed[(source, flags)] = pattern
    return pattern


def _interpreter() -> tuple[Any, ...]:
    return (sys.hexversion, sys.implementation.cache_tag, _sre.MAGIC, _sre.CODESIZE)


def cache_file() -> str | None:
    """Where the table is kept (None: this interpreter's patterns are not kept)."""
    tag = sys.implementation.cache_tag
    if tag is None or _sre is None:
        return None
    return os.path.join(cache_dir(), f"patterns-{tag}-{sys.hexversion:x}.bin")


def _read(path: str) -> dict[Key, Entry]:
    try:
        with open(path, "rb") as stream:
            data = stream.read()
        if not data.startswith(_HEADER) or len(data) < len(_HEADER) + 4:
            return {}
        body = data[len(_HEADER) + 4:]
        if int.from_bytes(data[len(_HEADER):len(_HEADER) + 4], "big") != crc32(body):
            return {}
        interpreter, table = marshal.loads(body)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if interpreter != _interpreter() or not isinstance(table, dict):
        return {}
    return table


def _load() -> dict[Key, Entry]:
    global _table
    path = cache_file()
    _table = _read(path) if path is not None else {}
    return _table


def _entry(source: str | bytes, flags: int, pattern: re.Pattern[Any]) -> Entry | None:
    """What re's compiler hands the engine for this pattern, if it rebuilds a pattern equal to re.compile's."""
    try:
        parsed = _parser.parse(source, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]
        state = parsed.state
        names = dict(state.groupdict)
        by_index: list[str | None] = [None] * state.groups
        for name, index in names.items():
            by_index[index] = name
        entry: Entry = (int(flags | state.flags), code, state.groups - 1, names, tuple(by_index))
        rebuilt = _sre.compile(source, *entry)
    except Exception:  # an internal of re that changed shape: no entry, the pattern compiles as usual
        return None
    return entry if rebuilt == pattern else None


def save() -> None:
    """Add this run's newly compiled patterns to the stored table (at exit; also callable directly)."""
    path = cache_file()
    if path is None or not _missed:
        return
    folder = os.path.dirname(path)
    try:  # first whether it can be written at all: a read-only home should not pay for the entries
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        _missed.clear()
        return
    if not os.access(folder, os.W_OK):
        _missed.clear()
        return
    table = _read(path)  # what other processes stored meanwhile
    if len(table) > _MOST_ENTRIES:
        table = {}  # the patterns of older versions have piled up: start again from this run's
    for (source, flags), pattern in _missed.items():
        entry = _entry(source, flags, pattern)
        if entry is not None:
            table[(source, flags)] = entry
    _missed.clear()
    body = marshal.dumps((_interpreter(), table))
    store(path, _HEADER + crc32(body).to_bytes(4, "big") + body)
