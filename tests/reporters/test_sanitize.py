"""Untrusted text cannot drive the terminal or style the report."""

from __future__ import annotations

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
