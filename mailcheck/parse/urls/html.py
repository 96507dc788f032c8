"""Links in an HTML part (<a>, <area>, <form>, <base>) with the text a reader sees for each; tolerant of broken HTML."""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from mailcheck.parse.urls.text import bare_urls

_SHOWN_CAP = 500  # characters of anchor text kept (an unclosed <a> can swallow a whole page)
# Elements that start a new line or cell: text on either side of them is not one word.
_BREAKS = frozenset({
    "br", "p", "div", "tr", "td", "th", "li", "ul", "ol", "table", "tbody", "thead", "hr", "blockquote",
    "pre", "dt", "dd", "center", "h1", "h2", "h3", "h4", "h5", "h6",
})
# Alt text that is a picture's address (generators fill alt with src) describes the image, not the link.
_IMAGE_URL = re.compile(r"^\S+\.(?:gif|jpe?g|png|bmp|webp|svg)$", re.IGNORECASE)
_HIDDEN = frozenset({"script", "style", "title", "template"})  # content a reader is never shown
_ATTRIBUTE_TAGS = frozenset({"a", "area", "form", "base", "img"})  # the tags whose attributes handle_starttag reads
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0]")


def normalise_text(text: str) -> str:
    """What a reader sees: invisible format characters removed, runs of white space made one space."""
    text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def tags_to_spaces(html: str) -> str:
    """html with each "<…>" replaced by a space, as re.sub(r"<[^>]*>", " ", html) does, in linear time.

    The pattern tried at every '<' of a text with no '>' after it scans to the end each time; here a '<'
    with no '>' after it ends the search, as no later '<' has one either.
    """
    out: list[str] = []
    pos = 0
    while (start := html.find("<", pos)) >= 0:
        end = html.find(">", start + 1)
        if end < 0:
            break
        out.append(html[pos:start])
        out.append(" ")
        pos = end + 1
    out.append(html[pos:])
    return "".join(out)


@dataclass
class Raw:
    href: str
    shown: str
    kind: str
    base: str | None
    claims: bool = True  # False when the shown text names the picture's address, not the destination


class _LinkParser(HTMLParser):
    """Collects <a href>, <area href>, <form action> and URLs in running text; tolerant of broken HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Raw] = []
        self.base: str | None = None
        self._anchor: str | None = None  # href of the open <a>
        self._text: list[str] = []
        self._text_len = 0  # kept as a count: summing the list on every chunk would be quadratic
        self._alts: list[str] = []
        self._alt_names_picture = False  # the alt text is just the image's own URL (a generator's default)
        self._hidden: list[str] = []  # stack of open script/style/title elements

    def updatepos(self, i: int, j: int) -> int:
        # The base class counts the lines of every chunk it passes, for getpos(); links need no line numbers.
        return j

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Only these tags' attributes are read; most tags in a message are <td>, <font>, <br> …
        values = ({name: value for name, value in reversed(attrs) if value is not None}  # first one wins
                  if tag in _ATTRIBUTE_TAGS else {})
        if tag in _HIDDEN:
            self._hidden.append(tag)
        elif tag == "body":
            self._hidden.clear()  # an unclosed <title> in the head must not hide the whole body
        elif tag == "a":
            self._close_anchor()  # browsers never nest <a>: a new one ends the previous one
            if "href" in values:
                self._anchor = values["href"]
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
        if tag in _BREAKS:
            self._anchor_text(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            if tag in self._hidden:
                del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag) :]
        elif tag == "a":
            self._close_anchor()
        elif tag in _BREAKS:
            self._anchor_text(" ")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._anchor is not None:
            self._anchor_text(data)
            return
        for url in bare_urls(data):
            self._add(url, url, "bare")

    def _anchor_text(self, data: str) -> None:
        if self._anchor is not None and self._text_len < _SHOWN_CAP:
            self._text.append(data)
            self._text_len += len(data)

    def _add(self, href: str, shown: str, kind: str, claims: bool = True) -> None:
        self.found.append(Raw(href.strip(), normalise_text(shown)[:_SHOWN_CAP], kind, self.base, claims))

    def _close_anchor(self) -> None:
        if self._anchor is None:
            return
        shown = normalise_text("".join(self._text))
        claims = True
        if not shown:
            shown = normalise_text(" ".join(self._alts))
            claims = not self._alt_names_picture
        self._add(self._anchor, shown, "anchor", claims)
        self._anchor = None
        self._text = []
        self._text_len = 0
        self._alts = []
        self._alt_names_picture = False

    def finish(self) -> None:
        self._close_anchor()


class _GaveUp(Exception):
    """Unterminated constructs cost the parser more than the budget: the rest is read as plain text."""


class _BudgetedParser(_LinkParser):
    """_LinkParser that counts what failed attempts cost and stops when they cost too much.

    html.parser is quadratic on unterminated tags and comments: at the end of the input it tries each
    '<' after one again, and each try scans to the end of the text ("<a b='" 20,000 times took 70 s).
    A try that fails is charged the text it may have scanned; past the budget the parser gives up.
    """

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.budget = budget
        self.gave_up_at: int | None = None  # index in self.rawdata where the parser stopped

    def _charge(self, i: int, result: int) -> int:
        if result < 0:
            self.budget -= len(self.rawdata) - i
            if self.budget < 0:
                self.gave_up_at = i
                raise _GaveUp
        return result

    def parse_starttag(self, i: int) -> int:
        return self._charge(i, super().parse_starttag(i))

    def parse_endtag(self, i: int) -> int:
        return self._charge(i, super().parse_endtag(i))

    def parse_comment(self, i: int, report: bool = True) -> int:
        return self._charge(i, super().parse_comment(i, report))

    def parse_pi(self, i: int) -> int:
        return self._charge(i, super().parse_pi(i))

    def parse_html_declaration(self, i: int) -> int:
        return self._charge(i, super().parse_html_declaration(i))


# What failed parser attempts may scan per HTML part: a few times the part, plus room for short parts. An
# honest part has at most a few unterminated constructs (a page cut off mid-tag), each costing one scan.
_BUDGET_PER_CHAR = 4
_BUDGET_FLOOR = 1 << 18


def _read_as_text(parser: _BudgetedParser, rest: str) -> None:
    """rest as the parser reads text it cannot parse: data up to each '<', entities decoded."""
    start = 0
    while start < len(rest):
        cut = rest.find("<", start + 1)
        end = len(rest) if cut < 0 else cut
        parser.handle_data(unescape(rest[start:end]))
        start = end


def _parse(parser: _BudgetedParser, html: str) -> str | None:
    """Feed html to parser; a note when part of it could only be read as plain text."""
    try:
        parser.feed(html)
        parser.close()
    except _GaveUp:
        rest = parser.rawdata[parser.gave_up_at or 0:]
        _read_as_text(parser, rest)
        return (f"an HTML part has unterminated tags or comments from character {len(html) - len(rest)} of "
                f"{len(html)} on: the {len(rest)} characters after that were read as plain text (bare URLs "
                "found, no links or anchor text)")
    return None


def _budgeted(html: str) -> _BudgetedParser:
    return _BudgetedParser(_BUDGET_PER_CHAR * len(html) + _BUDGET_FLOOR)


def html_part_links(html: str) -> tuple[list[Raw], str | None]:
    """The links in one HTML part, and a note when part of it could only be read as plain text."""
    parser = _budgeted(html)
    note = None
    try:
        note = _parse(parser, html)
    except (AssertionError, ValueError):
        # html.parser raises on marked sections it does not know ("<![foo]>"); defuse them and retry.
        html = html.replace("<![", "&lt;![")
        parser = _budgeted(html)
        with suppress(AssertionError, ValueError):  # keep whatever was collected before the parser gave up
            note = _parse(parser, html)
    parser.finish()
    return parser.found, note
