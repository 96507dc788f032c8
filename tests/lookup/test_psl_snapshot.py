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
