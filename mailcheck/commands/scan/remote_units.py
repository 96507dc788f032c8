"""`scan --engine dask` over fsspec URLs: the client lists the objects, the workers read them.

The same units as for local archives (ranges.py): an object larger than two ranges is cut into byte
ranges that the workers count and read (ranges.Range/Slice with `storage` set, opened through fsspec),
and smaller objects go out in lists (RemoteFiles), read as remote.py reads them. The client asks only
for listings and sizes, never for an object's bytes, so a cluster reads an archive in an object store
without it passing through the client. The fsspec options travel with the units as JSON text (plain
values only, as --storage-option gives them), so every worker opens the same filesystem.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from mailcheck.commands.scan import remote
from mailcheck.commands.scan.ranges import Range, cut
from mailcheck.commands.scan.sources import Item, _Numbering, count_records

_BLOCK = 1 << 20  # bytes per request while counting a range's separators


def storage_text(options: dict[str, Any]) -> str:
    return json.dumps(options, sort_keys=True)


def _fs(url: str, storage: str) -> tuple[Any, str]:
    return remote.filesystem(url, json.loads(storage))


def open_url(url: str, storage: str) -> BinaryIO | str:
    """The object opened for reading (seekable, read in blocks), or why it cannot be read."""
    try:
        fs, key = _fs(url, storage)
        handle: BinaryIO = fs.open(key, "rb", block_size=_BLOCK, cache_type="readahead")
    except Exception as exc:
        return f"cannot read: {remote.describe(exc)}"
    return handle


def read_url(url: str, storage: str, begin: int, end: int | None) -> bytes:
    """Bytes [begin, end) of the object (to its end when end is None), in one ranged request."""
    fs, key = _fs(url, storage)
    try:
        data: bytes = fs.cat_file(key, start=begin, end=end)
    except OSError:
        raise
    except Exception as exc:
        raise OSError(remote.describe(exc)) from exc
    return data


@dataclass(frozen=True)
class RemoteFiles:
    """Objects of a URL's listing in scan order, read as remote.items reads them."""

    source: str  # the URL given on the command line
    storage: str
    entries: tuple[remote.Entry, ...]
    index: int = 0  # the record number of its first record (known after the counting pass)

    def items(self) -> Iterator[Item]:
        numbering = _Numbering()
        numbering.next = self.index
        try:
            fs, _ = _fs(self.source, self.storage)
        except Exception as exc:
            for entry in self.entries:
                yield Item(self.source, numbering.take(), entry.url, 0, entry.url,
                           error=f"cannot read: {remote.describe(exc)}")
            return
        for entry in self.entries:
            yield from remote.entry_items(fs, self.source, entry, numbering)

    def count(self) -> tuple[int, int]:
        """(records numbered, items produced), read as items() reads."""
        return count_records(self.items())


Unit = tuple[Range, list[Range]] | RemoteFiles


def url_size(url: str, storage: dict[str, Any]) -> int:
    """The object's size for choosing range sizes (0 for a folder or what cannot be asked)."""
    try:
        fs, key = remote.filesystem(url, storage)
        info = fs.info(key)
    except Exception:
        return 0
    return int(info.get("size") or 0) if info.get("type") == "file" else 0


def units(url: str, storage: dict[str, Any], every: int, chunk: int) -> Iterator[Unit]:
    """The units of one URL, in scan order. A URL that cannot be listed becomes one unit whose reading
    gives the error record remote.items gives."""
    text = storage_text(storage)
    try:
        fs, root = remote.filesystem(url, storage)
        info = fs.info(root)
        listing = remote.tree(fs, root) if info.get("type") == "directory" else None
    except Exception:
        yield RemoteFiles(url, text, (remote.Entry(url, "", "file"),))  # reading it again reports why
        return
    if listing is None:
        size = int(info.get("size") or 0)
        if info.get("type") == "file" and size > 2 * every:
            yield _ranges(url, url, size, every, text)
        else:
            yield RemoteFiles(url, text, (remote.Entry(url, root, "file" if info.get("type") == "file"
                                                      else "skip:not a regular object", size),))
        return
    batch: list[remote.Entry] = []
    for entry in remote.entries(fs, listing):
        if entry.kind == "file" and entry.size > 2 * every:  # a large object may be an mbox: cut it in ranges
            if batch:
                yield RemoteFiles(url, text, tuple(batch))
                batch = []
            yield _ranges(url, entry.url, entry.size, every, text)
            continue
        batch.append(entry)
        if len(batch) >= chunk:
            yield RemoteFiles(url, text, tuple(batch))
            batch = []
    if batch:
        yield RemoteFiles(url, text, tuple(batch))


def _ranges(source: str, url: str, size: int, every: int, storage: str) -> tuple[Range, list[Range]]:
    parts = [Range(source, url, start, stop, False, storage) for start, stop in cut(size, every)]
    return parts[0], parts


def not_an_mbox(first: Range) -> RemoteFiles:
    """A cut object whose first line is no From line: one object, read as remote.py reads it."""
    fs, key = _fs(first.path, first.storage or "{}")
    return RemoteFiles(first.source, first.storage or "{}",
                       (remote.Entry(first.path, key, "file", _size(fs, key)),))


def _size(fs: Any, key: str) -> int:
    try:
        return int(fs.info(key).get("size") or 0)
    except Exception:
        return 0
