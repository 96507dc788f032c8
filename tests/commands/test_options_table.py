"""The options table is the only declaration: click's options, the fast parser, the config keys and
Settings all follow it, row by row, so a new row is tested here without another test to write."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest

from mailcheck.commands.common import settings_from
from mailcheck.commands.filter.args import fast_params, fast_settings
from mailcheck.commands.filter.cli import filter_command
from mailcheck.commands.group import check_command
from mailcheck.commands.options_table import ANALYSIS_OPTIONS, BY_FLAG, CONFIG_KEYS, OptionSpec
from mailcheck.commands.scan.cli import scan_command
from mailcheck.commands.settings import Settings, SettingsError, apply_config

HERE = Path(__file__)
# A value of each kind that both parsers accept, and the one the config file would give.
SAMPLE_TEXT = {"str": "mx.example.org", "float": "2.5", "int": "7", "timestamp": "2026-11-18T12:00:00",
               "path": "/tmp/mailcheck-record.json", "existing-path": str(HERE)}
CONFIG_VALUE: dict[str, Any] = {"str": "mx.example.org", "float": 2.5, "int": 7, "flag": True}
SAMPLE_BY_DEST = {"provider": "google"}  # a value the option accepts where any text will not do


def sample_argv(spec: OptionSpec) -> list[str]:
    if spec.kind == "flag":
        return [spec.flag]
    text = spec.choices[-1] if spec.kind == "choice" else SAMPLE_BY_DEST.get(spec.dest, SAMPLE_TEXT[spec.kind])
    return [spec.flag, text, f"{spec.flag}={text}"] if spec.repeatable else [spec.flag, text]


def analysis_params(command: click.Command) -> list[click.Option]:
    names = {spec.dest for spec in ANALYSIS_OPTIONS}
    return [p for p in command.params if isinstance(p, click.Option) and p.name in names]


@pytest.mark.parametrize("command", [check_command, scan_command, filter_command], ids=lambda c: c.name)
def test_click_options_are_the_table(command: click.Command) -> None:
    params = analysis_params(command)
    assert [p.name for p in params] == [spec.dest for spec in ANALYSIS_OPTIONS]
    for param, spec in zip(params, ANALYSIS_OPTIONS, strict=True):
        assert param.opts == [spec.flag] and param.help == spec.help
        assert (param.is_flag, param.multiple) == (spec.kind == "flag", spec.repeatable)
        if spec.choices:
            assert isinstance(param.type, click.Choice) and tuple(param.type.choices) == spec.choices


@pytest.mark.parametrize("spec", ANALYSIS_OPTIONS, ids=lambda s: s.flag)
def test_each_row_reads_alike_in_both_parsers(spec: OptionSpec) -> None:
    argv = sample_argv(spec)
    params = fast_params(argv)
    assert params is not None and set(params) == {spec.dest}
    ctx = filter_command.make_context("filter", list(argv))
    assert ctx.params.get("usage_problem") is None
    if spec.dest == "config_path":  # no such file: both refuse it the same way
        with pytest.raises(click.UsageError, match="does not exist"):
            settings_from(dict(ctx.params))
        assert fast_settings(argv) == (None, f"config file {SAMPLE_TEXT['path']} does not exist")
        return
    fast = fast_settings(argv)
    assert fast is not None and fast[1] is None
    assert fast[0] == settings_from(dict(ctx.params)) != Settings()
    assert spec.setting is not None and getattr(fast[0], spec.setting) != getattr(Settings(), spec.setting)


def test_settings_fields_are_the_table_rows() -> None:
    rows = {spec.setting for spec in ANALYSIS_OPTIONS if spec.setting is not None}
    assert rows == set(Settings.__slots__)
    checked = []
    for spec in ANALYSIS_OPTIONS:  # a default --help shows or states is the one Settings starts from
        stated = re.search(r"\((?:default )?(\d+(?:\.\d+)?)\)", spec.help)
        if spec.setting is None or (spec.default is None and stated is None):
            continue
        expected = spec.default if spec.default is not None else float(stated.group(1)) if stated else None
        assert getattr(Settings(), spec.setting) == expected, spec.flag
        checked.append(spec.flag)
    assert checked == ["--timeout", "--budget", "--skew", "--smtp-port", "--probe-limit"]


@pytest.mark.parametrize("key", sorted(CONFIG_KEYS))
def test_each_config_key_sets_its_row(key: str) -> None:
    spec = CONFIG_KEYS[key]
    assert spec.setting is not None and BY_FLAG[f"--{key}"] is spec
    value = ["a.example", "b.example"] if spec.repeatable else SAMPLE_BY_DEST.get(spec.dest, CONFIG_VALUE[spec.kind])
    settings = Settings()
    apply_config(settings, {key: value})
    assert getattr(settings, spec.setting) == value
    with pytest.raises(SettingsError, match=f"config: {key} must be"):
        apply_config(Settings(), {key: {"a table": 1}})


@pytest.mark.parametrize("spec", [s for s in ANALYSIS_OPTIONS if not s.in_config], ids=lambda s: s.flag)
def test_options_not_in_the_config_are_unknown_keys(spec: OptionSpec) -> None:
    with pytest.raises(SettingsError, match="unknown key"):
        apply_config(Settings(), {spec.config_key: CONFIG_VALUE.get(spec.kind, "x")})
