"""Our split of a message for dkimpy is dkimpy's own, in linear time (auth/dkimpy_message.py)."""

from __future__ import annotations

import dkim
from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.auth.dkimpy_message import split_for_dkimpy

_PIECES = [b"From x\n", b"A: b\n", b" c\n", b"\tc\r\n", b"\n", b"\r\n", b"body\n", b"bad line\n", b"B:c", b"x",
           b":", b" ", b"\r", b"DKIM-Signature: v=1;\n"]


def _outcome(parse: object, message: bytes) -> tuple[str, object]:
    try:
        return "ok", parse(message)  # type: ignore[operator]
    except Exception as exc:  # the same exception class is part of the contract
        return "raised", type(exc).__name__


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map(b"".join))
def test_same_split_as_dkimpy(message: bytes) -> None:
    assert _outcome(split_for_dkimpy, message) == _outcome(dkim.rfc822_parse, message)


def test_a_field_folded_over_many_lines_is_split_at_once() -> None:
    # 400,000 continuation lines: minutes in dkimpy's split (bytes += per line), well under a second here.
    message = b"DKIM-Signature: v=1; d=example.com\nSubject: x" + b"\n a" * 400_000 + b"\n\nbody\n"
    headers, body = split_for_dkimpy(message)
    assert [name for name, _ in headers] == [b"DKIM-Signature", b"Subject"]
    assert headers[1][1].count(b"\r\n") == 400_001 and body == b"body\r\n"
