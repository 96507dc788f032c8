"""mailcheck.parse.lazy_pattern: compiled on first use, it answers as re.compile does; every one we define compiles."""

from __future__ import annotations

import importlib
import pkgutil
import re

import mailcheck
from mailcheck.parse.lazy_pattern import _Compiled, _Pattern, _Uncompiled, lazy_compile


def test_compiles_on_first_use_and_answers_as_re_does() -> None:
    lazy = lazy_compile(r"(?P<user>[a-z]+)@(?P<host>[a-z.]+)", re.IGNORECASE)
    plain = re.compile(r"(?P<user>[a-z]+)@(?P<host>[a-z.]+)", re.IGNORECASE)
    assert isinstance(lazy, _Uncompiled)
    text = "Mail Bob@Example.org and eve@x.net"
    match = lazy.search(text)
    assert type(lazy) is _Compiled  # no __getattr__ left on the hot path
    expected = plain.search(text)
    assert match is not None and expected is not None and match.groupdict() == expected.groupdict()
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert lazy.sub("<>", text) == plain.sub("<>", text) and lazy.split(text) == plain.split(text)
    assert (lazy.pattern, lazy.flags, lazy.groups, lazy.groupindex) == (
        plain.pattern, plain.flags, plain.groups, plain.groupindex)
    assert lazy_compile(rb"a+").fullmatch(b"aaa") is not None


def test_a_bad_pattern_fails_when_first_used() -> None:
    lazy = lazy_compile(r"(unclosed")
    try:
        lazy.search("x")
    except re.error:
        pass
    else:
        raise AssertionError("a bad pattern must raise re.error")


def test_every_pattern_the_package_defines_compiles() -> None:
    # Deferred compilation must not defer a typo to the one rare message that needs the pattern.
    found = 0
    for module in pkgutil.walk_packages(mailcheck.__path__, "mailcheck."):
        if module.name == "mailcheck.__main__":  # runs the command line when imported
            continue
        try:
            loaded = importlib.import_module(module.name)
        except ImportError:  # an optional extra (dask, fsspec…) not installed here
            continue
        for value in vars(loaded).values():
            candidates = value.values() if isinstance(value, dict) else (
                value if isinstance(value, (tuple, list)) else (value,))
            for candidate in candidates:
                if isinstance(candidate, _Pattern):
                    found += 1
                    getattr(candidate, "pattern")  # noqa: B009 - compiles it, raising re.error for a bad one
    assert found > 50
