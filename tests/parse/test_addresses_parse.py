"""The plain-form shortcut of read_addresses gives exactly what the full reading gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.parse.addresses_parse import _plain, read_addresses, read_fully

_PLAIN = [
    "a@b.c", "Name <a@b.c>", '"Name" <a@b.c>', '"Smith, John" <j@x.org>, b@c.d', "Jörg  Q. Public<j@x.de>",
    '"" <a@b>', 'A"B" <a@b>', "<a@b.c>", "<a@b.c>, x@y (Why Not)", "a@b ( c , d )(e)", "a@b ()",
]
_OTHER = ["a@b,", "Name", "(c) a@b", "a@b (c\\)d)", "a@b (c (d))", "Name <a@b> (c)", "a@b (c) d", "g: a@b;",
          "< a@b >", '"a\\"b" <a@b>', "a@b,,c@d", "", "<>", "a@b@c"]


def test_plain_forms_take_the_shortcut() -> None:
    for value in _PLAIN:
        assert _plain((value,)) is not None
        assert read_addresses((value,)) == read_fully((value,))


def test_other_forms_do_not() -> None:
    for value in _OTHER:
        assert _plain((value,)) is None


_ALPHABET = st.sampled_from([*'ab.@<>", ;:()\\\t[]é=?\r', "x@y.z", "Ann <a@b.c>", '"B, C" <d@e>', "<x@y.z>", "(Ann)",
                             " (A, b <c>) "])


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.lists(_ALPHABET, max_size=14).map("".join), min_size=1, max_size=3).map(tuple))
def test_shortcut_agrees_with_full_reading(values: tuple[str, ...]) -> None:
    plain = _plain(values)
    if plain is not None:
        assert plain == read_fully(values)


def test_a_long_unmatched_phrase_fails_fast() -> None:
    value = "=?utf-8?b?UmFmYcWCo alho Chehab <mchehab@osgIE1pxYJlY2tp?= <.com>" + " word" * 40
    assert _plain((value,)) is None
