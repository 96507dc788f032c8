"""RFC 2047 encoded-words decoded for display, as email.header decodes them, in time linear in the text.

email.header.decode_header reads the same words, but it takes the parts of each line off the front of a
list one by one and grows the decoded bytes by concatenation: both cost the number of words squared (a
Subject of 100,000 encoded words took 10 s). Here the words are found in one pass, the bytes joined once,
and the pieces handed to email.header.make_header, so the text that comes out is the stdlib's own.
"""

from __future__ import annotations

import binascii
import email.base64mime
import email.errors
import email.header
import email.quoprimime

_Word = tuple[str, str | None, str | None]  # (text, encoding "q"/"b" or None, charset or None)


def _line_words(line: str, words: list[_Word]) -> None:
    """Append line's unencoded runs and encoded-words to words, as decode_header splits a line.

    An encoded-word there is "=?", a charset up to the next '?', one of q Q b B, '?', then anything up to
    the first "?=". Once no "?=" follows a start, none follows a later start either: the scan stops.
    """
    pos = 0  # the end of the last encoded-word: unencoded text runs from here
    start = line.find("=?")
    first = True
    while start >= 0:
        mark = line.find("?", start + 2)
        if mark < 0:
            break
        if mark + 2 < len(line) and line[mark + 1] in "qQbB" and line[mark + 2] == "?":
            close = line.find("?=", mark + 3)
            if close < 0:
                break
            _unencoded(line[pos:start], first, words)
            first = False
            words.append((line[mark + 3:close], line[mark + 1].lower(), line[start + 2:mark].lower()))
            pos = close + 2
            start = line.find("=?", pos)
        else:
            start = line.find("=?", start + 1)
    _unencoded(line[pos:], first, words)


def _has_word(value: str) -> bool:
    """Whether the stdlib's first question, an encoded-word anywhere in value, finds one.

    It asks it of the whole value, where a charset may run across a line break but the encoded text may
    not; it then reads the lines splitlines() cuts (at "\r", "\v" and more), where such a word is none.
    The next "?=" and line break are found once for all the starts before them, keeping this linear.
    """
    close = newline = -1
    start = value.find("=?")
    while start >= 0:
        mark = value.find("?", start + 2)
        if mark < 0:
            return False
        if mark + 2 < len(value) and value[mark + 1] in "qQbB" and value[mark + 2] == "?":
            if close < mark + 3:
                close = value.find("?=", mark + 3)
                if close < 0:
                    return False
            if newline < mark + 3:
                newline = value.find("\n", mark + 3)
                if newline < 0:
                    newline = len(value)
            if close < newline:
                return True
        start = value.find("=?", start + 1)
    return False


def _unencoded(text: str, first: bool, words: list[_Word]) -> None:
    if first:
        text = text.lstrip()  # the stdlib strips what opens each line
    if text:
        words.append((text, None, None))


def _decoded(text: str, encoding: str | None) -> bytes:
    if encoding == "q":
        if "_" not in text and "=" not in text:
            return text.encode("raw-unicode-escape")  # nothing to unquote: spare the regex per word
        return email.quoprimime.header_decode(text).encode("raw-unicode-escape")
    if encoding == "b":
        text += "==="[: (4 - len(text) % 4) % 4]  # missing padding is added, as the stdlib does
        try:
            return email.base64mime.decode(text)
        except binascii.Error as exc:
            raise email.errors.HeaderParseError("Base64 decoding error") from exc
    return text.encode("raw-unicode-escape")


def decode_header(value: str) -> list[tuple[bytes, str | None]] | None:
    """email.header.decode_header(value) for a value with an encoded-word; None for one without.

    Raises email.errors.HeaderParseError for bad base64, as the stdlib does.
    """
    words: list[_Word] = []
    for line in value.splitlines():
        _line_words(line, words)
    if not any(encoding for _text, encoding, _charset in words) and not _has_word(value):
        return None
    # White space between two encoded-words is dropped (RFC 2047 §6.2); the stdlib judges each word by
    # its neighbours in the list as it was before any word is dropped.
    kept = [
        word for n, word in enumerate(words)
        if not (0 < n < len(words) - 1 and words[n + 1][1] and words[n - 1][1] and word[0].isspace())
    ]
    # Runs of one charset become one string of bytes (a character may be split across encoded-words);
    # runs of unencoded text are joined with a space.
    out: list[tuple[bytes, str | None]] = []
    run: list[bytes] = []
    run_charset: str | None = None
    for text, encoding, charset in kept:
        data = _decoded(text, encoding)
        if run and charset != run_charset:
            out.append(((b" " if run_charset is None else b"").join(run), run_charset))
            run = []
        run.append(data)
        run_charset = charset
    if run:
        out.append(((b" " if run_charset is None else b"").join(run), run_charset))
    return out


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded-words for display; text that is not valid stays as written."""
    if "=?" not in value:
        return value
    try:
        pairs = decode_header(value)
        if pairs is None:
            return str(email.header.make_header([(value, None)]))
        return str(email.header.make_header(pairs))
    except (LookupError, ValueError, UnicodeError, email.errors.HeaderParseError):
        return value
