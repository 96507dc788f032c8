"""The parsed Public Suffix List kept between runs: a marshal snapshot in the user's cache directory.

Parsing the shipped list costs ~12 ms, a tenth of a filter start-up (one process per message). Loading
its ~10,400 rules back as one frozenset still costs ~8 ms (every string is built and hashed), so the
snapshot keeps them grouped by their last label, one text per TLD (~1,450): loading that is ~0.4 ms, and
a TLD's rules become a set only when a host under it is first looked up. The snapshot is only data
(strings and the longest rule's label count: marshal runs no code when loading it), keyed by the list
file's size and modification time, the publicsuffixlist version and the Python version, and written
atomically on the first run that finds none. Any problem with it (no writable cache directory, a
foreign or broken file) means the list is parsed as before.
"""

from __future__ import annotations

import marshal
from typing import Any

from mailcheck.user_cache import load, snapshot_path, store

_FORMAT = 2  # 1: one frozenset of rules; 2: the rules grouped by last label


def _last_label(rule: str) -> str:
    return rule[rule.rfind(".") + 1:]  # "com", "!city.kawasaki.jp" → "jp", "*.ck" → "ck"


class _RulesByLastLabel:
    """The list's rule set as publicsuffixlist reads it (only `rule in rules`), built per TLD on first use."""

    __slots__ = ("_sets", "_texts")

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts
        self._sets: dict[str, frozenset[str]] = {}

    def __contains__(self, rule: object) -> bool:
        if not isinstance(rule, str):
            return False
        label = _last_label(rule)
        rules = self._sets.get(label)
        if rules is None:
            text = self._texts.get(label)
            rules = self._sets[label] = frozenset(text.split("\n")) if text else frozenset()
        return rule in rules


def _snapshot_path(module: Any) -> str | None:
    source = getattr(module, "PSLFILE", None)
    version = getattr(module, "__version__", "") or ""
    return snapshot_path("psl", source, _FORMAT, version) if isinstance(source, str) else None


def _load(path: str, cls: Any) -> Any | None:
    data = load(path)
    if not (isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], dict)
            and isinstance(data[1], int)):
        return None
    psl = cls.__new__(cls)
    psl.accept_unknown = True
    psl._publicsuffix, psl._maxlabel = _RulesByLastLabel(data[0]), data[1]
    return psl


def _store(path: str, psl: Any) -> None:
    rules, maxlabel = getattr(psl, "_publicsuffix", None), getattr(psl, "_maxlabel", None)
    if not isinstance(rules, frozenset) or not isinstance(maxlabel, int):
        return  # another publicsuffixlist layout: keep parsing, never guess
    grouped: dict[str, list[str]] = {}
    for rule in sorted(rules):
        grouped.setdefault(_last_label(rule), []).append(rule)
    store(path, marshal.dumps(({label: "\n".join(group) for label, group in grouped.items()}, maxlabel)))


def load_public_suffix_list() -> Any:
    """PublicSuffixList(accept_encoded_idn=False), from the snapshot when there is a valid one."""
    import publicsuffixlist
    from publicsuffixlist import PublicSuffixList

    path = _snapshot_path(publicsuffixlist)
    if path is not None and (psl := _load(path, PublicSuffixList)) is not None:
        return psl
    psl = PublicSuffixList(accept_encoded_idn=False)
    if path is not None:
        _store(path, psl)
    return psl
