"""What every analysing command shares: options, Settings from them, reading input, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mailcheck.commands.options_table import ANALYSIS_OPTIONS, OptionSpec
from mailcheck.commands.settings import Settings, SettingsError, checked_number, settings_from_params

if TYPE_CHECKING:
    from mailcheck.parse.recognise_input import MailInput

# 3: the input was fine but its analysis did not finish (the time budget ran out): nothing was decided,
# so neither 0 ("nothing forged") nor 2 (a usage error or unreadable input) would be true.
EXIT_CLEAN, EXIT_FORGED, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def _click_option(spec: OptionSpec, callback: Callable[..., Any] | None = None
                  ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """One options_table row as a click option."""
    kwargs: dict[str, Any] = {"help": spec.help, "multiple": spec.repeatable, "metavar": spec.metavar,
                              "callback": callback}
    if spec.kind == "flag":
        kwargs["is_flag"] = True
    elif spec.kind in ("path", "existing-path"):
        kwargs["type"] = click.Path(exists=spec.kind == "existing-path", dir_okay=False, path_type=Path)
    elif spec.kind == "choice":
        kwargs["type"] = click.Choice(list(spec.choices))
    else:  # the timestamp is text here; settings.parse_now reads it, for click and the fast parser alike
        kwargs["type"] = {"str": click.STRING, "timestamp": click.STRING, "float": float, "int": int}[spec.kind]
    if spec.default is not None:
        kwargs.update(default=spec.default, show_default=True)
    return click.option(spec.flag, spec.dest, **kwargs)


def checked_option(spec: OptionSpec) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A command's own number option from its options_table row, refused like the analysis options
    (settings.checked_number: finite, in range) with the same one-line usage error."""
    def check(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
        try:
            return None if value is None else checked_number(spec, value, spec.flag)
        except SettingsError as exc:
            raise click.UsageError(str(exc), ctx) from exc

    return _click_option(spec, check)


def analysis_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options every analysing command shares (options_table); they end up in one Settings object."""
    for spec in reversed(ANALYSIS_OPTIONS):
        func = _click_option(spec)(func)
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


def mail_or_exit(raw: bytes, name: str) -> MailInput:
    """The message in the input (an Outlook .msg rebuilt); input that is no mail is a one-line error, exit 2."""
    from mailcheck.commands.inputs import read_mail
    from mailcheck.parse.recognise_input import NotMail

    try:
        return read_mail(raw)
    except NotMail as exc:
        raise InputError(f"{name}: {exc.reason}") from exc
