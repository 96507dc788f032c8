"""Domains that imitate another: a brand's (the shipped table) or the recipient's own.

Compared on registrable domains (Public Suffix List), in three strengths:

- confusable: written differently, but its UTS #39-style skeleton is the other domain's ("pаypal.com" with a
  Cyrillic а, "rnicrosoft.com", "paypa1.com"). Nobody registers such a name by chance.
- near: one edit (a letter added, dropped, changed or two swapped) away from the other's name
  ("paypall.com", "micosoft.com"), for names of five letters or more.
- embeds: the brand's name inside another domain ("paypal-secure.com", "paypal.com.evil.example",
  "secure-netflix.net"), or the same name under another suffix ("paypal.co.ke").

Linear in the number of domains: each candidate's one-edit variants are looked up in tables (built once per
name length, when first needed) instead of computing an edit distance against every brand.
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from functools import lru_cache

from mailcheck.lookup.domains import registrable_domain
from mailcheck.parse.brands import Brand, brand_table
from mailcheck.parse.skeleton import skeleton
from mailcheck.value_types import NamedTuple

# ASCII sequences UTS #39's confusables table maps to one letter; for domains only (in a person's name
# "rn" is just "rn").
_ASCII_CONFUSABLES = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("|", "l"))
_MIN_NAME = 5  # shorter names ("ups", "bbva") have too many innocent neighbours
_MIN_NEAR = 6  # one letter from a five-letter brand is often a word or another product ("qmail", "online")
_HEAD = 6  # names of this many letters or more are searched for inside other names
# Brand names that are ordinary words, so other people's domains hold them too ("pineapple", "targetpractice",
# "outlookweekly"): never searched for inside a domain. Names or places ("amazon", "santander") still are.
PLAIN_WORDS = frozenset({"apple", "target", "orange", "chase", "visa", "steam", "valve", "zoom", "booking", "ledger",
                         "kraken", "discord", "telegram", "messenger", "outlook", "azure", "citi"})


class Strength(str, Enum):
    CONFUSABLE = "confusable"
    NEAR = "near"
    EMBEDS = "embeds"


class Lookalike(NamedTuple):
    host: str  # the domain as found (Unicode when it was written so)
    imitates: str  # the domain or name it imitates
    strength: Strength
    brand: Brand | None  # None when it imitates the recipient's domain

    def sentence(self) -> str:
        whose = f"{self.brand.name}'s" if self.brand else "the recipient's own"
        if self.strength is Strength.CONFUSABLE:
            return (f"{self.host} is written to read as {self.imitates}, {whose} domain, but is a different "
                    "domain (lookalike characters)")
        if self.strength is Strength.NEAR:
            what = (f"the name {self.imitates!r} ({self.brand.name})" if self.brand
                    else f"{self.imitates}, {whose} domain")
            return f"{self.host} is one letter away from {what}"
        return (f"{self.host} carries the name {self.imitates!r} ({self.brand.name if self.brand else whose}) "
                "but is not one of its domains")


def readable(host: str) -> str:
    """The host as a reader sees it: punycode labels (xn--) decoded, lower case."""
    host = host.strip().rstrip(".").lower()
    if "xn--" not in host:
        return host
    import idna  # only for punycode hosts (see urls/hosts.py)

    try:
        return str(idna.decode(host))
    except (idna.IDNAError, UnicodeError, ValueError):
        return host


# Hosts recur from message to message (a list's own, the big senders'); the answer depends on the host alone
# (the table is fixed for the run), so it is kept. Long hosts are not worth keeping and are judged each time.
_KEPT_HOST = 255


def domain_skeleton(text: str) -> str:
    """A domain folded for comparison: lookalike letters, accents and ASCII confusables mapped."""
    # The recipient's domains are folded again for every host compared with them: kept, as hosts are below.
    return _domain_skeleton_kept(text) if len(text) <= _KEPT_HOST else _domain_skeleton(text)


@lru_cache(maxsize=8192)
def _domain_skeleton_kept(text: str) -> str:
    return _domain_skeleton(text)


def _domain_skeleton(text: str) -> str:
    folded = skeleton(text)
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded)
                         if unicodedata.category(c) not in ("Mn", "Me", "Cf"))
    for seq, letter in _ASCII_CONFUSABLES:
        folded = folded.replace(seq, letter)
    return folded


def _name_and_suffix(org: str) -> tuple[str, str]:
    name, _, suffix = org.partition(".")
    return name, suffix


# Keys and parts are tried in the order of the letters, never in set order: a name one edit from two brands
# must get the same brand in every process (set order of strings changes with each interpreter's hash seed).
def _one_edit_keys(word: str) -> tuple[str, ...]:
    """Each deletion of one letter: two words one substitution or insertion apart share one (symmetric delete)."""
    return tuple(dict.fromkeys(word[:i] + word[i + 1:] for i in range(len(word))))


def _swaps(word: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)))


class _Index(NamedTuple):
    # skeleton of each ending of two labels or more of a brand's domain (one of them is its registrable
    # domain) → [(ending, domain, brand)] in table order: no Public Suffix List look-up at start-up
    endings: dict[str, list[tuple[str, str, Brand]]]
    names: dict[str, Brand]  # brand names as they appear in domains
    labels: tuple[tuple[str, Brand], ...]  # the same names in table order, each with its brand
    embedded: tuple[tuple[str, Brand], ...]  # names searched for inside other names (unambiguous, 6+)
    # the first _HEAD letters of an embedded name → where in embedded the names that begin so are
    embedded_heads: dict[str, tuple[int, ...]]


@lru_cache(maxsize=1)
def _index() -> _Index:
    table = brand_table()
    endings: dict[str, list[tuple[str, str, Brand]]] = {}
    names: dict[str, Brand] = {}
    labels: list[tuple[str, Brand]] = []
    embedded: list[tuple[str, Brand]] = []
    for brand in table.brands:
        for domain in brand.domains:
            host = domain.strip().rstrip(".").lower()  # as registrable_domain reads it
            parts = host.split(".")
            for i in range(len(parts) - 1):
                ending = ".".join(parts[i:])
                endings.setdefault(domain_skeleton(ending), []).append((ending, host, brand))
        for label in (label for label in brand.labels if label not in PLAIN_WORDS):
            names.setdefault(label, brand)
            labels.append((label, brand))
            if len(label) >= _HEAD:
                embedded.append((label, brand))
    heads: dict[str, list[int]] = {}
    for i, (label, _) in enumerate(embedded):
        heads.setdefault(label[:_HEAD], []).append(i)
    return _Index(endings, names, tuple(labels), tuple(embedded), {k: tuple(v) for k, v in heads.items()})


@lru_cache(maxsize=64)  # one per length of key: names are at most 30 letters long, longer ones find an empty table
def _deletions(length: int) -> dict[str, list[tuple[str, Brand]]]:
    """Keys of this length → [(name, brand)] in table order: each name of this length is a key, and so is each
    one-deletion variant of each name one letter longer. Built per length when first needed: a filter run
    compares a host or two, whose names have few lengths."""
    found: dict[str, list[tuple[str, Brand]]] = {}
    for label, brand in _index().labels:
        if len(label) == length:
            found.setdefault(label, []).append((label, brand))
        elif len(label) == length + 1:
            for key in _one_edit_keys(label):
                found.setdefault(key, []).append((label, brand))
    return found


def _confusable(folded: str, index: _Index) -> tuple[str, Brand] | None:
    """The first brand domain, in table order, whose registrable domain has this skeleton: (that registrable
    domain, brand). Only the domains with an ending of that skeleton are looked up."""
    for ending, domain, brand in index.endings.get(folded, ()):
        if registrable_domain(domain) == ending:
            return ending, brand
    return None


def _near(name: str) -> tuple[str, Brand] | None:
    """A brand name one edit from this name (not equal to it), if any: the names that share the name, one of
    its one-deletion variants or one of its swaps as a key (symmetric delete), checked."""
    if len(name) < _MIN_NEAR:
        return None
    same, shorter = _deletions(len(name)), _deletions(len(name) - 1)
    for key in (name, *_one_edit_keys(name), *_swaps(name)):
        for hit in (same if len(key) == len(name) else shorter).get(key, ()):
            if _distance_one(name, hit[0]):
                return hit
    return None


def _distance_one(a: str, b: str) -> bool:
    """Exactly one insertion, deletion, substitution or adjacent swap apart (the deletion keys over-match)."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(long_) - len(short) != 1:
        return False
    # one letter more: the one to drop is at the first difference (the letters before it agree)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


def brand_lookalike(host: str) -> Lookalike | None:
    """How this host imitates a brand in the table, or None (also None for the brand's own domains)."""
    return _brand_lookalike_kept(host) if len(host) <= _KEPT_HOST else _brand_lookalike(host)


@lru_cache(maxsize=8192)
def _brand_lookalike_kept(host: str) -> Lookalike | None:
    return _brand_lookalike(host)


def _brand_lookalike(host: str) -> Lookalike | None:
    seen = readable(host)
    if not seen or brand_table().owner(seen) is not None:
        return None
    org = registrable_domain(seen)
    if org is None:
        return None
    index = _index()
    folded = domain_skeleton(org)
    hit = _confusable(folded, index)
    if hit is not None:
        return Lookalike(seen, hit[0], Strength.CONFUSABLE, hit[1])
    name = _name_and_suffix(folded)[0].replace("-", "")  # "pay-pal" reads as the name "paypal"
    same = index.names.get(name)
    if same is not None:
        return Lookalike(seen, name, Strength.EMBEDS, same)
    near = _near(name)
    if near is not None:
        return Lookalike(seen, near[0], Strength.NEAR, near[1])
    return _embedding(seen, org, folded, index)


def _embedding(seen: str, org: str, folded_org: str, index: _Index) -> Lookalike | None:
    """The brand's name as a word of the registrable name ("paypal-secure") or in a sub-domain label."""
    name, _ = _name_and_suffix(folded_org)
    subdomain = seen[: -len(org)].rstrip(".") if seen.endswith(org) else ""
    parts = dict.fromkeys(name.split("-"))  # in order of appearance (see _one_edit_keys)
    for label in domain_skeleton(subdomain).split(".") if subdomain else ():
        parts.update(dict.fromkeys(label.split("-")))
        parts[label.replace("-", "")] = None
    for part in parts:
        brand = index.names.get(part)
        if brand is not None:
            return Lookalike(seen, part, Strength.EMBEDS, brand)
    found = _embedded_name(name.replace("-", ""), index)
    return None if found is None else Lookalike(seen, found[0], Strength.EMBEDS, found[1])


def _embedded_name(name: str, index: _Index) -> tuple[str, Brand] | None:
    """The first embedded name, in table order, found anywhere in name. Each place in name is looked up by
    the letters that start there: linear, and no pattern of all the names to compile at start-up."""
    first: int | None = None
    for at in range(len(name) - _HEAD + 1):
        for i in index.embedded_heads.get(name[at : at + _HEAD], ()):
            if (first is None or i < first) and name.startswith(index.embedded[i][0], at):
                first = i
    return None if first is None else index.embedded[first]


def recipient_lookalike(host: str, recipient_orgs: frozenset[str]) -> Lookalike | None:
    """How this host imitates one of the recipient's own registrable domains, or None."""
    seen = readable(host)
    org = registrable_domain(seen) if seen else None
    if org is None or org in recipient_orgs:
        return None
    folded = domain_skeleton(org)
    name, suffix = _name_and_suffix(folded)
    for mine in sorted(recipient_orgs):
        mine_folded = domain_skeleton(mine)
        if folded == mine_folded:
            return Lookalike(seen, mine, Strength.CONFUSABLE, None)
        mine_name, mine_suffix = _name_and_suffix(mine_folded)
        if suffix == mine_suffix and len(mine_name) >= _MIN_NAME and _distance_one(name, mine_name):
            return Lookalike(seen, mine, Strength.NEAR, None)
    return None
