"""Symantec (Broadcom) click-time links and Messaging Gateway noclick_ hosts (providers.md §5; SY-*)."""

from __future__ import annotations

from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, param, query_target, under

CLICKTIME = "Symantec click-time URL protection"
CLICKTIME_SOURCE = "SY-CT, IDX-SY"
NOCLICK = "Symantec Messaging Gateway noclick_"
NOCLICK_SOURCE = "SY-NC"
_PREFIX = "noclick_"


def _clicktime_matches(w: Wrapper) -> bool:
    return under(w.host, "clicktime.symantec.com")


def _clicktime(w: Wrapper) -> Layer:
    if w.path.startswith("/a/1/"):
        return Layer(CLICKTIME, None, note="opaque: the a/1/…?d= form carries no decodable target",
                     source=CLICKTIME_SOURCE)
    # u= is last in both observed forms (?u=… and ?h=…&u=…), so an unencoded one runs to the end.
    if param(w.query, "u") is None:
        return Layer(CLICKTIME, None, note="opaque: Symantec click-time tokens cannot be decoded offline",
                     source=CLICKTIME_SOURCE)
    return query_target(w, CLICKTIME, CLICKTIME_SOURCE, "u", ())


def _noclick_matches(w: Wrapper) -> bool:
    return w.host.startswith(_PREFIX) and len(w.host) > len(_PREFIX)


def _noclick(w: Wrapper) -> Layer:
    # The gateway disables a link by prefixing its host (SY-NC); taking the prefix off gives the link.
    at = w.head.lower().index("://" + _PREFIX) + 3
    target = w.head[:at] + w.head[at + len(_PREFIX) :] + w.rest
    return Layer(NOCLICK, target, note="the gateway disabled this link: as written it opens nothing",
                 source=NOCLICK_SOURCE)


CLICKTIME_FAMILY = Family(CLICKTIME, CLICKTIME_SOURCE, _clicktime_matches, _clicktime)
NOCLICK_FAMILY = Family(NOCLICK, NOCLICK_SOURCE, _noclick_matches, _noclick)
