"""Avanan (Check Point) click-time links decoded offline (providers.md §5; AV)."""

from __future__ import annotations

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper

NAME = "Avanan click-time protection"
SOURCE = "AV"
_OPEN = "/v2/___"


def _matches(w: Wrapper) -> bool:
    return w.host == "url.avanan.click"


def _decode(w: Wrapper) -> Layer:
    # https://url.avanan.click/v2/___<url>___.<blob>: the URL sits unencoded between the triple
    # underscores, '?' and all, so it is read from the raw text; the last "___." closes it.
    if not w.rest.startswith(_OPEN):
        return Layer(NAME, None, note="opaque: not the v2 ___…___ format, which is the only one known",
                     source=SOURCE)
    body = w.rest[len(_OPEN) :]
    end = body.rfind("___.")
    if end <= 0:
        return Layer(NAME, None, note="malformed: no '___.' closes the wrapped URL", source=SOURCE)
    return Layer(NAME, body[:end], source=SOURCE)


FAMILY = Family(NAME, SOURCE, _matches, _decode)
