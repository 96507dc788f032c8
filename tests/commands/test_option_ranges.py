"""Issue 11 item 4: every number option is finite and in its stated range, checked once for the
command line and the config file; a bad one is a one-line usage error, and the filter still delivers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from support.filtermode import child_env, run_filter, split_added, verdict_of

from mailcheck.cli import cli
from mailcheck.commands.common import settings_from
from mailcheck.commands.filter.args import fast_settings
from mailcheck.commands.filter.cli import filter_command
from mailcheck.commands.options_table import ANALYSIS_OPTIONS, LAST_MOMENT
from mailcheck.commands.settings import (
    Settings,
    SettingsError,
    apply_config,
    load_config,
    parse_now,
    settings_from_params,
)

MSG = b"From: alice@example.com\nTo: bob@example.org\nSubject: x\n\nhi\n"

# Values each number option refuses (the reproductions first), and edge values it accepts.
BAD: list[tuple[str, str]] = [
    *[("--budget", v) for v in ("-5", "nan", "inf", "1e300", "0", "-inf", "3600.5")],
    *[("--timeout", v) for v in ("nan", "0", "-1", "inf", "60.01")],
    *[("--now", v) for v in ("inf", "1e20", "-1e20", "nan", "-1", str(LAST_MOMENT + 1),
                             "1969-12-31T23:59:59", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00")],
    *[("--skew", v) for v in ("-1", "86401", "99999999999999999999999")],
    *[("--smtp-port", v) for v in ("0", "65536", "-25")],
    ("--probe-limit", "-1"),
]
GOOD: list[tuple[str, str]] = [
    ("--budget", "0.001"), ("--budget", "3600"), ("--timeout", "0.01"), ("--timeout", "60"),
    ("--now", "0"), ("--now", str(LAST_MOMENT)), ("--now", "9999-12-31T23:59:59Z"), ("--now", "1970-01-01T00:00:00"),
    ("--skew", "0"), ("--skew", "86400"), ("--smtp-port", "1"), ("--smtp-port", "65535"), ("--probe-limit", "0"),
]
# The config file's spelling of bad values (TOML has nan and inf; a huge int must not overflow float()).
BAD_CONFIG = ["budget = nan", "budget = inf", "budget = -5", "budget = 1e300", "timeout = nan", "timeout = 0",
              "timeout = 61", "skew = -1", f"skew = {2 ** 70}", "budget = true", "skew = false"]
GOOD_CONFIG = ["budget = 3600", "budget = 0.5", "timeout = 60", "skew = 0", "skew = 86400"]


def ids(case: tuple[str, str]) -> str:
    return "=".join(case)


def invoke(*args: str) -> click.testing.Result:
    return CliRunner(env={"COLUMNS": "400"}).invoke(cli, list(args), input=MSG)


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


def test_every_number_row_states_a_range() -> None:
    numbers = [s for s in ANALYSIS_OPTIONS if s.kind in ("float", "int", "timestamp")]
    assert {s.flag for s in numbers} == {"--timeout", "--budget", "--now", "--skew", "--smtp-port", "--probe-limit"}
    assert all(s.minimum is not None for s in numbers)
    for spec in numbers:  # the default Settings start from is inside its own row's range
        default = getattr(Settings(), spec.setting or "")
        if default is not None:
            assert spec.minimum is not None and default >= spec.minimum, spec.flag
            assert spec.maximum is None or default <= spec.maximum, spec.flag


@pytest.mark.parametrize("case", BAD, ids=ids)
def test_bad_value_is_one_usage_error_in_both_parsers(case: tuple[str, str]) -> None:
    flag, text = case
    fast = fast_settings([f"{flag}={text}"])
    assert fast is not None and fast[0] is None and fast[1] is not None
    assert fast[1].startswith(f"{flag} must be ") and "\n" not in fast[1]
    ctx = filter_command.make_context("filter", [f"{flag}={text}"])
    assert ctx.params.get("usage_problem") is None  # click reads the number; the range is ours
    with pytest.raises(click.UsageError) as caught:
        settings_from(dict(ctx.params))
    assert caught.value.format_message() == fast[1]  # the same words whichever parser read it


@pytest.mark.parametrize("case", BAD, ids=ids)
def test_mailcheck_check_exits_2_without_a_traceback(case: tuple[str, str]) -> None:
    flag, text = case
    result = invoke("check", "--offline", f"{flag}={text}", "-")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # click's usage exit, not an escaped error
    assert "Traceback" not in result.output
    assert len(error_lines(result.output)) == 1 and error_lines(result.output)[0].startswith(f"Error: {flag} must")


def test_mailcheck_file_now_inf_is_a_usage_error() -> None:
    result = invoke("--offline", "--now", "inf", "-")
    assert result.exit_code == 2 and error_lines(result.output) == [
        "Error: --now must be a moment between 1970-01-01 and 9999-12-31 UTC (got inf)"]


@pytest.mark.parametrize("case", BAD, ids=ids)
def test_filter_still_delivers(case: tuple[str, str]) -> None:
    flag, text = case
    done = run_filter(MSG, "--offline", flag, text)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert verdict_of(done.stdout) == "error"
    assert split_added(done.stdout)[1] == MSG  # the original bytes, untouched below our fields
    assert done.stderr.decode().startswith(f"mailcheck filter: {flag} must be ")


@pytest.mark.parametrize("case", GOOD, ids=ids)
def test_edge_values_are_accepted(case: tuple[str, str]) -> None:
    flag, text = case
    fast = fast_settings([flag, text])
    assert fast is not None and fast[1] is None and fast[0] is not None
    # Accepted, not a usage error; --budget 0.001 is also the whole analysis's time, so it may run out (3).
    assert invoke("check", "--offline", flag, text, "-").exit_code in ((0, 3) if flag == "--budget" else (0,))


def test_now_edges_are_the_datetime_range() -> None:
    assert parse_now(str(LAST_MOMENT)) == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert parse_now("0") == datetime(1970, 1, 1, tzinfo=UTC)
    with pytest.raises(SettingsError, match=r"\(got 1e999\)"):  # the value as written
        parse_now("1e999")


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text + "\n")
    return path


@pytest.mark.parametrize("text", BAD_CONFIG)
def test_bad_config_number(tmp_path: Path, text: str) -> None:
    key = text.split(" = ")[0]
    with pytest.raises(SettingsError, match=f"^config: {key} must be "):
        apply_config(Settings(), load_config(config(tmp_path, text)))
    result = invoke("check", "--offline", "--config", str(config(tmp_path, text)), "-")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len(error_lines(result.output)) == 1 and error_lines(result.output)[0].startswith(f"Error: config: {key}")


@pytest.mark.parametrize("text", ["budget = nan", "budget = inf", "timeout = nan", f"skew = {2 ** 70}"])
def test_filter_delivers_with_a_bad_config_number(tmp_path: Path, text: str) -> None:
    env = child_env(MAILCHECK_CONFIG=str(config(tmp_path, text)))
    done = run_filter(MSG, "--offline", env=env)
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert verdict_of(done.stdout) == "error" and split_added(done.stdout)[1] == MSG


@pytest.mark.parametrize("text", GOOD_CONFIG)
def test_good_config_number(tmp_path: Path, text: str) -> None:
    key, value = text.split(" = ")
    settings = Settings()
    apply_config(settings, {key: float(value) if "." in value else int(value)})
    assert getattr(settings, key) == float(value)
    assert invoke("check", "--offline", "--config", str(config(tmp_path, text)), "-").exit_code == 0


def test_a_bad_config_value_is_an_error_even_when_the_command_line_overrides_it(tmp_path: Path) -> None:
    # The file itself is wrong, and the next run without the option would trip on it.
    params: dict[str, Any] = {"config_path": config(tmp_path, "budget = nan"), "budget": 5.0}
    with pytest.raises(SettingsError, match=r"^config: budget must be "):
        settings_from_params(params)
