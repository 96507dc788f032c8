"""mailcheck: for every field of an email, whether it is validated, forged or unverifiable, and why.

The library face: `from mailcheck import analyze, Context, Settings, Report`. The names load on first
use (PEP 562), because procmail starts a process per message and `mailcheck.cli` lives in this
package: importing it must not pull in the checks, dnspython or dkimpy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Context", "Report", "Settings", "analyze"]

if TYPE_CHECKING:
    from mailcheck.analyze import analyze
    from mailcheck.commands.settings import Settings
    from mailcheck.context import Context
    from mailcheck.model import Report

_HOMES = {
    "analyze": "mailcheck.analyze",
    "Context": "mailcheck.context",
    "Settings": "mailcheck.commands.settings",
    "Report": "mailcheck.model",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    # Importing mailcheck.analyze binds the *module* to this package's name "analyze"; the export is the
    # function, so it is bound here over it. (Code that imported the module first still sees the module
    # under mailcheck.analyze: the function and the module share a name.)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
