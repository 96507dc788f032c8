"""Console entry point: `mailcheck filter` straight to the filter, everything else to the click commands.

procmail starts one process per message, so the filter's common command lines are parsed without
importing click (filter_args.py; ~14 ms saved). Anything that parser does not understand (--help,
an unknown option) goes to click like every other command. The click group lives in commands.py;
`from mailcheck.cli import cli` still works.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Console-script entry point: click's own usage errors exit 2, ours too."""
    argv = sys.argv[1:]
    if argv[:1] == ["filter"]:
        import gc

        # One process per message: loading the code allocates tens of thousands of objects, none of them
        # garbage, and the collector would walk them all again and again. The filter turns it back on
        # once the code is loaded (commands/filter/run.py, _collect_from_here).
        gc.disable()
        from mailcheck.commands.filter.args import fast_settings

        parsed = fast_settings(argv[1:])
        if parsed is not None:
            from mailcheck.commands.filter.run import run

            sys.exit(run(*parsed))
        gc.enable()  # options only click understands: an ordinary start-up
    from mailcheck.commands.group import cli

    cli.main(prog_name="mailcheck")


def __getattr__(name: str) -> Any:
    # `from mailcheck.cli import cli` (tests, other code) without importing click for the filter.
    if name == "cli":
        from mailcheck.commands.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
