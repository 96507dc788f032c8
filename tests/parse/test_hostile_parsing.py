"""Parsers fed attacker-written text stay linear and keep the right answer (issue 11: hostile input).

Each size below took the old code minutes (quadratic regexes, html.parser's retries, list concatenation
in email.utils); run in a child process with a generous time limit, a return to quadratic work fails the
test instead of hanging the suite. No wall-clock ratio is asserted: the machine is shared and noisy.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from mailcheck.checks.display_name import _claimed_domains, _embedded_addresses
from mailcheck.parse.addresses_parse import read_addresses
from mailcheck.parse.encoded_words import decode_words
from mailcheck.parse.message import TextPart
from mailcheck.parse.received import normalise_ip, parse_received
from mailcheck.parse.urls import scan_links, tags_to_spaces
from mailcheck.parse.urls.html_stdlib import stdlib_part_links

LIMIT = 120  # seconds for work the old code needed many minutes for; the new code needs well under one


def bounded(code: str) -> str:
    """Run code in a fresh interpreter under LIMIT; its stdout."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=LIMIT, check=True)
    return done.stdout.strip()


# -- 1. Received: "[" + ':' * n + "x]" ------------------------------------------------------------------

def test_colon_run_in_a_literal_is_no_address_and_the_hop_still_reads() -> None:
    hop = parse_received("from [" + ":" * 2000 + "x] by mx.ours.example; Mon, 22 Jul 2002 16:10:03 +0100")
    assert hop.ip is None and hop.by == "mx.ours.example" and hop.timestamp is not None
    assert normalise_ip("[IPv6:2001:db8::1]") == "2001:db8::1"  # the pattern still accepts addresses
    assert normalise_ip("[::ffff:192.0.2.1]") == "192.0.2.1"
    assert normalise_ip("[" + "1" * 200 + ".2]") is None  # longer than any address text


def test_colon_run_is_linear() -> None:
    # 20 KB took 17 s, 40 KB 67 s: 400 KB would have taken about two hours
    out = bounded("from mailcheck.parse.received import parse_received\n"
                  "h = parse_received('from [' + ':' * 400_000 + 'x] by mx; Mon, 22 Jul 2002 16:10:03 +0100')\n"
                  "print(h.ip, h.by)")
    assert out == "None mx"


# -- 2. display names: 'a' * n, 'a.' * n ---------------------------------------------------------------

@pytest.mark.parametrize("display", [
    "support@paypal.com <x@attacker.example>", "a@b.example.com x c@d.example.org", "a.+x@b.example.org.",
    "x@y@paypal.com", "@@paypal.com", "me@", "é@ñ.example",
])
def test_embedded_addresses_as_the_pattern_found_them(display: str) -> None:
    import re
    pattern = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
    assert [display[at + 1:end] for _s, at, end in _embedded_addresses(display)] == pattern.findall(display)


def test_long_display_names_are_linear_and_still_read() -> None:
    out = bounded("from mailcheck.checks.display_name import _claimed_domains\n"
                  "print(_claimed_domains('a' * 2_000_000), _claimed_domains('a.' * 1_000_000 + ' paypal.com'))")
    assert out == "[] ['paypal.com']"  # 40 KB took 15 s; 200 KB of 'a.' 171 s
    assert _claimed_domains("a" * 1000 + " help@paypal.com") == ["paypal.com"]


# -- 3. group syntax and comments that made getaddresses recurse -----------------------------------------

def test_nested_groups_do_not_hide_the_first_address() -> None:
    value = '"PayPal.com Security" <x@attacker.example>, ' + "a:" * 5000
    assert read_addresses((value,))[0] == ("PayPal.com Security", "x@attacker.example")


def test_nested_comments_and_groups_never_raise() -> None:
    assert read_addresses(("(" * 5000 + "x) a@b.example",)) == [("", "")]  # an unclosed comment: all comment
    assert ("", "a@b.example") in read_addresses(("g:" * 3000 + " a@b.example;",))
    assert read_addresses(("x@y.example (" + "(" * 3000 + "Name" + ")" * 3001,)) == [
        (" " * 3000 + "Name" + " " * 3000, "x@y.example")]


def test_ordinary_groups_read_as_the_stdlib_reads_them() -> None:
    assert read_addresses(("undisclosed-recipients:;",)) == [("", "")]
    assert read_addresses(("team: a@b.example, C <c@d.example>;", "e@f.example")) == [
        ("", "a@b.example"), ("C", "c@d.example"), ("", "e@f.example")]


def test_a_large_group_is_linear() -> None:
    # email.utils builds a group's members by list concatenation: 32,000 took 2.6 s, 400,000 ~7 minutes
    out = bounded("from mailcheck.parse.addresses_parse import read_addresses\n"
                  "pairs = [p for p in read_addresses(('g: ' + 'a@b.example, ' * 400_000 + ';',)) if any(p)]\n"
                  "print(len(pairs), pairs[0])")
    assert out == "400000 ('', 'a@b.example')"


# -- 4. HTML: unterminated tags and comments ------------------------------------------------------------

def _links(html: str) -> tuple[list[str], tuple[str, ...]]:
    scan = scan_links([TextPart("text/html", html)])
    return [link.href for link in scan.links], scan.notes


def _stdlib_links(html: str) -> tuple[list[str], str | None]:
    found, note = stdlib_part_links(html)
    return [raw.href for raw in found], note


def test_links_before_a_flood_of_unterminated_tags_are_found_and_the_rest_is_reported() -> None:
    html = "<a href='http://first.example/'>x</a>" + "<a b='" * 20_000 + " http://later.example/"
    # html.parser (the fallback) gives up on the flood and reads it as plain text, with a note.
    hrefs, note = _stdlib_links(html)
    assert hrefs[0] == "http://first.example/"
    assert "http://later.example/" in hrefs  # read as plain text, as html.parser itself would at the end
    assert note is not None and "read as plain text" in note
    # A browser reads all of it: the first quote opens a value that runs to the end, so the rest is
    # inside a tag and shows nothing; nothing is left unexamined.
    assert _links(html) == (["http://first.example/"], ())


def test_ordinary_broken_html_is_read_as_before() -> None:
    html = "<p><a href='http://a.example/'>a</a><!-- never closed http://hidden.example/"
    assert _stdlib_links(html) == (["http://a.example/", "http://hidden.example/"], None)  # html.parser's end
    assert _links(html) == (["http://a.example/"], ())  # a browser: the comment runs to the end, unshown


def test_unterminated_html_is_linear() -> None:
    # 20,000 "<a b='" took 70 s, 40,000 "<!--" 15 s: these sizes would take hours. Both readers, the
    # browser-grade one on megabytes (1.2 MB per unit, plus 40,000 nested elements).
    out = bounded("from mailcheck.parse.urls import scan_links, tags_to_spaces\n"
                  "from mailcheck.parse.urls.html_stdlib import stdlib_part_links\n"
                  "from mailcheck.parse.message import TextPart\n"
                  "units = (\"<a b='\", \"<a b='>' \", '<!--', '</a', '<div><a href=\"h\">', '<a href=\"')\n"
                  "for unit in units:\n"
                  "    html = '<a href=\"http://x.example/\">x</a>' + unit * 200_000\n"
                  "    s = scan_links([TextPart('text/html', html)])\n"
                  "    print(len(s.links), len(s.notes), end=' ')\n"
                  "for unit in units[:4]:\n"
                  "    found, note = stdlib_part_links('<a href=\"http://x.example/\">x</a>' + unit * 200_000)\n"
                  "    print(len(found), note is not None, end=' ')\n"
                  "print(len(tags_to_spaces('<!--' * 1_000_000)))")
    assert out == "1 0 1 0 1 0 1 0 2 0 1 0 1 True 1 True 1 True 1 True 4000000"


def test_tags_to_spaces_is_the_pattern() -> None:
    import re
    for text in ("a<b>c", "<<a>>", "<a", "x<y<z>w", "", "<>", "a>b<c>d<e"):
        assert tags_to_spaces(text) == re.sub(r"<[^>]*>", " ", text)


# -- 5. RFC 2047 encoded words ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "=?utf-8?q?caf=C3=A9?= ok", "=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "a =?iso-8859-1?q?=E9?=  b",
    "=?utf-8?q?a?=\n =?utf-8?q?b?=", "=?bogus?q?x?=", "=?utf-8?b?!!?=", "no words", "=?utf-8?q?=C3?==?utf-8?q?=A9?=",
])
def test_decoded_as_the_stdlib_decodes(value: str) -> None:
    import email.errors
    import email.header
    try:
        expected = str(email.header.make_header(email.header.decode_header(value)))
    except (LookupError, ValueError, UnicodeError, email.errors.HeaderParseError):
        expected = value
    assert decode_words(value) == expected


def test_many_encoded_words_are_linear() -> None:
    # 100,000 took 10 s (40,000 7 s: quadratic); a million would take about 15 minutes
    out = bounded("from mailcheck.parse.encoded_words import decode_words\n"
                  "v = ' '.join(['=?utf-8?q?a?='] * 1_000_000)\n"
                  "print(decode_words(v) == 'a' * 1_000_000, decode_words('=?c?q?x' * 200_000)[:6])")
    assert out == "True =?c?q?"
