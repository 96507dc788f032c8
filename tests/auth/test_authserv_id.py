"""The one authserv-id reader: CFWS (nested comments, quoted-pairs) before the id, quoted ids, ARC's
instance, and linear time on hostile input."""

from __future__ import annotations

import time

import pytest

from mailcheck.auth.authserv_id import authserv_id, skip_cfws


@pytest.mark.parametrize("value,expected", [
    (" mx.example.org; spf=pass", "mx.example.org"),
    ("mx.example.org;spf=pass", "mx.example.org"),
    ("MX.Example.ORG 1; none", "mx.example.org"),
    ("(comment) mx.ours.example; spf=pass", "mx.ours.example"),
    (" (a (b) c) MX.example.org 1; none", "mx.example.org"),
    ("(a \\) still a comment) mx.example.org; none", "mx.example.org"),
    ("(a \\( not nested) mx.example.org; none", "mx.example.org"),
    (' "mx.ex\\"ample" ; none', 'mx.ex"ample'),
    ("\r\n mx.example.org;", "mx.example.org"),
    ("i=1; mx.example.org; spf=pass", "mx.example.org"),
    ("i = 2 (instance) ; (c) mx.example.org; spf=pass", "mx.example.org"),
    ("i=1 mx.example.org", ""),  # an instance without its ';' is no ARC payload
    (" (unclosed comment mx.example.org; spf=pass", ""),
    ('"unclosed', "unclosed"),
    ("(c)", ""),
    ("", ""),
    ("; spf=pass", ""),
])
def test_authserv_id(value: str, expected: str) -> None:
    assert authserv_id(value) == expected


def test_skip_cfws_stops_at_the_value() -> None:
    assert skip_cfws(" (x (y) \\) z)\t v") == len(" (x (y) \\) z)\t ")
    assert skip_cfws("(\\") == 2  # a quoted-pair cut off at the end


@pytest.mark.parametrize("hostile", ["(" * 200_000, "(\\" * 100_000, "()" * 100_000 + "x", '"' + "\\" * 200_001,
                                     "i=1" + " " * 200_000, "(" + ")" * 200_000])
def test_hostile_input_costs_linear_time(hostile: str) -> None:
    started = time.perf_counter()
    authserv_id(hostile)
    assert time.perf_counter() - started < 1.0
