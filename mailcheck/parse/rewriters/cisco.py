"""Cisco Secure Email (secure-web.cisco.com) links decoded offline (providers.md §5; IDX-CI, CI-UG)."""

from __future__ import annotations

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, percent_decode, plus_note

NAME = "Cisco Secure Email"
SOURCE = "IDX-CI, CI-UG"
_SCHEME = ("http://", "https://", "ftp://")


def _matches(w: Wrapper) -> bool:
    return w.host == "secure-web.cisco.com"


def _decode(w: Wrapper) -> Layer:
    # https://secure-web.cisco.com/<token>/<percent-encoded original>: the target is what follows the
    # token (the last path segment when it is fully encoded, as observed).
    segments = w.path.split("/", 2)
    encoded = segments[2] if len(segments) == 3 and segments[1] else ""
    notes: list[str] = []
    target = percent_decode(encoded, notes)
    if not target.lower().startswith(_SCHEME):
        return Layer(NAME, None, note="opaque: no URL follows the Cisco token", source=SOURCE)
    plus_note(target, notes)
    return Layer(NAME, target, note="; ".join(notes), source=SOURCE)


FAMILY = Family(NAME, SOURCE, _matches, _decode)
