"""`mailcheck checks [ID]`: list every registered check, or print one check's documentation (its docstring)."""

from __future__ import annotations

import difflib
import inspect

import click

from mailcheck.commands.common import EXIT_USAGE


class UnknownCheck(click.ClickException):
    """An ID no registered check has: a one-line error and exit status 2, like any usage error."""

    exit_code = EXIT_USAGE


@click.command("checks")
@click.argument("check_id", metavar="[ID]", required=False)
def checks_command(check_id: str | None) -> None:
    """List every check (ID and summary), or print the documentation of check ID."""
    from mailcheck.checks import CHECKS  # every check module: loaded only when this command runs

    if check_id is None:
        width = max(len(check.ID) for check in CHECKS)
        for check in CHECKS:
            click.echo(f"{check.ID:<{width}}  {check.SUMMARY}")
        return
    found = {check.ID: check for check in CHECKS}.get(check_id)
    if found is None:
        close = difflib.get_close_matches(check_id, [check.ID for check in CHECKS], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UnknownCheck(f"no check has the ID {check_id!r}{hint}; `mailcheck checks` lists them")
    # The module docstring is the check's user documentation (mailcheck/checks/__init__.py says so).
    click.echo(inspect.getdoc(found) or found.SUMMARY)
