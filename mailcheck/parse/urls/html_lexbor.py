"""Links in an HTML part read by lexbor (selectolax), a compiled WHATWG parser: the tree a browser builds.

Every link element and text node is visited in document order and given to the same Collector that
html.parser's tags go to, so both readers give the same links for ordinary HTML. On malformed HTML this
one reads what a browser shows (an unclosed comment hides the rest, a link misnested in a table is empty,
misnested blocks split a link in two); it is linear on any input, so it needs no budget."""

from __future__ import annotations

from mailcheck.deferred_logging import logging_deferred
from mailcheck.parse.urls.anchors import ATTRIBUTE_TAGS, HIDDEN, Collector, Raw
from mailcheck.parse.urls.text import may_hold_urls

with logging_deferred():  # selectolax names its logger when imported, and never logs for what we ask of it
    from selectolax.lexbor import LexborHTMLParser, LexborNode

# Never shown: HIDDEN, and the raw-text fallbacks of frames and plug-ins, which browsers do not display.
_UNSHOWN = HIDDEN | {"iframe", "noembed", "noframes"}
_LINKS_ELSEWHERE = frozenset({"area", "form", "base"})  # link elements that hold no anchor text


def _values(node: LexborNode) -> dict[str, str]:
    """The attributes that have a value (first of a repeated name, as HTML keeps)."""
    return {name: value for name, value in node.attributes.items() if value is not None}


def _after(node: LexborNode, with_text: bool) -> int | None:
    """mem_id of the first node after node's subtree in document order (text nodes count only with_text);
    None when the subtree ends the tree."""
    while True:
        while (following := node.next) is None:
            parent = node.parent
            if parent is None:
                return None
            node = parent
        if with_text or following.tag != "-text":
            return following.mem_id
        node = following


def _anchor(node: LexborNode, collector: Collector, reopened: bool) -> None:
    """One <a> and everything in it, as opening, text and closing events (text, alt and line breaks)."""
    start, end, data = collector.start, collector.end, collector.data
    start("a", _values(node), reopened)
    child = node.first_child
    depth = 1  # of child below node
    while child is not None:
        tag = child.tag or ""
        inside = None
        if tag == "-text":
            data(child.text_content or "")
        elif tag and tag[0] not in "-_!":  # an element, not a comment or doctype
            start(tag, _values(child) if tag in ATTRIBUTE_TAGS else {})
            if tag not in _UNSHOWN:
                inside = child.first_child
            if inside is None:
                end(tag)
        if inside is not None:
            child, depth = inside, depth + 1
            continue
        # Climb to the next node of the anchor, closing the elements left on the way.
        while (following := child.next) is None:
            depth -= 1
            parent = child.parent
            if depth == 0 or parent is None:
                break
            child = parent
            end(child.tag or "")
        child = following
    end("a")


def lexbor_part_links(html: str) -> tuple[list[Raw], str | None]:
    """The links in one HTML part as a browser's tree holds them; never a note (all of it is read)."""
    collector = Collector()
    root = LexborHTMLParser(html).root
    if root is None:
        return [], None
    # Most parts name no URL in their text (only in attributes): then no text node needs a search.
    text_has_urls = may_hold_urls(root.text())
    anchors: set[frozenset[tuple[str, str | None]]] = set()  # the attributes of every <a> so far
    skipping = False
    boundary: int | None = None  # while skipping a subtree: the mem_id of the node after it
    for node in root.traverse(include_text=text_has_urls):
        if skipping:
            if boundary is None or node.mem_id != boundary:
                continue
            skipping = False
        tag = node.tag
        if tag == "-text":
            collector.bare(node.text_content or "")  # outside any link: a subtree with one is skipped
        elif tag == "a":
            # A copy has every attribute of the <a> it continues (HTML's "reconstruct the active
            # formatting elements"); an empty one is an artefact of mending the markup.
            signature = frozenset(node.attributes.items())
            _anchor(node, collector, signature in anchors)
            anchors.add(signature)
            boundary, skipping = _after(node, text_has_urls), True
        elif tag in _LINKS_ELSEWHERE:
            collector.start(tag, _values(node))
        elif tag in _UNSHOWN:
            boundary, skipping = _after(node, text_has_urls), True
    collector.finish()
    return collector.found, None
