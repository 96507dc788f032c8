"""Units of work a distributed scan sends to its workers: mbox byte ranges and file lists, read where they run.

The client never reads an archive: it lists folders and measures files, and cuts each large file into
byte ranges. A worker then does the reading, in two passes:

1. Counting (``count``): for a range [a, b) of a file, the worker finds every *verified* separator whose
   line starts at or after a and before b: it skips to the first line start at or after a (a range that
   starts mid-message resynchronises), and judges each ``From `` line by the same rule as
   sources.split_mbox, which looks only at the line before it (blank or not) and the line after it (a
   header field or not), reading past b for that one line. Every separator falls in exactly one range,
   so every message is counted, and later read, by exactly one task. For a file list the worker counts
   the records its files give (sources.py numbers every record of a PATH).
2. Reading (``items``): from the counts the client knows each message's number and where each range's
   first message starts, so a Slice is [first separator in the range, first separator after it) and
   splits exactly as the whole file would (both ends are separators); a FileList reads its files as
   sources.py does, numbering from the count of the records before it.

This gives the records the built-in engine writes, byte for byte: the same names ("path#N"), numbers and
offsets, and a file holding a single message is kept whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from mailcheck.commands.scan.files import open_for_scan
from mailcheck.commands.scan.sources import (
    _BLANK,  # the same blank-line rule as the splitter, so both passes agree
    _SEPARATOR,
    Item,
    _file_items,
    _Numbering,
    count_records,
    entry_items,
    is_from_line,
    looks_like_header,
    split_mbox,
)

_BUFFER = 1 << 20


@dataclass(frozen=True)
class Range:
    """Bytes [start, stop) of a file that may be an mbox (counting pass only)."""

    source: str  # the PATH the file was found under
    path: str
    start: int
    stop: int
    regular_only: bool = True  # under a folder: read only regular files (sources.py)
    storage: str | None = None  # fsspec options (JSON) when path is a URL (remote_units.py)


@dataclass(frozen=True)
class Counted:
    """What the counting pass found in a Range: the separators, or that the file is no mbox at all."""

    mbox: bool  # False: the range starts the file and its first line is no From line (or it cannot be read)
    separators: int = 0
    first: int | None = None  # offset of the first separator in the range


@dataclass(frozen=True)
class Slice:
    """Messages of an mbox from one separator (begin) up to the next range's first one (end; None: the end)."""

    source: str
    path: str
    begin: int
    end: int | None
    index: int  # the record number of the first message under its PATH
    ordinal: int  # its number in the file ("path#N")
    single: bool  # the file holds one message: named by its path and kept whole
    count: int  # messages in the slice
    storage: str | None = None  # fsspec options (JSON) when path is a URL

    def items(self) -> Iterator[Item]:
        if self.storage is not None:
            from mailcheck.commands.scan.remote_units import read_url

            data = read_url(self.path, self.storage, self.begin, self.end)
        else:
            with open(self.path, "rb", buffering=0) as handle:
                handle.seek(self.begin)
                data = handle.read() if self.end is None else handle.read(self.end - self.begin)
        if self.single:
            yield Item(self.source, self.index, self.path, 0, self.path, data=data, size=len(data))
            return
        for k, piece in enumerate(split_mbox((data,))):  # one chunk: the splitter cuts it itself
            yield Item(self.source, self.index + k, self.path, self.begin + piece.offset,
                       f"{self.path}#{self.ordinal + k}", data=piece.data, size=piece.size)


@dataclass(frozen=True)
class FileList:
    """Files under a PATH in scan order, each with its kind from sources.walk_files ("file", "maildir",
    "error:…", "skip:…"; "top": the PATH itself, a file named on the command line)."""

    source: str
    entries: tuple[tuple[str, str], ...]
    index: int = 0  # the record number of its first record (known after the counting pass)

    def items(self) -> Iterator[Item]:
        numbering = _Numbering()
        numbering.next = self.index
        for path, kind in self.entries:
            if kind == "top":
                yield from _file_items(self.source, path, numbering, regular_only=False)
            else:
                yield from entry_items(self.source, path, kind, numbering)

    def count(self) -> tuple[int, int]:
        """(records numbered, items produced), read as items() reads."""
        return count_records(self.items())


def _line_start(handle: BinaryIO, offset: int) -> int:
    """The first line start at or after offset."""
    if offset == 0:
        return 0
    handle.seek(offset - 1)
    if handle.read(1) == b"\n":
        return offset
    return offset + len(handle.readline())


def _after_blank(handle: BinaryIO, pos: int) -> bool:
    """Whether the line before the one starting at pos is a blank line ("\\n" or "\\r\\n")."""
    if pos == 0:
        return False
    handle.seek(max(pos - 3, 0))
    before = handle.read(pos - max(pos - 3, 0))
    if before.endswith(b"\n\n") or before == b"\n":
        return True
    return before.endswith(b"\r\n") and (pos == 2 or before.startswith(b"\n"))


def is_separator(after_blank: bool, line: bytes, following: bytes) -> bool:
    """sources.split_mbox's rule for a From line that is not the file's first (see its module docstring)."""
    if not is_from_line(line):
        return False
    strict = _SEPARATOR.match(line) is not None
    if after_blank and strict:
        return True
    return (after_blank or strict) and bool(following) and looks_like_header(following)


def count(part: Range) -> Counted:
    """The counting pass over one range (see the module docstring)."""
    if part.storage is not None:
        from mailcheck.commands.scan.remote_units import open_url

        handle: BinaryIO | str = open_url(part.path, part.storage)
    else:
        handle = open_for_scan(part.path, part.regular_only)
    if isinstance(handle, str):
        return Counted(mbox=part.start > 0)  # range 0 says "no mbox": the file is then read as a file list
    with handle:
        try:
            return _count(handle, part)
        except OSError:
            return Counted(mbox=part.start > 0)  # the file-list reading reports the error, once


def _count(handle: BinaryIO, part: Range) -> Counted:
    if part.start == 0:
        first_line = handle.readline()
        if not is_from_line(first_line):
            return Counted(mbox=False)
        handle.seek(0)
    pos = _line_start(handle, part.start)
    after_blank = _after_blank(handle, pos)
    handle.seek(pos)
    found = 0
    first: int | None = None
    line = handle.readline()
    while line and pos < part.stop:
        following = handle.readline()
        if pos == 0 or is_separator(after_blank, line, following):
            found += 1
            first = pos if first is None else first
        after_blank = line in _BLANK
        pos += len(line)
        line = following
    return Counted(True, found, first)


def cut(size: int, every: int) -> list[tuple[int, int]]:
    """[start, stop) ranges of about `every` bytes covering a file of `size` bytes (at least one range)."""
    every = max(every, 1)
    return [(start, min(start + every, size)) for start in range(0, max(size, 1), every)]


def slices(part: Range, counts: list[Counted], index: int) -> list[Slice]:
    """The reading pass's Slices of one mbox file from its ranges' counts; index: the number of its first
    message under its PATH."""
    total = sum(c.separators for c in counts)
    starts = [c for c in counts if c.separators]
    out: list[Slice] = []
    ordinal = 0
    for n, counted in enumerate(starts):
        assert counted.first is not None
        end = starts[n + 1].first if n + 1 < len(starts) else None
        out.append(Slice(part.source, part.path, counted.first, end, index + ordinal, ordinal, total == 1,
                         counted.separators, part.storage))
        ordinal += counted.separators
    return out
