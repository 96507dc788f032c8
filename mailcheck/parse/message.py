"""Raw bytes → Message: headers split by hand (cheap), body parts decoded only when asked for."""

from __future__ import annotations

from email.message import Message as EmailMessage
from functools import cached_property, lru_cache

from mailcheck.parse.addresses_parse import read_addresses
from mailcheck.parse.encoded_words import decode_words as decode_words  # re-exported for the checks
from mailcheck.parse.header_block import CR, split_block
from mailcheck.parse.header_fields import MAX_FIELDS as MAX_FIELDS  # re-exported: tests and the filter read it
from mailcheck.parse.header_fields import Header as Header
from mailcheck.parse.header_fields import decode_bytes, read_fields
from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.lean_mime import stdlib_parse
from mailcheck.parse.mime_params import content_charset, names_no_file
from mailcheck.parse.text_window import window
from mailcheck.value_types import NamedTuple

_LINE = lazy_compile(rb"[^\n]*\n|[^\n]+")
_LONE_CR = lazy_compile(rb"\r(?!\n)")


class TextPart(NamedTuple):
    content_type: str  # "text/plain" or "text/html"
    text: str  # the part's text, or one examined stretch of an over-size part (parse.text_window)


class TextGap(NamedTuple):
    """Text a reader is shown that was not (all) examined: the checks/body_parts field says so."""

    # the part's position in the MIME walk (0 = the message itself); None: the whole body. (Shadows tuple.index.)
    index: int | None  # type: ignore[assignment]
    content_type: str
    size: int  # characters of the decoded part (0 when it could not be decoded)
    skipped: int  # characters not examined
    problem: str | None = None  # why nothing of it could be read, when that is the reason


class Message:
    """One message: exact raw bytes, its header fields in order and lazily decoded text parts."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.problems: list[str] = []  # input problems a reader should know about
        # The body is not the one that travelled (rebuilt from an Outlook .msg, parse/recognise_input.py):
        # body hashes (DKIM bh=, ARC) cannot be checked against it.
        self.body_rebuilt = False
        self.mbox_from: str | None = None
        self.headers: tuple[Header, ...] = ()
        self.header_end = 0  # offset of the first body byte in raw
        # Lower-case field name -> positions in headers. Checks ask for the same few fields again and
        # again (From is read by five of them), so each lookup should not walk every header.
        self._positions: dict[str, list[int]] = {}
        self._stdlib_splits_alike = False  # see _single_part
        self._addresses: dict[str, tuple[tuple[str, str], ...]] = {}  # see addresses
        self._multipart = False  # known to be multipart or message/* (see mime)
        self.unexamined = b""  # the header block past MAX_FIELDS fields, not read into fields
        self._text_gaps: tuple[TextGap, ...] = ()  # set by text_parts
        self._split()

    def _split(self) -> None:
        raw = self.raw
        block = split_block(raw)  # the one rule for where the block ends, shared with the filter
        if block.from_end:
            self.mbox_from = decode_bytes(raw[:block.from_end].rstrip(b"\r\n"))
        self.header_end = block.body
        self._block = block
        if not block.ended and raw:
            self.problems.append("the message has no body (no blank line after the headers)")
        # The stdlib's feedparser (Message.parsed) splits this header block into the same fields when every
        # line is a field, no CR stands outside CR LF (a line break to the feedparser) and no white space
        # comes before a field's colon; otherwise it is handed the fields as read here (_stdlib_source).
        # (A CR alone inside the From_ line ends that line for the feedparser, not for us.)
        alike = block.eol != CR and b"\r" not in raw[:block.from_end].rstrip(b"\r\n")
        fields = read_fields(raw, block, alike)
        for problem in fields.notes:
            self._note(problem)
        self._positions = fields.positions
        self.unexamined = fields.unexamined
        self.headers = tuple(fields.headers)
        self._stdlib_splits_alike = fields.alike and bool(self.headers)
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
        known = self._addresses.get(name)
        if known is None:
            known = self._addresses[name] = self._read_addresses(name)
        return list(known)

    def _read_addresses(self, name: str) -> tuple[tuple[str, str], ...]:
        # Checks ask for the same fields many times a message (From, Sender, Reply-To…): each is read once.
        values = tuple(self.get_all(name))
        if not values:
            return ()
        # A mailing list's From, Sender and Reply-To recur from message to message: remember the parse,
        # except of fields too long to be worth keeping.
        if sum(map(len, values)) <= _ADDRESSES_CACHED:
            return _parse_addresses_cached(values)
        return _parse_addresses(values)

    # -- body --------------------------------------------------------------------------------

    @cached_property
    def parsed(self) -> EmailMessage:
        """The stdlib's parse with its default compat32 policy (the feedparser's tree, built by lean_mime without
        it where the MIME is well-formed): several times faster than policy.default
        (and importing email.policy alone costs ~3 ms of start-up). Most messages are not multipart: those
        are put together from the fields already split (_single_part) instead of being parsed again."""
        if not self._stdlib_splits_alike:
            return stdlib_parse(self._stdlib_source())
        single = None if self._multipart else self._single_part()
        return single if single is not None else stdlib_parse(self.raw)

    def _stdlib_source(self) -> bytes:
        """The message as the feedparser must see it to find the fields read here: lines that are no
        field left out, no white space before a colon, and no CR alone inside a field (a line break to
        the feedparser, which would find a field there that procmail and we do not)."""
        block = self._block
        fields = [h.name.encode("ascii") + h.raw[h.raw.index(b":"):] for h in self.headers]
        if block.eol != CR:  # (the feedparser reads lines ending at CR as we do in a message without LF)
            fields = [_LONE_CR.sub(b" ", data) for data in fields]
        from_line = self.raw[:block.from_end]
        if block.eol != CR:  # a CR alone in the From_ line would end it there for the feedparser
            from_line = _LONE_CR.sub(b" ", from_line)
        head = from_line + b"".join(fields)
        if head.endswith(b"\r") and block.eol != CR:
            head += b"\n"  # the last field ended in a lone CR (there was no blank line): keep it a line
        return head + (self.raw[block.end:] if block.ended else block.eol[-1:])

    @cached_property
    def mime(self) -> EmailMessage:
        """The tree to read the body's parts from: `parsed`, except that a message which is neither multipart
        nor message/* carries only its MIME fields (Content-*). What reads parts (text_parts, attachments)
        asks a part for its type, parameters, disposition, transfer encoding and payload: those fields
        alone, so the other few dozen fields need not be put together for it."""
        if "parsed" in self.__dict__ or not self._stdlib_splits_alike:
            return self.parsed
        single = self._single_part(mime_only=True)
        if single is None:
            self._multipart = True  # parsed need not put the fields together again to find that out
            return self.parsed
        return single

    def _single_part(self, mime_only: bool = False) -> EmailMessage | None:
        """What message_from_bytes returns for this message when it is neither multipart nor message/* (with
        mime_only, only its Content-* fields), else None. The feedparser then stores each header field as
        set_raw(*header_source_parse(lines)) and takes the rest of the input as the payload; its time goes
        on the header lines (split once already) and on walking every line of the body. Both are decoded
        as it decodes them (ASCII, surrogateescape)."""
        msg = EmailMessage()
        first = _LINE.match(self.raw) if self.mbox_from is not None and not mime_only else None
        if first is not None:
            msg.set_unixfrom(first.group().decode("ascii", "surrogateescape").removesuffix("\n").removesuffix("\r"))
        headers = self.headers
        if mime_only:
            headers = tuple(h for h in headers if h.name[:8].lower() == "content-")
        for header in headers:
            # header_source_parse joins a field's lines itself: the whole field can be passed as one line.
            msg.set_raw(*msg.policy.header_source_parse([header.raw.decode("ascii", "surrogateescape")]))
        if msg.get_content_maintype() in ("multipart", "message"):
            return None  # parts to find: the feedparser's job
        msg.set_payload(self.raw[self.header_end:].decode("ascii", "surrogateescape"))
        return msg

    @property
    def text_gaps(self) -> tuple[TextGap, ...]:
        """The text that text_parts could not (all) hand over: over-size parts, undecodable ones."""
        _ = self.text_parts  # reading the parts records the gaps
        return self._text_gaps

    @cached_property
    def text_parts(self) -> tuple[TextPart, ...]:
        """Every text/plain and text/html part, transfer-decoded and charset-decoded; of an over-size part, the
        stretches examined (parse.text_window), the rest recorded in text_gaps."""
        parts: list[TextPart] = []
        gaps: list[TextGap] = []
        try:
            walk = list(self.mime.walk())
        except Exception as exc:  # the stdlib's parser can fail on pathological nesting
            self._note(f"MIME structure could not be walked: {exc.__class__.__name__}")
            self._text_gaps = (TextGap(None, "body", 0, 0, f"its MIME structure could not be walked "
                                       f"({exc.__class__.__name__})"),)
            return ()
        for index, part in enumerate(walk):
            ctype = part.get_content_type()
            if ctype not in ("text/plain", "text/html") or part.is_multipart():
                continue
            if not names_no_file(part) and part.get_filename():
                continue  # an attached file, not text a reader is shown
            try:
                payload = part.get_payload(decode=True)
            except Exception as exc:
                self._note("a text part could not be transfer-decoded")
                gaps.append(TextGap(index, ctype, 0, 0, f"it could not be transfer-decoded ({exc.__class__.__name__})"))
                continue
            if not isinstance(payload, bytes):
                continue
            text = _decode_payload(payload, content_charset(part))
            examined = window(text, ctype == "text/html")
            parts.extend(TextPart(ctype, piece) for piece in examined.pieces)
            if examined.skipped:
                gaps.append(TextGap(index, ctype, len(text), examined.skipped))
        self._text_gaps = tuple(gaps)
        return tuple(parts)


_ADDRESSES_CACHED = 1000  # characters: longer fields are parsed each time, not kept in the cache


@lru_cache(maxsize=2048)
def _parse_addresses_cached(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return _parse_addresses(values)


def _parse_addresses(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = read_addresses(values)  # the stdlib's reading, linear and never raising (addresses_parse)
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
