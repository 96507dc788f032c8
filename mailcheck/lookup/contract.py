"""The one way mailcheck reaches DNS: answers as values, failures told apart from negative answers.

Checks see only DnsClient.query(name, type) -> DnsAnswer. This module is the contract and imports
no implementation: factory.make_dns() builds the client a run uses, OfflineDns (--offline),
ReplayDns (--dns-replay, record.py) or the dnspython-backed Resolver (resolver.py: cache, per-lookup
timeout, per-message budget). Wrap each message's analysis in message_budget(client) so the budget
restarts and the per-message counts are kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import Enum
from functools import cached_property
from typing import Protocol

from mailcheck.value_types import NamedTuple


class DnsStatus(str, Enum):
    OK = "ok"
    NXDOMAIN = "nxdomain"  # the name does not exist: an answer
    NODATA = "nodata"  # the name exists without records of this type: an answer
    TIMEOUT = "timeout"  # failures from here on: never evidence of forgery
    SERVFAIL = "servfail"
    REFUSED = "refused"
    OFFLINE = "offline"  # --offline, or --dns-replay without this question
    BUDGET = "budget-exhausted"  # the per-message time budget ran out
    CNAME_LOOP = "cname-loop"  # the CNAME chain loops or is longer than the resolver follows
    ERROR = "error"


ANSWERED = frozenset({DnsStatus.OK, DnsStatus.NXDOMAIN, DnsStatus.NODATA})


class DnsAnswer(NamedTuple):
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
    """What every client offers; the checks use query() only, the commands the rest."""

    @property
    def budget(self) -> float | None:
        """Seconds of DNS one message may spend (message_budget's default); None = unlimited."""
        ...

    @property
    def stats(self) -> RunDns:
        """Counts over the whole run."""
        ...

    @property
    def offline(self) -> bool:
        """True when no question can reach DNS at all (--offline): checks then say 'not run'."""
        ...

    def query(self, name: str, rdtype: str) -> DnsAnswer: ...

    def close(self) -> None:
        """End of run: writes what must be written (the --dns-record file)."""
        ...


def normalise_name(name: str) -> str:
    return name.rstrip(".").lower()


class LocalDns:
    """The rest of the DnsClient interface for clients that answer without a server (OfflineDns,
    StaticDns, test doubles): no budget, nothing to close. Subclasses write query()."""

    budget: float | None = None
    offline = False

    @cached_property
    def stats(self) -> RunDns:
        # cached_property, not __init__: subclasses need not call up to get their counts.
        return RunDns()

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing was opened."""


class WrappedDns:
    """The rest of the DnsClient interface for clients that answer through another one (the scan's shared
    cache, the resolver-honesty check): its budget, run counts, offline state and file to close are the
    inner client's. Subclasses write query()."""

    def __init__(self, inner: DnsClient) -> None:
        self.inner = inner

    @property
    def budget(self) -> float | None:
        return self.inner.budget

    @property
    def stats(self) -> RunDns:
        return self.inner.stats

    @property
    def offline(self) -> bool:
        return self.inner.offline

    def close(self) -> None:
        self.inner.close()

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        return self.inner.query(name, rdtype)


class StaticDns(LocalDns):
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


class OfflineDns(LocalDns):
    """--offline: every question is answered OFFLINE, so every DNS field reads 'not run'."""

    offline = True

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        return DnsAnswer(normalise_name(name), rdtype.upper(), DnsStatus.OFFLINE)


# -- per-message budget and counts ------------------------------------------------------------


class MessageDns:
    """DNS use while one message is analysed: the time budget and how questions were answered."""

    __slots__ = ("asked", "budget", "refused", "sent", "started")

    def __init__(self, budget: float | None, started: float) -> None:
        self.budget = budget  # seconds of DNS this message may spend; None = unlimited
        self.started = started  # time.monotonic() when the message began
        self.asked = 0  # questions the checks asked
        self.sent = 0  # questions that went to a server (the rest came from the cache or a replay file)
        self.refused = 0  # questions not asked because the budget was spent

    def remaining(self) -> float | None:
        if self.budget is None:
            return None
        return self.budget - (time.monotonic() - self.started)


class RunDns:
    """DNS use over a whole run (every message): for "queries per message before/after caching"."""

    __slots__ = ("asked", "cache_hits", "messages", "sent")

    def __init__(self) -> None:
        self.messages = 0
        self.asked = 0
        self.sent = 0
        self.cache_hits = 0


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
        budget = client.budget
    state = MessageDns(budget, time.monotonic())
    token = _CURRENT.set(state)
    try:
        yield state
    finally:
        _CURRENT.reset(token)
        client.stats.messages += 1


def budget_answer(name: str, rdtype: str, state: MessageDns) -> DnsAnswer:
    state.refused += 1
    return DnsAnswer(name, rdtype, DnsStatus.BUDGET,
                     detail=f"not asked: this message's DNS budget of {state.budget:g} s is spent")
