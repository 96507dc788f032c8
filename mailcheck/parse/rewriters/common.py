"""Shared pieces of the link-rewriter decoders: the parsed wrapper URL, its parameters, one layer's result."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from mailcheck.value_types import NamedTuple


class Layer(NamedTuple):
    """One rewriter taken off a link."""

    rewriter: str  # e.g. "Microsoft Safe Links", "Proofpoint URL Defense v3"
    target: str | None  # the link it wraps; None when the wrapper carries no decodable target (opaque)
    partial: bool = False  # the target is a host name only (Mimecast ?domain=), not a URL
    note: str = ""  # what a reader should know about the decoding ("`+` kept as is", "opaque: …")
    source: str = ""  # reference keys (shared/reference/providers.md §0) the format comes from
    gateway: bool = True  # a security gateway's rewriting; False for a public redirect anyone can write


class Wrapper(NamedTuple):
    """A link split just enough to recognise a rewriter: its host, and the raw text after the host."""

    scheme: str  # "http" or "https"
    host: str  # lower-case, trailing dot removed
    head: str  # "scheme://netloc" exactly as written
    rest: str  # everything after the netloc, as written (path, query and fragment)
    path: str  # the raw path (up to the first '?' or '#')
    query: str  # the raw text after the first '?', fragment included: unencoded targets keep their '#'


def _split_rest(rest: str) -> tuple[str, str]:
    cut = rest.find("?")
    hash_at = rest.find("#")
    if cut < 0 or 0 <= hash_at < cut:
        return (rest if hash_at < 0 else rest[:hash_at]), ""
    return rest[:cut], rest[cut + 1 :]


class Family(NamedTuple):
    """One rewriter family: how it is recognised and how one layer of it is decoded."""

    name: str
    source: str
    matches: Callable[[Wrapper], bool]
    decode: Callable[[Wrapper], Layer]


_C0_SPACE = "".join(chr(i) for i in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\r\n]")
# A netloc that is only a host and maybe a port. Anything else (user names, '\', '%', brackets) is
# left alone: browsers and urllib disagree about where such hosts end (WHATWG treats '\' as '/'), and a
# link that only urllib would send to a rewriter must not be unwrapped.
_NETLOC = re.compile(r"[\w.-]+(?::[0-9]*)?")
_SCHEME_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def parse_wrapper(url: str) -> Wrapper | None:
    """The link as a Wrapper when it is an http(s) URL with a plain host; never raises."""
    text = _TAB_NEWLINE.sub("", url.strip(_C0_SPACE))  # as browsers do (WHATWG URL Standard)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    scheme = parts.scheme
    if scheme not in ("http", "https") or not _NETLOC.fullmatch(parts.netloc):
        return None
    head_len = len(scheme) + 3 + len(parts.netloc)
    head = text[:head_len]
    if head.lower() != f"{scheme}://{parts.netloc}".lower():
        return None  # "https:/host" and other forms urllib reads differently from a browser
    host = parts.netloc.split(":", 1)[0].lower().rstrip(".")
    rest = text[head_len:]
    return Wrapper(scheme, host, head, rest, *_split_rest(rest))


def under(host: str, *domains: str) -> bool:
    """True when host is one of the domains or a name under one (a suffix match on labels)."""
    return any(host == d or host.endswith("." + d) for d in domains)


def param(query: str, name: str, stops: tuple[str, ...] | None = None) -> tuple[str, bool] | None:
    """(value as written, written unencoded) of the first `name=` parameter of a raw query, or None.

    An encoded value ends at the next '&' or '#'. When stops is given and the value starts with a
    literal "scheme://", the target was put in unencoded, so its own '&' must not split it: it runs to
    the first "&stop=" of the wrapper's own parameters, or to the end when there is none."""
    key = name + "="
    if query.startswith(key):
        start = len(key)
    else:
        at = query.find("&" + key)
        if at < 0:
            return None
        start = at + 1 + len(key)
    unencoded = _SCHEME_START.match(query, start) is not None
    if unencoded and stops is not None:
        ends = [query.find(f"&{stop}=", start) for stop in stops]
    else:
        ends = [query.find("&", start), query.find("#", start)]
    end = min((e for e in ends if e >= 0), default=len(query))
    return query[start:end], unencoded


def percent_decode(value: str, notes: list[str]) -> str:
    """Percent-decode once; malformed escapes stay as written, bytes that are not UTF-8 become U+FFFD."""
    decoded = unquote(value, errors="replace")
    if "\ufffd" in decoded and "\ufffd" not in value:
        notes.append("percent-escapes that are not UTF-8 were replaced with U+FFFD")
    return decoded


def plus_note(target: str, notes: list[str]) -> None:
    # Decoders disagree (SL-ITT reads '+' as a space, SL-MUTT keeps it); providers.md §5 leaves it
    # unconfirmed, so the character is kept and the reader told.
    if "+" in target:
        notes.append("`+` kept as is (whether the wrapper meant a space is unconfirmed)")


def query_target(w: Wrapper, rewriter: str, source: str, name: str, stops: tuple[str, ...] | None,
                 decode_unencoded: bool = False, gateway: bool = True) -> Layer:
    """The layer of a rewriter that puts the target in one query parameter (Safe Links, Barracuda…)."""
    found = param(w.query, name, stops)
    if found is None:
        return Layer(rewriter, None, note=f"opaque: it has no {name}= parameter to decode", source=source,
                     gateway=gateway)
    value, unencoded = found
    notes: list[str] = []
    if unencoded and not decode_unencoded:
        target = value
        notes.append(f"the {name}= target was written unencoded and is taken as is")
    else:
        target = percent_decode(value, notes)
    plus_note(target, notes)
    if not target:
        return Layer(rewriter, None, note=f"malformed: its {name}= parameter is empty", source=source,
                     gateway=gateway)
    return Layer(rewriter, target, note="; ".join(notes), source=source, gateway=gateway)
