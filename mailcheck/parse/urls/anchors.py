"""What a reader sees of an HTML part's links, built from start/end/text events whichever parser reads it."""

from __future__ import annotations

import re
from collections.abc import Mapping

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.urls.text import bare_urls
from mailcheck.value_types import NamedTuple

SHOWN_CAP = 500  # characters of anchor text kept (an unclosed <a> can swallow a whole page)
# Elements that start a new line or cell: text on either side of them is not one word.
BREAKS = frozenset({
    "br", "p", "div", "tr", "td", "th", "li", "ul", "ol", "table", "tbody", "thead", "hr", "blockquote",
    "pre", "dt", "dd", "center", "h1", "h2", "h3", "h4", "h5", "h6",
})
# Alt text that is a picture's address (generators fill alt with src) describes the image, not the link.
_IMAGE_URL = lazy_compile(r"^\S+\.(?:gif|jpe?g|png|bmp|webp|svg)$", re.IGNORECASE)
HIDDEN = frozenset({"script", "style", "title", "template"})  # content a reader is never shown
ATTRIBUTE_TAGS = frozenset({"a", "area", "form", "base", "img"})  # the tags whose attributes start() reads
# Invisible format characters, dropped by translate (a table is built in microseconds, a pattern compiled in ~0.6 ms)
_INVISIBLE = dict.fromkeys([0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, *range(0x200B, 0x2010),
                            *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x206A, 0x2070), 0x3164,
                            0xFEFF, 0xFFA0])
_NO_VALUES: Mapping[str, str] = {}


def normalise_text(text: str) -> str:
    """What a reader sees: invisible format characters removed, runs of white space made one space."""
    if not text.isascii():  # the invisible characters are all outside ASCII: most text needs no search
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


class Raw(NamedTuple):
    href: str
    shown: str
    kind: str
    base: str | None
    claims: bool = True  # False when the shown text names the picture's address, not the destination


class Collector:
    """Collects <a href>, <area href>, <form action> and URLs in running text from a parser's events.

    start() takes the attributes of ATTRIBUTE_TAGS only (first of a repeated name, valueless ones left
    out); other tags get an empty mapping. hidden is the stack of open script/style/title elements."""

    def __init__(self) -> None:
        self.found: list[Raw] = []
        self.base: str | None = None
        self._anchor: str | None = None  # href of the open <a>
        self._text: list[str] = []
        self._text_len = 0  # kept as a count: summing the list on every chunk would be quadratic
        self._alts: list[str] = []
        self._alt_names_picture = False  # the alt text is just the image's own URL (a generator's default)
        self._reopened = False  # the open <a> continues the previous one (see start)
        self._holds_elements = False  # the open <a> has elements in it (an image, a <br>…)
        self.hidden: list[str] = []

    def start(self, tag: str, values: Mapping[str, str] = _NO_VALUES, reopened: bool = False) -> None:
        """reopened: an <a> a browser's tree builder made again from the one before (misnested markup is
        mended by copying the open link into the next block); holding only white space, it is no link."""
        if self._anchor is not None:
            self._holds_elements = True
        if tag in HIDDEN:
            self.hidden.append(tag)
        elif tag == "body":
            self.hidden.clear()  # an unclosed <title> in the head must not hide the whole body
        elif tag == "a":
            self._close_anchor()  # browsers never nest <a>: a new one ends the previous one
            if "href" in values:
                self._anchor = values["href"]
                self._reopened = reopened
        elif tag == "area" and "href" in values:
            self._add(values["href"], values.get("alt", ""), "area")
        elif tag == "form" and "action" in values:
            self._add(values["action"], "", "form")
        elif tag == "base" and "href" in values and self.base is None:
            self.base = values["href"].strip()  # HTML: only the first <base href> counts
        elif tag == "img" and self._anchor is not None and values.get("alt"):
            self._alts.append(values["alt"])
            alt = values["alt"].strip()
            names_picture = alt == values.get("src", "").strip() or _IMAGE_URL.search(alt) is not None
            self._alt_names_picture = self._alt_names_picture or names_picture
        if tag in BREAKS:
            self.anchor_text(" ")

    def end(self, tag: str) -> None:
        if tag in HIDDEN:
            if tag in self.hidden:
                del self.hidden[len(self.hidden) - 1 - self.hidden[::-1].index(tag) :]
        elif tag == "a":
            self._close_anchor()
        elif tag in BREAKS:
            self.anchor_text(" ")

    def data(self, data: str) -> None:
        if self.hidden:
            return
        if self._anchor is not None:
            self.anchor_text(data)
            return
        self.bare(data)

    def bare(self, data: str) -> None:
        """The URLs in text shown outside any link."""
        for url in bare_urls(data):
            self._add(url, url, "bare")

    def anchor_text(self, data: str) -> None:
        if self._anchor is not None and self._text_len < SHOWN_CAP:
            self._text.append(data)
            self._text_len += len(data)

    def _add(self, href: str, shown: str, kind: str, claims: bool = True) -> None:
        self.found.append(Raw(href.strip(), normalise_text(shown)[:SHOWN_CAP], kind, self.base, claims))

    def _close_anchor(self) -> None:
        if self._anchor is None:
            return
        shown = normalise_text("".join(self._text))
        claims = True
        if not shown:
            shown = normalise_text(" ".join(self._alts))
            claims = not self._alt_names_picture
        if shown or self._holds_elements or not self._reopened:
            self._add(self._anchor, shown, "anchor", claims)
        self._anchor = None
        self._text = []
        self._text_len = 0
        self._alts = []
        self._alt_names_picture = False
        self._reopened = self._holds_elements = False

    def finish(self) -> None:
        self._close_anchor()
