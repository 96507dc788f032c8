"""Links in an HTML part read with the standard library's html.parser, within a budget for broken markup.

The fallback when selectolax is not installed (html_lexbor is the usual reader): slower, and it reads
some malformed HTML differently from a browser, but it needs nothing outside Python."""

from __future__ import annotations

from contextlib import suppress
from html import unescape
from html.parser import HTMLParser

from mailcheck.parse.urls.anchors import ATTRIBUTE_TAGS, Collector, Raw


class _LinkParser(HTMLParser):
    """html.parser whose events go to a Collector; tolerant of broken HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.collector = Collector()

    def updatepos(self, i: int, j: int) -> int:
        # The base class counts the lines of every chunk it passes, for getpos(); links need no line numbers.
        return j

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Only these tags' attributes are read; most tags in a message are <td>, <font>, <br> …
        if tag in ATTRIBUTE_TAGS:
            self.collector.start(tag, {name: value for name, value in reversed(attrs)  # first one wins
                                       if value is not None})
        else:
            self.collector.start(tag)

    def handle_endtag(self, tag: str) -> None:
        self.collector.end(tag)

    def handle_data(self, data: str) -> None:
        self.collector.data(data)


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


def stdlib_part_links(html: str) -> tuple[list[Raw], str | None]:
    """The links in one HTML part read by html.parser, and a note when part of it was read as plain text."""
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
    parser.collector.finish()
    return parser.collector.found, note
