"""The filter's command line without click (procmail starts one process per message; click costs ~14 ms).

`fast_parse` understands the analysis options exactly as cli_common.analysis_options declares them
and gives the same Settings. Anything it does not understand — --help, an unknown option, a value
of the wrong type — returns None, and the caller hands the command line to click, which explains
the problem (tests/test_filter_args.py checks both parsers agree).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailcheck.commands.settings import Settings, SettingsError, settings_from_params

# option → (click parameter name, kind). Kinds: flag, list (repeatable), str, float, int, path,
# existing-path (click.Path(exists=True)), probe (click.Choice of the probes).
OPTIONS: dict[str, tuple[str, str]] = {
    "--trusted": ("trusted", "list"),
    "--authserv-id": ("authserv_ids", "list"),
    "--offline": ("offline", "flag"),
    "--resolver": ("resolvers", "list"),
    "--timeout": ("timeout", "float"),
    "--budget": ("budget", "float"),
    "--dns-record": ("dns_record", "path"),
    "--dns-replay": ("dns_replay", "existing-path"),
    "--now": ("now_text", "str"),
    "--skew": ("skew", "int"),
    "--resolve-urls": ("resolve_urls", "flag"),
    "--probe": ("probes", "probe"),
    "--helo": ("helo", "str"),
    "--smtp-port": ("smtp_port", "int"),
    "--probe-limit": ("probe_limit", "int"),
    "--probe-private": ("probe_private", "flag"),
    "--config": ("config_path", "path"),
    "--debug": ("debug", "flag"),
}
PROBES = ("responsive", "callout")


def _convert(kind: str, text: str) -> Any:
    if kind in ("float", "int"):
        return float(text) if kind == "float" else int(text)
    if kind in ("path", "existing-path"):
        if not text or (kind == "existing-path" and not Path(text).is_file()):
            raise ValueError(text)
        return Path(text)
    if kind == "probe" and text not in PROBES:
        raise ValueError(text)
    return text


def fast_params(argv: list[str]) -> dict[str, Any] | None:
    """argv (after `filter`) → the parameters click would pass, or None when click should decide."""
    params: dict[str, Any] = {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, eq, inline = arg.partition("=")
        spec = OPTIONS.get(name)
        if spec is None:
            return None  # --help, -h, a positional argument, an unknown or abbreviated option
        dest, kind = spec
        if kind == "flag":
            if eq:
                return None
            params[dest] = True
            continue
        if eq:
            text = inline
        elif args:
            text = args.pop(0)
        else:
            return None
        try:
            value = _convert(kind, text)
        except ValueError:
            return None
        if kind in ("list", "probe"):
            params.setdefault(dest, []).append(value)
        else:
            params[dest] = value
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
