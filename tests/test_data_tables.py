"""read_json gives the shipped tables exactly as json.loads does, from its marshal snapshot once one is written."""

from __future__ import annotations

import json
import marshal
from pathlib import Path

import pytest

from mailcheck.data import read_json, read_text

TABLES = ("brands.json", "services.json")


def _snapshots(cache: Path) -> list[Path]:
    return sorted((cache / "mailcheck").glob("data-*.marshal"))


@pytest.mark.parametrize("name", TABLES)
def test_snapshot_written_then_used_and_the_same_as_the_file(name: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = json.loads(read_text(name))
    first = read_json(name)
    assert len(_snapshots(tmp_path)) == 1
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("parsed again"))
    second = read_json(name)
    # equal, and in the same order (key order is the tables' order of entries)
    assert json.dumps(first) == json.dumps(second) == json.dumps(parsed)
    assert first == second == parsed


def test_a_broken_or_unwritable_snapshot_means_the_file_is_parsed(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = json.loads(read_text("services.json"))
    read_json("services.json")
    snapshot = _snapshots(tmp_path)[0]
    for junk in (b"not marshal data", b"", marshal.dumps(["a list, not an object"])):
        snapshot.write_bytes(junk)
        assert read_json("services.json") == parsed
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # a cache "directory" that is a file
    assert read_json("services.json") == parsed
    assert not list((tmp_path / "file").parent.glob("file/*"))
