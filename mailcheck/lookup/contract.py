"""The one way mailcheck reaches DNS: answers as values, failures told apart from negative answers.

Checks see only DnsClient.query(name, type) -> DnsAnswer. make_dns() builds the client a run uses:
OfflineDns (--offline), ReplayDns (--dns-replay, see dnsrecord.py) or the dnspython-backed Resolver
(resolver.py: cache, per-lookup timeout, per-message budget). Wrap each message's analysis in
message_budget(client) so the budget restarts and the per-message counts are kept.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mailcheck.lookup.resolver import Resolver


class DnsStatus(str, Enum):
    OK = "ok"
    NXDOMAIN = "nxdomain"  # the name does not exist: an answer
    NODATA = "nodata"  # the name exists without records of this type: an answer
    TIMEOUT = "timeout"  # failures from here on: never evidence of forgery
    SERVFAIL = "servfail"
    REFUSED = "refused"
    OFFLINE = "offline"  # --offline, or --dns-replay without this question
    BUDGET = "budget-exhausted"  # the per-message time budget ran out
    ERROR = "error"


ANSWERED = frozenset({DnsStatus.OK, DnsStatus.NXDOMAIN, DnsStatus.NODATA})


@dataclass(frozen=True)
class DnsAnswer:
    """One question's outcome. records hold text forms: A/AAAA addresses, "10 mx.example.com" for MX,
    TXT strings joined without separator, names without the trailing dot."""

    name: str
    rdtype: str
    status: DnsStatus
    records: tuple[str, ...] = ()
    detail: str = ""  # e.g. which server timed out

    @property
    def answered(self) -> bool:
        return self.status in ANSWERED

    def describe(self) -> str:
        """Evidence text: 'MX example.com: 10 mx.example.com' or 'TXT x.example: NXDOMAIN'."""
        if self.status is DnsStatus.OK:
            shown = "; ".join(self.records[:4]) + (" …" if len(self.records) > 4 else "")
            return f"{self.rdtype} {self.name}: {shown}"
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.rdtype} {self.name}: {self.status.value.upper()}{extra}"


class DnsClient(Protocol):
    def query(self, name: str, rdtype: str) -> DnsAnswer: ...


def normalise_name(name: str) -> str:
    return name.rstrip(".").lower()


class StaticDns:
    """An in-memory zone for unit tests: {(name, TYPE): [records]}; unknown names are NXDOMAIN,
    known names without the asked type NODATA (RFC 8020 semantics, needed for SPF/DMARC)."""

    def __init__(self, zone: dict[tuple[str, str], list[str]], fail: dict[str, DnsStatus] | None = None):
        self._zone = {(normalise_name(n), t.upper()): tuple(r) for (n, t), r in zone.items()}
        self._names = {n for n, _ in self._zone}
        self._fail = {normalise_name(n): s for n, s in (fail or {}).items()}

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        key = normalise_name(name)
        rdtype = rdtype.upper()
        if key in self._fail:
            return DnsAnswer(key, rdtype, self._fail[key])
        records = self._zone.get((key, rdtype))
        if records:
            return DnsAnswer(key, rdtype, DnsStatus.OK, records)
        exists = key in self._names or any(n.endswith("." + key) for n in self._names)
        return DnsAnswer(key, rdtype, DnsStatus.NODATA if exists else DnsStatus.NXDOMAIN)


class OfflineDns:
    """--offline: every question is answered OFFLINE, so every DNS field reads 'not run'."""

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        return DnsAnswer(normalise_name(name), rdtype.upper(), DnsStatus.OFFLINE)


# -- per-message budget and counts ------------------------------------------------------------


@dataclass
class MessageDns:
    """DNS use while one message is analysed: the time budget and how questions were answered."""

    budget: float | None  # seconds of DNS this message may spend; None = unlimited
    started: float  # time.monotonic() when the message began
    asked: int = 0  # questions the checks asked
    sent: int = 0  # questions that went to a server (the rest came from the cache or a replay file)
    refused: int = 0  # questions not asked because the budget was spent

    def remaining(self) -> float | None:
        if self.budget is None:
            return None
        return self.budget - (time.monotonic() - self.started)


@dataclass
class RunDns:
    """DNS use over a whole run (every message): for "queries per message before/after caching"."""

    messages: int = 0
    asked: int = 0
    sent: int = 0
    cache_hits: int = 0


# The message being analysed in this thread/task. A ContextVar, not an attribute of the client,
# because one client is shared by every message of a run (and by threads, if a run uses them).
_CURRENT: ContextVar[MessageDns | None] = ContextVar("mailcheck_message_dns", default=None)


def current_message() -> MessageDns | None:
    return _CURRENT.get()


@contextmanager
def message_budget(client: DnsClient, budget: float | None = None) -> Iterator[MessageDns]:
    """Analyse one message inside this: DNS time starts counting from here (budget: seconds, default
    the client's own --budget), and the yielded MessageDns counts the questions of this message.
    Nested use (the CLI and analyze() both wrapping) keeps the outer message's budget and counts."""
    outer = _CURRENT.get()
    if outer is not None:
        yield outer
        return
    if budget is None:
        budget = getattr(client, "budget", None)
    state = MessageDns(budget, time.monotonic())
    token = _CURRENT.set(state)
    try:
        yield state
    finally:
        _CURRENT.reset(token)
        run = getattr(client, "stats", None)
        if isinstance(run, RunDns):
            run.messages += 1


def budget_answer(name: str, rdtype: str, state: MessageDns) -> DnsAnswer:
    state.refused += 1
    return DnsAnswer(name, rdtype, DnsStatus.BUDGET,
                     detail=f"not asked: this message's DNS budget of {state.budget:g} s is spent")


# -- the run's client ---------------------------------------------------------------------------


def parse_resolver(text: str) -> tuple[str, int]:
    """--resolver IP[:PORT]: '192.0.2.1', '192.0.2.1:5353', '2001:db8::1', '[2001:db8::1]:5353'."""
    text = text.strip()
    host, port = text, "53"
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"--resolver {text!r}: expected [IPv6]:PORT")
        port = rest[1:] or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError as exc:
        raise ValueError(f"--resolver {text!r}: {host!r} is not an IP address") from exc
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--resolver {text!r}: {port!r} is not a port number")
    return address, int(port)


DEFAULT_TIMEOUT = 3.0  # seconds per lookup
DEFAULT_BUDGET = 10.0  # seconds of DNS per message


def make_dns(offline: bool, resolvers: list[str], timeout: float = DEFAULT_TIMEOUT,
             budget: float = DEFAULT_BUDGET, record: Path | None = None,
             replay: Path | None = None) -> DnsClient:
    """The client a run uses. offline wins over everything; replay answers only from its file
    (and may itself be recorded again); otherwise the dnspython Resolver. Raises ValueError for a
    bad --resolver or an unreadable replay file (the CLI's usage error). Call close_dns() at the end."""
    if offline:
        return OfflineDns()
    from mailcheck.lookup.record import Recorder, ReplayDns

    if replay is not None:
        client = ReplayDns(replay)  # read before the record file is opened: they may be one file
        if record is not None:
            client.recorder = Recorder(record)
        return client
    from mailcheck.lookup.resolver import Resolver

    servers = [parse_resolver(r) for r in resolvers]
    recorder = Recorder(record) if record is not None else None
    return Resolver(servers or None, timeout=timeout, budget=budget, recorder=recorder)


def close_dns(client: DnsClient) -> None:
    """End of run: writes the --dns-record file in its final sorted form."""
    close = getattr(client, "close", None)
    if callable(close):
        close()


def dns_stats(client: DnsClient) -> RunDns | None:
    """Counts for the run, when the client keeps them (Resolver, ReplayDns)."""
    stats = getattr(client, "stats", None)
    return stats if isinstance(stats, RunDns) else None


def __getattr__(name: str) -> type[Resolver]:
    # `from mailcheck.lookup.contract import Resolver` without importing dnspython until it is used.
    if name == "Resolver":
        from mailcheck.lookup.resolver import Resolver

        return Resolver
    raise AttributeError(name)
