"""Opening a file found by `mailcheck scan`: only regular files under a folder, never blocking on a FIFO."""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

_READ_BUFFER = 1 << 20


def read_error(exc: OSError) -> str:
    return f"cannot read: {exc.strerror or exc}"


def _kind_of(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return kind
    return "not a regular file"


def open_for_scan(path: str, regular_only: bool) -> BinaryIO | str:
    """The file opened for reading, or why it is not read. With regular_only the type is checked after
    following links and before opening (opening a FIFO for reading blocks until a writer comes), and
    again on the open descriptor in case the entry was replaced in between."""
    try:
        if regular_only:
            mode = os.stat(path).st_mode
            if not stat.S_ISREG(mode):
                return f"cannot read: {_kind_of(mode)}, not a regular file"
        # O_NONBLOCK: should a FIFO appear between the stat and the open, the open does not wait.
        fd = os.open(path, os.O_RDONLY | (os.O_NONBLOCK if regular_only else 0))
    except OSError as exc:
        return read_error(exc)
    try:
        mode = os.fstat(fd).st_mode
        if regular_only and not stat.S_ISREG(mode):
            os.close(fd)
            return f"cannot read: {_kind_of(mode)}, not a regular file"
        return os.fdopen(fd, "rb", buffering=_READ_BUFFER)
    except OSError as exc:
        os.close(fd)
        return read_error(exc)


def too_large(size: int, cap: int) -> str:
    return f"too large to examine: a file read as one message over {cap >> 20} MiB (at least {size} bytes)"
