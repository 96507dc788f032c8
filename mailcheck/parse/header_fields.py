"""A header block → its fields (Header), the names as written and the values unfolded.

Most blocks are ASCII with LF or CR LF line ends and far fewer lines than MAX_FIELDS: those are decoded
once and split with one findall, which hands back each field's pieces as strings (no match object to
ask per field). Any other block (8-bit bytes, lines ending at CR, a huge block) is read field by field.
Both readings give the same fields.
"""

from __future__ import annotations

from itertools import repeat

from mailcheck.parse.field_name import FIELD_NAME
from mailcheck.parse.header_block import CR, ITEM_LF, Block, named_items
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.value_types import NamedTuple

# Fields read from one header block. Real messages have a few hundred at most (a long Received chain, a
# provider's stamps); past this many, the rest of the block is left out and the report says so: the fields
# cost time and memory per field, and 44 MB of them must not take minutes (the filter still cleans them all).
MAX_FIELDS = 10_000
NOT_A_FIELD = "a line in the header block is not a field (skipped; procmail reads on past it)"
CR_LINE = "a line of CR LF inside an LF header block (not its end: procmail reads on past it)"
EIGHT_BIT = "a header contains raw 8-bit bytes (not RFC 5322)"

# header_block's LF items as text: (field name or "", white space before the colon, the rest of the item).
_FIELD = lazy_compile(r"(?=[\s\S])(?:(" + FIELD_NAME.decode("ascii") + r")([ \t]*):)?(" + ITEM_LF.decode("ascii") + ")")
_SEPARATOR = "\x80"
_ITEM_LF = lazy_compile(rb"(?=[\s\S])" + ITEM_LF)  # the same items as _FIELD, as bytes
_FOLD = lazy_compile(rb"\r?\n(?=[ \t])")
_FOLD_CR = lazy_compile(rb"\r(?=[ \t])")  # a message with no LF at all: its lines end at CR
_new_header = tuple.__new__  # Header(...) without the Python-level __new__ a NamedTuple adds per field


class Header(NamedTuple):  # not a frozen dataclass: ~1 µs less per field, and messages have dozens
    name: str  # as written (case kept)
    value: str  # unfolded, surrounding white space removed, RFC 2047 words NOT decoded
    raw: bytes  # exact bytes including the name and the line endings


class Fields(NamedTuple):
    headers: list[Header]
    positions: dict[str, list[int]]  # lower-case name -> positions in headers
    alike: bool  # the stdlib's feedparser would split the block into these same fields (Message._split)
    notes: list[str]  # problems met, in order (repeats included)
    unexamined: bytes  # the block past MAX_FIELDS fields


def decode_bytes(data: bytes) -> str:
    """Header bytes → text. Raw 8-bit headers are usually UTF-8, else Latin-1 (which never fails)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_fields(raw: bytes, block: Block, alike: bool) -> Fields:
    """The fields of raw's header block; alike says whether the stdlib could split it alike so far."""
    if block.eol != CR:
        text = raw[block.from_end:block.end]
        if text.isascii() and text.count(b"\n") < MAX_FIELDS:  # so no field past MAX_FIELDS
            plain = _plain_fields(raw, block, text.decode("ascii"), alike)
            if plain is not None:
                return plain
    return _fields(raw, block, alike)


def _plain_fields(raw: bytes, block: Block, text: str, alike: bool) -> Fields | None:
    """The fields of an ASCII block with LF or CR LF line ends, each step one call over all of them;
    None when a line is no field (those are noted one by one in _fields)."""
    found = _FIELD.findall(text)
    if not found:
        return Fields([], {}, alike, [], b"")
    names, spaces, rests = zip(*found, strict=True)
    if "" in names:
        return None
    # RFC 5322 §2.2.3: unfolding removes each CRLF followed by white space. Inside an item every line break
    # is followed by white space (that made the next line part of it), so once a value's ends are stripped,
    # each line break left is a fold. The values are unfolded all at once, joined by a character that no
    # ASCII text holds.
    joined = _SEPARATOR.join(map(str.strip, rests))
    if "\r" in joined:
        joined = joined.replace("\r\n", "")
    values = joined.replace("\n", "").split(_SEPARATOR)
    datas = _ITEM_LF.findall(raw, block.from_end, block.end)
    if len(values) != len(names) or len(datas) != len(names):
        return None  # cannot happen (the same items, the same count): the field-by-field reading decides
    # A lone CR is a line break to the feedparser, which would find other fields there.
    alike = alike and not any(spaces) and text.count("\r") == text.count("\r\n")
    positions: dict[str, list[int]] = {}
    for index, key in enumerate("\n".join(names).lower().split("\n")):
        positions.setdefault(key, []).append(index)
    headers = list(map(_new_header, repeat(Header), zip(names, values, datas, strict=True)))
    return Fields(headers, positions, alike, [], b"")


def _unfold(data: bytes, eol: bytes, ascii_only: bool) -> str:
    # Most fields are one line, whose only line break is its last byte: only one before that can need removing.
    if eol == CR:
        data = _FOLD_CR.sub(b"", data)
    elif 0 <= data.find(b"\n") < len(data) - 1:
        data = _FOLD.sub(b"", data)
    return (data.decode("ascii") if ascii_only else decode_bytes(data)).strip()


def _fields(raw: bytes, block: Block, alike: bool) -> Fields:
    eol = block.eol
    headers: list[Header] = []
    positions: dict[str, list[int]] = {}
    notes: list[str] = []
    unexamined = b""
    for found in named_items(raw, block.from_end, block.end, eol):
        first, stop = found.span()
        if len(headers) == MAX_FIELDS:
            unexamined = raw[first:block.end]
            alike = False  # the stdlib must not parse what is left out here either
            break
        data = raw[first:stop]
        name = found.group(1)
        if name is None:
            notes.append(NOT_A_FIELD if data.strip() else CR_LINE)
            alike = False
            continue
        colon = found.start(2)  # where the value starts
        ascii_only = data.isascii()
        if not ascii_only:
            notes.append(EIGHT_BIT)
        if colon - first != len(name) + 1:  # white space before the colon
            alike = False
        if alike and b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
            alike = False
        text = name.decode("ascii")
        positions.setdefault(text.lower(), []).append(len(headers))
        headers.append(Header(text, _unfold(raw[colon:stop], eol, ascii_only), data))
    return Fields(headers, positions, alike, notes, unexamined)
