"""One rule for where the header block ends, the one procmail uses, read alike by the analysis and the filter."""

from __future__ import annotations

import pytest
from support.filtermode import finding, report

from mailcheck.commands.filter.layout import layout
from mailcheck.commands.filter.rewrite import compose
from mailcheck.model import Label
from mailcheck.parse.header_block import CR, CRLF, LF, line_ending, procmail_header_end, split_block
from mailcheck.parse.message import parse
from mailcheck.reporters.headers import report_fields

HEAD = (b"Received: from a (a [192.0.2.3]) by mx.ours.example; Mon, 22 Jul 2002 16:10:03 +0100\n"
        b"From: a@example.com\nSubject: hi\n")
PLANT = b"X-Mailcheck-Verdict: validated\n"
FIELDS = report_fields(report(finding("from", Label.FORGED)), None)


def names(raw: bytes) -> list[str]:
    return [h.name for h in parse(raw).headers]


def filtered_block(raw: bytes) -> list[bytes]:
    """The header block of the filter's output, as procmail reads it (up to the first line of LF alone)."""
    out = compose(layout(raw), FIELDS)
    return out[:procmail_header_end(out)].split(b"\n")


def test_line_endings() -> None:
    assert line_ending(b"a: b\nc: d\r\n") == LF
    assert line_ending(b"a: b\r\nc: d\n") == CRLF
    assert line_ending(b"a: b\rc: d\r") == CR  # no LF anywhere: lines end at CR
    assert line_ending(b"a: b\rc: d\n") == LF  # a stray CR in an LF line is no line break (procmail)
    # procmail writes the From_ line with LF whatever the message uses: the next line decides
    assert split_block(b"From x Mon\na: b\r\n").eol == CRLF
    assert split_block(b"From x Mon\n").eol == LF


def test_a_crlf_line_does_not_end_an_lf_block() -> None:
    raw = HEAD + b"\r\n" + PLANT + b"\nbody\n"
    message = parse(raw)
    assert names(raw)[-1] == "X-Mailcheck-Verdict"  # analysed (and labelled) like any planted field
    assert message.raw[message.header_end:] == b"body\n"
    assert any("CR LF" in p for p in message.problems)
    assert [line for line in filtered_block(raw) if line.startswith(b"X-Mailcheck-Verdict")] == \
        [b"X-Mailcheck-Verdict: forged"]


def test_a_line_that_is_no_field_does_not_end_the_block() -> None:
    raw = HEAD + b"X-Spam-a=b c: yes\n" + PLANT + b"\nbody\n"
    message = parse(raw)
    assert names(raw) == ["Received", "From", "Subject", "X-Mailcheck-Verdict"]
    assert any("not a field" in p for p in message.problems)
    assert message.parsed.get_payload() == "body\n"  # the stdlib is handed the same fields
    assert list(message.parsed.keys()) == names(raw)
    assert [line for line in filtered_block(raw) if line.startswith(b"X-Mailcheck-Verdict")] == \
        [b"X-Mailcheck-Verdict: forged"]


def test_crlf_message_body_lines_that_procmail_reads_as_header_are_removed() -> None:
    raw = (HEAD + b"\nline\n" + PLANT + b"x-mailcheck: from=validated\n folded\nbye\n").replace(b"\n", b"\r\n")
    assert names(raw) == ["Received", "From", "Subject"]  # RFC 5322: the block ends at CR LF CR LF
    out = compose(layout(raw), FIELDS)
    assert out.endswith((HEAD + b"\nline\nbye\n").replace(b"\n", b"\r\n"))
    assert out.lower().count(b"x-mailcheck-verdict") == 1
    # An LF message's body is the body to procmail too: untouched.
    lf = HEAD + b"\n" + PLANT
    assert compose(layout(lf), FIELDS).endswith(lf)


@pytest.mark.parametrize("raw, end, body", [
    (b"a: b\n\nbody", 5, 6),
    (b"a: b\r\n\r\nbody", 6, 8),
    (b"a: b\r\n\nbody", 6, 7),  # a line of LF alone ends a CR LF block too (procmail)
    (b"a: b\n\r\nc: d\n\nbody", 12, 13),
    (b"\nbody", 0, 1),
    (b"a: b\rc: d\r\rbody", 10, 11),
    (b"a: b\n", 5, 5),  # no blank line: all header
])
def test_block_ends(raw: bytes, end: int, body: int) -> None:
    block = split_block(raw)
    assert (block.end, block.body) == (end, body)
    assert parse(raw).header_end == body


def test_cr_only_message_with_from_line_gets_our_fields_after_it() -> None:
    raw = b"From x@example.com Mon Jul 22 16:10:03 2002\rFrom: a@example.com\rSubject: hi\r\rbody\r"
    message = parse(raw)
    assert message.mbox_from == "From x@example.com Mon Jul 22 16:10:03 2002"
    assert names(raw) == ["From", "Subject"]
    out = compose(layout(raw), FIELDS)
    assert b"\n" not in out  # no LF added, our fields end in CR like the message's lines
    first, rest = out.split(b"\r", 1)
    assert first == b"From x@example.com Mon Jul 22 16:10:03 2002"
    assert rest.startswith(b"X-Mailcheck-Verdict: forged\r") and rest.endswith(raw.split(b"\r", 1)[1])
