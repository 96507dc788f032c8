"""Settings from the command line and the TOML config file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mailcheck.commands.settings import (
    Settings,
    SettingsError,
    apply_config,
    load_config,
    mta_from_environment,
    parse_now,
)


def test_parse_now_accepts_epoch_and_iso() -> None:
    assert parse_now("0") == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_now("2026-11-27T12:00:00") == datetime(2026, 11, 27, 12, tzinfo=UTC)
    with pytest.raises(SettingsError):
        parse_now("next tuesday")


def test_config_file_lists_and_scalars(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('trusted = ["192.0.2.0/24"]\nauthserv-id = ["mx.example.org"]\ntimeout = 2\nskew = 60\n')
    settings = Settings(trusted=["198.51.100.1"])
    apply_config(settings, load_config(path))
    assert settings.trusted == ["192.0.2.0/24", "198.51.100.1"]
    assert settings.authserv_ids == ["mx.example.org"] and settings.timeout == 2.0 and settings.skew == 60


@pytest.mark.parametrize("text", ['trusted = "not-a-list"\n', "colour = 1\n", "timeout = 'slow'\n", "x = [\n"])
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(SettingsError):
        apply_config(Settings(), load_config(path))


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        load_config(tmp_path / "absent.toml")


def test_postfix_environment() -> None:
    assert mta_from_environment({}) is None
    mta = mta_from_environment({"CLIENT_ADDRESS": "192.0.2.1", "CLIENT_HELO": "h.example", "SENDER": ""})
    assert mta is not None and mta.client_address == "192.0.2.1" and mta.sender == ""
