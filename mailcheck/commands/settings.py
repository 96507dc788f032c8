"""Command-line and config-file settings → an analysis Context (one place for both)."""

from __future__ import annotations

import errno
import math
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mailcheck.commands.options_table import ANALYSIS_OPTIONS, BY_FLAG, CONFIG_KEYS, OptionSpec
from mailcheck.context import Context, MtaEvidence
from mailcheck.lookup.contract import DnsClient
from mailcheck.probe.cache import ProbeCache

if TYPE_CHECKING:
    from pathlib import Path

CONFIG_ENV = "MAILCHECK_CONFIG"
DEFAULT_CONFIG = "~/.config/mailcheck/config.toml"


class SettingsError(ValueError):
    """A setting that cannot be used; the CLI turns it into a usage error (exit 2)."""


class Settings:
    """What a run is asked to do: one field per row of options_table.ANALYSIS_OPTIONS (a test holds
    them to each other); the defaults here are the ones --help states.

    A plain class, not a dataclass (whose import and class building a filter start would pay for):
    mutable while the settings are read, compared field by field, pickled to scan workers."""

    __slots__ = ("authserv_ids", "budget", "debug", "dns_record", "dns_replay", "helo", "now", "offline",
                 "probe_limit", "probe_private", "probes", "provider", "resolve_urls", "resolvers", "skew",
                 "smtp_port", "timeout", "trusted")

    def __init__(self, trusted: list[str] | None = None, authserv_ids: list[str] | None = None,
                 provider: str = "auto", resolvers: list[str] | None = None, offline: bool = False,
                 timeout: float = 3.0, budget: float = 10.0, dns_record: Path | None = None,
                 dns_replay: Path | None = None, now: datetime | None = None, skew: int = 600,
                 probes: list[str] | None = None, helo: str | None = None, smtp_port: int = 25,
                 probe_limit: int = 20, probe_private: bool = False, resolve_urls: bool = False,
                 debug: bool = False) -> None:
        self.trusted = [] if trusted is None else trusted
        self.authserv_ids = [] if authserv_ids is None else authserv_ids
        self.provider = provider
        self.resolvers = [] if resolvers is None else resolvers
        self.offline = offline
        self.timeout = timeout  # seconds per DNS lookup
        self.budget = budget  # seconds of DNS per message
        self.dns_record = dns_record
        self.dns_replay = dns_replay
        self.now = now
        self.skew = skew
        self.probes = [] if probes is None else probes
        self.helo = helo
        self.smtp_port = smtp_port
        self.probe_limit = probe_limit
        self.probe_private = probe_private  # let probes connect to loopback/private addresses (tests, labs)
        self.resolve_urls = resolve_urls
        self.debug = debug

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return self._values() == other._values() if isinstance(other, Settings) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable: as a dataclass with eq, not hashable

    def __repr__(self) -> str:
        return "Settings(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"

    def _replace(self, **changes: Any) -> Settings:
        """A copy with `changes` (as a NamedTuple's _replace; the lists are the same lists, as with
        dataclasses.replace)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"Settings has no field {', '.join(sorted(unknown))}")
        return Settings(**(values | changes))


def _bound(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def checked_number(spec: OptionSpec, value: float, where: str, text: str | None = None) -> float:
    """The one check of a number against its options_table row, for the command line and the config
    file alike: finite and within the row's range, else SettingsError naming `where` (the option or
    the config key; `text` is the value as written, when it was text). A nan slips through every
    comparison and an inf overflows the clocks later, so both are refused here, not deep in the run."""
    low, high = spec.minimum, spec.maximum
    finite = not isinstance(value, float) or math.isfinite(value)
    below = low is not None and (value <= low if spec.exclusive_minimum else value < low)
    if finite and not below and (high is None or value <= high):
        return value
    if spec.kind == "timestamp":
        wanted = "a moment between 1970-01-01 and 9999-12-31 UTC"
    else:
        limits = [] if low is None else [f"{'greater than' if spec.exclusive_minimum else 'at least'} {_bound(low)}"]
        limits += [] if high is None else [f"at most {_bound(high)}"]
        number = "a whole number" if spec.kind == "int" else "a finite number"
        wanted = " ".join([number, " and ".join(limits)]) if limits else number
    shown = text if text is not None else f"{value:g}" if isinstance(value, float) else str(value)
    shown = shown if len(shown) <= 40 else shown[:40] + "..."  # the error stays one short line
    raise SettingsError(f"{where} must be {wanted} (got {shown})")


def parse_now(text: str) -> datetime:
    """--now: Unix seconds or ISO 8601 (a naive time is taken as UTC), within the row's range (so the
    clock never overflows a datetime, and nan or inf never reaches one)."""
    spec = BY_FLAG["--now"]
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is not None:
        return datetime.fromtimestamp(checked_number(spec, seconds, "--now", text), tz=UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise SettingsError(f"--now: {text!r} is neither Unix seconds nor ISO 8601") from exc
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        seconds = moment.timestamp()
    except (OverflowError, ValueError):  # an offset that pushes year 1 or 9999 out of range
        seconds = math.inf
    checked_number(spec, seconds, "--now", text)
    return moment


def load_config(path: Path | None) -> dict[str, Any]:
    """The TOML config file: --config, else $MAILCHECK_CONFIG, else ~/.config/mailcheck/config.toml."""
    explicit = path is not None or CONFIG_ENV in os.environ
    if not explicit and _no_default_config():
        return {}
    from pathlib import Path  # start-up: the usual filter run, with no config file, does without pathlib

    candidate = path or Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG)).expanduser()
    if not candidate.exists():
        if explicit:
            raise SettingsError(f"config file {candidate} does not exist")
        return {}
    import tomllib  # start-up: only a run that reads a config file pays for the TOML parser

    try:
        return tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"config file {candidate}: {exc}") from exc


def _no_default_config() -> bool:
    """True when DEFAULT_CONFIG is not there, as Path(DEFAULT_CONFIG).expanduser().exists() finds; False also
    when that would raise (no home directory, an error other than "not there"), so that it does."""
    candidate = os.path.expanduser(DEFAULT_CONFIG)
    if candidate[:1] == "~":
        return False
    try:
        os.stat(candidate)
    except OSError as exc:
        return exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # pathlib's "not there"
    except ValueError:  # a NUL in the path
        return True
    return False


# What a config value must be, by the option's kind (a repeatable option takes a list of strings).
_CONFIG_TYPES: dict[str, type] = {"flag": bool, "str": str, "float": float, "int": int}


def apply_config(settings: Settings, config: dict[str, Any]) -> None:
    """Config values come first; command-line lists add to them, command-line scalars override.
    The keys are the options_table rows marked in_config, under the option's own name."""
    for key, value in config.items():
        spec = CONFIG_KEYS.get(key)
        if spec is None or spec.setting is None:
            raise SettingsError(f"config: unknown key {key!r}")
        if spec.repeatable:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"config: {key} must be a list of strings")
            getattr(settings, spec.setting)[:0] = value
            continue
        kind = _CONFIG_TYPES[spec.kind]
        # TOML's true is a Python int too; a number option does not take it
        wrong = isinstance(value, bool) and kind is not bool
        if wrong or (not isinstance(value, kind) and not (kind is float and isinstance(value, int))):
            raise SettingsError(f"config: {key} must be {kind.__name__}")
        if kind is not bool and isinstance(value, int | float):
            checked_number(spec, value, f"config: {key}")  # before float(): a huge TOML int overflows it
        setattr(settings, spec.setting, kind(value))


def mta_from_environment(env: dict[str, str]) -> MtaEvidence | None:
    """Postfix's pipe(8) exports what it saw; only the filter reads these."""
    names = ("CLIENT_ADDRESS", "CLIENT_HELO", "SENDER")
    if not any(env.get(n) for n in names):
        return None
    return MtaEvidence(env.get("CLIENT_ADDRESS") or None, env.get("CLIENT_HELO") or None, env.get("SENDER"))


def settings_from_params(params: dict[str, Any]) -> Settings:
    """Command-line parameters (+ the config file) → Settings; raises SettingsError. The one set of
    rules for both the click commands and the filter's click-free fast path, read from options_table:
    a repeatable option adds to the config file's list, a flag given sets True, a value given
    overrides (an empty --now counts as not given)."""
    settings = Settings()
    apply_config(settings, load_config(params.get("config_path")))
    for spec in ANALYSIS_OPTIONS:
        if spec.setting is None:  # --config: read above
            continue
        value = params.get(spec.dest)
        if spec.repeatable:
            getattr(settings, spec.setting).extend(value or ())
        elif spec.kind == "flag":
            if value:
                setattr(settings, spec.setting, True)
        elif spec.kind == "timestamp":
            if value:
                setattr(settings, spec.setting, parse_now(value))
        elif value is not None:
            if spec.kind in ("float", "int"):
                checked_number(spec, value, spec.flag)
            setattr(settings, spec.setting, value)
    from mailcheck.providers import select

    try:
        select(settings.provider)
    except ValueError as exc:
        raise SettingsError(f"--provider: {exc}") from exc
    return settings


def dns_client(settings: Settings) -> DnsClient:
    """The run's DNS client; ValueError for a bad --resolver or an unreadable --dns-replay/--dns-record."""
    from mailcheck.lookup.factory import make_dns

    return make_dns(
        offline=settings.offline,
        resolvers=settings.resolvers,
        timeout=settings.timeout,
        budget=settings.budget,
        record=settings.dns_record,
        replay=settings.dns_replay,
    )


def build_context(settings: Settings, mta: MtaEvidence | None = None, *, dns: DnsClient | None = None,
                  probe_cache: ProbeCache | None = None) -> Context:
    """dns, probe_cache: ones the caller shares (a scan worker's); None = this run's own, from settings."""
    import socket

    return Context(
        trusted=tuple(settings.trusted),
        authserv_ids=tuple(settings.authserv_ids),
        provider=settings.provider,
        dns=dns if dns is not None else dns_client(settings),
        now=settings.now,
        skew_seconds=settings.skew,
        mta=mta,
        probes=frozenset(settings.probes),
        # Our HELO name is looked up once per run, and only when a probe may need it.
        helo=settings.helo or (socket.getfqdn() if settings.probes else None),
        smtp_port=settings.smtp_port,
        probe_limit=settings.probe_limit,
        probe_private=settings.probe_private,
        # A fresh cache per Context, i.e. per run, unless the caller shares one (see mailcheck/probe/cache.py)
        probe_cache=probe_cache if probe_cache is not None else ProbeCache(),
        resolve_urls=settings.resolve_urls,
        debug=settings.debug,
    )
