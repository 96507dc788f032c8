"""The default config file (~/.config/mailcheck/config.toml) is found, or found missing, as pathlib finds it.

load_config asks about it without pathlib (a filter start-up cost), so its answer is held to
Path(DEFAULT_CONFIG).expanduser().exists() here, errors included.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailcheck.commands import settings
from mailcheck.commands.settings import CONFIG_ENV, DEFAULT_CONFIG, load_config


@pytest.fixture(autouse=True)
def _no_config_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)


def _pathlib_says(monkeypatch: pytest.MonkeyPatch, home: str) -> bool | type[BaseException]:
    """What Path(DEFAULT_CONFIG).expanduser().exists() answers with HOME=home: exists, or what it raises."""
    monkeypatch.setenv("HOME", home)
    try:
        return Path(DEFAULT_CONFIG).expanduser().exists()
    except (OSError, RuntimeError) as exc:
        return type(exc)


def test_the_default_config_file_is_read_when_it_is_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert load_config(None) == {}
    config = tmp_path / ".config" / "mailcheck" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("timeout = 2\n")
    assert load_config(None) == {"timeout": 2}
    monkeypatch.setenv("HOME", str(tmp_path) + "//./")  # spelt otherwise, the same directory
    assert load_config(None) == {"timeout": 2}


def test_homes_of_every_kind_agree_with_pathlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    present = tmp_path / "present"
    (present / ".config" / "mailcheck").mkdir(parents=True)
    (present / ".config" / "mailcheck" / "config.toml").write_text("")
    a_file = tmp_path / "file"
    a_file.write_text("")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    homes = [str(present), str(present) + "/", str(tmp_path / "absent"), str(a_file), str(tmp_path / "loop"),
             "/nonexistent", "", "/", "relative-home", "/" + "x" * 5000]  # the last: ENAMETOOLONG, which pathlib raises
    answers = []
    for home in homes:
        expected = _pathlib_says(monkeypatch, home)
        if isinstance(expected, bool):
            assert settings._no_default_config() is not expected, home
            assert load_config(None) == {}, home  # the present one is empty
        else:
            with pytest.raises(expected):
                load_config(None)
        answers.append(expected)
    assert answers[:2] == [True, True] and False in answers and OSError in answers


def test_no_home_directory_raises_as_pathlib_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)  # "~" cannot be expanded
    with pytest.raises(RuntimeError, match="home directory"):
        Path(DEFAULT_CONFIG).expanduser()
    with pytest.raises(RuntimeError, match="home directory"):
        load_config(None)


def test_an_explicit_config_is_read_through_pathlib_as_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("skew = 30\n")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    assert load_config(None) == {"skew": 30}
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "absent.toml"))
    with pytest.raises(settings.SettingsError, match="does not exist"):
        load_config(None)
