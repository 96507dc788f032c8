"""What an Outlook .msg holds (MsgContent) → RFC 5322 bytes: Outlook's header block and a rebuilt MIME body.

The header block is Outlook's copy of the transport headers, kept field for field, except the fields that
describe the original body's MIME structure (Content-Type, Content-Transfer-Encoding): that body is gone,
and they would misdescribe the rebuilt one, so they are replaced by the rebuilt body's (the report's notes
quote the original Content-Type). The body is multipart/mixed: the text and HTML bodies (as
multipart/alternative when both exist), then each attachment, base64-encoded with its file name, declared
type and Content-ID. Line ends follow the header block's. Nothing here depends on extract-msg.
"""

from __future__ import annotations

import base64
import hashlib
import re
from email.utils import encode_rfc2231

from mailcheck.value_types import NamedTuple

_MIME_FIELDS = (b"content-type", b"content-transfer-encoding")
_FIELD = re.compile(rb"([!-9;-~]+)[ \t]*:")
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_SHOWN = 160  # characters of the original Content-Type quoted in a note


class MsgPart(NamedTuple):
    """One attachment: its file name, declared type, bytes (an attached Outlook item: RFC 5322 bytes)."""

    name: str | None
    mimetype: str
    data: bytes
    content_id: str | None = None


class MsgContent(NamedTuple):
    """The parts of a .msg that make a message."""

    headers: str | None  # PR_TRANSPORT_MESSAGE_HEADERS as Outlook kept it; None when absent
    properties: tuple[tuple[str, str], ...]  # (field, value) from MAPI properties, used when headers is None
    text: str | None  # the plain-text body
    html: bytes | None  # the HTML body, in its own charset
    attachments: tuple[MsgPart, ...]
    notes: tuple[str, ...] = ()  # properties that could not be read


def rebuilt_message(content: MsgContent) -> tuple[bytes, tuple[str, ...]]:
    """The message's bytes and the notes a reader needs about them."""
    notes = list(content.notes)
    if content.headers is not None:
        block, eol, original = _header_block(content.headers, notes)
    else:
        eol = b"\r\n"
        block = b"".join(_field(name, value, eol) for name, value in content.properties)
        original = None
        notes.append("the .msg keeps no transport headers (a message saved before it was sent, or by a client "
                     "that drops them): the header block was rebuilt from Outlook's properties, so it has no "
                     "Received fields and no server wrote any of it")
    if original is not None:
        notes.append(f"the original Content-Type ({original}) described the original body; it was replaced by "
                     "the Content-Type of the rebuilt body")
    boundary = _boundary(content)
    body = _body(content, boundary, eol)
    mime = (b"" if re.search(rb"(?im)^mime-version[ \t]*:", block) else b"MIME-Version: 1.0" + eol)
    head = mime + f'Content-Type: multipart/mixed; boundary="{boundary}"'.encode("ascii") + eol
    return block + head + eol + body, tuple(notes)


def _field(name: str, value: str, eol: bytes) -> bytes:
    # A property value is the sender's text: keep it on one line, so it cannot start a field of its own.
    return f"{name}: {' '.join(value.split())}".encode() + eol


def _header_block(text: str, notes: list[str]) -> tuple[bytes, bytes, str | None]:
    """Outlook's header text as bytes without the MIME fields, its line end, and the original Content-Type."""
    raw = text.replace("\x00", "").encode("utf-8", "surrogatepass")
    if not text.isascii():
        notes.append("the transport headers hold non-ASCII text; a .msg keeps them as text, so their original "
                     "bytes are unknown (written here as UTF-8)")
    eol = b"\r\n" if b"\r\n" in raw else b"\n"
    lines = raw.splitlines(keepends=True)
    kept: list[bytes] = []
    original: list[bytes] = []
    dropping = False
    for number, line in enumerate(lines):
        if not line.strip(b"\r\n \t"):
            if any(rest.strip() for rest in lines[number:]):
                notes.append("Outlook's header text has a blank line inside it: only the fields above it were "
                             "kept as the header block")
            break
        if line[:1] in (b" ", b"\t"):
            (original if dropping else kept).append(line)
            continue
        match = _FIELD.match(line)
        dropping = match is not None and match.group(1).lower() in _MIME_FIELDS
        if dropping and match is not None and match.group(1).lower() == b"content-type":
            original.append(line)
        elif not dropping:
            kept.append(line)
    if kept and not kept[-1].endswith((b"\n", b"\r")):
        kept[-1] += eol
    quoted = " ".join(b"".join(original).decode("utf-8", "replace").partition(":")[2].split())
    return b"".join(kept), eol, (quoted[:_SHOWN] + ("…" if len(quoted) > _SHOWN else "")) if quoted else None


def _boundary(content: MsgContent) -> str:
    """A boundary that none of the parts contains (RFC 2046 §5.1.1), the same for the same .msg."""
    seed = hashlib.sha256()
    for part in content.attachments:
        seed.update(part.data[:4096])
    seed.update((content.text or "").encode("utf-8", "surrogatepass")[:4096])
    boundary = f"mailcheck-rebuilt-{seed.hexdigest()[:24]}"
    texts = [part.data for part in content.attachments if part.mimetype == "message/rfc822"]
    while any(boundary.encode() in data for data in texts):  # base64 never contains "-": only these can
        boundary += "x"
    return boundary


def _base64(data: bytes, eol: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"".join(encoded[i:i + 76] + eol for i in range(0, len(encoded), 76))


def _part(headers: list[str], payload: bytes, eol: bytes) -> bytes:
    return b"".join(h.encode("utf-8") + eol for h in headers) + eol + payload


def _html_charset(html: bytes) -> str:
    try:
        html.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        found = _CHARSET.search(html[:4096])
        return found.group(1).decode("ascii") if found else "windows-1252"


def _parameter(name: str, value: str) -> str:
    """A MIME parameter: quoted when ASCII, RFC 2231 (UTF-8) otherwise, on one line either way."""
    value = " ".join(value.split())
    if value.isascii():
        return f'{name}="' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name}*=" + encode_rfc2231(value, "utf-8")


def _body(content: MsgContent, boundary: str, eol: bytes) -> bytes:
    texts: list[bytes] = []
    if content.text is not None:
        data = content.text.encode("utf-8", "surrogatepass")
        texts.append(_part(["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"],
                           _base64(data, eol), eol))
    if content.html is not None:
        texts.append(_part([f"Content-Type: text/html; charset={_html_charset(content.html)}",
                            "Content-Transfer-Encoding: base64"], _base64(content.html, eol), eol))
    parts: list[bytes] = []
    if len(texts) == 2:
        inner = boundary + "-alternative"
        parts.append(_part([f'Content-Type: multipart/alternative; boundary="{inner}"'],
                           _multipart(texts, inner, eol), eol))
    else:
        parts.extend(texts)
    for attachment in content.attachments:
        cid = (attachment.content_id or "").strip("<> ")
        # An image the HTML shows (src="cid:…") was inline in the original; anything else an attachment.
        inline = bool(cid) and content.html is not None and f"cid:{cid}".encode(errors="replace") in content.html
        parts.append(_attachment(attachment, eol, inline))
    return _multipart(parts, boundary, eol)


def _attachment(part: MsgPart, eol: bytes, inline: bool = False) -> bytes:
    name = f"; {_parameter('filename', part.name)}" if part.name else ""
    mimetype = part.mimetype if re.fullmatch(r"[\w.+-]+/[\w.+-]+", part.mimetype) else "application/octet-stream"
    headers = [f"Content-Type: {mimetype}" + (f"; {_parameter('name', part.name)}" if part.name else ""),
               f"Content-Disposition: {'inline' if inline else 'attachment'}{name}"]
    if part.content_id:
        headers.append(f"Content-ID: <{' '.join(part.content_id.split()).strip('<>')}>")
    if mimetype == "message/rfc822":  # RFC 2046 §5.2.1: never base64; the rebuilt item is 8-bit text at most
        return _part([*headers, "Content-Transfer-Encoding: 8bit"], part.data.rstrip(b"\r\n") + eol, eol)
    return _part([*headers, "Content-Transfer-Encoding: base64"], _base64(part.data, eol), eol)


def _multipart(parts: list[bytes], boundary: str, eol: bytes) -> bytes:
    delimiter = f"--{boundary}".encode("ascii")
    body = b"".join(delimiter + eol + part for part in parts)
    return body + delimiter + b"--" + eol
