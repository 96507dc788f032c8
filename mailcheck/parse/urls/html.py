"""Links in an HTML part (<a>, <area>, <form>, <base>) with the text a reader sees for each; tolerant of broken HTML.

Read by lexbor (html_lexbor, a compiled browser-grade parser) when selectolax is installed, else by the
standard library's html.parser (html_stdlib); both feed anchors.Collector, which decides what is a link."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from mailcheck.parse.lazy_pattern import lazy_compile
from mailcheck.parse.urls.anchors import Raw, normalise_text

__all__ = ["Raw", "html_part_links", "normalise_text", "reader", "tags_to_spaces"]

PartLinks = Callable[[str], tuple[list[Raw], str | None]]


@cache
def reader() -> PartLinks:
    """lexbor's reader, or html.parser's when selectolax is missing (the package still works, more slowly).
    Chosen on first use, so that a message without HTML (the filter's one run) never loads either."""
    return lexbor() or stdlib()


@cache
def lexbor() -> PartLinks | None:
    """lexbor's reader; None when selectolax is missing."""
    try:
        from mailcheck.parse.urls.html_lexbor import lexbor_part_links
    except ImportError:
        return None
    return lexbor_part_links


@cache
def stdlib() -> PartLinks:
    from mailcheck.parse.urls.html_stdlib import stdlib_part_links

    return stdlib_part_links

# lexbor, like any HTML tree builder, checks the open elements on every start tag, so markup nested
# thousands deep costs it depth x tags ("<div>" 20,000 times: seconds). Browsers stop nesting at a few
# hundred levels (Chromium: 512); a part that may nest deeper is read by html.parser, which builds no tree.
_FEW_TAGS = 4000  # so few '<' that even the worst nesting of them costs lexbor a few milliseconds
_DEEP = 400
# Tags that never stay open: void elements, <p> (closed by the next <p> or block) and <a> (closed by the
# next <a>). Others that usually close themselves (<li>, <td>, <option>…) nest when mixed ("<li><dd>").
_FLAT = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "p", "a",
})
_TAG_NAME = lazy_compile(r"<(/?)([A-Za-z][^\s/>]*)")


def _may_nest_deep(html: str) -> bool:
    """True when html's tags could nest deeper than _DEEP: each start tag counted as one level in, each end
    tag one out (an upper bound of what a tree builder keeps open), except tags that never stay open."""
    if html.count("<") <= _FEW_TAGS:
        return False
    depth = 0
    for match in _TAG_NAME.finditer(html):
        if match.group(2).lower() in _FLAT:
            continue
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > _DEEP:
                return True
    return False


_TAG = lazy_compile(r"<[^>]*>")


def tags_to_spaces(html: str) -> str:
    """html with each "<…>" replaced by a space, as re.sub(r"<[^>]*>", " ", html) does, in linear time.

    The pattern tried at every '<' of a text with no '>' after it scans to the end each time. Such a '<'
    can only come after the last '>': the pattern runs on the text up to there, where every try matches
    (one pass), and the rest is kept as it is.
    """
    last = html.rfind(">") + 1
    return _TAG.sub(" ", html[:last]) + html[last:] if last else html


def html_part_links(html: str) -> tuple[list[Raw], str | None]:
    """The links in one HTML part, and a note when part of it could only be read as plain text."""
    # Asking lexbor(), not comparing with stdlib(): that would load html.parser for every HTML part.
    read = lexbor()
    return read(html) if read is not None and not _may_nest_deep(html) else stdlib()(html)
