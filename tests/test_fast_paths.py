"""The shortcuts taken for speed give exactly what the plain computations they replace give."""

from __future__ import annotations

import email
import re
import sys
from email.message import Message as EmailMessage

from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.checks import body_claims
from mailcheck.checks import urls as url_check
from mailcheck.parse.header_fields import CR_LINE as _CR_LINE
from mailcheck.parse.header_fields import NOT_A_FIELD as _NOT_A_FIELD
from mailcheck.parse.header_fields import decode_bytes as _decode_bytes
from mailcheck.parse.message import parse

# Every character Python has, once: what re.IGNORECASE matches can be read off it.
_ALL_CHARACTERS = "".join(map(chr, range(sys.maxunicode + 1)))


def _ignorecase_matches(letters: str) -> set[str]:
    return set(re.findall(f"[{letters}]", _ALL_CHARACTERS, re.IGNORECASE))


# -- header splitting (message.py) ------------------------------------------------------------------------


def _line_ending(raw: bytes) -> bytes:
    if b"\n" not in raw:
        return b"\r" if b"\r" in raw else b"\n"
    lines = re.findall(rb"[^\n]*\n", raw)
    # the first line after a From_ line (procmail writes that one with LF), if it has a line break
    line = lines[1] if raw.startswith(b"From ") and len(lines) > 1 else lines[0]
    return b"\r\n" if line.endswith(b"\r\n") else b"\n"


def _split_by_lines(raw: bytes) -> tuple[list[bytes], int, list[str]]:
    """The header block split line by line, as the rules read (header_block's docstring): (fields,
    offset of the body, problems)."""
    eol = _line_ending(raw)
    lines = re.findall(rb"[^\r]*\r|[^\r]+" if eol == b"\r" else rb"[^\n]*\n|[^\n]+", raw)
    pos = len(lines[0]) if lines and lines[0].startswith(b"From ") else 0
    empty = {b"\r": (b"\r",), b"\r\n": (b"\r\n", b"\n"), b"\n": (b"\n",)}[eol]
    groups: list[bytes] = []
    ended = False
    for line in lines[1 if pos else 0:]:
        if line in empty:
            pos += len(line)
            ended = True
            break
        if line[:1] in (b" ", b"\t") and groups:
            groups[-1] += line
        else:
            groups.append(line)
        pos += len(line)
    fields = [g for g in groups if re.match(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:", g)]
    problems: list[str] = []
    for group in groups:
        if group not in fields:
            problem = _NOT_A_FIELD if group.strip() else _CR_LINE
            if problem not in problems:
                problems.append(problem)
    if not ended and pos >= len(raw) and raw:
        problems.insert(0, "the message has no body (no blank line after the headers)")
    return fields, pos, problems


_PIECES = [b"From x@y.example Mon Jan  1 00:00:00 2001\n", b"From: a <b@c.example>", b"Subject:", b"X-A :",
           b"Content-Type: text/plain", b"Content-Type: multipart/mixed; boundary=B", b"--B\n", b" folded",
           b"\tfolded", b"\n", b"\r\n", b"\r", b"body", b"\xc3\xa9", b":", b" ", b"From ", b"x: y\n"]
_RAW = st.lists(st.sampled_from(_PIECES), max_size=14).map(b"".join)


@settings(max_examples=400)
@given(_RAW)
def test_header_fields_are_split_as_line_by_line(raw: bytes) -> None:
    message = parse(raw)
    fields, end, problems = _split_by_lines(raw)
    assert [h.raw for h in message.headers] == fields
    assert message.header_end == end
    assert [p for p in message.problems if "8-bit" not in p and "no header" not in p] == problems
    fold = rb"\r(?=[ \t])" if _line_ending(raw) == b"\r" else rb"\r?\n(?=[ \t])"
    for header in message.headers:
        unfolded = re.sub(fold, b"", header.raw.partition(b":")[2])
        assert header.value == _decode_bytes(unfolded).strip()


_NAMES = [b"Content-Type", b"content-type", b"Content-Transfer-Encoding", b"Content-Disposition", b"Subject",
          b"Content-Type ", b"From"]
_VALUES = [b"text/plain", b"text/html; charset=utf-8", b"multipart/alternative; boundary=B", b"message/rfc822",
           b"TEXT/plain;\n\tcharset=koi8-r", b"base64", b"quoted-printable", b"attachment; filename=a.txt",
           b"\xc3\xa9", b"", b"text/plain; charset*=utf-8''%e2%82%ac"]
_BODIES = [b"hello\n", b"aGVsbG8=\n", b"=E9t=E9=\n", b"cr\rline", b"line\r\n", b"--B\n", b"\xe9\xff\n", b""]


@st.composite
def _messages(draw: st.DrawFn) -> bytes:
    eol = st.sampled_from([b"\n", b"\r\n"])
    out = [b"From s@x.example Mon Jan  1 00:00:00 2001" + draw(eol)] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 5))):
        line = draw(st.sampled_from(_NAMES)) + b":" + draw(st.sampled_from([b" ", b"", b"\t"]))
        line += draw(st.sampled_from(_VALUES))
        if draw(st.integers(0, 9)) == 0:
            line += b"\r"  # a bare CR: the stdlib's parser breaks the line there
        out.append(line + draw(eol))
    out.append(draw(st.sampled_from([b"\n", b"\r\n", b"junk\n", b""])))
    out.extend(draw(st.lists(st.sampled_from(_BODIES), max_size=4)))
    return b"".join(out)


def _model(msg: EmailMessage) -> tuple[object, ...]:
    # The stored payload itself: get_payload() can raise on an RFC 2231 charset, the stdlib's own bug.
    payload = msg._payload if not msg.is_multipart() else None  # type: ignore[attr-defined]
    return (msg.get_unixfrom(), list(msg.raw_items()), payload, [type(d) for d in msg.defects], msg.get_default_type())


@settings(max_examples=400)
@given(st.one_of(_messages(), _RAW))
def test_parsed_is_the_stdlib_parse_of_the_fields_read_here(raw: bytes) -> None:
    # Where the feedparser reads a header block as we do, the message is built without it (single parts)
    # or parsed as it is; elsewhere the feedparser is handed our fields, so it finds exactly those.
    message = parse(raw)
    source = raw if message._stdlib_splits_alike else message._stdlib_source()
    assert _model(message.parsed) == _model(email.message_from_bytes(source))
    assert [name for name, _ in message.parsed.raw_items()] == [h.name for h in message.headers]


def test_the_shortcut_is_taken_only_where_the_stdlib_agrees() -> None:
    plain = parse(b"From: a@b.example\nContent-Type: text/plain\n\nhi\n")
    assert plain._single_part() is not None
    multipart = parse(b"Content-Type: multipart/mixed; boundary=B\n\n--B\n\nhi\n--B--\n")
    assert multipart._single_part() is None and multipart.parsed.is_multipart()
    for raw in (b"Subject : x\n\nhi\n", b"Subject: x\ry: z\n\nhi\n", b"Subject: x\nno colon\n\nhi\n"):
        assert not parse(raw)._stdlib_splits_alike


# -- bare URLs (urls.py) ----------------------------------------------------------------------------------


def test_url_start_spells_out_what_ignorecase_matches() -> None:
    # _BARE_URL_START lists the case variants of h, t, p, s, f and w by hand.
    assert _ignorecase_matches("htpsfw") == set("hHtTpPsSſfFwW")


# bare_urls against a plain finditer: tests/parse/test_url_text.py


# -- the urls check ---------------------------------------------------------------------------------------


@given(st.lists(st.sampled_from(["bit", "ly", "t", "co", "x", "", "abit"]), max_size=5).map(".".join))
def test_shorteners_are_found_by_suffix(host: str) -> None:
    expected = host in url_check.SHORTENERS or any(host.endswith("." + s) for s in url_check.SHORTENERS)
    assert url_check._is_shortener(host) == expected


# -- body claims ------------------------------------------------------------------------------------------


def test_ascii_lookalikes_are_all_the_characters_ignorecase_matches_to_ascii() -> None:
    letters_and_digits = _ignorecase_matches("a-z0-9")
    assert {c for c in letters_and_digits if not c.isascii()} == set(body_claims._ASCII_LOOKALIKES)


# body_claims._search against a plain search: tests/checks/test_body_claims.py
