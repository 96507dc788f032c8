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
    from mailcheck.commands.settings import Settings
    from mailcheck.context import Context
    from mailcheck.model import Report
    from mailcheck.pipeline import analyze

_HOMES = {
    "analyze": "mailcheck.pipeline",
    "Context": "mailcheck.context",
    "Settings": "mailcheck.commands.settings",
    "Report": "mailcheck.model",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # looked up once (the orchestrator is pipeline.py, so no module shadows it)
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
