"""Scan PATHs given as fsspec URLs (s3://bucket/archive.mbox, gs://bucket/maildir/, file:///path): streamed in ranges.

A URL is read as the local path it stands for would be (sources.py): an object is an mbox, one message,
or skipped by its first line; a folder (a key prefix) whose ``cur`` or ``new`` sub-folder exists is a
Maildir (object stores keep no empty folders, so one of the two is enough), any other folder is walked
in the same order as a local one (sorted by name at each level). Only regular objects are read. An mbox
is split while it is read, ``_RANGE`` bytes per request, never held whole; an object read as one message
larger than sources.MESSAGE_CAP is listed as too large without being fetched. Records equal a local
scan's, with the URLs in place of the paths.

fsspec (and the filesystem's own package, s3fs for s3://) is the 'remote' extra, imported only here, so
a local scan never pays for it. Options for the filesystem come from --storage-option KEY=VALUE (e.g.
endpoint_url=http://127.0.0.1:9000 for an S3-compatible server), or the filesystem's usual environment
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, … for s3://).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mailcheck.commands.scan.files import too_large
from mailcheck.commands.scan.sources import (
    MESSAGE_CAP,
    Item,
    _mbox_items,  # the same splitting and naming as a local mbox
    _Numbering,
    is_from_line,
    looks_like_header,
)
from mailcheck.parse.recognise_input import OLE2_MAGIC

_RANGE = 8 << 20  # bytes fetched per request: few round trips, bounded memory
_NOT_MESSAGE = "not a message: the first line is neither a header field nor an mbox From line"


def describe(exc: BaseException) -> str:
    """One line saying why a remote read failed (botocore's and aiohttp's errors are not OSErrors)."""
    name = type(exc).__name__
    if isinstance(exc, FileNotFoundError):
        return "no such object, folder or bucket"
    if isinstance(exc, PermissionError):
        return f"permission denied ({exc})" if str(exc) else "permission denied"
    if "NoCredentials" in name or "PartialCredentials" in name:
        return "no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --storage-option anon=true)"
    if "Connect" in name or isinstance(exc, ConnectionError):
        return f"cannot connect: {exc}".splitlines()[0]
    if isinstance(exc, ValueError) and str(exc).startswith("Protocol not known"):
        return f"no fsspec filesystem reads '{str(exc).rpartition(' ')[2]}://' URLs"
    if isinstance(exc, ImportError):
        return f"{exc} (reading URLs needs the 'remote' extra: pip install 'mailcheck[remote]')".splitlines()[0]
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{name}: {text}" if text else name


class _Lines:
    """Lines of a remote file, read in large ranges: fsspec's own readline fetches a whole block for
    every line, and io.BufferedReader needs a raw file the filesystems do not all give."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.buf = b""
        self.pos = 0

    def _fill(self) -> bool:
        try:
            data: bytes = self.handle.read(_RANGE)
        except OSError:
            raise
        except Exception as exc:  # a network error mid-stream: sources.py reports OSErrors as read errors
            raise OSError(describe(exc)) from exc
        if not data:
            return False
        self.buf = self.buf[self.pos:] + data
        self.pos = 0
        return True

    def readline(self, limit: int = MESSAGE_CAP + 1) -> bytes:
        searched = 0  # bytes after pos already searched for a line end
        while True:
            end = self.buf.find(b"\n", self.pos + searched, self.pos + limit)
            if end >= 0:
                line = self.buf[self.pos:end + 1]
                self.pos = end + 1
                return line
            searched = len(self.buf) - self.pos
            if searched >= limit or not self._fill():
                line = self.buf[self.pos:self.pos + limit]
                self.pos += len(line)
                return line

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def blocks(self) -> Iterator[bytes]:
        """The rest of the stream in the ranges it is fetched in (the mbox splitter takes any cut)."""
        if self.pos < len(self.buf):
            yield self.buf[self.pos:]
        self.buf, self.pos = b"", 0
        while self._fill():
            yield self.buf
            self.buf = b""

    def rest(self, limit: int) -> bytes:
        """Up to limit more bytes (what is buffered, then one read for the remainder)."""
        head = self.buf[self.pos:self.pos + limit]
        self.pos += len(head)
        if len(head) >= limit:
            return head
        try:
            more: bytes = self.handle.read(limit - len(head))
        except OSError:
            raise
        except Exception as exc:
            raise OSError(describe(exc)) from exc
        return head + more


def filesystem(url: str, options: dict[str, Any]) -> tuple[Any, str]:
    """(fsspec filesystem, path within it) for a URL; raises what fsspec raises (ImportError, ValueError)."""
    from fsspec.core import url_to_fs

    fs, path = url_to_fs(url, **options)
    return fs, path


def check(url: str, options: dict[str, Any]) -> str | None:
    """Why the URL cannot be scanned at all (a usage error, exit 2), or None."""
    try:
        fs, path = filesystem(url, options)
        kind = fs.info(path).get("type")
    except Exception as exc:
        return describe(exc)
    if kind not in ("file", "directory"):
        return "not a regular object or folder"
    return None


def items(url: str, options: dict[str, Any]) -> Iterator[Item]:
    """Every message under one URL, in the order the same local PATH would give them."""
    numbering = _Numbering()
    try:
        fs, root = filesystem(url, options)
        info = fs.info(root)
    except Exception as exc:
        yield Item(url, numbering.take(), url, 0, url, error=f"cannot read: {describe(exc)}")
        return
    if info.get("type") == "directory":
        yield from _folder_items(fs, url, root, numbering)
    else:
        yield from _object_items(fs, url, url, root, info, numbering)


def _object_items(fs: Any, source: str, name: str, key: str, info: dict[str, Any], numbering: _Numbering,
                  maildir: bool = False) -> Iterator[Item]:
    """One object: an mbox (streamed), one message, or skipped; in a Maildir every object is one message."""
    if info.get("type") != "file":
        yield Item(source, numbering.take(), name, 0, name, error="cannot read: not a regular object")
        return
    size = int(info.get("size") or 0)
    try:
        handle = fs.open(key, "rb", block_size=_RANGE, cache_type="none")
    except Exception as exc:
        yield Item(source, numbering.take(), name, 0, name, error=f"cannot read: {describe(exc)}")
        return
    with handle:
        lines = _Lines(handle)
        try:
            first = lines.readline()
            if not first:
                yield Item(source, -1, name, 0, name, error="empty file", skipped=True)
                return
            if not maildir and is_from_line(first):
                yield from _mbox_items(source, name, first, lines.blocks(), numbering, name)
                return
            if not maildir and not looks_like_header(first) and not first.startswith(OLE2_MAGIC):
                yield Item(source, -1, name, 0, name, skipped=True, size=size, error=_NOT_MESSAGE)
                return
            if size > MESSAGE_CAP:  # known from the listing, so the rest is never fetched
                yield Item(source, numbering.take(), name, 0, name, error=too_large(size, MESSAGE_CAP), size=size)
                return
            data = first + lines.rest(max(MESSAGE_CAP + 1 - len(first), 0))
        except OSError as exc:
            yield Item(source, numbering.take(), name, 0, name, error=f"cannot read: {exc.strerror or exc}")
            return
    if len(data) > MESSAGE_CAP:  # the object grew since it was listed
        yield Item(source, numbering.take(), name, 0, name, error=too_large(len(data), MESSAGE_CAP), size=len(data))
        return
    yield Item(source, numbering.take(), name, 0, name, data=data, size=len(data))


class _Folder:
    """A folder of the listing: its sub-folders and objects by name."""

    def __init__(self, key: str) -> None:
        self.key = key  # its path in the filesystem
        self.folders: dict[str, _Folder] = {}
        self.objects: dict[str, dict[str, Any]] = {}


def tree(fs: Any, root: str) -> _Folder:
    """The listing under root as a tree, so that it is walked in a local folder's order (a flat sorted
    key list would put "a.txt" before "a/b")."""
    prefix = root.rstrip("/") + "/"
    top = _Folder(root.rstrip("/"))
    for key, info in sorted(fs.find(root, withdirs=True, detail=True).items()):
        if not key.startswith(prefix):
            continue  # the root itself
        *parents, last = key[len(prefix):].strip("/").split("/")
        node = top
        for part in parents:
            node = node.folders.setdefault(part, _Folder(f"{node.key}/{part}"))
        if info.get("type") == "directory":
            node.folders.setdefault(last, _Folder(f"{node.key}/{last}"))
        else:
            node.objects[last] = {**info, "name": key}
    return top


def _folder_items(fs: Any, source: str, root: str, numbering: _Numbering) -> Iterator[Item]:
    try:
        listing = tree(fs, root)
    except Exception as exc:
        yield Item(source, numbering.take(), source, 0, source, error=f"cannot list the folder: {describe(exc)}")
        return
    yield from _walk(fs, source, listing, numbering)


@dataclass(frozen=True)
class Entry:
    """One object of a folder's listing, in walk order: read as a message or an mbox, or skipped."""

    url: str  # the object's URL, as records name it
    key: str  # its path within the filesystem
    kind: str  # "file", "maildir" (one message per object), or "skip:<why>"
    size: int = 0


def entries(fs: Any, folder: _Folder) -> Iterator[Entry]:
    """sources.walk_files's order and rules on the listing (no symbolic links in an object store)."""
    maildir = "cur" in folder.folders or "new" in folder.folders
    if maildir:
        for sub in ("cur", "new"):
            inner = folder.folders.get(sub, _Folder(f"{folder.key}/{sub}"))
            for name in sorted({*inner.folders, *inner.objects}):
                if name.startswith("."):
                    continue  # Maildir readers ignore dot-files in cur/new
                if name in inner.folders:
                    key = inner.folders[name].key
                    yield Entry(str(fs.unstrip_protocol(key)), key, "skip:a folder inside a Maildir's cur/new")
                if name in inner.objects:
                    yield _entry(fs, inner.objects[name], "maildir")
    for name in sorted({*folder.folders, *folder.objects}):
        if maildir and name in ("cur", "new", "tmp"):
            continue
        if name in folder.folders:
            yield from entries(fs, folder.folders[name])
        if name in folder.objects:
            yield _entry(fs, folder.objects[name], "file")


def _entry(fs: Any, info: dict[str, Any], kind: str) -> Entry:
    key = info["name"]
    if info.get("type") != "file":
        kind = "skip:not a regular file"
    return Entry(str(fs.unstrip_protocol(key)), key, kind, int(info.get("size") or 0))


def entry_items(fs: Any, source: str, entry: Entry, numbering: _Numbering) -> Iterator[Item]:
    """The records of one listed object, numbered on from `numbering`."""
    if entry.kind.startswith("skip:"):
        yield Item(source, -1, entry.url, 0, entry.url, error=entry.kind[5:], skipped=True)
        return
    info = {"type": "file", "size": entry.size, "name": entry.key}
    yield from _object_items(fs, source, entry.url, entry.key, info, numbering, maildir=entry.kind == "maildir")


def _walk(fs: Any, source: str, folder: _Folder, numbering: _Numbering) -> Iterator[Item]:
    for entry in entries(fs, folder):
        yield from entry_items(fs, source, entry, numbering)
