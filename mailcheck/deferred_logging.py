"""Import a library that names its logger at import time without loading `logging` (~7 ms of a filter start).

selectolax's lexbor module runs `logger = logging.getLogger("selectolax")` when it is imported, and logs
only when a removed node is unwrapped, which mailcheck never does; `import logging` brings traceback,
linecache, tokenize and textwrap with it, which a one-message process would load for nothing. While such
a library is imported, `logging` is a stand-in whose getLogger gives a proxy: the real module and logger
load on the proxy's first use, so what is logged, and where, stays as it was. Anything else asked of the
stand-in loads the real module and answers from it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any


def _real_logging() -> ModuleType:
    """The real module, loaded in place of a stand-in still in sys.modules."""
    if isinstance(sys.modules.get("logging"), _StandIn):
        del sys.modules["logging"]
    import logging

    return logging


class LoggerOnUse:
    """Stands for logging.getLogger(name) until it is first used; then every attribute is the logger's."""

    __slots__ = ("_name",)

    def __init__(self, name: str | None = None) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(_real_logging().getLogger(self._name), attr)


class _StandIn(ModuleType):
    """`logging` while a library is imported: getLogger gives a LoggerOnUse; anything else is the real module's."""

    getLogger = LoggerOnUse

    def __getattr__(self, attr: str) -> Any:
        return getattr(_real_logging(), attr)


@contextmanager
def logging_deferred() -> Iterator[None]:
    """The block imports with the stand-in as `logging`, unless logging is loaded already or other threads
    run (one of them could be importing logging itself)."""
    threading = sys.modules.get("threading")
    if "logging" in sys.modules or (threading is not None and threading.active_count() > 1):
        yield
        return
    stand_in = _StandIn("logging")
    sys.modules["logging"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("logging") is stand_in:
            del sys.modules["logging"]
