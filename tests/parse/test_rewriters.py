"""mailcheck.parse.rewriters: gateway-rewritten links unwrapped offline (providers.md §5 worked examples)."""

from __future__ import annotations

import base64
import time
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.parse.message import TextPart
from mailcheck.parse.rewriters import MAX_DEPTH, MAX_INPUT, unwrap
from mailcheck.parse.rewriters.proofpoint import substitute
from mailcheck.parse.rewritten_links import see_through
from mailcheck.parse.urls import Link, extract_links

# -- every worked example of providers.md §5 -------------------------------------------------------------

WORKED = [
    ("Microsoft Safe Links",
     "https://eur03.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2Finvoice%3Fid%3D42%26lang%3Den"
     "&data=05%7C02%7Calice%40contoso.example%7C0123%7C0%7C0%7C638500000000000000%7CUnknown%7C%7C0%7C%7C%7C"
     "&sdata=QUJD%3D&reserved=0",
     "https://example.org/invoice?id=42&lang=en"),
    ("Proofpoint URL Defense v1",
     "https://urldefense.proofpoint.com/v1/url?u=http://www.example.org/a%3Fb%3D1%26c%3D2&k=xyz%3D%0A&r=abc&m=def&s=ghi",
     "http://www.example.org/a?b=1&c=2"),
    ("Proofpoint URL Defense v2",
     "https://urldefense.proofpoint.com/v2/url?u=https-3A__www.example.org_path_file-2Dname.pdf-3Fx-3D1-26y-3D2"
     "&d=DwMFaQ&c=abc&r=def&m=ghi&s=jkl&e=",
     "https://www.example.org/path/file-name.pdf?x=1&y=2"),
    ("Proofpoint URL Defense v3", "https://urldefense.com/v3/__https://example.org/doc*page=2__;Iw!!AbCdEf!GhIjKl$",
     "https://example.org/doc#page=2"),
    ("Proofpoint URL Defense v3", "https://urldefense.com/v3/__https://example.org/x**Ay__;IyM!!AbCdEf!GhIjKl$",
     "https://example.org/x##y"),
    ("Proofpoint URL Defense v3", "https://urldefense.com/v3/__https://example.org/caf**A__;w6k!!AbCdEf!GhIjKl$",
     "https://example.org/café"),
    ("Proofpoint URL Defense v3", "https://urldefense.com/v3/__https://example.org/a*20b*23c__;JSU!!Org!Id$",
     "https://example.org/a%20b%23c"),
    ("Mimecast URL Protect", "https://url.uk.m.mimecastprotect.com/s/AbCdEfGhIjKlMnOpQrSt", None),
    ("Mimecast URL Protect", "https://protect-us.mimecast.com/s/AbCdEfGh?domain=example.org", "example.org"),
    ("Symantec click-time URL protection",
     "https://clicktime.symantec.com/3AbCdEfGh7Vc?u=https%3A%2F%2Fexample.org%2Flogin%3Fnext%3D%252Fhome",
     "https://example.org/login?next=%2Fhome"),
    ("Barracuda Link Protection",
     "https://linkprotect.cudasvc.com/url?a=https%3a%2f%2fexample.org%2freport%3fid%3d7&c=E,1,AbCdEfGh,,&typo=1",
     "https://example.org/report?id=7"),
    ("Google's redirect",
     "https://www.google.com/url?q=https://example.org/page%3Fx%3D1%26y%3D2&sa=D&source=editors"
     "&ust=1700000000000000&usg=AOvVaw0abc",
     "https://example.org/page?x=1&y=2"),
    ("Cisco Secure Email", "https://secure-web.cisco.com/1AbCdEfGhIjKlMnOp/https%3A%2F%2Fexample.org%2Fdocs%2Findex.html",
     "https://example.org/docs/index.html"),
    ("Trend Micro time-of-click",
     "https://ddec1-0-en-ctp.trendmicro.com/wis/clicktime/v1/query?url=https%3a%2f%2fexample.org%2fa%2db"
     "&umid=11111111-2222-3333-4444-555555555555&auth=0123abcd-4567ef",
     "https://example.org/a-b"),
    ("Avanan click-time protection", "https://url.avanan.click/v2/___https://example.org/x___.YXAzOm1haWw6YTpv",
     "https://example.org/x"),
]


@pytest.mark.parametrize(("rewriter", "wrapped", "target"), WORKED, ids=[f"{i}-{w[0]}" for i, w in enumerate(WORKED)])
def test_worked_examples_of_the_reference(rewriter: str, wrapped: str, target: str | None) -> None:
    result = unwrap(wrapped)
    assert result is not None
    assert (result.rewriter, result.target) == (rewriter, target)
    assert len(result.layers) == 1


def test_mimecast_domain_is_partial_and_a_token_alone_is_opaque() -> None:
    partial = unwrap("https://protect-us.mimecast.com/s/AbCdEfGh?domain=example.org")
    opaque = unwrap("https://url.uk.m.mimecastprotect.com/s/AbCdEfGhIjKlMnOpQrSt")
    assert partial is not None and partial.partial and "partial" in partial.note
    assert partial.describe() == ("rewritten by Mimecast URL Protect; it names only the original target's host, "
                                  "example.org")
    assert opaque is not None and not opaque.partial
    assert opaque.note.startswith("opaque: Mimecast tokens cannot be decoded offline")
    assert opaque.describe().startswith("rewritten by Mimecast URL Protect; opaque:")


def test_evidence_sentence_names_the_rewriter_and_the_target() -> None:
    result = unwrap(WORKED[0][1])
    assert result is not None
    assert result.describe() == ("rewritten by Microsoft Safe Links; original target "
                                 "https://example.org/invoice?id=42&lang=en")
    assert "MS-SL" in result.layers[0].source


def test_links_that_no_rewriter_wrote() -> None:
    for url in ["https://example.org/?url=https%3A%2F%2Fexample.net", "mailto:a@example.org", "", "not a url",
                "https://urldefense.com/", "https://www.google.com/search?q=x", "https://protect-us.mimecast.com/login",
                "https://secure-web.cisco.com.example.net/tok/https%3A%2F%2Fexample.org"]:
        assert unwrap(url) is None, url


# -- hosts are matched on the parsed host, never on a substring ------------------------------------------


@pytest.mark.parametrize("url", [
    "https://evil.example/eur03.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org",
    "https://eur03.safelinks.protection.outlook.com.evil.example/?url=https%3A%2F%2Fexample.org",
    "https://urldefense.com@evil.example/v3/__https://example.org__;!!A!B$",
    "https://evil.example\\@urldefense.com/v3/__https://example.org__;!!A!B$",  # browsers go to evil.example
    "https://evil.example/?u=https://urldefense.com/v3/__https://example.org__;!!A!B$",
    "https://xurldefense.com/v3/__https://example.org__;!!A!B$",
    "https://safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org",  # no data-centre label
    "javascript://urldefense.com/v3/__https://example.org__;!!A!B$",
    "https://[::1/v3/__x__;!!A!B$",
])
def test_lookalike_hosts_are_not_unwrapped(url: str) -> None:
    assert unwrap(url) is None


def test_host_case_trailing_dot_port_and_white_space_are_the_same_host() -> None:
    result = unwrap("  HTTPS://URLDefense.COM.:443/v3/__https://example.org/__;!!A!B$\n")
    assert result is not None and result.target == "https://example.org/"


# -- format details -----------------------------------------------------------------------------------


def test_plus_is_kept_and_flagged() -> None:
    result = unwrap("https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2Fq%3Fa%3Db+c&data=x")
    assert result is not None and result.target == "https://example.org/q?a=b+c"
    assert "`+` kept as is" in result.note


def test_trend_micro_unencoded_target_runs_to_umid() -> None:
    url = ("https://imsva91-ctp.trendmicro.com/wis/clicktime/v1/query?url=https://example.org/a?b=1&c=2"
           "&umid=11111111-2222-3333-4444-555555555555&auth=0123-4567")
    result = unwrap(url)
    assert result is not None and result.target == "https://example.org/a?b=1&c=2"
    assert "unencoded" in result.note


def test_barracuda_raw_target_runs_to_its_own_parameters() -> None:
    result = unwrap("https://linkprotect.cudasvc.com/url?a=https://example.org/r?id=7&x=%41&c=E,1,Tok,,&typo=1")
    assert result is not None and result.target == "https://example.org/r?id=7&x=%41"  # not decoded: raw


def test_symantec_forms() -> None:
    raw = unwrap("https://clicktime.symantec.com/3Tok?h=aGFzaA==&u=https://example.org/a?b=1&c=2")
    assert raw is not None and raw.target == "https://example.org/a?b=1&c=2"
    opaque = unwrap("https://clicktime.symantec.com/a/1/QUJDRA==?d=blob")
    assert opaque is not None and opaque.target is None and opaque.note.startswith("opaque")
    token_only = unwrap("https://clicktime.symantec.com/3Tok")
    assert token_only is not None and token_only.target is None and token_only.note.startswith("opaque")


def test_symantec_noclick_prefix_is_stripped() -> None:
    result = unwrap("http://noclick_www.example.org/path?q=1")
    assert result is not None and result.rewriter == "Symantec Messaging Gateway noclick_"
    assert result.target == "http://www.example.org/path?q=1"
    assert unwrap("http://noclick_/x") is None


def test_proofpoint_v2_html_entities_are_undone_after_percent_decoding() -> None:
    result = unwrap("https://urldefense.com/v2/url?u=https-3A__example.org_a-3Fb-3D1-26amp-3Bc-3D2&d=D&c=C&r=R")
    assert result is not None and result.target == "https://example.org/a?b=1&c=2"


def test_html_escaped_ampersands_in_the_wrapper_are_undone() -> None:
    result = unwrap("https://www.google.com/url?q=https%3A%2F%2Fexample.org%2F&amp;sa=D&amp;usg=x")
    assert result is not None and result.target == "https://example.org/"


def test_proofpoint_unknown_version_is_opaque() -> None:
    result = unwrap("https://urldefense.com/v9/abc")
    assert result is not None and result.rewriter == "Proofpoint URL Defense v9" and result.target is None


def test_cisco_without_a_url_after_the_token_is_opaque() -> None:
    result = unwrap("https://secure-web.cisco.com/1AbCdEf")
    assert result is not None and result.target is None and result.note.startswith("opaque")


# -- Proofpoint v3: run lengths count UTF-8 bytes ---------------------------------------------------------

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_REPLACED = set("#%*[]{}")


def mangle(url: str) -> str:
    """A v3 link for url, written from the rules of providers.md §5 (a test oracle, not Proofpoint's code)."""
    out: list[str] = []
    replaced = bytearray()
    group = bytearray()

    def flush() -> None:
        size = len(group)
        while size:
            n = min(size, 65)
            out.append("*" if n == 1 else "**" + _ALPHABET[n - 2])
            size -= n
        replaced.extend(group)
        group.clear()

    for char in url:
        if char in _REPLACED or not char.isascii():
            group.extend(char.encode("utf-8"))
        else:
            flush()
            out.append(char)
    flush()
    enc = base64.urlsafe_b64encode(bytes(replaced)).decode("ascii").rstrip("=")
    return f"https://urldefense.com/v3/__{''.join(out)}__;{enc}!!OrgId!Token$"


def test_a_character_straddling_two_runs_is_taken_whole() -> None:
    url = "https://example.org/" + "é" * 33  # 66 bytes: a run of 65 ("**_") and one of 1 ("*")
    wrapped = mangle(url)
    assert "**_*__;" in wrapped
    result = unwrap(wrapped)
    assert result is not None and result.target == url and result.note == ""


def test_four_byte_characters_and_runs_longer_than_65() -> None:
    url = "https://example.org/" + "😀" * 40 + "#x" + "[" * 70
    result = unwrap(mangle(url))
    assert result is not None and result.target == url


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab/?=&.#%*[]{}é€😀ß-_"), max_size=120))
def test_v3_round_trip(path: str) -> None:
    url = "https://example.org/" + path
    result = unwrap(mangle(url))
    assert result is not None and result.target == url


# -- nesting ------------------------------------------------------------------------------------------


def test_a_safe_link_around_a_proofpoint_link_records_both_layers() -> None:
    inner = "https://urldefense.com/v3/__https://example.org/doc*page=2__;Iw!!AbCdEf!GhIjKl$"
    outer = f"https://nam01.safelinks.protection.outlook.com/?url={quote(inner, safe='')}&data=x&sdata=y&reserved=0"
    result = unwrap(outer)
    assert result is not None
    assert result.rewriters == ("Microsoft Safe Links", "Proofpoint URL Defense v3")
    assert result.rewriter == "Microsoft Safe Links"
    assert result.target == "https://example.org/doc#page=2"
    assert result.describe() == ("rewritten by Microsoft Safe Links around Proofpoint URL Defense v3; "
                                 "original target https://example.org/doc#page=2")


def test_an_opaque_inner_layer_makes_the_whole_link_opaque() -> None:
    inner = "https://url.us.m.mimecastprotect.com/s/Tok"
    result = unwrap(f"https://eur02.safelinks.protection.outlook.com/?url={quote(inner, safe='')}&data=x")
    assert result is not None and result.target is None
    assert result.rewriters == ("Microsoft Safe Links", "Mimecast URL Protect")
    assert "Mimecast URL Protect: opaque" in result.note


def test_nesting_stops_after_a_fixed_depth() -> None:
    url = "https://example.org/"
    for _ in range(MAX_DEPTH + 3):
        url = "https://www.google.com/url?q=" + quote(url, safe="")
    result = unwrap(url)
    assert result is not None and result.target is None and len(result.layers) == MAX_DEPTH
    assert "more than" in result.note
    exactly = "https://example.org/"
    for _ in range(MAX_DEPTH):
        exactly = "https://www.google.com/url?q=" + quote(exactly, safe="")
    assert unwrap(exactly) is not None and unwrap(exactly).target == "https://example.org/"  # type: ignore[union-attr]


# -- hostile input: never raises, bounded --------------------------------------------------------------

HOSTILE = [
    "https://urldefense.com/v3/__https://example.org/x**__;IyM!!A!B$",  # '**' at the end of the URL
    "https://urldefense.com/v3/__https://example.org/x**!y__;IyM!!A!B$",  # '**' before a non-letter
    "https://urldefense.com/v3/__https://example.org/x**_y__;IyM!!A!B$",  # a run of 65 with 2 bytes
    "https://urldefense.com/v3/__https://example.org/x*y__;!!A!B$",  # a marker with no bytes at all
    "https://urldefense.com/v3/__https://example.org/x*y__;@@@$$$!!A!B$",  # base64 garbage
    "https://urldefense.com/v3/__https://example.org/x*y__;I!!A!B$",  # impossible base64 length
    "https://urldefense.com/v3/__https://example.org/x*y__;Iw",  # no '!'
    "https://urldefense.com/v3/__https://example.org/x*y",  # no '__;'
    "https://urldefense.com/v3/____;!!A!B$",  # empty URL
    "https://urldefense.com/v3/",
    "https://urldefense.com/v2/url?u=&d=x",
    "https://urldefense.com/v1/url?k=x",
    "https://url.avanan.click/v2/___https://example.org/x",
    "https://url.avanan.click/v1/whatever",
    "https://nam01.safelinks.protection.outlook.com/?data=x",
    "https://nam01.safelinks.protection.outlook.com/?url=&data=x",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_malformed_rewritten_links_are_recognised_but_not_decoded(url: str) -> None:
    result = unwrap(url)
    assert result is not None and result.target is None
    assert result.note.startswith(("malformed", "opaque"))


def test_invalid_utf8_in_v3_replacement_bytes_is_shown_as_replacement_characters() -> None:
    enc = base64.urlsafe_b64encode(b"\xff").decode().rstrip("=")
    result = unwrap(f"https://urldefense.com/v3/__https://example.org/x*y__;{enc}!!A!B$")
    assert result is not None and result.target == "https://example.org/x\ufffdy" and "U+FFFD" in result.note


def test_substitute_reports_leftover_bytes() -> None:
    target, notes = substitute("a*b", b"##")
    assert target == "a#b" and notes == ["1 replaced characters were left over"]


def test_malformed_percent_encoding_never_raises() -> None:
    result = unwrap("https://nam01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2F%E0%A4%ZZ%&data=x")
    assert result is not None and result.target == "https://example.org/\ufffd%ZZ%"
    assert "U+FFFD" in result.note


def test_huge_inputs_are_bounded() -> None:
    started = time.perf_counter()
    too_long = unwrap("https://urldefense.com/v3/__https://example.org/" + "*" * 10**6 + "__;!!A!B$")
    assert too_long is not None and too_long.target is None and "not decoded" in too_long.note
    assert unwrap("https://example.org/" + "a" * 10**6) is None
    near_cap = MAX_INPUT - 100
    for url in [
        "https://urldefense.com/v3/__https://example.org/" + "**A" * (near_cap // 3) + "__;IyM!!A!B$",
        "https://urldefense.com/v3/__https://example.org/" + "*" * near_cap,
        "https://urldefense.com/v3/__https://example.org/x" + "__;" * (near_cap // 3),
        "https://nam01.safelinks.protection.outlook.com/?" + "&" * near_cap,
        "https://nam01.safelinks.protection.outlook.com/?url=https://" + "&data=" * (near_cap // 6),
        "https://linkprotect.cudasvc.com/url?a=http://" + "&c=" * (near_cap // 3),
        "https://www.google.com/url?q=" + "%" * near_cap,
        "https://url.avanan.click/v2/___" + "___" * (near_cap // 3),
    ]:
        unwrap(url)
    assert time.perf_counter() - started < 2.0  # linear work: milliseconds here, seconds if quadratic


_PREFIXES = [
    "https://urldefense.com/v3/__", "https://urldefense.proofpoint.com/v2/url?u=",
    "https://urldefense.proofpoint.com/v1/url?u=", "https://nam01.safelinks.protection.outlook.com/?url=",
    "https://clicktime.symantec.com/3T?u=", "https://linkprotect.cudasvc.com/url?a=",
    "https://x.trendmicro.com/wis/clicktime/v1/query?url=", "https://www.google.com/url?q=",
    "https://secure-web.cisco.com/T/", "https://url.avanan.click/v2/___", "https://protect-us.mimecast.com/s/T?domain=",
    "http://noclick_",
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.builds(lambda p, t: p + t, st.sampled_from(_PREFIXES), st.text())))
def test_unwrap_never_raises(text: str) -> None:
    result = unwrap(text)
    if result is not None:
        assert 1 <= len(result.layers) <= MAX_DEPTH
        assert isinstance(result.describe(), str)


# -- a message's link seen through its rewriters (mailcheck.parse.rewritten_links) -------------------------


def anchor(href: str, text: str) -> Link:
    (link,) = extract_links([TextPart("text/html", f'<a href="{href}">{text}</a>')])
    return link


def test_a_rewritten_link_is_seen_with_its_original_host() -> None:
    wrapped = anchor(WORKED[0][1].replace("&", "&amp;"), "https://example.org/invoice")
    seen = see_through(wrapped)
    assert seen is not None and seen.original is not None
    assert (seen.original.host_ascii, seen.original.shown_host) == ("example.org", "example.org")
    assert seen.original.kind == wrapped.kind and seen.original.shown == wrapped.shown
    assert seen.evidence.startswith("Rewritten by Microsoft Safe Links; original target https://example.org/invoice")
    assert "not forgery" in seen.evidence and "eur03.safelinks.protection.outlook.com" in seen.evidence


def test_an_opaque_link_has_no_original_and_says_why() -> None:
    seen = see_through(anchor("https://url.uk.m.mimecastprotect.com/s/AbCd", "paypal.com"))
    assert seen is not None and seen.original is None
    assert "opaque" in seen.evidence and "names paypal.com, which cannot be compared" in seen.evidence


def test_a_partial_target_and_a_schemeless_one_are_read_as_web_hosts() -> None:
    partial = see_through(anchor("https://protect-us.mimecast.com/s/T?domain=Example.ORG", "x"))
    assert partial is not None and partial.original is not None
    assert (partial.original.host_ascii, partial.original.scheme) == ("example.org", "http")
    bare = see_through(anchor("https://clicktime.symantec.com/3T?u=0x3E.0004.0x10.0256/cl/1", "Click here"))
    assert bare is not None and bare.original is not None and bare.original.ip == "62.4.16.174"


def test_a_public_redirect_is_not_called_a_gateway() -> None:
    seen = see_through(anchor("https://www.google.com/url?q=https%3A%2F%2Fexample.org%2F&amp;sa=D", "example.org"))
    assert seen is not None and "gateway" not in seen.evidence and "The redirect forwards" in seen.evidence


def test_links_no_rewriter_wrote_are_not_seen_through() -> None:
    assert see_through(anchor("https://example.org/?url=https%3A%2F%2Fexample.net", "x")) is None
    assert see_through(anchor("javascript://urldefense.com/v3/__x__;!!A!B$", "x")) is None
