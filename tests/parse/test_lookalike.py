"""mailcheck.parse.lookalike: the indexed searches give what the plain comparisons they replace give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.lookup.domains import registrable_domain
from mailcheck.parse.brands import Brand, brand_table
from mailcheck.parse.lookalike import (
    _confusable,
    _distance_one,
    _embedded_name,
    _index,
    _near,
    _one_edit_keys,
    _swaps,
    domain_skeleton,
)


def _plain_distance_one(a: str, b: str) -> bool:
    """By brute force: b is among every word one deletion, substitution, insertion or adjacent swap from a."""
    if a == b:
        return False
    letters = set(a + b)
    edits = {a[:i] + a[i + 1:] for i in range(len(a))}
    edits |= {a[:i] + c + a[i + 1:] for i in range(len(a)) for c in letters}
    edits |= {a[:i] + c + a[i:] for i in range(len(a) + 1) for c in letters}
    edits |= {a[:i] + a[i + 1] + a[i] + a[i + 2:] for i in range(len(a) - 1)}
    return b in edits


_WORD = st.text("abcp", max_size=7)


@settings(max_examples=1000)
@given(_WORD, _WORD)
def test_distance_one_is_the_plain_comparison(a: str, b: str) -> None:
    assert _distance_one(a, b) == _plain_distance_one(a, b)


_NAMES = [label for label, _ in _index().embedded]
_PIECE = st.one_of(st.sampled_from(_NAMES), st.sampled_from(_NAMES).map(lambda n: n[:-1]),
                   st.sampled_from(_NAMES).map(lambda n: n[1:]), st.text("abcdelmnopstuy0", max_size=4))


@settings(max_examples=1000)
@given(st.lists(_PIECE, max_size=4).map("".join))
def test_embedded_name_is_the_first_in_table_order(name: str) -> None:
    expected = next(((label, brand) for label, brand in _index().embedded if label in name), None)
    assert _embedded_name(name, _index()) == expected


def test_brand_domains_are_written_as_registrable_domain_reads_them() -> None:
    # the index's endings are cut from the domains as written: a registrable domain is one of them
    domains = [d for brand in brand_table().brands for d in brand.domains]
    assert all(d.isascii() and d == d.strip().rstrip(".").lower() for d in domains)
    for domain in domains:
        org = registrable_domain(domain)
        assert org is None or domain == org or domain.endswith("." + org)


def test_confusable_finds_what_a_table_of_registrable_domains_finds() -> None:
    plain: dict[str, tuple[str, Brand]] = {}
    for brand in brand_table().brands:
        for domain in brand.domains:
            org = registrable_domain(domain)
            if org:
                plain.setdefault(domain_skeleton(org), (org, brand))
    index = _index()
    keys = set(plain) | set(index.endings)
    assert {k: _confusable(k, index) for k in keys} == {k: plain.get(k) for k in keys}


def _plain_near(name: str) -> tuple[str, Brand] | None:
    deletions: dict[str, list[tuple[str, Brand]]] = {}
    for label, brand in _index().labels:
        for key in {label, *_one_edit_keys(label)}:
            deletions.setdefault(key, []).append((label, brand))
    if len(name) < 6:
        return None
    for key in (name, *_one_edit_keys(name), *_swaps(name)):
        for hit in deletions.get(key, ()):
            if _distance_one(name, hit[0]):
                return hit
    return None


_LABELS = [label for label, _ in _index().labels]


@st.composite
def _edited(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(_LABELS))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(name)))
        edit = draw(st.sampled_from(["drop", "add", "change", "swap"]))
        letter = draw(st.sampled_from("aelnost1"))
        if edit == "drop":
            name = name[:at] + name[at + 1:]
        elif edit == "add":
            name = name[:at] + letter + name[at:]
        elif edit == "change":
            name = name[:at] + letter + name[at + 1:]
        elif at + 1 < len(name):
            name = name[:at] + name[at + 1] + name[at] + name[at + 2:]
    return name


@settings(max_examples=1000)
@given(_edited())
def test_near_finds_what_a_table_of_every_deletion_finds(name: str) -> None:
    assert _near(name) == _plain_near(name)


_SEED_PROBE = """
import sys
from mailcheck.parse.brands import brand_table
from mailcheck.parse.lookalike import brand_lookalike
names = sorted({label for label, _ in __import__("mailcheck.parse.lookalike", fromlist=["_index"])._index().labels})
hosts = []
for name in names[:60]:
    for i in range(len(name)):
        hosts.append(name[:i] + name[i + 1:] + ".example")  # one letter dropped
        hosts.append(name[:i] + "x" + name[i + 1:] + ".example")  # one letter changed
    hosts.append("secure-" + name + "-" + names[-1] + ".example")  # two brands embedded
for host in hosts:
    found = brand_lookalike(host)
    print(host, None if found is None else (found.imitates, found.strength, found.brand and found.brand.name))
"""


def test_the_same_brand_whatever_the_hash_seed() -> None:
    # Scan workers are separate interpreters, each with its own string-hash seed: a name one edit from two brands,
    # or embedding two, must get the same brand in all of them (records are identical at any --jobs / engine).
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _SEED_PROBE], capture_output=True, text=True, env=env, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1 and outputs.pop().count("\n") > 100
