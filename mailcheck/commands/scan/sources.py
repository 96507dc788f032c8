"""PATH → a stream of messages (mbox, Maildir, folders, single files, stdin), never loading an archive whole.

What `mailcheck scan` accepts, and how each kind is recognised:

- ``-``: an mbox on standard input (or, when its first line is a header field, one message).
- A directory with ``cur`` and ``new`` sub-directories is a **Maildir**: every file in ``cur`` then
  ``new`` (sorted by name, which starts with the delivery time) is one message; ``tmp`` holds
  deliveries in progress and is skipped, as are dot-files (the Maildir convention). Its other
  sub-directories (Maildir++ ``.Folder``\\s) are walked like any directory.
- Any other directory is walked recursively (sorted, symbolic links to directories not followed) and
  each regular file is sniffed like a file given on the command line.
- A **file** whose first line is an mbox ``From `` line is an mbox (a single .eml that starts with one
  is simply an mbox of one message); a file whose first line is a header field (``Name:``) is one
  message, and so is an Outlook .msg (by content, whatever its name); an empty file holds no message; anything
  else is skipped as "not a message" and listed in the summary (so a stray README or binary in a folder is
  never analysed as mail). One read as a message that is no mail after all becomes an error record.

Mbox splitting (streamed line by line; RFC 4155 describes the format, and the variants mboxo/mboxrd
cannot be told apart from the file): a ``From `` line that is not itself a header field starts a new
message when it is the first line, or when it follows a blank line and either has the separator
syntax (``From <sender> <date>``) or is followed by a header field, or when the writer forgot the
blank line but it has the separator syntax *and* is followed by a header field. Any other ``From ``
line is body text. The blank line a writer puts after each message (before the next separator, and
at the end of the file) is not part of the message; a file that holds a single message is kept
whole, so its record equals what ``mailcheck FILE`` reports.

The bytes of each message are exactly those in the file, From line included. ``>From `` quoting is
left as it is: undoing it is the mail reader's job and is ambiguous (mboxo writers quote ``From ``
but not ``>From ``, so unquoting one level corrupts a body that had the latter). A consequence: a
DKIM body hash may not match when the mbox writer quoted a ``From `` line of the body; the DKIM and
ARC checks therefore undo one level of quoting before comparing, and never call what remains
ambiguous forged. CRLF mboxes split the same way; a truncated last message is yielded as far as it
goes.

Files that cannot be read (a broken symbolic link, a symbolic link loop, an I/O error, a folder
that cannot be listed) are yielded as items with an error, never raised. Under a folder only regular
files are read (checked after following symbolic links, before opening, so a FIFO is never opened
and a link to a device is never read); a FIFO, socket or device met there is listed with the reason.
A PATH named on the command line may be a pipe (``<(…)``), since the user chose it. A file read as one
message (not an mbox, which is streamed) larger than MESSAGE_CAP is listed as too large, not read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, BinaryIO

from mailcheck.commands.scan.files import open_for_scan, read_error, too_large

# The splitter and its rules, also read from here (ranges.py, remote.py, the tests).
from mailcheck.commands.scan.mbox_split import _BLANK as _BLANK
from mailcheck.commands.scan.mbox_split import _SEPARATOR as _SEPARATOR
from mailcheck.commands.scan.mbox_split import Piece as Piece
from mailcheck.commands.scan.mbox_split import is_from_line as is_from_line
from mailcheck.commands.scan.mbox_split import looks_like_header as looks_like_header
from mailcheck.commands.scan.mbox_split import split_mbox as split_mbox
from mailcheck.parse.recognise_input import OLE2_MAGIC

STDIN = "-"
STDIN_NAME = "<stdin>"
# One message read whole is held in memory (and by a worker), so its size is capped; an mbox is split
# while it is read, so it needs none.
MESSAGE_CAP = 256 << 20

_BLOCK = 1 << 20  # bytes of an mbox read at a time


@dataclass(frozen=True)
class Item:
    """One thing found under a PATH: a message (data), a message that could not be read (error), or
    a file skipped because it is not a message (skipped=True, the reason in error)."""

    source: str  # the PATH as given ("<stdin>" for "-")
    index: int  # ordinal of this record under its PATH (0-based; skipped files get -1)
    path: str  # the file the message is in
    offset: int  # byte offset of the message's first byte in that file (0 for one-message files)
    name: str  # how reports name it: the path, or "path#N" for message N (0-based) of a multi-message mbox
    data: bytes | None = None
    error: str | None = None
    skipped: bool = False
    size: int = 0  # bytes of the input this item accounts for (for progress by bytes)

    def position(self) -> dict[str, Any]:
        """The message's place in its source, as written into each JSON record."""
        return {"source": self.source, "index": self.index, "path": self.path, "offset": self.offset}


def _blocks(stream: BinaryIO) -> Iterator[bytes]:
    """The stream in large reads; read1 returns what one read gives, so a pipe's messages are not held back."""
    read = getattr(stream, "read1", None) or stream.read
    while block := read(_BLOCK):
        yield block


class _Numbering:
    """Gives every record under one PATH its ordinal."""

    def __init__(self) -> None:
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _mbox_items(source: str, path: str, first: bytes, rest: Iterable[bytes], numbering: _Numbering,
                name: str) -> Iterator[Item]:
    """Messages of an mbox stream whose first line is `first`. One message of several is named
    "name#N"; a file holding a single message is named by its path and keeps all its bytes."""
    pending: Piece | None = None  # held back one step to know whether it is the only one
    count = consumed = 0
    try:
        for piece in split_mbox(chain([first], rest)):
            if pending is not None:
                yield _mbox_item(source, path, f"{name}#{count - 1}", pending, numbering)
            pending = piece
            count += 1
            consumed += piece.size
    except OSError as exc:
        if pending is not None:
            yield _mbox_item(source, path, f"{name}#{count - 1}", pending, numbering)
        # The offset is where reading stopped being possible (the end of the last whole message).
        yield Item(source, numbering.take(), path, consumed, f"{name}#{count}",
                   error=f"{read_error(exc)} (after {count} messages)")
        return
    if pending is None:
        return
    if count == 1:
        whole = pending.data + pending.tail
        yield Item(source, numbering.take(), path, 0, name, data=whole, size=len(whole))
    else:
        yield _mbox_item(source, path, f"{name}#{count - 1}", pending, numbering)


def _mbox_item(source: str, path: str, name: str, piece: Piece, numbering: _Numbering) -> Item:
    return Item(source, numbering.take(), path, piece.offset, name, data=piece.data, size=piece.size)


def _file_items(source: str, path: str, numbering: _Numbering, maildir: bool = False,
                regular_only: bool = True) -> Iterator[Item]:
    """One file: an mbox, one message, or skipped. In a Maildir every file is one message."""
    handle = open_for_scan(path, regular_only)
    if isinstance(handle, str):
        yield Item(source, numbering.take(), path, 0, path, error=handle)
        return
    with handle:
        try:
            # Bounded, so that a PATH that is a device without line ends (/dev/zero) stops.
            first = handle.readline(MESSAGE_CAP + 1)
            if not first:
                yield Item(source, -1, path, 0, path, error="empty file", skipped=True)
                return
            if not maildir and is_from_line(first):
                yield from _mbox_items(source, path, first, _blocks(handle), numbering, path)
                return
            if not maildir and not looks_like_header(first) and not first.startswith(OLE2_MAGIC):  # .msg: worker
                size = os.fstat(handle.fileno()).st_size
                yield Item(source, -1, path, 0, path, skipped=True, size=size,
                           error="not a message: the first line is neither a header field nor an mbox From line")
                return
            size = os.fstat(handle.fileno()).st_size
            if size > MESSAGE_CAP:  # known from a regular file's size, so it is not read at all
                yield Item(source, numbering.take(), path, 0, path, error=too_large(size, MESSAGE_CAP), size=size)
                return
            # A pipe's size is not known: read one byte past the cap to tell whether it is over.
            data = first + handle.read(max(MESSAGE_CAP + 1 - len(first), 0))
        except OSError as exc:
            yield Item(source, numbering.take(), path, 0, path, error=read_error(exc))
            return
    if len(data) > MESSAGE_CAP:
        yield Item(source, numbering.take(), path, 0, path, error=too_large(len(data), MESSAGE_CAP), size=len(data))
        return
    yield Item(source, numbering.take(), path, 0, path, data=data, size=len(data))


def _stdin_items(stream: BinaryIO, numbering: _Numbering) -> Iterator[Item]:
    try:
        first = stream.readline()
        if not first:
            yield Item(STDIN_NAME, -1, STDIN_NAME, 0, STDIN_NAME, error="empty input", skipped=True)
            return
        if is_from_line(first):
            yield from _mbox_items(STDIN_NAME, STDIN_NAME, first, _blocks(stream), numbering, STDIN_NAME)
            return
        data = first + stream.read()
    except OSError as exc:
        yield Item(STDIN_NAME, numbering.take(), STDIN_NAME, 0, STDIN_NAME, error=read_error(exc))
        return
    if not looks_like_header(first) and not first.startswith(OLE2_MAGIC):
        yield Item(STDIN_NAME, -1, STDIN_NAME, 0, STDIN_NAME, skipped=True, size=len(data),
                   error="not a message: the first line is neither a header field nor an mbox From line")
        return
    yield Item(STDIN_NAME, numbering.take(), STDIN_NAME, 0, STDIN_NAME, data=data, size=len(data))


def is_maildir(path: str) -> bool:
    return os.path.isdir(os.path.join(path, "cur")) and os.path.isdir(os.path.join(path, "new"))


def _entries(path: str) -> list[os.DirEntry[str]]:
    with os.scandir(path) as listing:
        return sorted(listing, key=lambda e: e.name)


def walk_files(path: str) -> Iterator[tuple[str, str]]:
    """(file path, kind) under a directory, in scan order. kind: "maildir" (a Maildir message), "file"
    (to be sniffed), "error:<why>" (cannot be listed) or "skip:<why>" (not a regular file)."""
    try:
        entries = _entries(path)
    except OSError as exc:
        yield path, f"error:cannot list the folder: {exc.strerror or exc}"
        return
    maildir = is_maildir(path)
    if maildir:
        for sub in ("cur", "new"):
            try:
                files = _entries(os.path.join(path, sub))
            except OSError as exc:
                yield os.path.join(path, sub), f"error:cannot list the folder: {exc.strerror or exc}"
                continue
            for entry in files:
                if entry.name.startswith("."):
                    continue  # Maildir readers ignore dot-files in cur/new
                if entry.is_dir(follow_symlinks=False):
                    yield entry.path, "skip:a folder inside a Maildir's cur/new"
                else:
                    yield entry.path, "maildir"
    for entry in entries:
        if maildir and entry.name in ("cur", "new", "tmp"):
            continue
        try:
            link_to_dir = entry.is_symlink() and entry.is_dir()
        except OSError:  # a symbolic link loop (ELOOP): reported when the file is opened
            link_to_dir = False
        if link_to_dir:
            yield entry.path, "skip:a symbolic link to a folder (not followed)"
        elif entry.is_dir(follow_symlinks=False):
            yield from walk_files(entry.path)
        elif entry.is_file(follow_symlinks=False) or entry.is_symlink():
            # A broken link, a link loop or a link to a FIFO/device becomes a read error when opened.
            yield entry.path, "file"
        else:
            yield entry.path, "skip:not a regular file"


def _dir_items(source: str, numbering: _Numbering) -> Iterator[Item]:
    for path, kind in walk_files(source):
        yield from entry_items(source, path, kind, numbering)


def entry_items(source: str, path: str, kind: str, numbering: _Numbering) -> Iterator[Item]:
    """The records of one entry of walk_files (the Dask engine reads its file lists with this too)."""
    if kind.startswith("error:"):
        yield Item(source, numbering.take(), path, 0, path, error=kind[6:])
    elif kind.startswith("skip:"):
        yield Item(source, -1, path, 0, path, error=kind[5:], skipped=True)
    else:
        yield from _file_items(source, path, numbering, maildir=kind == "maildir")


def count_records(found: Iterator[Item]) -> tuple[int, int]:
    """(records numbered, items produced, skipped ones included): a file list's counting pass."""
    produced = numbered = 0
    for item in found:
        produced += 1
        numbered += item.index >= 0
    return numbered, produced


def items(path: str, stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Every message under one PATH (see the module docstring), in a stable order."""
    numbering = _Numbering()
    if path == STDIN:
        yield from _stdin_items(stdin if stdin is not None else sys.stdin.buffer, numbering)
    elif os.path.isdir(path):
        yield from _dir_items(path, numbering)
    else:
        yield from _file_items(path, path, numbering, regular_only=False)


def total_bytes(paths: Iterable[str]) -> int | None:
    """The input's size in bytes, for a progress estimate; None when unknown (stdin, a pipe)."""
    total = 0
    for path in paths:
        if path == STDIN:
            return None
        if os.path.isdir(path):
            files = [file for file, kind in walk_files(path) if kind in ("file", "maildir")]
        elif os.path.isfile(path):
            files = [path]
        else:
            return None  # a named pipe or device: its length is not known in advance
        for file in files:
            try:
                total += os.stat(file).st_size
            except OSError:
                continue  # reported as a read error when the scan reaches it
    return total
