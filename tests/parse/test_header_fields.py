"""The one-pass reading of a plain header block gives the fields the field-by-field reading gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.parse import header_fields
from mailcheck.parse.header_block import split_block

_PIECES = [b"From: a <b@c.example>", b"Subject:", b"Subject: x", b"X-A :", b"Received: from a\n\tby b", b" folded",
           b"\tfolded", b"\n", b"\n", b"\r\n", b"\r\n", b"\r", b"body", b":", b" ", b"\x1c", b"\x0b", b"x: y\n",
           b"From x@y.example Mon Jan  1 00:00:00 2001\n", b"\x00", b"=?utf-8?q?a?="]


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(_PIECES), max_size=20).map(b"".join), st.booleans())
def test_plain_blocks_are_read_as_field_by_field(raw: bytes, alike: bool) -> None:
    block = split_block(raw)
    expected = header_fields._fields(raw, block, alike)
    assert header_fields.read_fields(raw, block, alike) == expected
    text = raw[block.from_end:block.end]
    if block.eol != b"\r" and text.isascii():
        plain = header_fields._plain_fields(raw, block, text.decode("ascii"), alike)
        assert plain is None or plain == expected


def test_a_line_that_is_no_field_is_left_to_the_field_by_field_reading() -> None:
    raw = b"Subject: x\nno colon\n\nbody\n"
    block = split_block(raw)
    assert header_fields._plain_fields(raw, block, raw[:block.end].decode(), True) is None
    fields = header_fields.read_fields(raw, block, True)
    assert [h.name for h in fields.headers] == ["Subject"] and fields.notes == [header_fields.NOT_A_FIELD]
    assert not fields.alike


def test_values_are_unfolded_and_stripped() -> None:
    raw = b"Received: from a\r\n\tby b;\r\n  x \r\nSubject:\r\n  hi\r\nX: \r\n\r\nbody"
    fields = header_fields.read_fields(raw, split_block(raw), True)
    assert [h.value for h in fields.headers] == ["from a\tby b;  x", "hi", ""]
    assert b"".join(h.raw for h in fields.headers) == raw[:raw.index(b"\r\n\r\n") + 2]
    assert fields.positions == {"received": [0], "subject": [1], "x": [2]} and fields.alike
