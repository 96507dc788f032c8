"""Messages with links for the URL tests: bodies encoded the way real mailers send them."""

from __future__ import annotations

import base64
import quopri
import re
from collections.abc import Iterator
from pathlib import Path

from mailcheck.context import Context, Facts
from mailcheck.model import Boundary, Finding
from mailcheck.parse.message import Message, parse

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPORA = SHARED / "corpora"

_HEAD = (
    "From: PayPal <service@paypal.example>\n"
    "To: bob@example.org\n"
    "Subject: Your account\n"
    "Date: Wed, 18 Nov 2026 12:00:00 +0000\n"
    "Message-ID: <links-test@example.net>\n"
    "MIME-Version: 1.0\n"
)


def quoted_printable(text: str) -> str:
    """RFC 2045 §6.7 encoding with soft line breaks every 76 characters, as mailers write HTML."""
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


def alternative(plain: str, html: str, html_encoding: str = "quoted-printable") -> bytes:
    """A multipart/alternative message: the plain part in UTF-8 base64, the HTML part QP (or base64)."""
    if html_encoding == "quoted-printable":
        html_body = quoted_printable(html)
    else:
        html_body = base64.encodebytes(html.encode("utf-8")).decode("ascii")
    plain_body = base64.encodebytes(plain.encode("utf-8")).decode("ascii")
    return (
        _HEAD
        + 'Content-Type: multipart/alternative; boundary="b1"\n\n'
        + "--b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        + plain_body
        + f"\n--b1\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: {html_encoding}\n\n"
        + html_body
        + "\n--b1--\n"
    ).encode("utf-8")


def html_message(html: str) -> bytes:
    """A single-part text/html message, QP-encoded."""
    return (
        _HEAD
        + "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        + quoted_printable(html)
    ).encode("ascii")


def plain_message(text: str) -> bytes:
    return (_HEAD + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text).encode()


def facts_for(raw: bytes) -> Facts:
    """Facts for the link check alone: it reads only the message body."""
    return Facts(parse(raw), (), Boundary(0, None, "no Received headers in this test"))


def url_findings(raw: bytes, ctx: Context | None = None) -> list[Finding]:
    from mailcheck.checks import urls as check

    return list(check.run(facts_for(raw), ctx or Context()))


def mbox_messages(path: Path) -> Iterator[Message]:
    """Messages of an mbox, split on lines starting with 'From ' (the corpus mboxes are unescaped)."""
    for chunk in re.split(rb"(?m)^(?=From )", path.read_bytes()):
        if chunk.strip():
            yield parse(chunk)
