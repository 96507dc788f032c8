"""parse.text_window: an over-size part is read at both ends, and the tail starts where a reader's text resumes."""

from __future__ import annotations

import time

from mailcheck.parse.message import TextPart, parse
from mailcheck.parse.text_window import HEAD, TAIL, TEXT_LIMIT, window
from mailcheck.parse.urls import scan_links


def _hrefs(text: str) -> list[str]:
    pieces = window(text, html=True).pieces
    return [link.href for link in scan_links([TextPart("text/html", p) for p in pieces]).links]


def test_a_text_that_fits_is_read_whole() -> None:
    text = "a" * TEXT_LIMIT
    assert window(text, html=True).pieces == (text,) and window(text, html=True).skipped == 0


def test_a_bigger_text_is_read_at_both_ends() -> None:
    text = "a" * HEAD + "b" * 100 + "c" * TAIL
    seen = window(text, html=False)
    assert seen.pieces[0] == "a" * HEAD
    assert seen.skipped + sum(map(len, seen.pieces)) == len(text)


def test_the_tail_never_starts_inside_a_comment() -> None:
    # a link a reader never sees (it is commented out) must not be read as one, let alone as forged
    hidden = "<a href='http://evil.example/'>www.paypal.com</a>"
    text = "x" * HEAD + "<!--" + "y" * TAIL + hidden + "-->" + "<a href='http://shown.example/'>go</a>"
    assert _hrefs(text) == ["http://shown.example/"]


def test_the_tail_never_starts_inside_a_script_or_a_tag() -> None:
    hidden = "document.write('<a href=\"http://evil.example/\">www.paypal.com</a>')"
    script = "x" * HEAD + "<SCRIPT>" + "y" * TAIL + hidden + "</script >" + "<a href='http://shown.example/'>go</a>"
    assert _hrefs(script) == ["http://shown.example/"]
    # cut inside a tag's attributes: its rest is not taken for text
    tag = "x" * HEAD + "<a title='" + "y" * TAIL + " www.evil.example'>t</a><a href='http://shown.example/'>go</a>"
    assert _hrefs(tag) == ["http://shown.example/"]


def test_the_head_ends_before_a_comment_open_at_its_end() -> None:
    # html.parser hands an unclosed comment over as text: the head must not show what the comment hides
    text = "<p>hi</p><!-- http://www.paypal.com@evil.example/ " + "z" * (TEXT_LIMIT + 10)
    assert _hrefs(text) == []


def test_plain_text_resumes_after_a_word() -> None:
    # the cut falls inside a URL: its second half is no URL of its own
    text = "a" * HEAD + "b" * 10 + " http://www.example.com/" + "p" * 40 + " " + "e" * (TAIL - 30)
    assert len(text) - TAIL == HEAD + 45  # the cut, inside the URL
    assert window(text, html=False).pieces[1] == "e" * (TAIL - 30)


def test_windowing_is_linear_and_gaps_are_recorded_per_part() -> None:
    raw = (b"From: a@example.com\nContent-Type: text/html\n\n<html>"
           + b"<!--<script>" * 1_000_000 + b"\n")  # openers everywhere: each rfind/finditer runs once
    message = parse(raw)
    started = time.perf_counter()
    parts = message.text_parts
    assert time.perf_counter() - started < 5
    assert len(parts) == 2
    [gap] = message.text_gaps
    assert gap.index == 0 and gap.content_type == "text/html" and gap.size > TEXT_LIMIT and gap.skipped > 0
