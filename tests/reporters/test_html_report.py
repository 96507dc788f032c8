"""--format html (issue 10 item 2): one inert, self-contained page: every value escaped, a strict CSP that lets
only its own style sheet apply, no script, handler, link or external reference; the findings block, the fields
and the Received chain as a picture with signed delays and the trust boundary."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from support.messages import SAMPLES, build, run

from mailcheck.reporters.html import render
from mailcheck.reporters.html_chain import AXIS_X0, AXIS_X1, chain_svg, last_trusted, time_positions
from mailcheck.reporters.html_page import STYLE, h

HOSTILE = ('<script>alert(1)</script> "><img src=x onerror=alert(2)> </style><style>*{display:none}</style> '
           "</svg><a href=\"https://evil.example/\">x</a> next\u202eline\x07 http://evil.example/track.png")
# Hops older than the trusted one (12:00:00): one 30 minutes later (a negative delay), one without a time.
OLDER_HOPS = (
    "Received: from a.example.net (a.example.net [198.51.100.5]) by sender.example.net with ESMTP; "
    "Wed, 18 Nov 2026 12:30:00 +0000\n"
    "Received: from b.example.net (b.example.net [198.51.100.6]) by a.example.net with ESMTP; garbage\n"
    "Received: from laptop ([10.1.1.1]) by b.example.net with ESMTPA; Wed, 18 Nov 2026 11:58:00 +0000\n")
VOID = {"meta", "br"}  # the only elements written without a closing tag (SVG shapes close with />)


class Parsed(HTMLParser):
    """Every element, attribute and style text of a document, and whether the tags balance."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.unbalanced: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.unbalanced.append(tag)

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "style":
            self.styles.append(data)
        self.text.append(data)


def hostile_report() -> str:
    raw = build(f'From: "{HOSTILE}" <a@example.net>\nSubject: {HOSTILE}\nX-Note: {HOSTILE}\n',
                body=f"{HOSTILE}\nhttps://evil.example/login\n")
    return render(run(raw), verbose=True)


def chain_report() -> str:
    return render(run(build(OLDER_HOPS + "From: a@example.net\nSubject: s\n")))


def test_hostile_values_stay_text() -> None:
    page = hostile_report()
    doc = Parsed(page)
    assert doc.unbalanced == [] and doc.open == []
    tags = {tag for tag, _ in doc.tags}
    assert not tags & {"script", "img", "a", "iframe", "object", "embed", "link", "form", "base", "input", "image"}
    assert [tag for tag, _ in doc.tags].count("style") == 1 and [tag for tag, _ in doc.tags].count("svg") <= 1
    for tag, attrs in doc.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "src" not in attrs and "href" not in attrs and "style" not in attrs, (tag, attrs)
        assert not any(re.search(r"https?:|//", value or "") for name, value in attrs.items() if name != "content"
                       ), (tag, attrs)
    # The message's markup is shown as text: escaped in the source, whole in what a reader sees.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert any("<script>alert(1)</script>" in chunk for chunk in doc.text)
    assert "\u202e" not in page and "\x07" not in page and "\\u202e" in page and "\\x07" in page
    assert "https://evil.example/login" in "".join(doc.text)  # a link is words on the page, never an <a>


def test_a_strict_csp_allows_exactly_the_one_style_sheet() -> None:
    page = chain_report()
    doc = Parsed(page)
    metas = [attrs for tag, attrs in doc.tags if tag == "meta"]
    assert metas[0] == {"charset": "utf-8"}
    policy = next(a["content"] for a in metas if a.get("http-equiv") == "Content-Security-Policy") or ""
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["img-src"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'none'"
    assert "unsafe" not in policy and "script-src" not in policy  # default-src 'none' forbids every script
    digest = base64.b64encode(hashlib.sha256(doc.styles[0].encode()).digest()).decode()
    assert directives["style-src"] == f"'sha256-{digest}'" and doc.styles == [STYLE]
    # The policy precedes the style sheet: a <meta> policy governs only what follows it.
    assert page.index("Content-Security-Policy") < page.index("<style>")
    assert "prefers-color-scheme: dark" in STYLE and "@media print" in STYLE


def test_the_findings_block_comes_first() -> None:
    page = render(run((SAMPLES / "flabbia.eml").read_bytes()))
    findings, rest = page.split("<h2>Fields</h2>", 1)
    assert '<section class="findings">' in findings and '<span class="badge forged">FORGED</span>' in findings
    assert "<code>date</code>" in findings and "<code>received[2]</code>" in findings
    assert "Validated identity:" in findings and "Boundary:</strong> trust ends at received[1]" in findings
    assert '<table class="fields">' in rest and "<h2>Received chain</h2>" in rest and "validation continuum" in rest


def test_the_chain_picture_has_signed_delays_untimed_hops_and_the_boundary() -> None:
    page = chain_report()
    svg = page[page.index('<svg class="chain"'):page.index("</svg>")]
    assert svg.count('class="boundary"') == 4  # the dashed line, its words on either side, the legend
    assert 'class="step neg"' in svg and "-30m00s ⚠" in svg  # 12:30 → 12:00: the newer hop is earlier
    assert svg.count('<line class="step') == 2  # one step (none to or from the hop without a time), the legend's
    assert 'class="untrusted untimed"' in svg and "no timestamp" in svg
    assert 'class="entry"' in svg and 'class="trusted"' in svg
    # Oldest at the top: received[3] is drawn above received[0].
    rows = re.findall(r'<text x="\d+" y="([\d.]+)">received\[(\d+)\]', svg)
    ys = {int(index): float(y) for y, index in rows}
    assert ys[3] < ys[2] < ys[1] < ys[0]
    # The hop table marks the same place.
    assert '<span class="neg">-30m00s</span>' in page and "⟵ trust boundary" in page


def test_time_positions_keep_order_and_stay_on_the_axis() -> None:
    start = datetime(2026, 11, 18, tzinfo=UTC)
    moments = [start, start + timedelta(seconds=2), start + timedelta(days=9), start + timedelta(seconds=3)]
    x = time_positions(moments)
    ordered = [x[m] for m in sorted(moments)]
    assert ordered == sorted(ordered) and ordered[0] == AXIS_X0 and ordered[-1] == pytest.approx(AXIS_X1)
    # A forged hop days away does not squeeze the seconds between real hops into one point.
    assert x[start + timedelta(seconds=3)] - x[start] > 20
    assert time_positions([start, start]) == {start: (AXIS_X0 + AXIS_X1) / 2}


def test_the_boundary_when_no_hop_or_every_hop_is_trusted_and_without_hops() -> None:
    raw = b"From: a@example.net\nSubject: s\n\nHello.\n"
    assert chain_svg(run(raw)) == "" and "<h2>Received chain</h2>" not in render(run(raw))
    report = run(build(OLDER_HOPS + "From: a@example.net\n"))
    nobody = report._replace(boundary=report.boundary._replace(trusted_count=0, entry_index=None),
                             hops=tuple(v._replace(trusted=False, entry=False) for v in report.hops))
    assert last_trusted(nobody) == -1 and "(no hop is trusted)" in chain_svg(nobody)
    everyone = report._replace(boundary=report.boundary._replace(trusted_count=len(report.hops), entry_index=None),
                               hops=tuple(v._replace(trusted=True, entry=False) for v in report.hops))
    assert last_trusted(everyone) == len(report.hops) - 1 and "(every hop is trusted)" in chain_svg(everyone)


def test_escape_helper() -> None:
    assert h('<a href="x">\'&') == "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;"
    assert h("a\u202eb\nc\x00") == "a\\u202eb c\\x00"


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.eml")))
def test_every_sample_renders_a_balanced_document(sample: str) -> None:
    doc = Parsed(render(run((SAMPLES / sample).read_bytes()), verbose=True))
    assert doc.unbalanced == [] and doc.open == []


def test_the_command_writes_html() -> None:
    done = subprocess.run([sys.executable, "-m", "mailcheck", "--offline", "--format", "html",
                           str(SAMPLES / "flabbia.eml")], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr  # forged, as with the text report
    assert done.stdout.startswith("<!DOCTYPE html>") and done.stdout.rstrip().endswith("</html>")
