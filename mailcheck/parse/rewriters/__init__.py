"""Links rewritten by mail security gateways, unwrapped offline to the target they stand for; never fetches."""

from __future__ import annotations

from mailcheck.parse.rewriter_marks import may_be_wrapped
from mailcheck.parse.rewriters import (
    avanan,
    barracuda,
    cisco,
    google,
    microsoft,
    mimecast,
    proofpoint,
    symantec,
    trendmicro,
)
from mailcheck.parse.rewriters.common import Family, Layer, Wrapper, parse_wrapper
from mailcheck.value_types import NamedTuple

__all__ = ["FAMILIES", "MAX_DEPTH", "MAX_INPUT", "Layer", "Unwrapped", "may_be_wrapped", "unwrap"]

# Gateways wrap what an earlier gateway wrapped (a Safe Link around a Proofpoint link, providers.md §5);
# real mail shows two or three layers, so more is a crafted link, and stopping bounds the work.
MAX_DEPTH = 5
# Longer links are not decoded (every step is linear, but megabytes of evidence help no one); their
# rewriter is still recognised from the first _HEAD characters.
MAX_INPUT = 16384
_HEAD = 1024
_SHOWN = 300  # characters of a target quoted in a sentence

# Every family recognises its link by the parsed host (and path), so the order only matters for
# noclick_, which takes any host with that prefix and is tried last.
FAMILIES: tuple[Family, ...] = (
    microsoft.FAMILY,
    proofpoint.FAMILY,
    mimecast.FAMILY,
    symantec.CLICKTIME_FAMILY,
    barracuda.FAMILY,
    trendmicro.FAMILY,
    google.FAMILY,
    cisco.FAMILY,
    avanan.FAMILY,
    symantec.NOCLICK_FAMILY,
)


class Unwrapped(NamedTuple):
    """A rewritten link: every layer taken off it (outermost first) and the target they stand for."""

    rewriter: str  # the outermost rewriter, the one the link goes to
    target: str | None  # the original target; None when some layer is opaque or could not be decoded
    partial: bool  # the target is a host name only (Mimecast ?domain=)
    note: str  # the layers' notes, each named by its rewriter when there are several
    layers: tuple[Layer, ...]

    @property
    def rewriters(self) -> tuple[str, ...]:
        return tuple(layer.rewriter for layer in self.layers)

    def describe(self) -> str:
        """One evidence sentence: "rewritten by Microsoft Safe Links; original target https://…"."""
        chain = " around ".join(self.rewriters)
        if self.target is None:
            return f"rewritten by {chain}; {self.note}"  # the note says why: opaque, malformed, too long
        shown = self.target if len(self.target) <= _SHOWN else self.target[:_SHOWN] + "…"
        if self.partial:
            return f"rewritten by {chain}; it names only the original target's host, {shown}"
        return f"rewritten by {chain}; original target {shown}" + (f" ({self.note})" if self.note else "")


def _family(w: Wrapper) -> Family | None:
    return next((family for family in FAMILIES if family.matches(w)), None)


def _layer(url: str) -> Layer | None:
    if not may_be_wrapped(url):
        return None
    w = parse_wrapper(url)
    if w is None:
        return None
    family = _family(w)
    return None if family is None else family.decode(w)


def _result(layers: list[Layer], extra: str = "") -> Unwrapped:
    last = layers[-1]
    several = len(layers) > 1
    notes = [f"{layer.rewriter}: {layer.note}" if several else layer.note for layer in layers if layer.note]
    if extra:
        notes.append(extra)
    target = None if extra else last.target
    return Unwrapped(layers[0].rewriter, target, last.partial and target is not None, "; ".join(notes),
                     tuple(layers))


def _too_long(url: str) -> Unwrapped | None:
    head = url[:_HEAD]
    w = parse_wrapper(head) if may_be_wrapped(head) else None
    family = None if w is None else _family(w)
    if family is None:
        return None
    note = f"not decoded: the link is {len(url)} characters long, more than {MAX_INPUT}"
    return _result([Layer(family.name, None, note=note, source=family.source)])


def unwrap(url: str) -> Unwrapped | None:
    """The rewriters around a link and the target they stand for, or None when no rewriter wrote it.

    Pure and offline: nothing is fetched or looked up. url is the href as the reader's client sees it
    (HTML entities decoded; a leftover "&amp;" is undone once, as SL-MUTT does). Each layer is
    percent-decoded once, in the way its format needs; the result never raises and takes linear time."""
    if len(url) > MAX_INPUT:
        return _too_long(url)
    layers: list[Layer] = []
    current = url.replace("&amp;", "&") if "&amp;" in url else url
    while (layer := _layer(current)) is not None:
        if len(layers) == MAX_DEPTH:
            return _result(layers, f"not unwrapped further: more than {MAX_DEPTH} layers of rewriting")
        layers.append(layer)
        if layer.target is None or layer.partial:
            break
        current = layer.target
    return _result(layers) if layers else None
