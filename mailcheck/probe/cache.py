"""The run's memory of SMTP probes: one probe per domain per run, and the per-run limit on probes.

A ProbeCache is created once per run (options.build_context puts it on the Context) and shared by
every message the run analyses, so a scan of a thousand messages from one domain talks to that
domain's server once. It is the one mutable object on the Context, on purpose: politeness towards
third parties is a property of the run, not of one message.

Within one process a lock makes it safe across threads. A run spread over several processes (scan's
worker pool) passes a shared mapping and lock instead, e.g. a multiprocessing Manager's dict() and
Lock(): the lock is held while a probe runs, so no two workers probe one domain, and the count of
probes made is the size of the shared mapping, so the limit holds for the whole run.
"""

from __future__ import annotations

import _thread  # the lock alone: threading is a start-up cost the filter does not need
from collections.abc import Callable, MutableMapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mailcheck.probe.prober import DomainProbe


class ProbeCache:
    """One DomainProbe per domain per run; the number of probes made is the number of domains probed."""

    def __init__(self, store: MutableMapping[str, DomainProbe] | None = None,
                 lock: AbstractContextManager[Any] | None = None) -> None:
        self._done: MutableMapping[str, DomainProbe] = store if store is not None else {}
        self._lock: AbstractContextManager[Any] = lock if lock is not None else _thread.allocate_lock()

    @property
    def made(self) -> int:
        return len(self._done)

    def probe(self, domain: str, limit: int,
              make: Callable[[], DomainProbe]) -> tuple[DomainProbe | None, bool]:
        """(the domain's probe, whether it was made earlier in this run); (None, False) past the limit.

        The lock is held while probing: another thread (or worker) asking about the same domain waits
        for the answer instead of opening a second connection.
        """
        with self._lock:
            known = self._done.get(domain)
            if known is not None:
                return known, True
            if len(self._done) >= limit:
                return None, False
            result = make()
            self._done[domain] = result
            return result, False
