"""mailcheck.parse.urls.text: bare URLs found from str.find starts give what a plain finditer gives."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.parse.urls.text import _BARE_URL, _STARTS, _lowered, _trim, bare_urls


def test_only_ascii_letters_lower_case_into_a_start() -> None:
    # a start found in the lowered text must stand where the same letters stand in the text
    letters = set("".join(_STARTS))
    into = {chr(i) for i in range(sys.maxunicode + 1) if letters & set(chr(i).lower())}
    assert into == {c for c in letters if c.isascii()} | {c.upper() for c in letters if c.isalpha()}


def test_lowering_keeps_positions() -> None:
    assert [chr(i) for i in range(sys.maxunicode + 1) if len(chr(i).lower()) != 1] == ["\u0130"]
    text = "İ http://x.example İ WWW.y.example"
    assert len(_lowered(text)) == len(text)
    assert bare_urls(text) == ["http://x.example", "WWW.y.example"]


_TEXT = st.lists(st.sampled_from(["http://", "HTTPS://", "httpſ://", "hTtp", "ftp://", "sftp://", "www.", "WwW.",
                                  "wwww.", "x.example", "/a", "@", ".", " ", "(", ")", "\n", "h", "w", "é", "İ",
                                  "-", "a", "mailto:", "\u212a"]),
                 max_size=14).map("".join)


@settings(max_examples=1000)
@given(_TEXT)
def test_bare_urls_finds_what_finditer_finds(text: str) -> None:
    expected = [u for u in (_trim(m.group(0)) for m in _BARE_URL.finditer(text)) if u and not u.endswith("://")]
    assert bare_urls(text) == expected
