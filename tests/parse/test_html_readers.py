"""The two HTML readers (lexbor via selectolax, html.parser as the fallback) agree on ordinary HTML, and the
browser-grade one reads malformed HTML as a browser shows it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mailcheck.parse.message import TextPart
from mailcheck.parse.rewriters import FAMILIES, may_be_wrapped
from mailcheck.parse.rewriters.common import parse_wrapper
from mailcheck.parse.rewritten_links import see_through
from mailcheck.parse.urls import extract_links
from mailcheck.parse.urls.html import _may_nest_deep, html_part_links, reader
from mailcheck.parse.urls.html_lexbor import lexbor_part_links
from mailcheck.parse.urls.html_stdlib import stdlib_part_links

ORDINARY = [
    '<p>Dear customer, <a href="http://198.51.100.7/login?a=1&amp;b=2">https://www.<b>paypal</b>.com/\u200b</a></p>',
    '<a href="http://a.example/">Pay<br>Pal<div>now</div></a> and http://bare.example/x, www.bare.example.',
    '<a href="http://evil.example/"><img src="logo.gif" alt="www.paypal.com"></a>'
    '<a href="http://b.example/"><img src="http://cdn.example/x.gif" alt="http://cdn.example/x.gif"></a>',
    '<base href="http://base.example/dir/"><map><area href="/map" alt="Map"></map>'
    '<form action="http://collect.example/post.php"><input name="pin"></form>',
    "<html><head><title>http://title.example/</title><style>a{background:url(http://css.example/)}</style>"
    "</head><body><script>var u='http://script.example/'</script>Visit http://text.example/ now</body></html>",
    '<table><tr><td><a href="http://cell.example/" title="t">Cell <span>one</span></a></td>'
    '<td>http://next.example/</td></tr></table><a href="#top">top</a><a href>no value</a>',
    '<ul><li><a href=http://x.example/>x</a><li><a href=http://y.example/>y</a></ul><!-- http://c.example/ -->',
    '<a href="http://one.example/">one<a href=http://two.example/>two</a> &lt;http://lt.example/&gt; &amp;',
    '<div><a href="http://d.example/"><img alt="first" src="a.png"><img alt="second" src="b.png"></a></div>',
]


def _raws(reader: object, html: str) -> list[tuple[str, str, str, str | None, bool]]:
    assert callable(reader)
    found, _ = reader(html)
    return [(r.href, r.shown, r.kind, r.base, r.claims) for r in found]


@pytest.mark.parametrize("html", ORDINARY)
def test_both_readers_agree_on_ordinary_html(html: str) -> None:
    assert _raws(lexbor_part_links, html) == _raws(stdlib_part_links, html)
    assert reader() is lexbor_part_links  # selectolax is a dependency: the fast reader is the one in use


def test_the_package_works_without_selectolax() -> None:
    code = ("import sys; sys.modules['selectolax'] = None; sys.modules['selectolax.lexbor'] = None\n"
            "from mailcheck.parse.urls import html\n"
            "from mailcheck.parse.urls.html_stdlib import stdlib_part_links\n"
            "found, note = html.html_part_links('<a href=\"http://x.example/\">x</a> http://y.example/')\n"
            "print(html.reader() is stdlib_part_links, [(r.href, r.shown) for r in found], note)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == ("True [('http://x.example/', 'x'), ('http://y.example/', 'http://y.example/')]"
                                   " None")


def html_part(html: str) -> TextPart:
    return TextPart("text/html", html)


def _shown(html: str) -> list[tuple[str, str]]:
    return [(link.href, link.shown) for link in extract_links([html_part(html)])]


def test_malformed_html_is_read_as_a_browser_shows_it() -> None:
    # An unclosed <title> holds the rest of the page as its text: a browser shows an empty page.
    assert _shown("<title>never closed<body><a href='http://y.example/'>y</a>") == []
    assert _raws(stdlib_part_links, "<title>never closed<body><a href='http://y.example/'>y</a>")[0][0] == \
        "http://y.example/"  # html.parser ends the title at <body>
    # A block started inside a link's paragraph closes it; the browser copies the link into the new one.
    assert _shown('<p><a href="http://s.example/"><b>Support<p>Offer ends today</b></a>') == [
        ("http://s.example/", "Support"), ("http://s.example/", "Offer ends today")]
    # A link between table rows is moved out in front of the table, empty; the cell is no link.
    assert _shown('<table><tr><a href="http://t.example/"><td>Photos</td></tr></table>') == [
        ("http://t.example/", "")]
    # In an attribute, a named reference without ';' followed by '=' stays as written (HTML's rule).
    assert _shown('<a href="http://q.example/?a=1&copy=2&reg;">q</a>') == [("http://q.example/?a=1&copy=2®", "q")]
    # A stray end tag is dropped, so the text on both sides is one run of text.
    assert _shown("see http://u.example</span>/path") == [("http://u.example/path", "http://u.example/path")]


def test_copies_of_a_link_holding_only_white_space_are_not_links() -> None:
    html = '<div><a href="http://k.example/">Keto<div>more</div>\n\n<table><tr><td>x</td></tr></table>'
    assert [shown for _, shown in _shown(html)].count("") == 0


def test_deep_nesting_is_read_by_html_parser() -> None:
    deep = '<a href="http://first.example/">x</a>' + "<div>" * 5000 + "http://deep.example/"
    assert _may_nest_deep(deep) and not _may_nest_deep("<p><a href='h'>" * 5000)
    found, note = html_part_links(deep)
    assert [r.href for r in found] == ["http://first.example/", "http://deep.example/"] and note is None


# -- rewriters ----------------------------------------------------------------------------------------

WRAPPED = [
    "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2F&data=x",
    "https://urldefense.proofpoint.com/v2/url?u=https-3A__example.org&d=x",
    "https://urldefense.com/v3/__https://example.org__;!!A!B$",
    "https://protect-us.mimecast.com/s/T?domain=example.org",
    "https://url.uk.m.mimecastprotect.com/s/AbCd",
    "https://clicktime.symantec.com/3T?u=https%3A%2F%2Fexample.org",
    "https://linkprotect.cudasvc.com/url?a=https%3A%2F%2Fexample.org",
    "https://imsva91-ctp.trendmicro.com/wis/clicktime/v1/query?url=https%3A%2F%2Fexample.org&umid=1",
    "https://www.google.com/url?q=https%3A%2F%2Fexample.org%2F",
    "https://secure-web.cisco.com/token/https%3A%2F%2Fexample.org",
    "https://url.avanan.click/v2/___https://example.org___.x",
    "http://noclick_example.org/",
    "HTTPS://URLDEFENSE.COM/v3/__https://example.org__;!!A!B$",
    "https://url\tdefense.com/v3/__https://example.org__;!!A!B$",
]


@pytest.mark.parametrize("url", WRAPPED)
def test_the_quick_rejection_keeps_every_family(url: str) -> None:
    wrapper = parse_wrapper(url)
    assert wrapper is not None and any(family.matches(wrapper) for family in FAMILIES)
    assert may_be_wrapped(url)


def test_ordinary_links_are_rejected_before_any_parsing() -> None:
    for url in ("https://example.org/?url=https%3A%2F%2Fexample.net", "http://www.paypal.com/", "https://t.co/x"):
        assert not may_be_wrapped(url)


def test_see_through_is_computed_once_per_link() -> None:
    (link,) = extract_links([html_part('<a href="https://www.google.com/url?q=https%3A%2F%2Fexample.org%2F">e</a>')])
    first = see_through(link)
    assert first is not None and see_through(link) is first
