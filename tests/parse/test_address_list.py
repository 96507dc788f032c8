"""Address lists read the way mail clients show them (issue 9 item 6): a stray comma stays in the name."""

from __future__ import annotations

import pytest

from mailcheck.parse.address_list import join_stray_phrases
from mailcheck.parse.message import parse


@pytest.mark.parametrize(("value", "pairs"), [
    ("Microsoft account team ,_<x@example.com>", [("Microsoft account team ,_", "x@example.com")]),
    ("Doe, John <j@example.com>, c@example.org", [("Doe, John", "j@example.com"), ("", "c@example.org")]),
    ('"Bank, Support" <x@example.com>, b@example.org', [("Bank, Support", "x@example.com"),
                                                        ("", "b@example.org")]),
    ("a@example.org, b@example.org", [("", "a@example.org"), ("", "b@example.org")]),
    ("Team <a@example.com>, Other <b@example.com>", [("Team", "a@example.com"), ("Other", "b@example.com")]),
    ("=?utf-8?q?Microsoft_account?= team ,_<x@example.com>", [("Microsoft account team ,_", "x@example.com")]),
])
def test_addresses_as_clients_show_them(value: str, pairs: list[tuple[str, str]]) -> None:
    message = parse(b"From: " + value.encode() + b"\r\n\r\nbody\r\n")
    assert message.addresses("From") == pairs


@pytest.mark.parametrize("value", [
    "undisclosed-recipients:;",
    "Friends: a@example.org, b@example.org;",
    "no address at all, really",
    "",
    ",,,<",
    'unclosed "quote, <x@example.com>',
    "(comment, with comma) <x@example.com>",
])
def test_groups_and_odd_lists_keep_their_reading(value: str) -> None:
    joined = join_stray_phrases(value)
    assert isinstance(joined, str)
    parse(b"From: " + value.encode() + b"\r\n\r\nbody\r\n").addresses("From")
    if "<" not in value or ":" in value:
        assert joined == value
