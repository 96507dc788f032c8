"""Google's redirect (Docs, Gmail's data-saferedirecturl) decoded offline (providers.md §5; IDX-G4)."""

from __future__ import annotations

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, query_target

NAME = "Google's redirect"
SOURCE = "IDX-G4"


def _matches(w: Wrapper) -> bool:
    return w.host == "www.google.com" and w.path == "/url"


def _decode(w: Wrapper) -> Layer:
    # q= holds the target with its own query already escaped, so it is decoded once even when its
    # scheme is written plainly (https://example.org/page%3Fx%3D1 → https://example.org/page?x=1).
    # Anyone can write such a link (phishing uses it as an open redirect): it is no gateway's rewriting.
    return query_target(w, NAME, SOURCE, "q", None, decode_unencoded=True, gateway=False)


FAMILY = Family(NAME, SOURCE, _matches, _decode)
