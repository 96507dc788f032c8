"""Large messages get their MIME tree without the feedparser: the same tree, in a fraction of the memory."""

from __future__ import annotations

import base64
import email
import tracemalloc
from email.message import Message as EmailMessage
from typing import Any

import pytest

from mailcheck.parse import lean_mime
from mailcheck.parse.message import parse


def shape(msg: EmailMessage) -> list[Any]:
    """Everything the feedparser decides about a tree: fields, types, preamble, epilogue, payloads."""
    payload = msg.get_payload()
    inner = [shape(p) if isinstance(p, EmailMessage) else p for p in payload] if isinstance(payload, list) else payload
    return [msg.get_unixfrom(), msg.items(), msg.get_default_type(), msg.preamble, msg.epilogue, inner]


def _nested(eol: str) -> bytes:
    text = (
        "From: a@example.com\nSubject: nested\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=out\n\n"
        "preamble line\n--out\nContent-Type: multipart/alternative; boundary=\"in\"\n\n"
        "--in\nContent-Type: text/plain\n\nplain\n\n--in\nContent-Type: text/html\n\n<p>html</p>\n--in--\n\n"
        "--out\nContent-Type: message/rfc822\n\nFrom: b@example.com\nContent-Type: multipart/mixed; boundary=x\n\n"
        "--x\n\nno header block here\n--x--\ninner epilogue\n\n"
        "--out\nContent-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: c@example.com\n\ndigest entry\n--d--\n"
        "--out\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAEC\nAwQF\n"
        "--out--  \nthe epilogue\n"
    )
    return text.replace("\n", eol).encode()


CASES = {
    "nested-lf": _nested("\n"),
    "nested-crlf": _nested("\r\n"),
    "mbox-from-line": b"From a@example.com Mon Jan  6 10:00:00 2025\n" + _nested("\n"),
    "no-preamble-empty-epilogue": b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--",
    "blank-preamble": b"Content-Type: multipart/mixed; boundary=b\n\n\n--b\n\nx\n\n--b--\n\n",
    # Odd shapes the feedparser has its own defect handling for: handed to it, so the tree is the same.
    "no-close-delimiter": b"Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n",
    "no-delimiter": b"Content-Type: multipart/mixed; boundary=b\n\njust text\n",
    "delimiters-in-a-row": b"Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n\nx\n--b--\n",
    "no-boundary": b"Content-Type: multipart/mixed\n\n--b\n\nx\n--b--\n",
    "not-a-field": b"Content-Type: multipart/mixed; boundary=b\nnot a field\n\n--b\n\nx\n--b--\n",
}


@pytest.mark.parametrize("raw", CASES.values(), ids=CASES.keys())
def test_the_tree_is_the_feedparsers(monkeypatch: pytest.MonkeyPatch, raw: bytes) -> None:
    monkeypatch.setattr(lean_mime, "LEAN_ABOVE", 0)
    assert shape(lean_mime.stdlib_parse(raw)) == shape(email.message_from_bytes(raw))


def test_well_formed_mime_is_split_here_not_by_the_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lean_mime, "LEAN_ABOVE", 0)
    monkeypatch.setattr(lean_mime, "message_from_bytes", lambda raw: pytest.fail("fell back to the feedparser"))
    for name in ("nested-lf", "nested-crlf", "mbox-from-line", "blank-preamble"):
        lean_mime.stdlib_parse(CASES[name])


def test_a_large_attachment_costs_about_its_size_not_seven_times() -> None:
    attachment = base64.encodebytes(bytes(range(256)) * (48 * 1024))  # 12 MiB decoded, 16 MiB of base64
    raw = (b"From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
           b"hi\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
           + attachment + b"--b--\n")
    assert len(raw) > lean_mime.LEAN_ABOVE
    message = parse(raw)
    tracemalloc.start()
    try:
        tree = message.parsed
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The one text copy of the body the compat32 tree holds, and little else (the feedparser: ~7x).
    assert peak < 1.3 * len(raw), peak / len(raw)
    parts = list(tree.walk())
    assert [p.get_content_type() for p in parts] == ["multipart/mixed", "text/plain", "application/octet-stream"]
    assert parts[2].get_payload(decode=True) == base64.decodebytes(attachment)
