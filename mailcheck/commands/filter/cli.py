"""`mailcheck filter`: the click command; the work is in filter_run (which imports no click)."""

from __future__ import annotations

import sys
from typing import Any

import click

from mailcheck.commands.common import analysis_options, settings_from

FILTER_HELP = """Filter one message for procmail or Postfix: stdin → the same bytes plus result headers.

\b
Adds at the top of the header block (after an mbox "From " line):
  X-Mailcheck-Verdict: forged|validated|unverifiable|error
  X-Mailcheck: from=validated; received[0]=validated; ...   (every field's label)
  Authentication-Results: ID; ...                            (with --authserv-id ID)
and removes every incoming X-Mailcheck* header and Authentication-Results
carrying your authserv-id first, so a sender cannot pre-set them.

It fails open: on bad options, an internal error, input that is no message or when
--budget SECONDS (the wall clock for the whole analysis; DNS gets 80% of it) runs
out, the message is passed on unchanged with "X-Mailcheck-Verdict: error" and the
exit status is 0. Non-zero only when the message could not be passed on whole
(75: stdin unreadable, 74: stdout closed); procmail's "w" flag then keeps the
original. Postfix's CLIENT_ADDRESS, CLIENT_HELO and SENDER, when set, are the
entry hop's evidence. Use it as ":0 fw" (see README).
"""


class _FailOpenCommand(click.Command):
    """Bad options must not cost the mail: the message is still passed on, with the verdict error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            ctx.params = {"usage_problem": exc.format_message()}
            return []


@click.command("filter", cls=_FailOpenCommand, help=FILTER_HELP, short_help="procmail/Postfix filter mode")
@analysis_options
def filter_command(usage_problem: str | None = None, **params: Any) -> None:
    from mailcheck.commands.filter.run import run

    settings = None
    if usage_problem is None:
        try:
            settings = settings_from(params)
        except click.UsageError as exc:
            usage_problem = exc.format_message()
    sys.exit(run(settings, usage_problem))
