"""The click commands: `mailcheck FILE`, `mailcheck filter`, `mailcheck scan`; the one error boundary.

Exit status: 0 nothing forged, 1 something forged, 2 usage error or unreadable input, 3 the analysis did
not finish within --budget (nothing was decided).
Heavy modules (rich, dnspython, pyspf, dkimpy) are imported only by the code that needs them.
The entry point is mailcheck.cli.main, which sends `mailcheck filter` past click when it can.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from mailcheck.commands.common import (
    EXIT_CLEAN,
    EXIT_FORGED,
    EXIT_INCOMPLETE,
    analysis_options,
    mail_or_exit,
    read_input,
    settings_from,
)


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
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html", "iocs", "stix"]),
              default="text", show_default=True, help="text: a report for the terminal; json: the machine-readable "
              "record; markdown: for a ticket; html: one self-contained page; iocs: indicators as CSV; stix: a "
              "STIX 2.1 bundle (needs mailcheck[stix]).")
@click.option("-v", "--verbose", is_flag=True,
              help="List every field on its own row (by default a vendor's header family is one row).")
@analysis_options
def check_command(source: str, fmt: str, verbose: bool, **params: Any) -> None:
    """Analyse one message (a path, or '-' for stdin), within --budget seconds as the filter does."""
    from mailcheck.commands.budget import DNS_SHARE, BudgetExceeded, time_limit
    from mailcheck.commands.settings import build_context
    from mailcheck.lookup.contract import message_budget
    from mailcheck.pipeline import analyze

    settings = settings_from(params)
    if fmt == "stix":
        try:  # before the analysis: a missing optional library is a usage error, found at once
            from mailcheck.reporters import stix
        except ImportError as missing:
            raise click.UsageError(f"--format stix needs the stix2 library ({missing}); "
                                   "install it with: pip install 'mailcheck[stix]'") from missing
    raw = read_input(source)
    name = "<stdin>" if source == "-" else source
    dns_budget = settings.budget * DNS_SHARE  # DNS gives up first, so its fields say so and the report finishes
    ctx = build_context(settings._replace(budget=dns_budget))
    try:
        with time_limit(settings.budget), message_budget(ctx.dns, dns_budget):
            mail = mail_or_exit(raw, name)  # no mail at all (junk, empty, a broken .msg): one line, exit 2
            report = analyze(mail if mail.body_rebuilt else raw, ctx, source=name)
    except BudgetExceeded:
        _out_of_time(name, settings.budget, fmt)
        sys.exit(EXIT_INCOMPLETE)
    if fmt == "json":
        from mailcheck.reporters.json import render

        click.echo(render(report, ctx.resolver_check.json_extra()))
    elif fmt == "markdown":
        from mailcheck.reporters.markdown import render as render_markdown

        click.echo(render_markdown(report, verbose), nl=False)
    elif fmt == "html":
        from mailcheck.reporters.html import render as render_html

        click.echo(render_html(report, verbose), nl=False)
    elif fmt == "iocs":
        from mailcheck.reporters.iocs import render as render_iocs

        click.echo(render_iocs(report), nl=False)
    elif fmt == "stix":
        click.echo(stix.render(report, mail.raw), nl=False)
    else:
        from mailcheck.reporters.terminal import print_report

        print_report(report, verbose=verbose)
    if warning := ctx.resolver_check.warning():
        click.echo(f"mailcheck: {warning}", err=True)
    sys.exit(EXIT_FORGED if report.verdict.value == "forged" else EXIT_CLEAN)


def _out_of_time(source: str, budget: float, fmt: str) -> None:
    """The analysis was stopped: say so where the report would have been (JSON: the record a scan writes
    for such a message), and on stderr."""
    why = f"the time budget of {budget:g} s ran out before the analysis finished, so nothing was decided"
    if fmt == "json":
        import json

        from mailcheck.reporters.json import SCHEMA, TOOL

        click.echo(json.dumps({"schema": SCHEMA, "tool": TOOL, "source": source, "verdict": "error", "error": why},
                              ensure_ascii=True))
    else:
        from mailcheck.reporters.sanitize import safe_text

        click.echo(f"{safe_text(source, 200)}: verdict error (incomplete): {why}")
    click.echo(f"mailcheck: {why} (raise --budget to give it longer)", err=True)


@cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the records `--format json` and `scan` write."""
    import json

    from mailcheck.reporters.schema import report_schema

    click.echo(json.dumps(report_schema(), indent=2))


def _register_commands() -> None:
    """Commands in their own modules; each keeps its heavy imports inside its function body."""
    from mailcheck.commands.checks import checks_command
    from mailcheck.commands.filter.cli import filter_command
    from mailcheck.commands.scan.cli import scan_command

    cli.add_command(checks_command)
    cli.add_command(filter_command)
    cli.add_command(scan_command)

_register_commands()
