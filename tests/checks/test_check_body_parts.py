"""Padding never hides a finding: an over-size text part is read at both ends, and the rest is reported unread."""

from __future__ import annotations

import json

import pytest
from support.messages import build, field, run

from mailcheck.model import Basis, Label
from mailcheck.parse import text_window
from mailcheck.parse.text_window import TEXT_LIMIT
from mailcheck.reporters.headers import report_fields
from mailcheck.reporters.json import render

FORGED_LINK = "<a href='http://paypal.com.evil.example/'>https://www.paypal.com/</a>"
SMALL = 4000  # the window in most tests below: the same code, without parsing megabytes of padding


@pytest.fixture
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_window, "TEXT_LIMIT", SMALL)
    monkeypatch.setattr(text_window, "HEAD", SMALL // 2)
    monkeypatch.setattr(text_window, "TAIL", SMALL // 2)


def _html(body: str) -> bytes:
    return build("From: a@example.com\nContent-Type: text/html\n", "<html>" + body + "\n")


def _comment(size: int) -> str:
    return "<!--" + "x" * size + "-->"


def test_the_reproduction_a_forged_link_before_a_4_mib_comment_is_found() -> None:
    report = run(_html(FORGED_LINK + _comment(TEXT_LIMIT + 10)))
    assert field(report, "url[0]").label is Label.FORGED
    gap = field(report, "body-part[0]")
    assert gap.label is Label.UNVERIFIABLE and gap.basis is Basis.NOT_EXAMINED
    assert gap.evidence[0].startswith("the text/html part body-part[0] is 4.2 MB; only its beginning and its end ")
    assert report.verdict is Label.FORGED and report.verdict_reason == "forged: url[0]; incomplete: body-part[0]"
    assert any(e.startswith("body-part[0] not examined: ") for e in report.errors)


TAGS = "<p>" + "<b>x</b>" * SMALL


@pytest.mark.usefixtures("small_window")
@pytest.mark.parametrize("body", [
    FORGED_LINK + _comment(SMALL), _comment(SMALL) + FORGED_LINK,  # the link first, or the padding first
    FORGED_LINK + TAGS, TAGS + FORGED_LINK,  # padding of real tags
    _comment(SMALL) + _comment(SMALL) + "<p>" + FORGED_LINK,
], ids=["link-comment", "comment-link", "link-tags", "tags-link", "comments-link"])
def test_a_forged_link_before_or_after_the_padding_is_still_found(body: str) -> None:
    report = run(_html(body))
    assert field(report, "url[0]").label is Label.FORGED
    assert report.verdict is Label.FORGED
    assert report.not_examined == ("body-part[0]",)
    assert report.verdict_reason == "forged: url[0]; incomplete: body-part[0]"


@pytest.mark.usefixtures("small_window")
def test_plain_text_padding_hides_no_link() -> None:
    link = "http://www.paypal.com@evil.example/login"  # the user-name trick: forged in a bare URL too
    for body in (link + " " + "x" * SMALL, "x" * SMALL + " " + link):
        report = run(build("From: a@example.com\n", body + "\n"))
        assert field(report, "url[0]").label is Label.FORGED
        assert field(report, "body-part[0]").basis is Basis.NOT_EXAMINED


@pytest.mark.usefixtures("small_window")
def test_a_link_buried_in_the_middle_is_reported_as_not_examined() -> None:
    report = run(_html(_comment(SMALL) + FORGED_LINK + _comment(SMALL)))
    assert not [f for f in report.fields if f.name.startswith("url[")]  # not found: the middle is not read
    assert report.verdict is Label.UNVERIFIABLE
    assert report.verdict_reason.startswith("incomplete: body-part[0] could not be examined")
    data = json.loads(render(report))
    assert data["complete"] is False and data["not_examined"] == ["body-part[0]"]
    assert "X-Mailcheck-Incomplete: body-part[0]" in report_fields(report)
    assert report_fields(report)[0] == "X-Mailcheck-Verdict: unverifiable"  # still one of the labels


@pytest.mark.usefixtures("small_window")
def test_the_part_number_is_its_place_in_the_mime_walk() -> None:
    body = ("--b\nContent-Type: text/plain\n\nhello\n--b\nContent-Type: text/html\n\n<html>"
            + FORGED_LINK + _comment(SMALL) + "\n--b--\n")
    raw = build("From: a@example.com\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n", body)
    report = run(raw)
    assert field(report, "url[0]").label is Label.FORGED
    assert report.not_examined == ("body-part[2]",)  # 0 the multipart itself, 1 the text/plain part


def test_a_message_read_whole_has_no_gap_and_keeps_its_json_shape() -> None:
    report = run(_html(FORGED_LINK + "<!--" + "x" * 1000 + "-->"))
    assert report.complete and not [f for f in report.fields if f.name.startswith("body-part")]
    assert report.verdict_reason == "forged: url[0]"
    data = json.loads(render(report))
    assert "complete" not in data and "not_examined" not in data
    assert not [f for f in report_fields(report) if f.startswith("X-Mailcheck-Incomplete")]
