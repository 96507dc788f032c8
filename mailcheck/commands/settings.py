"""Command-line and config-file settings → an analysis Context (one place for both)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mailcheck.context import Context, MtaEvidence

CONFIG_ENV = "MAILCHECK_CONFIG"
DEFAULT_CONFIG = Path("~/.config/mailcheck/config.toml")


class SettingsError(ValueError):
    """A setting that cannot be used; the CLI turns it into a usage error (exit 2)."""


@dataclass
class Settings:
    trusted: list[str] = field(default_factory=list)
    authserv_ids: list[str] = field(default_factory=list)
    resolvers: list[str] = field(default_factory=list)
    offline: bool = False
    timeout: float = 3.0  # seconds per DNS lookup
    budget: float = 10.0  # seconds of DNS per message
    dns_record: Path | None = None
    dns_replay: Path | None = None
    now: datetime | None = None
    skew: int = 600
    probes: list[str] = field(default_factory=list)
    helo: str | None = None
    smtp_port: int = 25
    probe_limit: int = 20
    probe_private: bool = False  # let probes connect to loopback/private addresses (tests, labs)
    resolve_urls: bool = False
    debug: bool = False


def parse_now(text: str) -> datetime:
    """--now: Unix seconds or ISO 8601 (a naive time is taken as UTC)."""
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise SettingsError(f"--now: {text!r} is neither Unix seconds nor ISO 8601") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_config(path: Path | None) -> dict[str, Any]:
    """The TOML config file: --config, else $MAILCHECK_CONFIG, else ~/.config/mailcheck/config.toml."""
    explicit = path is not None or CONFIG_ENV in os.environ
    candidate = path or Path(os.environ.get(CONFIG_ENV, str(DEFAULT_CONFIG))).expanduser()
    if not candidate.exists():
        if explicit:
            raise SettingsError(f"config file {candidate} does not exist")
        return {}
    import tomllib  # start-up: only a run that reads a config file pays for the TOML parser

    try:
        return tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"config file {candidate}: {exc}") from exc


_LIST_KEYS = {"trusted": "trusted", "authserv-id": "authserv_ids", "resolver": "resolvers"}
_SCALAR_KEYS = {"timeout": float, "budget": float, "skew": int, "helo": str, "offline": bool}


def apply_config(settings: Settings, config: dict[str, Any]) -> None:
    """Config values come first; command-line lists add to them, command-line scalars override."""
    for key, value in config.items():
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"config: {key} must be a list of strings")
            getattr(settings, _LIST_KEYS[key])[:0] = value
        elif key in _SCALAR_KEYS:
            kind = _SCALAR_KEYS[key]
            if not isinstance(value, kind) and not (kind is float and isinstance(value, int)):
                raise SettingsError(f"config: {key} must be {kind.__name__}")
            setattr(settings, key, kind(value))
        else:
            raise SettingsError(f"config: unknown key {key!r}")


def mta_from_environment(env: dict[str, str]) -> MtaEvidence | None:
    """Postfix's pipe(8) exports what it saw; only the filter reads these."""
    names = ("CLIENT_ADDRESS", "CLIENT_HELO", "SENDER")
    if not any(env.get(n) for n in names):
        return None
    return MtaEvidence(env.get("CLIENT_ADDRESS") or None, env.get("CLIENT_HELO") or None, env.get("SENDER"))


def settings_from_params(params: dict[str, Any]) -> Settings:
    """Command-line parameters (+ the config file) → Settings; raises SettingsError. The one set of
    rules for both the click commands and the filter's click-free fast path."""
    settings = Settings()
    apply_config(settings, load_config(params.get("config_path")))
    settings.trusted += params.get("trusted", ())
    settings.authserv_ids += params.get("authserv_ids", ())
    settings.resolvers += params.get("resolvers", ())
    settings.probes += params.get("probes", ())
    if params.get("now_text"):
        settings.now = parse_now(params["now_text"])
    for key in ("timeout", "budget", "skew", "helo", "probe_limit"):
        if params.get(key) is not None:
            setattr(settings, key, params[key])
    for key in ("offline", "resolve_urls", "debug", "probe_private"):
        if params.get(key):
            setattr(settings, key, True)
    settings.dns_record = params.get("dns_record")
    settings.dns_replay = params.get("dns_replay")
    settings.smtp_port = params.get("smtp_port", 25)
    return settings


def build_context(settings: Settings, mta: MtaEvidence | None = None) -> Context:
    import socket

    from mailcheck.lookup.contract import make_dns

    dns = make_dns(
        offline=settings.offline,
        resolvers=settings.resolvers,
        timeout=settings.timeout,
        budget=settings.budget,
        record=settings.dns_record,
        replay=settings.dns_replay,
    )
    return Context(
        trusted=tuple(settings.trusted),
        authserv_ids=tuple(settings.authserv_ids),
        dns=dns,
        offline=settings.offline,
        now=settings.now,
        skew_seconds=settings.skew,
        mta=mta,
        probes=frozenset(settings.probes),
        # Our HELO name is looked up once per run, and only when a probe may need it.
        helo=settings.helo or (socket.getfqdn() if settings.probes else None),
        smtp_port=settings.smtp_port,
        probe_limit=settings.probe_limit,
        probe_private=settings.probe_private,
        # probe_cache: a fresh one per Context, i.e. per run (see mailcheck/probe_cache.py)
        resolve_urls=settings.resolve_urls,
        debug=settings.debug,
    )
