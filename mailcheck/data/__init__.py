"""Data tables shipped with mailcheck (package data, read with read_text or read_json)."""

from __future__ import annotations

import contextlib
import marshal
import os
from typing import Any

from mailcheck.user_cache import load, snapshot_path, store

_FORMAT = 1  # of the snapshot files read_json keeps


def read_text(name: str) -> str:
    """The shipped table `name`, as text. A plain file read: importlib.resources would bring tempfile
    and zipfile into every filter start-up; it is the fallback for a package imported from a zip."""
    try:
        with open(os.path.join(os.path.dirname(__file__), name), encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        from importlib.resources import files

        return files(__name__).joinpath(name).read_text(encoding="utf-8")


def read_json(name: str) -> Any:
    """The shipped JSON object `name`, parsed. Importing json and parsing the tables cost ~2 ms of every filter
    start-up (one process per message), so the parsed value is kept as a marshal snapshot in the user's cache,
    keyed by the file's size and modification time and the Python version; marshal runs no code when loading
    and gives back the same dicts, lists and strings. Without a usable snapshot the file is parsed as before."""
    path = snapshot_path(f"data-{name.partition('.')[0]}", os.path.join(os.path.dirname(__file__), name), _FORMAT)
    if path is not None and isinstance(data := load(path), dict):
        return data
    import json

    data = json.loads(read_text(name))
    if path is not None:
        _store(path, data)
    return data


def _store(path: str, data: Any) -> None:
    with contextlib.suppress(ValueError):  # a value marshal cannot write (JSON gives none)
        store(path, marshal.dumps(data))
