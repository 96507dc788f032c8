"""mailcheck.parse.urls.anchors: the invisible characters normalise_text drops."""

from __future__ import annotations

import re
import sys

from mailcheck.parse.urls.anchors import _INVISIBLE, normalise_text

_AS_WRITTEN = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
                         r"\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0]")


def test_the_table_holds_the_format_characters_a_reader_never_sees() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert set(_INVISIBLE) == {ord(c) for c in _AS_WRITTEN.findall(every)}
    assert normalise_text("Pay\u200bPal \u00ad  log\ufeffin\n") == "PayPal login"
