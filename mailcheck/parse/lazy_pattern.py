"""Regular expressions compiled on first use, not when their module loads.

The filter is one process per message: of the ~110 patterns our modules define, a typical message uses
about 40, and `re` compiles in pure Python (~0.1 ms a pattern on a slow build). `lazy_compile` returns a
stand-in that compiles on the first attribute read and then puts the compiled pattern's bound methods in
its own `__dict__`, so every later `P.search(...)` is one dictionary lookup away from the C method, as
with a module-level `re.compile`. Patterns that module code reads while loading simply compile then.
The compiling itself is mostly skipped after the first run: parse/pattern_cache.py keeps what `re` makes.
"""

from __future__ import annotations

import re
from typing import AnyStr, cast

from mailcheck.parse.pattern_cache import compile_pattern

# What callers use of a compiled pattern; bound once, on the first use.
_ATTRIBUTES = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split", "scanner",
               "pattern", "flags", "groups", "groupindex")


class _Pattern:
    __slots__ = ("__dict__", "_flags", "_source")

    def __init__(self, source: str | bytes, flags: int) -> None:
        self._source = source
        self._flags = flags

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags})"


class _Compiled(_Pattern):
    """After the first use: no __getattr__, whose mere presence slows every attribute read (~40 ns)."""

    __slots__ = ()


class _Uncompiled(_Pattern):
    __slots__ = ()

    def __getattr__(self, name: str) -> object:
        # Only reached while an attribute is missing from __dict__, i.e. before the first compile.
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = compile_pattern(self._source, self._flags)
        for attribute in _ATTRIBUTES:
            self.__dict__[attribute] = getattr(compiled, attribute)
        self.__class__ = _Compiled  # type: ignore[assignment]  # the same layout: only the class changes
        return getattr(compiled, name)


def lazy_compile(source: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """re.compile(source, flags), deferred until the pattern is first used."""
    # The stand-in answers every attribute a caller of re.Pattern uses; it is not an instance of it.
    return cast("re.Pattern[AnyStr]", _Uncompiled(source, int(flags)))
