"""One DNS cache for a whole scan: every worker process asks it before it asks a server.

The Resolver's own cache (resolver.py) lives in one process, so with --jobs N each worker would ask
the servers the same questions again. ScanDns wraps a worker's client: a question is looked up in
the worker's own dict, then in a dict all workers share (a multiprocessing manager's dict: one round
trip over a local socket, ~0.1 ms, paid only when the worker has not seen the question yet), and only
then sent to a server; the answer goes into both. Two workers may still ask the same new question
at the same moment; that costs one duplicate lookup, never a wrong answer. Budget-cut and offline
outcomes are not shared: they describe one message, not DNS. Answers are plain NamedTuples,
so they pickle cheaply.

ScanDns also keeps the answers this worker used, for the parent's --dns-record file (a single
writer: workers must not each truncate and rewrite the same file).
"""

from __future__ import annotations

from collections.abc import MutableMapping

from mailcheck.lookup.contract import (
    DnsAnswer,
    DnsClient,
    DnsStatus,
    WrappedDns,
    current_message,
    normalise_name,
)

Key = tuple[str, str]
_NOT_SHARED = frozenset({DnsStatus.BUDGET, DnsStatus.OFFLINE})


class ShareCounts:
    """How this process's questions were answered (differences are sent to the parent)."""

    __slots__ = ("asked", "forwarded", "local", "shared")

    def __init__(self) -> None:
        self.asked = 0
        self.local = 0  # answered from this worker's own dict
        self.shared = 0  # answered from the run's shared dict (another worker asked first)
        self.forwarded = 0  # handed to the worker's client (its cache, a replay file or a server)


class ScanDns(WrappedDns):
    """A DnsClient in front of `inner`, sharing answers through `shared` (None: this process only)."""

    def __init__(self, inner: DnsClient, shared: MutableMapping[Key, DnsAnswer] | None,
                 record: bool = False) -> None:
        super().__init__(inner)
        self.counts = ShareCounts()
        self._shared = shared
        self._local: dict[Key, DnsAnswer] = {}
        self._record = record
        self._used: list[DnsAnswer] = []  # for --dns-record, not yet sent to the parent
        self._reported: set[Key] = set()


    def query(self, name: str, rdtype: str) -> DnsAnswer:
        key = (normalise_name(name), rdtype.upper())
        self.counts.asked += 1
        answer = self._local.get(key)
        if answer is not None:
            self.counts.local += 1
        elif self._shared is not None and (answer := self._shared.get(key)) is not None:
            self.counts.shared += 1
            self._local[key] = answer
        if answer is not None:
            message = current_message()
            if message is not None:
                message.asked += 1  # the inner client counts only the questions it sees
        else:
            self.counts.forwarded += 1
            answer = self.inner.query(name, rdtype)
            if answer.status not in _NOT_SHARED:
                self._local[key] = answer
                if self._shared is not None:
                    self._shared[key] = answer
        if self._record and answer.status not in _NOT_SHARED and key not in self._reported:
            self._reported.add(key)
            self._used.append(answer)
        return answer

    def take_used(self) -> list[DnsAnswer]:
        """Answers used since the last call (each question once per process), for --dns-record."""
        used, self._used = self._used, []
        return used
