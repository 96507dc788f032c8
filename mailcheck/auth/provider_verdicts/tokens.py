"""A hand-written, tolerant tokenizer for Authentication-Results-like values that strict parsers refuse.

Why by hand: Microsoft's Authentication-Results has no authserv-id (it starts with `spf=`), may carry bare
recipient-domain tokens between methods and may leave out the space after `;` (providers.md §1.5, MS-HDR,
MS-ARS, MOX); RFC 8601 parsers such as authres reject or mangle it. The scanner below reads each
character once (linear time, no backtracking regular expressions), and its input is capped at
MAX_INPUT characters, so hostile header values cannot make it slow. Unbalanced comments or quotes
end at the end of the input instead of failing.
"""

from __future__ import annotations

import base64
import binascii
import quopri

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.value_types import NamedTuple

# Real Microsoft A-R values are < 1 KB (phishing-pot-dev); Proton's longest DKIM comments ~ 300 bytes.
# 16 KiB leaves room for any honest header and bounds the work on a hostile one.
MAX_INPUT = 16 * 1024
# Runs of ordinary characters, consumed in one step each. Simple negated classes: a match never
# backtracks, so the scan stays linear.
_WORD_RUN = lazy_compile(r'[^\s()";\\]+')
_COMMENT_RUN = lazy_compile(r"[^()\\]+")
_QUOTED_RUN = lazy_compile(r'[^"\\]+')


class Item(NamedTuple):
    """One word of a section: `key=value`, or a bare word (key ""), with the comments written after it."""

    key: str  # "spf", "smtp.mailfrom", "reason", … (lower case); "" for a bare word
    value: str  # the text after "=" (quotes removed), or the bare word
    comments: tuple[str, ...] = ()


class Section(NamedTuple):
    """The text between two `;` (outside comments and quotes)."""

    items: tuple[Item, ...]
    leading_comments: tuple[str, ...] = ()  # comments before the first word


class Tokens(NamedTuple):
    sections: tuple[Section, ...]
    truncated: bool  # the input was longer than MAX_INPUT and was cut
    unbalanced: bool  # a comment or quoted string was not closed


def decode_encoded_words(value: str) -> str:
    """Decode a value written entirely as RFC 2047 encoded-words (Microsoft does this when header.from
    holds non-ASCII text, observed in phishing-pot-dev); any other value is returned unchanged.

    Each white-space separated word is checked on its own (linear), unlike a regex over the whole value."""
    words = value.split()
    if not words or not all(w.startswith("=?") and w.endswith("?=") for w in words):
        return value
    chunks: list[tuple[str, bytes]] = []
    for word in words:
        parts = word[2:-2].split("?")
        if len(parts) != 3 or parts[1].lower() not in ("b", "q"):
            return value
        charset, encoding, text = parts[0].split("*")[0], parts[1].lower(), parts[2]
        try:
            data = (base64.b64decode(text + "=" * (-len(text) % 4)) if encoding == "b"
                    else quopri.decodestring(text.replace("_", " ").encode("ascii"), header=True))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            return value
        # Adjacent words of one charset are joined before decoding: base64 may split a character.
        if chunks and chunks[-1][0] == charset.lower():
            chunks[-1] = (chunks[-1][0], chunks[-1][1] + data)
        else:
            chunks.append((charset.lower(), data))
    out = []
    for charset, data in chunks:
        try:
            out.append(data.decode(charset, errors="replace"))
        except LookupError:
            out.append(data.decode("latin-1"))
    return "".join(out)


class _Scanner:
    """Single pass over the text: words, comments (nested, with backslash escapes), quoted strings, `;`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sections: list[Section] = []
        self.items: list[Item] = []
        self.leading: list[str] = []
        self.unbalanced = False

    def run(self) -> None:
        text, i, n = self.text, 0, len(self.text)
        word: list[str] = []
        while i < n:
            ch = text[i]
            if ch == "(":
                self._end_word(word)
                comment, i = self._comment(i)
                self._add_comment(comment)
                continue
            if ch == '"':
                quoted, i = self._quoted(i)
                word.append(quoted)
                continue
            if ch == ";":
                self._end_word(word)
                self._end_section()
            elif ch.isspace():
                self._end_word(word)
            elif (run := _WORD_RUN.match(text, i)) is not None:
                word.append(run.group())
                i = run.end()
                continue
            else:  # a lone backslash outside quotes: an ordinary character here
                word.append(ch)
            i += 1
        self._end_word(word)
        self._end_section()

    def _comment(self, i: int) -> tuple[str, int]:
        depth, out, n = 0, [], len(self.text)
        while i < n:
            ch = self.text[i]
            if ch == "\\" and i + 1 < n:
                out.append(self.text[i + 1])
                i += 2
                continue
            if ch == "(":
                depth += 1
                if depth > 1:
                    out.append(ch)
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return " ".join("".join(out).split()), i + 1
                out.append(ch)
            elif (run := _COMMENT_RUN.match(self.text, i)) is not None:
                out.append(run.group())
                i = run.end()
                continue
            else:
                out.append(ch)
            i += 1
        self.unbalanced = True
        return " ".join("".join(out).split()), n

    def _quoted(self, i: int) -> tuple[str, int]:
        out, i, n = [], i + 1, len(self.text)
        while i < n:
            ch = self.text[i]
            if ch == "\\" and i + 1 < n:
                out.append(self.text[i + 1])
                i += 2
                continue
            if ch == '"':
                return "".join(out), i + 1
            if (run := _QUOTED_RUN.match(self.text, i)) is not None:
                out.append(run.group())
                i = run.end()
                continue
            out.append(ch)
            i += 1
        self.unbalanced = True
        return "".join(out), n

    def _end_word(self, word: list[str]) -> None:
        if not word:
            return
        text = "".join(word)
        word.clear()
        last = self.items[-1] if self.items else None
        # CFWS around "=" (RFC 8601 allows it): "spf = pass" arrives as "spf", "=", "pass".
        if last is not None and last.key.endswith("=") and not last.value and "=" not in text:
            self.items[-1] = Item(last.key[:-1], text, last.comments)
            return
        if last is not None and last.key == "" and text.startswith("=") and not last.comments:
            text = last.value + text
            self.items.pop()
        key, eq, value = text.partition("=")
        if eq and key:
            self.items.append(Item(key.lower() + ("=" if not value else ""), value))
        else:
            self.items.append(Item("", text))

    def _add_comment(self, comment: str) -> None:
        if self.items:
            last = self.items[-1]
            self.items[-1] = Item(last.key, last.value, (*last.comments, comment))
        else:
            self.leading.append(comment)

    def _end_section(self) -> None:
        items = tuple(Item(i.key.rstrip("="), i.value, i.comments) for i in self.items)
        if items or self.leading:
            self.sections.append(Section(items, tuple(self.leading)))
        self.items, self.leading = [], []


def tokenize(value: str) -> Tokens:
    """Split an A-R-like value into sections of items; never raises."""
    truncated = len(value) > MAX_INPUT
    scanner = _Scanner(decode_encoded_words(value[:MAX_INPUT]))
    scanner.run()
    return Tokens(tuple(scanner.sections), truncated, scanner.unbalanced)
