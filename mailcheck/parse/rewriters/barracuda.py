"""Barracuda Link Protection decoded offline (providers.md §5; BA-LP, IDX-BA)."""

from __future__ import annotations

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, query_target, under

NAME = "Barracuda Link Protection"
SOURCE = "BA-LP, IDX-BA"


def _matches(w: Wrapper) -> bool:
    return under(w.host, "linkprotect.cudasvc.com") and w.path == "/url"


def _decode(w: Wrapper) -> Layer:
    # a= is usually percent-encoded (lower case), sometimes raw; c= and typo= are Barracuda's own.
    return query_target(w, NAME, SOURCE, "a", ("c", "typo"))


FAMILY = Family(NAME, SOURCE, _matches, _decode)
