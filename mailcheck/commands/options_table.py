"""The analysis options, declared once: click's options, the filter's fast parser and the config keys come from here.

Click-free on purpose: the filter reads its command line from this table without importing click
(procmail starts one process per message). Each row says how the option is spelled, what it is
called in the parameters both parsers hand to `settings_from_params`, which Settings field it sets,
and whether the TOML config file may set it too (under the option's own name without the dashes).
"""

from __future__ import annotations

from typing import Literal

from mailcheck.value_types import NamedTuple

# How the command line reads the option's value:
#   flag           no value; present → True
#   str, float, int
#   timestamp      text on the command line; settings.parse_now reads it (so both parsers fail alike)
#   path           a file name (click.Path(dir_okay=False))
#   existing-path  a file that must exist (click.Path(exists=True, dir_okay=False))
#   choice         one of `choices`
Kind = Literal["flag", "str", "float", "int", "timestamp", "path", "existing-path", "choice"]


class OptionSpec(NamedTuple):
    """One analysis option, as every parser and the config file see it. (A NamedTuple, not a dataclass:
    it is built on every filter start, where a dataclass costs ~0.6 ms more.)"""

    flag: str  # "--authserv-id"
    dest: str  # the parameter name click passes (and the fast parser too): "authserv_ids"
    kind: Kind
    help: str
    setting: str | None  # the Settings field it sets; None for options that are no setting (--config)
    repeatable: bool = False  # may be given again; the values collect in a list
    metavar: str | None = None
    choices: tuple[str, ...] = ()
    default: int | None = None  # a default click shows in --help (only --smtp-port has one)
    in_config: bool = False  # the config file may set it, under the key `config_key`
    # The values a number (float, int; a timestamp as Unix seconds) may take, from the command line and
    # the config file alike; settings.checked_number refuses the rest, and every non-finite value, once.
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False  # the minimum itself is refused (a zero timeout or budget means nothing)

    @property
    def config_key(self) -> str:
        """The TOML key: the option's name without its dashes ("authserv-id")."""
        return self.flag[2:]


PROBES = ("responsive", "callout")
# 9999-12-31T23:59:59Z in Unix seconds: the last moment a datetime can hold, so --now stays in its range.
LAST_MOMENT = 253_402_300_799

ANALYSIS_OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("--trusted", "trusted", "str", "Also trust hops from/by this network or host (repeatable).",
               "trusted", repeatable=True, metavar="CIDR|HOST", in_config=True),
    OptionSpec("--authserv-id", "authserv_ids", "str",
               "An authserv-id your own servers write in Authentication-Results (repeatable).",
               "authserv_ids", repeatable=True, metavar="ID", in_config=True),
    OptionSpec("--provider", "provider", "str",
               "Receiving-provider profile: auto (recognise Microsoft 365, Google, Yahoo, iCloud, Proton, "
               "Fastmail, Zoho from the top hops), none, or names, comma-separated (a gateway in front: "
               "microsoft365,proofpoint).",
               "provider", metavar="auto|none|NAME[,NAME]", in_config=True),
    OptionSpec("--offline", "offline", "flag", "No DNS at all: DNS-backed fields say 'not run'.",
               "offline", in_config=True),
    OptionSpec("--resolver", "resolvers", "str", "DNS resolver to use (repeatable; default: the system's).",
               "resolvers", repeatable=True, metavar="IP[:PORT]", in_config=True),
    OptionSpec("--timeout", "timeout", "float", "Seconds per DNS lookup (default 3).", "timeout", in_config=True,
               minimum=0, maximum=60, exclusive_minimum=True),
    OptionSpec("--budget", "budget", "float",
               "Seconds one message's analysis may take (default 10), DNS 80% of them; in scan, seconds of DNS "
               "per message (--message-timeout bounds the whole analysis).", "budget", in_config=True,
               minimum=0, maximum=3600, exclusive_minimum=True),
    OptionSpec("--dns-record", "dns_record", "path", "Write every DNS answer used to this file.", "dns_record"),
    OptionSpec("--dns-replay", "dns_replay", "existing-path",
               "Answer DNS only from a file written by --dns-record.", "dns_replay"),
    OptionSpec("--now", "now_text", "timestamp", "Clock for expiry checks: Unix seconds or ISO 8601.", "now",
               metavar="TIMESTAMP", minimum=0, maximum=LAST_MOMENT),
    OptionSpec("--skew", "skew", "int", "Clock-skew allowance, seconds (600).", "skew", in_config=True,
               minimum=0, maximum=86400),
    OptionSpec("--resolve-urls", "resolve_urls", "flag",
               "Look up link hosts (off by default: a lookup can tip off the sender).", "resolve_urls"),
    OptionSpec("--probe", "probes", "choice",
               "Opt-in: connect to the envelope sender's mail server, a third party's chosen by whoever wrote "
               "the message (it sees your IP and learns the message was examined). 'responsive': greeting, "
               "EHLO, QUIT. 'callout': also asks whether the sender's address exists (RCPT; never DATA), which "
               "many operators consider abusive and block. One connection per domain per run, at most 20 "
               "domains. See README.",
               "probes", repeatable=True, choices=PROBES),
    OptionSpec("--helo", "helo", "str",
               "Our EHLO name in probes (default: this host's FQDN; many servers refuse 'localhost').", "helo",
               metavar="NAME", in_config=True),
    OptionSpec("--smtp-port", "smtp_port", "int", "Port for probes (tests and unusual setups).", "smtp_port",
               default=25, minimum=1, maximum=65535),
    OptionSpec("--probe-limit", "probe_limit", "int", "At most this many SMTP probes per run (default 20).",
               "probe_limit", minimum=0),
    OptionSpec("--probe-private", "probe_private", "flag",
               "Let probes connect to loopback/private addresses (a message chooses the MX, so by default "
               "they are never contacted).", "probe_private"),
    OptionSpec("--config", "config_path", "path", "TOML config file (default ~/.config/mailcheck/config.toml).",
               None),
    OptionSpec("--debug", "debug", "flag", "Re-raise errors inside checks (for developers).", "debug"),
)

# A command's own number options (not analysis settings), checked by the same rule: common.checked_option.
MESSAGE_TIMEOUT = OptionSpec("--message-timeout", "message_timeout", "float",
                             "Seconds one message's analysis may take before it is stopped (0: no limit).", None,
                             default=60, minimum=0, maximum=86400)

BY_FLAG: dict[str, OptionSpec] = {spec.flag: spec for spec in ANALYSIS_OPTIONS}
CONFIG_KEYS: dict[str, OptionSpec] = {spec.config_key: spec for spec in ANALYSIS_OPTIONS if spec.in_config}
