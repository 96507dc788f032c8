"""The click commands: `mailcheck FILE`, `mailcheck filter`, `mailcheck scan`; the one error boundary.

Exit status: 0 nothing forged, 1 something forged, 2 usage error or unreadable input.
Heavy modules (rich, dnspython, pyspf, dkimpy) are imported only by the code that needs them.
The entry point is mailcheck.cli.main, which sends `mailcheck filter` past click when it can.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from mailcheck.commands.common import EXIT_CLEAN, EXIT_FORGED, analysis_options, read_input, settings_from


def _tolerant_streams() -> None:
    """Text that stdout/stderr cannot encode (our own "—" on an ASCII locale) becomes \\u escapes,
    not a traceback. The filter writes bytes to the file descriptor and is not affected."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


class _DefaultToCheck(click.Group):
    """`mailcheck FILE` means `mailcheck check FILE`: the common case needs no sub-command."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        _tolerant_streams()
        return super().main(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mailcheck")
def cli() -> None:
    """Tell, for every field of an email, whether it is validated, forged or unverifiable, and why.

    \b
    mailcheck FILE.eml            one message, a report for a person ('-' reads stdin)
    mailcheck filter              procmail/Postfix filter: message in, message + headers out
    mailcheck scan ARCHIVE...     mbox, Maildir or folders: summary + one record per message
    """


@cli.command("check")
@click.argument("source", metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@analysis_options
def check_command(source: str, fmt: str, **params: Any) -> None:
    """Analyse one message (a path, or '-' for stdin)."""
    from mailcheck.commands.settings import build_context
    from mailcheck.pipeline import analyze

    settings = settings_from(params)
    raw = read_input(source)
    ctx = build_context(settings)
    report = analyze(raw, ctx, source="<stdin>" if source == "-" else source)
    if fmt == "json":
        from mailcheck.reporters.json import render

        click.echo(render(report, ctx.resolver_check.json_extra()))
    else:
        from mailcheck.reporters.terminal import print_report

        print_report(report)
    if warning := ctx.resolver_check.warning():
        click.echo(f"mailcheck: {warning}", err=True)
    sys.exit(EXIT_FORGED if report.verdict.value == "forged" else EXIT_CLEAN)


def _register_commands() -> None:
    """Commands in their own modules; each keeps its heavy imports inside its function body."""
    from mailcheck.commands.checks import checks_command
    from mailcheck.commands.filter.cli import filter_command
    from mailcheck.commands.scan.cli import scan_command

    cli.add_command(checks_command)
    cli.add_command(filter_command)
    cli.add_command(scan_command)

_register_commands()
