"""The filter's command line without click (procmail starts one process per message; click costs ~14 ms).

`fast_params` reads the analysis options from the same table click's are made from
(commands/options_table.py) and gives the same Settings. Anything it does not understand — --help,
an unknown option, a value of the wrong type — returns None, and the caller hands the command line
to click, which explains the problem (tests/commands/filter/test_filter_args.py checks both agree).
"""

from __future__ import annotations

from typing import Any

from mailcheck.commands.options_table import BY_FLAG, OptionSpec
from mailcheck.commands.settings import Settings, SettingsError, settings_from_params


def _convert(spec: OptionSpec, text: str) -> Any:
    """The value click would pass for this option's text; ValueError where click would refuse it."""
    kind = spec.kind
    if kind in ("float", "int"):
        return float(text) if kind == "float" else int(text)
    if kind in ("path", "existing-path"):
        from pathlib import Path  # only a run given a path option loads pathlib

        if not text or (kind == "existing-path" and not Path(text).is_file()):
            raise ValueError(text)
        return Path(text)
    if kind == "choice" and text not in spec.choices:
        raise ValueError(text)
    return text


def fast_params(argv: list[str]) -> dict[str, Any] | None:
    """argv (after `filter`) → the parameters click would pass, or None when click should decide."""
    params: dict[str, Any] = {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, eq, inline = arg.partition("=")
        spec = BY_FLAG.get(name)
        if spec is None:
            return None  # --help, -h, a positional argument, an unknown or abbreviated option
        if spec.kind == "flag":
            if eq:
                return None
            params[spec.dest] = True
            continue
        if eq:
            text = inline
        elif args:
            text = args.pop(0)
        else:
            return None
        try:
            value = _convert(spec, text)
        except ValueError:
            return None
        if spec.repeatable:
            params.setdefault(spec.dest, []).append(value)
        else:
            params[spec.dest] = value
    return params


def fast_settings(argv: list[str]) -> tuple[Settings | None, str | None] | None:
    """(settings, None), or (None, problem) for a config file we cannot use, or None: ask click."""
    params = fast_params(argv)
    if params is None:
        return None
    try:
        return settings_from_params(params), None
    except SettingsError as exc:
        return None, str(exc)
