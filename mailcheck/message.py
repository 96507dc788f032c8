"""Raw bytes → Message: headers split by hand (cheap), body parts decoded only when asked for."""

from __future__ import annotations

import email.header
import email.utils
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message as EmailMessage
from functools import cached_property

_HEADER_NAME = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:")
_LINE = re.compile(rb"[^\n]*\n|[^\n]+")
# A body part larger than this is not decoded for URLs: it is an attachment in all but name.
_MAX_TEXT_PART = 4 * 1024 * 1024


@dataclass(frozen=True)
class Header:
    name: str  # as written (case kept)
    value: str  # unfolded, surrounding white space removed, RFC 2047 words NOT decoded
    raw: bytes  # exact bytes including the name and the line endings


@dataclass(frozen=True)
class TextPart:
    content_type: str  # "text/plain" or "text/html"
    text: str


def _decode_bytes(data: bytes) -> str:
    """Header bytes → text. Raw 8-bit headers are usually UTF-8, else Latin-1 (which never fails)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _unfold(data: bytes) -> str:
    # RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by white space.
    return _decode_bytes(re.sub(rb"\r?\n(?=[ \t])", b"", data)).strip()


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded-words for display; text that is not valid stays as written."""
    if "=?" not in value:
        return value
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (LookupError, ValueError, UnicodeError, email.errors.HeaderParseError):
        return value


class Message:
    """One message: exact raw bytes, its header fields in order and lazily decoded text parts."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.problems: list[str] = []  # input problems a reader should know about
        self.mbox_from: str | None = None
        self.headers: tuple[Header, ...] = ()
        self.header_end = 0  # offset of the first body byte in raw
        self._split()

    def _split(self) -> None:
        lines = _LINE.findall(self.raw)
        pos = 0
        start = 0
        if lines and lines[0].startswith(b"From "):
            self.mbox_from = _decode_bytes(lines[0].rstrip(b"\r\n"))
            pos = len(lines[0])
            start = 1
        fields: list[bytes] = []
        ended = False
        for line in lines[start:]:
            if line in (b"\n", b"\r\n"):
                pos += len(line)
                ended = True
                break
            if line[:1] in (b" ", b"\t") and fields:
                fields[-1] += line
            elif _HEADER_NAME.match(line):
                fields.append(line)
            else:
                # RFC 5322 has no such line in a header block; treat the rest as body, as MUAs do.
                self.problems.append("a header line without a colon ends the header block early")
                ended = True
                break
            pos += len(line)
        if not ended and pos >= len(self.raw) and self.raw:
            self.problems.append("the message has no body (no blank line after the headers)")
        self.header_end = pos
        headers = []
        for data in fields:
            name, _, value = data.partition(b":")
            if any(b > 0x7F for b in data):
                self._note("a header contains raw 8-bit bytes (not RFC 5322)")
            headers.append(Header(name.decode("ascii").strip(), _unfold(value), data))
        self.headers = tuple(headers)
        if not self.headers:
            self.problems.append("no header fields found")

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    # -- header access -----------------------------------------------------------------------

    def get_all(self, name: str) -> list[str]:
        lname = name.lower()
        return [h.value for h in self.headers if h.name.lower() == lname]

    def get(self, name: str) -> str | None:
        values = self.get_all(name)
        return values[0] if values else None

    def index_of(self, name: str) -> list[int]:
        """Positions (in header order, 0 = topmost) of every field with this name."""
        lname = name.lower()
        return [i for i, h in enumerate(self.headers) if h.name.lower() == lname]

    def addresses(self, name: str) -> list[tuple[str, str]]:
        """(display name, address) pairs from every field with this name; display names decoded."""
        values = self.get_all(name)
        if not values:
            return []
        pairs = email.utils.getaddresses(values)
        return [(decode_words(display), addr) for display, addr in pairs if display or addr]

    # -- body --------------------------------------------------------------------------------

    @cached_property
    def parsed(self) -> EmailMessage:
        """The stdlib's parse with its default compat32 policy: several times faster than policy.default
        (and importing email.policy alone costs ~3 ms of start-up)."""
        return message_from_bytes(self.raw)

    @cached_property
    def text_parts(self) -> tuple[TextPart, ...]:
        """Every text/plain and text/html part, transfer-decoded and charset-decoded."""
        parts: list[TextPart] = []
        try:
            walk = list(self.parsed.walk())
        except Exception as exc:  # the stdlib's parser can fail on pathological nesting
            self._note(f"MIME structure could not be walked: {exc.__class__.__name__}")
            return ()
        for part in walk:
            ctype = part.get_content_type()
            if ctype not in ("text/plain", "text/html") or part.is_multipart():
                continue
            if part.get_filename():
                continue  # an attached file, not text a reader is shown
            try:
                payload = part.get_payload(decode=True)
            except Exception:
                self._note("a text part could not be transfer-decoded")
                continue
            if not isinstance(payload, bytes) or len(payload) > _MAX_TEXT_PART:
                continue
            parts.append(TextPart(ctype, _decode_payload(payload, part.get_content_charset())))
        return tuple(parts)


def _decode_payload(payload: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return payload.decode(candidate)
        except (LookupError, ValueError):  # unknown codec, undecodable bytes, a NUL in the charset name
            continue
    return payload.decode("latin-1")


def parse(raw: bytes) -> Message:
    """Parse raw message bytes; never raises for any input."""
    return Message(raw)
