"""Untrusted text cannot drive the terminal or style the report."""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailcheck.reporters.sanitize import safe_text


def test_escape_sequences_are_shown_not_sent() -> None:
    assert safe_text("evil\x1b[2J\x1b]0;title\x07") == "evil\\x1b[2J\\x1b]0;title\\x07"


def test_bidi_override_and_c1_controls() -> None:
    assert safe_text("abc\u202egpj.exe") == "abc\\u202egpj.exe"
    assert safe_text("x\x9by") == "x\\x9by"


def test_newlines_fold_and_limit_cuts() -> None:
    assert safe_text("a\r\n\tb") == "a b"
    assert safe_text("abcdef", limit=4) == "abc…"


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    out = safe_text(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out)
    assert not any(c in out for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert not any(unicodedata.category(c) in ("Cf", "Cs", "Zl", "Zp") for c in out)


def test_undecodable_file_name_bytes_are_shown_as_the_byte() -> None:
    # os.fsdecode(b"x\x9by") == "x\udc9by": the raw 0x9b would be an 8-bit CSI on the terminal.
    assert safe_text(os.fsdecode(b"x\x9by.eml")) == "x\\x9by.eml"
    assert safe_text("lone \ud800 surrogate") == "lone \\ud800 surrogate"


@pytest.mark.parametrize("char", ["\u061c", "\u2028", "\u2029", "\u200b", "\u200c", "\u200d", "\u2060",
                                  "\u00ad", "\u2064", "\U000e0041"])
def test_invisible_characters_are_escaped(char: str) -> None:
    code = ord(char)
    expected = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    assert safe_text(f"a{char}b") == f"a{expected}b"


def test_letters_and_symbols_outside_ascii_stay() -> None:
    text = "Grüße — 日本語 😀 é"
    assert safe_text(text) == text


def test_every_hidden_code_point_is_escaped() -> None:
    # Whatever Unicode version this Python has: no control, format, separator or surrogate code point
    # reaches the output as itself.
    hidden = "".join(chr(c) for c in range(0x110000)
                     if unicodedata.category(chr(c)) in ("Cc", "Cf", "Cs", "Zl", "Zp") and chr(c) not in "\t\n\r")
    out = safe_text(f"<{hidden}>")
    assert out.isascii()


def test_output_always_encodes() -> None:
    # A surrogate in the output would make the terminal's encoder raise.
    safe_text(os.fsdecode(b"\xff\xfe\x9b\x80")).encode("utf-8")
