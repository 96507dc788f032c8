"""The message's attached files: each MIME leaf that is not body text, transfer-decoded within a size cap.

Nothing here opens a file as what it claims to be: a part is decoded from base64/quoted-printable into
bytes, measured and hashed, and those bytes are handed to mailcheck.parse.filetypes to be sniffed.
"""

from __future__ import annotations

import base64
import binascii
import quopri
from collections.abc import Iterator
from email.message import Message as EmailMessage
from typing import TYPE_CHECKING

from mailcheck.parse.message import decode_words
from mailcheck.parse.mime_params import names_no_file
from mailcheck.value_types import NamedTuple

if TYPE_CHECKING:
    from mailcheck.parse.message import Message

# A part whose decoded bytes would pass this is measured but not hashed or inspected as a whole: decoding and
# hashing it would cost more than a report is worth, and its first bytes still show its type.
HASH_CAP = 64 * 1024 * 1024
SNIFF_BYTES = 64 * 1024  # what the type sniffer is shown: file formats announce themselves at the start
ATTACHMENT_CAP = 100  # attachments listed per message; a further field says how many more there were
_BODY_TYPES = ("text/plain", "text/html")


class Attachment(NamedTuple):
    """One attached file: its names, declared type, size and (bounded) bytes."""

    index: int  # type: ignore[assignment]  # shadows tuple.index, which nothing calls here
    filename: str | None  # RFC 2231 and RFC 2047 decoded; None when the part names no file
    declared: str  # the Content-Type as declared (lower case, no parameters), "" when the part declares none
    disposition: str | None  # "attachment", "inline", or None when the part has no Content-Disposition
    size: int  # decoded bytes (estimated from the encoded length when over HASH_CAP)
    data: bytes | None  # the decoded bytes, None when over HASH_CAP (then head holds the first bytes)
    head: bytes  # the first SNIFF_BYTES decoded bytes
    inside: int | None = None  # the index of the attached message (message/rfc822) this part sits in
    decode_problem: str | None = None  # why the bytes may not be what the sender meant

    @property
    def sha256(self) -> str | None:
        """The SHA-256 of the decoded bytes, or None when the part was too large to hash."""
        import hashlib  # only when a digest is asked for: not part of every filter start-up

        return None if self.data is None else hashlib.sha256(self.data).hexdigest()

    @property
    def is_message(self) -> bool:
        return self.declared.startswith("message/")


class AttachmentScan(NamedTuple):
    """The attachments listed (at most ATTACHMENT_CAP) and how many there were."""

    attachments: tuple[Attachment, ...]
    total: int  # attachments found, which may be more than the ATTACHMENT_CAP listed


def filename_of(part: EmailMessage) -> str | None:
    """The file name the part gives (Content-Disposition filename, else Content-Type name), decoded.

    The stdlib joins RFC 2231 continuations and charsets; many mailers instead put RFC 2047 encoded words
    inside the quotes, which RFC 2047 §5 forbids but every mail client shows decoded, so they are decoded."""
    try:
        name = part.get_filename()
    except Exception:  # a malformed RFC 2231 parameter the stdlib cannot join
        return None
    if name is None:
        return None
    text = str(name)
    if "\ufffd" in text:
        text = _eight_bit_name(part) or text
    return decode_words(text).strip() or None


def _eight_bit_name(part: EmailMessage) -> str | None:
    """The file name read again from the raw header when it holds 8-bit bytes (RFC 6532 allows UTF-8 there):
    the compat32 policy turns such bytes into U+FFFD when a header is fetched, raw_items() does not."""
    fields = EmailMessage()
    for key, value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            raw = str(value).encode("utf-8", "surrogateescape")
            try:
                fields[key] = raw.decode("utf-8")
            except UnicodeDecodeError:
                fields[key] = raw.decode("latin-1")
    try:
        name = fields.get_filename()
    except Exception:
        return None
    return None if name is None else str(name)


def is_attachment(part: EmailMessage) -> bool:
    """A leaf part that is a file: it names one, is marked attachment, or is not body text (images, PDFs…)."""
    if part.is_multipart() and part.get_content_maintype() != "message":
        return False
    if not names_no_file(part) and filename_of(part) is not None:  # (the stdlib's get_filename is slow)
        return True
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    return part.get_content_maintype() not in ("text", "multipart")


def _decoded(part: EmailMessage) -> tuple[bytes, int, bool, str | None]:
    """(bytes, size, complete, problem): the whole decoded part, or only its head when it is over HASH_CAP."""
    if part.get_content_maintype() == "message":
        # An attached message is listed with the bytes it was sent as; its own parts are listed after it.
        inner = part.get_payload()
        first = inner[0] if isinstance(inner, list) and inner else None
        try:
            body = first.as_bytes() if isinstance(first, EmailMessage) else str(inner).encode()
        except Exception as exc:
            return b"", 0, True, f"the attached message could not be re-serialised ({exc.__class__.__name__})"
        return body, len(body), True, None
    payload = part.get_payload()
    if not isinstance(payload, str):
        return b"", 0, True, "the part has no payload"
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    try:
        encoded = payload.encode("ascii", "surrogateescape")
    except UnicodeError:  # a payload the parser decoded with a charset: what the stdlib itself falls back to
        encoded = payload.encode("raw-unicode-escape")
    if cte == "base64":
        # base64 carries 3 bytes in 4 characters: past the cap only the head is decoded
        if len(encoded) * 3 // 4 > HASH_CAP:
            compact = b"".join(encoded[: SNIFF_BYTES * 2].split())
            head = _b64(compact[: len(compact) // 4 * 4])[0]
            # counted, not copied: splitting 100 MB of base64 into lines took ~4x its size in memory
            spaces = sum(encoded.count(c) for c in (b" ", b"\t", b"\r", b"\n"))
            return head, (len(encoded) - spaces) * 3 // 4, False, None
        data, problem = _b64(encoded)
        return data, len(data), True, problem
    if len(encoded) > HASH_CAP:
        head = quopri.decodestring(encoded[:SNIFF_BYTES]) if cte == "quoted-printable" else encoded[:SNIFF_BYTES]
        return head, len(encoded), False, None
    data = quopri.decodestring(encoded) if cte == "quoted-printable" else encoded
    return data, len(data), True, None


def _b64(encoded: bytes) -> tuple[bytes, str | None]:
    try:
        return base64.b64decode(encoded, validate=False), None
    except (binascii.Error, ValueError):
        pass
    # Bad padding or a stray character: decode what whole quads there are, as mail clients do, and say so.
    compact = b"".join(encoded.split())
    try:
        data = base64.b64decode(compact[: len(compact) // 4 * 4])
        return data, "its base64 is damaged; the decoded bytes may be cut short"
    except (binascii.Error, ValueError):
        return b"", "its base64 could not be decoded"


def _attachment(index: int, part: EmailMessage, inside: int | None) -> Attachment:
    data, size, complete, problem = _decoded(part)
    disposition = part.get_content_disposition()
    return Attachment(
        index=index,
        filename=filename_of(part),
        declared=part.get_content_type() if part.get("content-type") is not None else "",
        disposition=disposition.lower() if disposition else None,
        size=size,
        data=data if complete else None,
        head=data[:SNIFF_BYTES],
        inside=inside,
        decode_problem=problem,
    )


def _walk(part: EmailMessage, inside: int | None, counter: list[int],
          depth: int = 0) -> Iterator[tuple[int, EmailMessage, int | None]]:
    """(index, part, enclosing attached message) for each attached file, in MIME order."""
    if depth > 50:  # the stdlib's parser bounds nesting already; this keeps the recursion bounded regardless
        return
    if part.is_multipart() and part.get_content_maintype() != "message":
        for sub in part.get_payload():
            if isinstance(sub, EmailMessage):
                yield from _walk(sub, inside, counter, depth + 1)
        return
    # the body of a single-part message first: it is no attachment, and is_attachment costs more to ask
    if (depth == 0 and part.get_content_type() in _BODY_TYPES) or not is_attachment(part):
        return
    index = counter[0]
    counter[0] += 1
    yield index, part, inside
    if part.get_content_maintype() == "message":
        inner = part.get_payload()
        for sub in inner if isinstance(inner, list) else ():
            if isinstance(sub, EmailMessage):
                yield from _walk(sub, index, counter, depth + 1)


def find_attachments(message: Message) -> AttachmentScan:
    """Every attached file in the message, in MIME order; the first ATTACHMENT_CAP are decoded and kept."""
    counter = [0]
    found: list[Attachment] = []
    try:
        for index, part, inside in _walk(message.mime, None, counter):
            if index < ATTACHMENT_CAP:  # the rest are only counted, not decoded
                found.append(_attachment(index, part, inside))
    except RecursionError:
        pass  # pathological nesting: what was found so far is listed
    return AttachmentScan(tuple(found), counter[0])
