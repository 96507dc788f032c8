"""The Public Suffix List snapshot answers as the parsed list does, and a bad snapshot is parsed around."""

from __future__ import annotations

from pathlib import Path

import pytest
from publicsuffixlist import PublicSuffixList

from mailcheck.lookup import psl_snapshot

HOSTS = ["a.b.example.co.uk", "x.foo.unknowntld", "co.uk", "sub.city.kawasaki.jp", "a.github.io",
         "xn--80ak6aa92e.com", "mail.example.xn--p1ai", "www.example.com"]


def test_snapshot_written_then_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = PublicSuffixList(accept_encoded_idn=False)
    first = psl_snapshot.load_public_suffix_list()
    files = list((tmp_path / "mailcheck").glob("psl-*.marshal"))
    assert len(files) == 1
    monkeypatch.setattr(PublicSuffixList, "__init__", lambda *a, **k: pytest.fail("parsed again"))
    second = psl_snapshot.load_public_suffix_list()
    for host in HOSTS:
        assert first.privatesuffix(host) == second.privatesuffix(host) == parsed.privatesuffix(host)
        assert second.privatesuffix(host, accept_unknown=False) == parsed.privatesuffix(host, accept_unknown=False)


def test_broken_or_unwritable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    psl_snapshot.load_public_suffix_list()
    snapshot = next((tmp_path / "mailcheck").glob("psl-*.marshal"))
    snapshot.write_bytes(b"not marshal data")
    assert psl_snapshot.load_public_suffix_list().privatesuffix("a.b.example.co.uk") == "example.co.uk"
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))  # a cache "directory" that is a file
    assert psl_snapshot.load_public_suffix_list().privatesuffix("a.b.example.co.uk") == "example.co.uk"


def test_the_grouped_snapshot_answers_as_the_parsed_list_for_every_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The snapshot groups the rules by last label and builds each group's set on first use: every rule of the
    # shipped list (wildcards and exceptions included), under one and two more labels, must come out the same.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = PublicSuffixList(accept_encoded_idn=False)
    psl_snapshot.load_public_suffix_list()  # writes the snapshot
    loaded = psl_snapshot.load_public_suffix_list()
    assert not isinstance(loaded._publicsuffix, frozenset)  # the grouped form, read back
    rules = sorted(parsed._publicsuffix)
    assert len(rules) > 5000
    for rule in rules:
        base = rule.lstrip("!").removeprefix("*.")
        for host in (base, f"x.{base}", f"a.x.{base}"):
            assert loaded.privatesuffix(host) == parsed.privatesuffix(host), host
            assert loaded.publicsuffix(host) == parsed.publicsuffix(host), host
            assert loaded.privatesuffix(host, accept_unknown=False) == parsed.privatesuffix(host, accept_unknown=False)
    assert 12 not in loaded._publicsuffix  # only text is ever a rule
