"""mailcheck.parse.urls.links: the shortcuts of a link scan give what the plain computations give."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailcheck.parse.urls.links import _SKIPPED_SCHEMES, _skipped
from mailcheck.parse.urls.split import C0_SPACE, SCHEME


def _plain_skipped(href: str) -> bool:
    if not href or href.startswith("#"):
        return True
    match = SCHEME.match(href.strip(C0_SPACE))
    return match is not None and match.group(1).lower() in _SKIPPED_SCHEMES


@given(st.lists(st.sampled_from(["mailto", "MailTo", "tel", "sms", "callto", "cid", "x", ":", "#", " ", "\x00",
                                 "\u212a", "ſ", "http", "//", "a+b", "-", "fax"]), max_size=5).map("".join))
def test_skipped_reads_the_scheme_as_scheme_does(href: str) -> None:
    assert _skipped(href) == _plain_skipped(href)
