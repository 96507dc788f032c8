"""The sender domain the probe check shows: an ASCII name is judged as the idna codec judges it, without it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.checks import probe
from mailcheck.probe.vocabulary import safe_hostname


def _codec(domain: str) -> str | None:
    """The step as it was: the stdlib idna codec (IDNA 2003), None where it refuses."""
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None


LABELS = st.one_of(st.text("ab-", max_size=3), st.just("a" * 63), st.just("b" * 64), st.just(""))
NAMES = st.lists(LABELS, max_size=6).map(".".join) | st.text("a.-Z09_ ", max_size=80)


@settings(max_examples=400, deadline=None)
@given(NAMES)
def test_an_ascii_name_is_refused_exactly_where_the_codec_refuses_it(domain: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(probe, "safe_hostname", lambda name: True)  # the codec's step alone
        assert probe._ascii(domain) == _codec(domain)
    expected = _codec(domain)
    assert probe._ascii(domain) == (expected if expected is not None and safe_hostname(expected) else None)


@pytest.mark.parametrize("domain", ["", ".", "a..b", "example.com.", ".example.com", "a" * 63 + ".com",
                                    "a" * 64 + ".com", "x." + "a" * 64, "x." + "a" * 63, "bücher.example",
                                    "xn--bcher-kva.example", "ex ample.com"])
def test_edge_cases_agree_with_the_codec(domain: str) -> None:
    expected = _codec(domain)
    assert probe._ascii(domain) == (expected if expected is not None and safe_hostname(expected) else None)
    assert probe._ascii("bücher.example") == "xn--bcher-kva.example"  # outside ASCII the codec still decides
