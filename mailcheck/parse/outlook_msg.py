"""An Outlook .msg (bytes) → the message rebuilt as RFC 5322 bytes, with notes on what a .msg cannot show.

A .msg (MS-OXMSG) is not the message that travelled: Outlook keeps the header block it received as text
(PR_TRANSPORT_MESSAGE_HEADERS) and the body as MAPI properties (plain text, HTML or RTF) and attachment
objects. The header block becomes the message's header block, field for field as Outlook kept it; the body
is rebuilt as MIME from those properties (msg_mime.py), so the checks that read bodies (links, attachments)
see it — but it is not the bytes the sender signed, so DKIM and ARC body hashes cannot be checked.

Read with extract-msg (an optional dependency, `pip install 'mailcheck[outlook]'`), from memory: the
library is handed a file object, never a path (olefile would take short bytes for a file name), and
nothing is written to disk or run. Any exception the library raises on a broken file becomes MsgError.
"""

from __future__ import annotations

import contextlib
import io
import logging
from email.utils import format_datetime
from typing import Any

from mailcheck.parse.msg_mime import MsgContent, MsgPart, rebuilt_message
from mailcheck.value_types import NamedTuple

MAX_DEPTH = 3  # Outlook items attached to Outlook items: deeper ones are listed, not rebuilt
MAX_ATTACHMENTS = 200  # a sender chooses how many; each is read into memory
_HEADERS_PREFIX = "Microsoft Mail Internet Headers Version 2.0"  # some Exchange versions write it first


# The first thing a report of a .msg says: what it shows and what it cannot.
# (No apostrophes: the scan summary reads quotes as particulars.)
READ_FROM_MSG = ("read from an Outlook .msg: the header block is the copy of the transport headers Outlook keeps "
                 "(PR_TRANSPORT_MESSAGE_HEADERS); the body was rebuilt from the text, HTML and attachments in "
                 "the .msg, not from the original MIME bytes, so DKIM and ARC body hashes cannot be checked")


class MsgError(Exception):
    """The .msg cannot be read: one line saying why."""


class Rebuilt(NamedTuple):
    raw: bytes  # RFC 5322: Outlook's header block and a MIME body rebuilt from the .msg
    notes: tuple[str, ...]  # for the report's errors: what was rebuilt and what cannot be checked


def rebuild(data: bytes) -> Rebuilt:
    """The .msg as RFC 5322 bytes; MsgError for anything extract-msg cannot read."""
    try:
        import extract_msg
        from extract_msg.msg_classes import MessageBase
    except ImportError as exc:
        raise MsgError("the input is an Outlook .msg, and reading one needs the extract-msg library "
                       "(pip install 'mailcheck[outlook]')") from exc
    _quiet()
    try:
        item = extract_msg.openMsg(io.BytesIO(data), delayAttachments=True)
    except Exception as exc:  # olefile and extract-msg raise many kinds on a damaged file
        raise MsgError(f"the Outlook .msg cannot be read ({_why(exc)})") from exc
    try:
        if not isinstance(item, MessageBase):
            raise MsgError(f"the Outlook .msg holds a {_class_of(item)} item, not an e-mail message")
        content = _content(item, 0)
        raw, notes = rebuilt_message(content)
    except MsgError:
        raise
    except Exception as exc:
        raise MsgError(f"the Outlook .msg cannot be read ({_why(exc)})") from exc
    finally:
        _close(item)
    return Rebuilt(raw, (READ_FROM_MSG, *notes))


def _quiet() -> None:
    # extract-msg logs what it finds odd in a file; the report says what matters, its log stays quiet.
    log = logging.getLogger("extract_msg")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    log.propagate = False


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def _class_of(item: Any) -> str:
    try:
        return str(item.classType or "unknown")
    except Exception:
        return "unknown"


def _close(item: Any) -> None:
    with contextlib.suppress(Exception):  # closing a damaged file may fail too; nothing was written
        item.close()


def _content(item: Any, depth: int) -> MsgContent:
    """What the .msg holds, read property by property; each property that cannot be read is noted."""
    notes: list[str] = []
    headers = _text(item, "headerText", notes)
    if headers is not None and headers.startswith(_HEADERS_PREFIX):
        headers = headers[len(_HEADERS_PREFIX):].lstrip()
    properties: list[tuple[str, str]] = []
    if not (headers or "").strip():
        headers = None
        for name, attribute in (("From", "sender"), ("To", "to"), ("Cc", "cc"), ("Subject", "subject"),
                                ("Message-ID", "messageId")):
            if value := _text(item, attribute, notes):
                properties.append((name, value))
        date = _get(item, "date", notes)
        if date is not None:
            properties.append(("Date", format_datetime(date)))
    text = _text(item, "body", notes)
    html = _html(item, notes)
    parts = _attachments(item, depth, notes)
    return MsgContent(headers, tuple(properties), text, html, tuple(parts), tuple(notes))


def _get(item: Any, attribute: str, notes: list[str]) -> Any:
    try:
        return getattr(item, attribute)
    except Exception as exc:
        notes.append(f"the .msg's {attribute} could not be read ({_why(exc)})")
        return None


def _text(item: Any, attribute: str, notes: list[str]) -> str | None:
    value = _get(item, attribute, notes)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else None


def _html(item: Any, notes: list[str]) -> bytes | None:
    """The HTML body as stored (PR_HTML), else the HTML Outlook encapsulated in its RTF body; never the
    HTML extract-msg would generate from the plain text (that would be a second copy of the same text)."""
    stored = _get(item, "getStream", notes)
    html = stored("__substg1.0_10130102") if callable(stored) else None
    if html is None and _get(item, "rtfBody", notes):
        try:
            from extract_msg.enums import DeencapType

            html = item.deencapsulateBody(item.rtfBody, DeencapType.HTML)
        except Exception as exc:
            notes.append(f"the HTML in the .msg's RTF body could not be recovered ({_why(exc)})")
            return None
        if html is not None:
            notes.append("the HTML body was recovered from Outlook's RTF body")
    if isinstance(html, str):
        html = html.encode("utf-8")
    return html if isinstance(html, bytes) and html else None


def _attachments(item: Any, depth: int, notes: list[str]) -> list[MsgPart]:
    attachments = _get(item, "attachments", notes) or []
    parts: list[MsgPart] = []
    for index, attachment in enumerate(attachments):
        if index >= MAX_ATTACHMENTS:
            notes.append(f"only the first {MAX_ATTACHMENTS} of {len(attachments)} attachments were rebuilt")
            break
        part = _attachment(attachment, index, depth, notes)
        if part is not None:
            parts.append(part)
    return parts


def _attachment(attachment: Any, index: int, depth: int, notes: list[str]) -> MsgPart | None:
    from extract_msg.msg_classes import MessageBase

    name = (_text(attachment, "longFilename", notes) or _text(attachment, "shortFilename", notes)
            or _text(attachment, "name", notes))
    try:
        data = attachment.data
    except Exception as exc:
        notes.append(f"attachment {index} ({name or 'no name'}) could not be read from the .msg ({_why(exc)})")
        return None
    cid = _text(attachment, "cid", notes)
    if isinstance(data, bytes):
        mimetype = _text(attachment, "mimetype", notes) or "application/octet-stream"
        return MsgPart(name, mimetype, data, cid)
    if isinstance(data, MessageBase):  # an Outlook item attached to this one: rebuilt as message/rfc822
        if depth + 1 >= MAX_DEPTH:
            notes.append(f"attachment {index} is an Outlook item nested more than {MAX_DEPTH} deep: not rebuilt")
            return None
        raw, inner = rebuilt_message(_content(data, depth + 1))
        notes.extend(f"attached item {index}: {note}" for note in inner)
        return MsgPart(name, "message/rfc822", raw, cid)
    kind = _get(attachment, "type", notes)
    notes.append(f"attachment {index} ({name or 'no name'}) holds no data in the .msg "
                 f"(type {getattr(kind, 'name', kind)}): not rebuilt")
    return None
