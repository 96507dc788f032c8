"""Mimecast URL Protect links: opaque tokens, or the host alone with ?domain= (providers.md §5; MC-*)."""

from __future__ import annotations

import re

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, param, percent_decode

NAME = "Mimecast URL Protect"
SOURCE = "MC-DOM, MC-VER, MC-DEF, MC-EX"
# protect-<grid>.mimecast.com (older); url.<grid>.m|a.mimecastprotect.com (Cloud Gateway / Integrated,
# rolled out Feb-Mar 2024, MC-DOM).
_HOST = re.compile(r"protect-[a-z0-9-]+\.mimecast\.com|url\.[a-z0-9-]+\.[am]\.mimecastprotect\.com")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+\.?")
# Mimecast shows the target when the link is requested with '+' appended (MC-VER): a network action,
# which mailcheck never takes.
_OPAQUE = "opaque: Mimecast tokens cannot be decoded offline; only requesting the link reveals its target"


def _matches(w: Wrapper) -> bool:
    return _HOST.fullmatch(w.host) is not None and w.path.startswith("/s/")


def _decode(w: Wrapper) -> Layer:
    found = param(w.query, "domain")
    notes: list[str] = []
    domain = percent_decode(found[0], notes) if found else ""
    if _DOMAIN.fullmatch(domain):
        # "Display URL Destination Domain" (MC-DEF): the host only, and written beside the token, not in it.
        return Layer(NAME, domain.rstrip(".").lower(), partial=True,
                     note="partial: ?domain= names the target host only; the rest is in an opaque token",
                     source=SOURCE)
    return Layer(NAME, None, note=_OPAQUE, source=SOURCE)


FAMILY = Family(NAME, SOURCE, _matches, _decode)
