"""Trend Micro time-of-click links decoded offline (providers.md §5; IDX-TM)."""

from __future__ import annotations

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, query_target, under

NAME = "Trend Micro time-of-click"
SOURCE = "IDX-TM"


def _matches(w: Wrapper) -> bool:
    # Nodes vary (ddec1-0-en-ctp, cas5-0-urlprotect, imsva91-ctp…); the path is the constant part.
    return under(w.host, "trendmicro.com") and w.path.startswith("/wis/clicktime/")


def _decode(w: Wrapper) -> Layer:
    # An unencoded url= runs to &umid= (or Trend's other own parameters): its own '&' does not end it.
    return query_target(w, NAME, SOURCE, "url", ("umid", "rct", "auth"))


FAMILY = Family(NAME, SOURCE, _matches, _decode)
