"""Raw bytes → Message: headers split by hand (cheap), body parts decoded only when asked for."""

from __future__ import annotations

import email.header
import email.utils
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message as EmailMessage
from functools import cached_property, lru_cache

from mailcheck.parse.address_list import join_stray_phrases
from mailcheck.parse.field_name import FIELD_NAME

# One header field: a line that starts with a field name and a colon, and the lines folded under it (they start
# with white space, RFC 5322 §2.2.3). Matched field by field, the header block costs a few regex calls.
_FIELD = re.compile(FIELD_NAME + rb"[ \t]*:[^\n]*\n?(?:[ \t][^\n]*\n?)*")
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


_FOLD = re.compile(rb"\r?\n(?=[ \t])")


def _unfold(data: bytes) -> str:
    # RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by white space. Most fields are one
    # line, whose only line break is its last byte: only a line break before that can need removing.
    if 0 <= data.find(b"\n") < len(data) - 1:
        data = _FOLD.sub(b"", data)
    return _decode_bytes(data).strip()


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
        # Lower-case field name -> positions in headers. Checks ask for the same few fields again and
        # again (From is read by five of them), so each lookup should not walk every header.
        self._positions: dict[str, list[int]] = {}
        self._stdlib_splits_alike = False  # see _single_part
        self._split()

    def _split(self) -> None:
        raw = self.raw
        pos = 0
        first = _LINE.match(raw)
        if first is not None and first.group().startswith(b"From "):
            self.mbox_from = _decode_bytes(first.group().rstrip(b"\r\n"))
            pos = first.end()
        fields: list[bytes] = []
        ended = False
        while True:
            field = _FIELD.match(raw, pos)
            if field is not None:
                fields.append(field.group())
                pos = field.end()
                continue
            if raw.startswith((b"\n", b"\r\n"), pos):  # the empty line that ends the header block
                pos = raw.index(b"\n", pos) + 1
                ended = True
            elif pos < len(raw):
                # RFC 5322 has no such line in a header block; treat the rest as body, as MUAs do.
                self.problems.append("a header line without a colon ends the header block early")
                ended = True
            break
        if not ended and pos >= len(raw) and raw:
            self.problems.append("the message has no body (no blank line after the headers)")
        self.header_end = pos
        # The stdlib's feedparser (Message.parsed) splits this header block into the same fields when it ends at
        # its empty line (no problem so far), has no CR outside CRLF (a line break to the feedparser) and no
        # white space before a field's colon.
        block = raw[:pos]
        alike = bool(fields) and not self.problems and block.count(b"\r") == block.count(b"\r\n")
        headers: list[Header] = []
        for data in fields:
            name, _, value = data.partition(b":")
            if not data.isascii():
                self._note("a header contains raw 8-bit bytes (not RFC 5322)")
            if name.endswith((b" ", b"\t")):
                alike = False
            header = Header(name.decode("ascii").strip(), _unfold(value), data)
            self._positions.setdefault(header.name.lower(), []).append(len(headers))
            headers.append(header)
        self.headers = tuple(headers)
        self._stdlib_splits_alike = alike
        if not self.headers:
            self.problems.append("no header fields found")

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    # -- header access -----------------------------------------------------------------------

    def get_all(self, name: str) -> list[str]:
        headers = self.headers
        return [headers[i].value for i in self._positions.get(name.lower(), ())]

    def get(self, name: str) -> str | None:
        values = self.get_all(name)
        return values[0] if values else None

    def index_of(self, name: str) -> list[int]:
        """Positions (in header order, 0 = topmost) of every field with this name."""
        return list(self._positions.get(name.lower(), ()))

    def addresses(self, name: str) -> list[tuple[str, str]]:
        """(display name, address) pairs from every field with this name; display names decoded."""
        values = tuple(self.get_all(name))
        if not values:
            return []
        # Several checks read the same fields, and a mailing list's From, Sender and Reply-To recur from
        # message to message: remember the parse, except of fields too long to be worth keeping.
        if sum(map(len, values)) <= _ADDRESSES_CACHED:
            return list(_parse_addresses_cached(values))
        return list(_parse_addresses(values))

    # -- body --------------------------------------------------------------------------------

    @cached_property
    def parsed(self) -> EmailMessage:
        """The stdlib's parse with its default compat32 policy: several times faster than policy.default
        (and importing email.policy alone costs ~3 ms of start-up). Most messages are not multipart: those
        are put together from the fields already split (_single_part) instead of being parsed again."""
        single = self._single_part() if self._stdlib_splits_alike else None
        return single if single is not None else message_from_bytes(self.raw)

    def _single_part(self) -> EmailMessage | None:
        """What message_from_bytes returns for this message when it is neither multipart nor message/*,
        else None. The feedparser then stores each header field as set_raw(*header_source_parse(lines)) and
        takes the rest of the input as the payload; its time goes on the header lines (split once already)
        and on walking every line of the body. Both are decoded as it decodes them (ASCII, surrogateescape)."""
        msg = EmailMessage()
        first = _LINE.match(self.raw) if self.mbox_from is not None else None
        if first is not None:
            msg.set_unixfrom(first.group().decode("ascii", "surrogateescape").removesuffix("\n").removesuffix("\r"))
        for header in self.headers:
            # header_source_parse joins a field's lines itself: the whole field can be passed as one line.
            msg.set_raw(*msg.policy.header_source_parse([header.raw.decode("ascii", "surrogateescape")]))
        if msg.get_content_maintype() in ("multipart", "message"):
            return None  # parts to find: the feedparser's job
        msg.set_payload(self.raw[self.header_end:].decode("ascii", "surrogateescape"))
        return msg

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


_ADDRESSES_CACHED = 1000  # characters: longer fields are parsed each time, not kept in the cache


@lru_cache(maxsize=2048)
def _parse_addresses_cached(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return _parse_addresses(values)


def _parse_addresses(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # read the way mail clients show them: a stray comma does not split a display name
    pairs = email.utils.getaddresses([join_stray_phrases(v) for v in values])
    return tuple((decode_words(display), addr) for display, addr in pairs if display or addr)


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
