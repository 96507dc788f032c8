"""The filter's click-free command line agrees with click's on every command line it accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailcheck.commands.common import settings_from
from mailcheck.commands.filter.args import fast_params, fast_settings
from mailcheck.commands.filter.cli import filter_command
from mailcheck.commands.options_table import BY_FLAG
from mailcheck.commands.settings import Settings

HERE = Path(__file__)
VALUES = ["10.0.0.0/8", "mx.example.org", "0.5", "3", "-1", "1e3", "nan", "x", "", "responsive", "callout",
          "2026-11-18T12:00:00", "1795816000", str(HERE), "/nonexistent/file", "192.0.2.1:5353", "--offline"]


def click_settings(argv: list[str]) -> Settings | None:
    try:
        ctx = filter_command.make_context("filter", list(argv))
    except click.UsageError:
        return None
    params: dict[str, Any] = dict(ctx.params)
    if params.pop("usage_problem", None):
        return None
    try:
        return settings_from(params)
    except click.UsageError:
        return None


@pytest.mark.parametrize("argv", [
    [], ["--offline"], ["--offline", "--authserv-id", "mx.example.org", "--authserv-id=b.example"],
    ["--trusted", "10.0.0.0/8", "--budget", "2.5", "--timeout=1", "--skew", "30"],
    ["--now", "2026-11-18T12:00:00", "--debug", "--resolve-urls", "--probe", "callout", "--helo", "me"],
    ["--dns-replay", str(HERE), "--dns-record", "/tmp/x.json", "--resolver", "192.0.2.1:5353"],
])
def test_common_command_lines_agree(argv: list[str]) -> None:
    fast = fast_settings(argv)
    assert fast is not None and fast[1] is None
    assert fast[0] == click_settings(argv)


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["--bogus"], ["file.eml"], ["--budget"], ["--budget", "x"],
                                  ["--offline=1"], ["--probe", "all"], ["--dns-replay", "/nonexistent"]])
def test_anything_else_goes_to_click(argv: list[str]) -> None:
    assert fast_params(argv) is None


def test_unusable_config_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("nonsense = 1\n")
    assert fast_settings(["--config", str(config)]) == (None, "config: unknown key 'nonsense'")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(sorted(BY_FLAG)), st.sampled_from(VALUES)), max_size=8))
def test_whatever_the_fast_parser_accepts_click_reads_the_same(argv: list[str]) -> None:
    fast = fast_settings(argv)
    if fast is None:
        return
    settings_, problem = fast
    if problem is None:
        assert settings_ == click_settings(argv)
    else:
        assert click_settings(argv) is None
