"""The envelope sender normalised before any lookup: comments, spaces around '@', several addresses."""

from __future__ import annotations

import pytest

from mailcheck.parse.envelope import FROM_RETURN_PATH, FROM_X_ENVELOPE, envelope_sender, path_address
from mailcheck.parse.message import parse


@pytest.mark.parametrize(("value", "address"), [
    ("<user@example.com>", "user@example.com"),
    ("<>", ""),
    ("", ""),
    ("   ", ""),
    ("marc@ example.org", "marc@example.org"),
    ("<marc @ example.org>", "marc@example.org"),
    ("a@example.org, b@example.net", "a@example.org"),
    ("<a@example.org> <b@example.net>", "a@example.org"),
    ("(bounce handler) <a@example.org> (via list)", "a@example.org"),
    ("a@example.org (comment)", "a@example.org"),
    ("<@relay1.example,@relay2.example:u@example.com>", "u@example.com"),
    ("<<a@example.org>>", "a@example.org"),
    ("(unclosed <a@example.org>", "a@example.org"),
])
def test_path_address(value: str, address: str) -> None:
    assert path_address(value) == address


def test_return_path_with_a_spaced_at_is_looked_up_as_one_address() -> None:
    raw = (b"Return-Path: <marc@ example.org>\r\nReceived: from a by b; Mon, 2 Nov 2020 10:00:00 +0000\r\n"
           b"From: marc@example.org\r\n\r\nbody\r\n")
    assert envelope_sender(parse(raw)) == ("marc@example.org", FROM_RETURN_PATH)


def test_x_envelope_from_with_several_addresses_takes_the_first() -> None:
    raw = b"X-Envelope-From: a@example.org, b@example.net\r\nFrom: a@example.org\r\n\r\nbody\r\n"
    assert envelope_sender(parse(raw)) == ("a@example.org", FROM_X_ENVELOPE)


@pytest.mark.parametrize(("value", "address"), [
    ('<"a\\"b c"@sender.test>', '"a\\"b c"@sender.test'),
    ('"x, y"@example.org', '"x, y"@example.org'),
    ('"x y" @ example.org, b@example.net', '"x y"@example.org'),
])
def test_a_quoted_local_part_keeps_its_spaces(value: str, address: str) -> None:
    assert path_address(value) == address
