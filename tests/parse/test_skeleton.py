"""Skeletons: compatibility forms (NFKC) and Latin lookalikes read as the Latin letters they imitate."""

from __future__ import annotations

import pytest

from mailcheck.parse.skeleton import reads_as, skeleton


@pytest.mark.parametrize(("text", "folded"), [
    ("𝐩𝐚𝐲𝐩𝐚𝐥.com", "paypal.com"),  # mathematical bold
    ("p\u0430ypal.com", "paypal.com"),  # Cyrillic а
    ("ＰａｙＰａｌ．ｃｏｍ", "paypal.com"),  # full-width letters and dot
    ("\u0430\u0440\u0440\u04cf\u0435.com", "apple.com"),  # all Cyrillic
    ("Example.COM", "example.com"),
    ("bücher.de", "bücher.de"),  # a real IDN letter is no lookalike
])
def test_skeleton(text: str, folded: str) -> None:
    assert skeleton(text) == folded


def test_reads_as_only_when_different() -> None:
    assert reads_as("example.com") is None
    assert reads_as("Example.com") is None
    assert reads_as("𝐏𝐚𝐲𝐏𝐚𝐥", fold_case=False) == "PayPal"
    assert reads_as("", fold_case=False) is None


@pytest.mark.parametrize("text", ["служба ФНС", "Arınç ÜNAL", "伊東\u3000仁", "почта.рф", "bücher.de"])
def test_words_really_written_in_another_script_read_as_themselves(text: str) -> None:
    assert reads_as(text, fold_case=False) is None


def test_a_mixed_script_word_reads_as_the_latin_word() -> None:
    # Cyrillic capital М and small е inside a Latin brand name
    assert reads_as("\u041c\u0435ta\u041cask", fold_case=False) == "MetaMask"
    assert reads_as("S\u0430msung G\u0430l\u0430xy S23", fold_case=False) == "Samsung Galaxy S23"
