"""sources.py: mbox splitting, Maildir and folder walking, stdin, and errors yielded rather than raised."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from support.archives import maildir, mbox, mbox_entry, message, quote_from, write

from mailcheck.commands.scan.sources import STDIN_NAME, Item, items, split_mbox, total_bytes


def messages(path: Path | str) -> list[Item]:
    return [i for i in items(str(path)) if not i.skipped]


def datas(path: Path | str) -> list[bytes | None]:
    return [i.data for i in messages(path)]


# -- mbox --------------------------------------------------------------------------------------


def test_mbox_split_keeps_bytes_offsets_and_names(tmp_path: Path) -> None:
    entries = [mbox_entry(message(n)) for n in range(3)]
    path = write(tmp_path / "a.mbox", mbox(entries))
    found = messages(path)
    assert [i.data for i in found] == entries  # the writer's blank line after each is not part of it
    assert [i.offset for i in found] == [0, len(entries[0]) + 1, len(entries[0]) + len(entries[1]) + 2]
    assert [i.name for i in found] == [f"{path}#0", f"{path}#1", f"{path}#2"]
    assert [i.index for i in found] == [0, 1, 2]
    assert sum(i.size for i in found) == path.stat().st_size == total_bytes([str(path)])
    assert found[1].position() == {"source": str(path), "index": 1, "path": str(path), "offset": found[1].offset}
    raw = path.read_bytes()
    assert all(raw[i.offset:i.offset + len(i.data or b"")] == i.data for i in found)


def test_a_file_holding_one_message_is_kept_whole_and_named_by_its_path(tmp_path: Path) -> None:
    data = mbox([mbox_entry(message(1))])
    path = write(tmp_path / "one.eml", data)
    [item] = messages(path)
    assert item.data == data and item.name == str(path) and item.offset == 0


def test_from_quoting_is_kept_and_unquoted_from_prose_stays_in_the_body(tmp_path: Path) -> None:
    body = "Hi,\n\n>From the archive: quoted already.\nFrom here on, prose.\n\nFrom my point of view, yes.\n"
    entries = [mbox_entry(message(1, body)), mbox_entry(message(2))]
    path = write(tmp_path / "q.mbox", mbox(entries))
    found = datas(path)
    assert found == entries
    assert b">>From the archive" in entries[0] and b">From here on" in entries[0]  # mboxrd writer's quoting
    # An mboxo writer that quoted nothing: a From line after a blank line, followed by prose, is body.
    unquoted = mbox([mbox_entry(message(1, body), quote=False), mbox_entry(message(2))])
    assert datas(write(tmp_path / "o.mbox", unquoted))[0] == mbox_entry(message(1, body), quote=False)


def test_separator_without_blank_line_and_malformed_separators(tmp_path: Path) -> None:
    one, two, three = (mbox_entry(message(n)) for n in range(3))
    # The writer forgot the blank line: a From line in separator syntax, followed by a header field.
    assert datas(write(tmp_path / "a.mbox", one + two)) == [one, two]
    # A From line without the blank line or a date is body text, even before a header-like line.
    glued = one + b"From lib\nX: y\n"
    assert datas(write(tmp_path / "b.mbox", glued)) == [glued]
    # After a blank line, a malformed separator ("From lib", no date) counts when a header follows.
    odd = b"From lib\n" + message(7)
    assert datas(write(tmp_path / "c.mbox", one + b"\n" + odd + b"\n" + three)) == [one, odd, three]
    # ... but not when prose or a continuation line follows ("From xl.org, a@b," in a patch).
    prose = one + b"\nFrom xl.org, netdev@example.org,\n        more@example.org\n"
    assert datas(write(tmp_path / "d.mbox", prose)) == [prose]


def test_a_header_field_named_from_is_not_a_separator(tmp_path: Path) -> None:
    data = b"From : Alice <alice@example.net>\nSubject: obsolete syntax\n\nbody\n"
    [item] = messages(write(tmp_path / "x.eml", data))
    assert item.data == data


def test_crlf_mbox(tmp_path: Path) -> None:
    entries = [mbox_entry(message(n)) for n in range(2)]
    path = write(tmp_path / "crlf.mbox", mbox(entries, crlf=True))
    found = messages(path)
    assert [i.data for i in found] == [e.replace(b"\n", b"\r\n") for e in entries]
    assert sum(i.size for i in found) == path.stat().st_size


def test_truncated_last_message_is_yielded_as_far_as_it_goes(tmp_path: Path) -> None:
    one = mbox_entry(message(1))
    cut = mbox_entry(message(2))[:40]  # mid-header, no final newline
    assert datas(write(tmp_path / "t.mbox", one + b"\n" + cut)) == [one, cut]


def test_empty_and_binary_files(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.mbox", b"")
    [item] = list(items(str(empty)))
    assert item.skipped and item.error == "empty file"
    junk = write(tmp_path / "junk.bin", bytes(range(256)) * 4)
    [item] = list(items(str(junk)))
    assert item.skipped and "not a message" in (item.error or "") and item.size == 1024


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from([
    "From here on", "From alice@example.net Wed Aug 21 12:34:56 2002", ">From quoted", ">>From twice",
    "Subject: looks like a header", "", "plain text", "From : odd", "\r", "From lib",
]), max_size=8), min_size=1, max_size=5), st.booleans())
def test_what_an_mboxrd_writer_wrote_splits_back_into_the_same_messages(bodies: list[list[str]],
                                                                         crlf: bool) -> None:
    originals = [message(n, "".join(line + "\n" for line in body)) for n, body in enumerate(bodies)]
    entries = [mbox_entry(m) for m in originals]
    data = mbox(entries, crlf=crlf)
    ending = b"\r\n" if crlf else b"\n"
    pieces = list(split_mbox(io.BytesIO(data)))
    assert [p.data for p in pieces] == [e.replace(b"\n", ending) for e in entries]
    assert sum(p.size for p in pieces) == len(data)


def test_splitting_streams() -> None:
    """The splitter yields each message as soon as the next one starts: an endless mbox works."""

    def endless() -> Iterator[bytes]:
        n = 0
        while True:
            yield from io.BytesIO(mbox_entry(message(n)) + b"\n")
            n += 1

    first = list(islice(split_mbox(endless()), 3))
    assert [p.data for p in first] == [mbox_entry(message(n)) for n in range(3)]


# -- stdin ---------------------------------------------------------------------------------------


def test_stdin_mbox_single_message_and_empty() -> None:
    entries = [mbox_entry(message(n)) for n in range(2)]
    found = list(items("-", stdin=io.BytesIO(mbox(entries))))
    assert [i.data for i in found] == entries
    assert [i.name for i in found] == [f"{STDIN_NAME}#0", f"{STDIN_NAME}#1"]
    assert found[0].position()["source"] == STDIN_NAME
    [one] = list(items("-", stdin=io.BytesIO(message(5))))
    assert one.data == message(5) and one.name == STDIN_NAME
    [empty] = list(items("-", stdin=io.BytesIO(b"")))
    assert empty.skipped
    assert total_bytes(["-"]) is None


class FailingStream(io.BytesIO):
    """A stream whose device fails after `good` lines (EIO), as a dying disk or a dropped NFS mount: a read
    returns what lies before the failing place, and the next read fails."""

    def __init__(self, data: bytes, good: int) -> None:
        super().__init__(data)
        self.good = good
        self.limit = sum(map(len, io.BytesIO(data).readlines()[:good]))  # the bytes of the good lines

    def readline(self, size: int | None = -1) -> bytes:
        if self.good <= 0:
            raise OSError(5, "Input/output error")
        self.good -= 1
        return super().readline(size)

    def read1(self, size: int | None = -1) -> bytes:
        left = self.limit - self.tell()
        if left <= 0:
            raise OSError(5, "Input/output error")
        return super().read1(left if size is None or size < 0 else min(size, left))

    def __iter__(self) -> FailingStream:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line


def test_a_read_error_mid_mbox_is_an_item_not_an_exception() -> None:
    entries = [mbox_entry(message(n)) for n in range(3)]
    lines_of_first_two = (entries[0] + b"\n" + entries[1]).count(b"\n") + 2
    found = list(items("-", stdin=FailingStream(mbox(entries), lines_of_first_two)))
    assert [i.data for i in found[:2]] == entries[:2]
    assert found[2].data is None and "Input/output error" in (found[2].error or "")


# -- folders and Maildirs ------------------------------------------------------------------------


def test_folder_is_walked_recursively_in_order_and_non_messages_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / "b" / "2.eml", message(2))
    write(tmp_path / "a.eml", message(1))
    write(tmp_path / "b" / "c" / "3.eml", message(3))
    write(tmp_path / "README", b"This folder holds test mail.\n")
    write(tmp_path / "b" / "archive.mbox", mbox([mbox_entry(message(4)), mbox_entry(message(5))]))
    write(tmp_path / "empty", b"")
    found = list(items(str(tmp_path)))
    kept = [i for i in found if not i.skipped]
    assert [i.data for i in kept] == [message(1), message(2), mbox_entry(message(4)), mbox_entry(message(5)),
                                      message(3)]
    assert [i.index for i in kept] == [0, 1, 2, 3, 4]
    assert all(i.source == str(tmp_path) for i in found)
    assert kept[3].path == str(tmp_path / "b" / "archive.mbox") and kept[3].offset > 0
    assert sorted(Path(i.path).name for i in found if i.skipped) == ["README", "empty"]
    assert sum(i.size for i in found) == total_bytes([str(tmp_path)])


def test_maildir_cur_then_new_tmp_and_dotfiles_ignored_subfolders_walked(tmp_path: Path) -> None:
    root = maildir(tmp_path / "Mail", cur={"2:2,S": message(2), "1:2,S": message(1), ".hidden": message(9)},
                   new={"3": message(3), "4": b"no header here, but a Maildir file is a message\n"},
                   tmp={"5": message(5)})
    maildir(root / ".Sent", cur={"6:2,S": message(6)})
    found = messages(root)
    assert [i.data for i in found] == [message(1), message(2), message(3),
                                       b"no header here, but a Maildir file is a message\n", message(6)]
    assert found[0].path == str(root / "cur" / "1:2,S")


def test_maildir_file_starting_with_from_is_one_message(tmp_path: Path) -> None:
    data = mbox([mbox_entry(message(1)), mbox_entry(message(2))])
    root = maildir(tmp_path / "md", new={"x": data})
    assert datas(root) == [data]


def test_unreadable_file_is_an_error_item_and_the_walk_goes_on(tmp_path: Path) -> None:
    # Tests run as root, for whom chmod 000 does not stop reading; a dangling symbolic link (a message
    # deleted by another client mid-scan) fails to open for anyone.
    write(tmp_path / "a.eml", message(1))
    os.symlink(tmp_path / "gone.eml", tmp_path / "b.eml")
    write(tmp_path / "c.eml", message(3))
    found = list(items(str(tmp_path)))
    assert [i.data for i in found] == [message(1), None, message(3)]
    assert found[1].error is not None and "No such file" in found[1].error and not found[1].skipped
    assert found[1].index == 1


def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "real" / "a.eml", message(1))
    os.symlink(tmp_path, tmp_path / "real" / "loop")
    found = list(items(str(tmp_path / "real")))
    assert [i.data for i in found if not i.skipped] == [message(1)]
    assert any(i.skipped and "symbolic link" in (i.error or "") for i in found)


def test_mboxrd_quote_helper_quotes_every_level() -> None:
    assert quote_from(b"From a\n>From b\nxFrom c\n") == b">From a\n>>From b\nxFrom c\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    b"From here on\n", b"From alice@example.net Wed Aug 21 12:34:56 2002\n", b"Subject: x\n", b"\n", b"\r\n",
    b"plain text\n", b"From : odd\n", b"From lib", b"tail", b"\r", b">From x\n",
]), max_size=30), st.lists(st.integers(1, 40), min_size=1, max_size=10))
def test_the_pieces_do_not_depend_on_how_the_input_is_cut(lines: list[bytes], cuts: list[int]) -> None:
    data = b"".join(lines)
    by_line = list(split_mbox(io.BytesIO(data)))  # a stream iterated line by line
    chunks, at, k = [], 0, 0
    while at < len(data):  # the same bytes in chunks of arbitrary sizes, across line ends
        chunks.append(data[at:at + cuts[k % len(cuts)]])
        at += cuts[k % len(cuts)]
        k += 1
    assert list(split_mbox(chunks)) == by_line == list(split_mbox([data]))
    assert sum(p.size for p in by_line) == len(data)
