"""What every analysing command shares: options, Settings from them, reading input, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mailcheck.commands.settings import Settings, SettingsError, settings_from_params

EXIT_CLEAN, EXIT_FORGED, EXIT_USAGE = 0, 1, 2


def analysis_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options every analysing command shares; they end up in one Settings object."""
    options = [
        click.option("--trusted", multiple=True, metavar="CIDR|HOST",
                     help="Also trust hops from/by this network or host (repeatable)."),
        click.option("--authserv-id", "authserv_ids", multiple=True, metavar="ID",
                     help="An authserv-id your own servers write in Authentication-Results (repeatable)."),
        click.option("--offline", is_flag=True, help="No DNS at all: DNS-backed fields say 'not run'."),
        click.option("--resolver", "resolvers", multiple=True, metavar="IP[:PORT]",
                     help="DNS resolver to use (repeatable; default: the system's)."),
        click.option("--timeout", type=float, default=None, help="Seconds per DNS lookup (default 3)."),
        click.option("--budget", type=float, default=None, help="Seconds of DNS per message (default 10)."),
        click.option("--dns-record", type=click.Path(dir_okay=False, path_type=Path),
                     help="Write every DNS answer used to this file."),
        click.option("--dns-replay", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Answer DNS only from a file written by --dns-record."),
        click.option("--now", "now_text", metavar="TIMESTAMP",
                     help="Clock for expiry checks: Unix seconds or ISO 8601."),
        click.option("--skew", type=int, default=None, help="Clock-skew allowance, seconds (600)."),
        click.option("--resolve-urls", is_flag=True,
                     help="Look up link hosts (off by default: a lookup can tip off the sender)."),
        click.option("--probe", "probes", multiple=True, type=click.Choice(["responsive", "callout"]),
                     help="Opt-in: connect to the envelope sender's mail server, a third party's "
                          "chosen by whoever wrote the message (it sees your IP and learns the message "
                          "was examined). 'responsive': greeting, EHLO, QUIT. 'callout': also asks "
                          "whether the sender's address exists (RCPT; never DATA), which many operators "
                          "consider abusive and block. One connection per domain per run, at most 20 "
                          "domains. See README."),
        click.option("--helo", metavar="NAME",
                     help="Our EHLO name in probes (default: this host's FQDN; many servers refuse "
                          "'localhost')."),
        click.option("--smtp-port", type=int, default=25, show_default=True,
                     help="Port for probes (tests and unusual setups)."),
        click.option("--probe-limit", type=int, default=None,
                     help="At most this many SMTP probes per run (default 20)."),
        click.option("--probe-private", is_flag=True,
                     help="Let probes connect to loopback/private addresses (a message chooses the MX, "
                          "so by default they are never contacted)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="TOML config file (default ~/.config/mailcheck/config.toml)."),
        click.option("--debug", is_flag=True, help="Re-raise errors inside checks (for developers)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings_from(params: dict[str, Any]) -> Settings:
    """Click parameters (+ config file) → Settings; raises click.UsageError for bad values."""
    try:
        return settings_from_params(params)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc


class InputError(click.ClickException):
    """Unreadable input: a one-line error and exit status 2, never a traceback."""

    exit_code = EXIT_USAGE


def read_input(path: str) -> bytes:
    """The message bytes from a path or '-' (stdin); unreadable input is a usage-class error."""
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
