"""Which stretches of an over-size text part are examined: its head and its tail, the tail cut where HTML resumes.

A text part is read whole up to TEXT_LIMIT characters (4 MiB, as before this module). A bigger one is
padding or an attachment in all but name, and reading all of it is too slow for a filter: html.parser
takes about 0.7 s per MiB of tag-dense HTML on the machines we test on, so a 100 MB part would take over a
minute. Two ways to bound it were weighed:

* Stream the whole part and cap only the links kept. Exact, but the cost grows with the part, not with
  the links: the cap that matters is on parser time, and a byte cap is the only one that is deterministic.
* Read a bounded head and a bounded tail (chosen). The padding trick puts the forged link first and pads
  after it, or pads first and puts the link last: both ends are read, so either way the link is found,
  at the same cost bound as the old "first 4 MiB" (HEAD + TAIL = TEXT_LIMIT). Only a link buried in the
  middle, with padding on both sides, is missed — and then the report says so: the part becomes a
  not-examined field and the verdict reason says "incomplete", so the padding never passes for a clean
  message.

The tail does not start at an arbitrary byte. Cut inside an HTML comment, <script> or <style>, it would
turn text a reader is never shown into links (and a link hidden in a comment into a false "forged"), so
it starts after the comment or element that is open at the cut, judged by the nearest opener and closer
before it (an approximation: it cannot see a "<!--" inside a script's string). Then it starts after the
tag or word the cut fell in, so no half-URL is read as a link. The head's <base href> does not reach the
tail: a relative link there is left without a host (unverifiable), never judged against the wrong base.
The head ends before a comment still open at HEAD, for the same reason.
"""

from __future__ import annotations

import re
from collections import deque

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.value_types import NamedTuple

TEXT_LIMIT = 4 * 1024 * 1024  # characters of one text part read whole
HEAD = TEXT_LIMIT // 2  # of a bigger part, the first HEAD and the last TAIL characters are read
TAIL = TEXT_LIMIT - HEAD

_RAW_TEXT = lazy_compile(r"<(/?)(script|style)\b", re.IGNORECASE)
_WORD_END = lazy_compile(r"\s")
_COMMENT_END = lazy_compile(r"--!?>")  # html.parser, as browsers, also ends a comment at "--!>"


class Window(NamedTuple):
    """What of one text part is examined: the pieces, read separately (the head's open tags do not run on
    into the tail), and how many characters between them were not."""

    pieces: tuple[str, ...]
    skipped: int  # characters not examined


def window(text: str, html: bool) -> Window:
    """The whole text when it fits TEXT_LIMIT, else its head and a resynchronised tail."""
    if len(text) <= TEXT_LIMIT:
        return Window((text,), 0)
    head = _head_end(text) if html else HEAD
    start = _tail_start(text, len(text) - TAIL, html)
    return Window((text[:head], text[start:]), start - head)


def _head_end(text: str) -> int:
    # html.parser hands an unclosed comment's text over as data at the end: cut inside a comment, the head
    # would show what the comment hides (a hidden user@host link would become a forged one).
    comment = text.rfind("<!--", 0, HEAD)
    return comment if comment > text.rfind("-->", 0, HEAD) else HEAD


def _tail_start(text: str, cut: int, html: bool) -> int:
    if not html:
        found = _WORD_END.search(text, cut)
        return found.end() if found is not None else len(text)
    # HTML nests neither comments nor raw text: of a comment and a script/style open at the cut, the one that
    # opened first encloses the other's opener as plain text, so it is the one to leave.
    open_at: list[tuple[int, re.Pattern[str]]] = []
    comment = text.rfind("<!--", 0, cut)
    if comment > text.rfind("-->", 0, cut):
        open_at.append((comment, _COMMENT_END))
    last = deque(_RAW_TEXT.finditer(text, 0, cut), maxlen=1)  # the last script/style tag before the cut
    raw = last[0] if last else None
    if raw is not None and not raw.group(1):
        open_at.append((raw.start(), re.compile(rf"</{raw.group(2)}[^>]*>", re.IGNORECASE)))
    if open_at:
        end = min(open_at, key=lambda pair: pair[0])[1].search(text, cut)
        return len(text) if end is None else end.end()
    if text.rfind("<", 0, cut) > text.rfind(">", 0, cut):  # inside a tag: start after it
        end_tag = text.find(">", cut)
        return len(text) if end_tag < 0 else end_tag + 1
    return cut
