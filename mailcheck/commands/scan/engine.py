"""The scan engine's parent side: messages in chunks to worker processes, outcomes back in input order.

Design (measured in benchmarks/run.py):
- The parent only splits the input (sources.py) and writes results; workers (worker.py) parse,
  analyse and serialise, and send back a small Outcome holding the finished JSON line, so nothing
  large is pickled twice and the parent does little per message.
- Chunks of up to `chunk` messages (or ~2 MiB) go to a ProcessPoolExecutor; at most 2 chunks per
  worker are in flight, so reading never runs ahead of the analysis and memory stays flat however
  large the archive (Pool.imap would read the whole input into its task queue).
- Outcomes come back in input order (chunks are collected first-in, first-out).
- --jobs 1, or an input smaller than two chunks, runs in this process: no pool to start.
- One DNS cache per run: shared_cache.ScanDns in every worker, sharing answers through a manager dict.
- A message that kills its worker process (a crash in C code, the kernel's OOM killer) breaks the
  pool: the pool is restarted and that chunk's messages are retried one by one, so only the culprit
  becomes an error.
- Ctrl-C reaches the parent only (workers ignore SIGINT), which winds the workers down (abort()).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator, MutableMapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from mailcheck.commands.scan.sources import Item
from mailcheck.commands.scan.tally import Outcome
from mailcheck.commands.scan.totals import ChunkTotals
from mailcheck.commands.scan.worker import (
    Analyzer,
    ChunkResult,
    Job,
    failed_outcome,
    ignore_sigint,
    init_worker,
    work,
)
from mailcheck.lookup.factory import check_dns_options

if TYPE_CHECKING:
    from multiprocessing.managers import SyncManager

    from mailcheck.commands.scan.worker import ProbeStore
    from mailcheck.lookup.record import Recorder
    from mailcheck.lookup.shared_cache import Key

DEFAULT_CHUNK = 32
CHUNK_BYTES = 2 << 20


def default_jobs() -> int:
    """The cores this process may run on (not all the machine's, under taskset or a container)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def chunks(items: Iterable[Item], count: int, size: int = CHUNK_BYTES) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    held = 0
    for item in items:
        chunk.append(item)
        held += len(item.data or b"")
        if len(chunk) >= count or held >= size:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _chain(firsts: list[list[Item]], rest: Iterator[list[Item]]) -> Iterator[list[Item]]:
    yield from firsts
    yield from rest


class Scanner(ChunkTotals):
    """Runs a scan: `for outcome in scanner.run(items)`, then close() (or abort() on Ctrl-C)."""

    def __init__(self, job: Job, jobs: int, chunk: int = DEFAULT_CHUNK, start_method: str = "forkserver") -> None:
        self.job = job
        # forkserver, not fork: the parent runs threads (the progress display, the executor's own),
        # and forking a process while another thread holds a lock can deadlock the child.
        self.start_method = start_method
        self.jobs = max(jobs, 1)
        self.chunk = max(chunk, 1)
        self.dns_counts: dict[str, int] = {}
        self.resolver: dict[str, Any] | None = None  # the worst resolver check a worker reported
        self.restarts = 0
        self.workers_used = 0  # 0: the scan ran in this process
        self._recorder: Recorder | None = None
        self._manager: SyncManager | None = None
        self._shared: MutableMapping[Key, Any] | None = None
        self._probes: ProbeStore | None = None  # the workers' shared probe results, when probing
        self._pool: ProcessPoolExecutor | None = None
        self._local: Analyzer | None = None
        self._others: set[int] = set()  # child processes that are not ours, left alone by abort()
        settings = job.settings
        # A bad --resolver or --dns-replay is a usage error now, not one per worker later; checked
        # without building a client, since every process builds its own (worker.py).
        check_dns_options(settings.offline, settings.resolvers, settings.dns_replay)
        if settings.dns_record is not None:
            from mailcheck.lookup.record import Recorder

            self._recorder = Recorder(settings.dns_record)  # raises ValueError: a usage error

    # -- public ----------------------------------------------------------------------------------

    def run(self, items: Iterable[Item]) -> Iterator[Outcome]:
        pieces = chunks(items, self.chunk)
        first = next(pieces, None)
        if first is None:
            return
        if self.jobs > 1:
            second = next(pieces, None)
            if second is not None:
                yield from self._parallel(_chain([first, second], pieces))
                return
        # --jobs 1, or the whole input fits in one chunk: no pool to start.
        self._local = Analyzer(self.job, None)
        for piece in _chain([first], pieces):
            yield from self._take(self._local.run_chunk(piece))

    def close(self) -> None:
        if self._local is not None:
            self._local.close()
            self._local = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        if self._manager is not None:
            self._manager.shutdown()
            self._manager = None
        if self._recorder is not None:
            self._recorder.close()

    def abort(self, grace: float = 5.0) -> bool:
        """Ctrl-C: stop now, keeping what was recorded; True when everything wound down cleanly.

        Workers ignore SIGINT. They are sent SIGUSR1, which stops the analysis in progress (and
        every message after it), so each answers its current chunk at once and the pool shuts down
        normally. Killing them instead could cut a reply in half and leave the executor's threads
        waiting forever at exit; that is done only for a worker still busy after `grace` seconds
        (stuck in C code), and then False tells the caller to exit without waiting for them.
        """
        clean = True
        pool, self._pool = self._pool, None
        if pool is not None:
            # shutdown(wait=False) forgets the executor's manager thread, so a later
            # shutdown(wait=True) no longer waits for it: keep it to join ourselves. A manager
            # thread still running at exit races the executor's exit hook, which then writes to a
            # pipe the thread has just closed (a traceback on stderr, Python 3.11).
            manager: threading.Thread | None = getattr(pool, "_executor_manager_thread", None)
            pool.shutdown(wait=False, cancel_futures=True)
            workers = [c for c in multiprocessing.active_children()
                       if c.pid is not None and c.pid not in self._others]
            for worker in workers:
                with contextlib.suppress(OSError):
                    os.kill(worker.pid, signal.SIGUSR1)  # type: ignore[arg-type]
            if manager is not None:
                manager.join(grace)
            if manager is not None and manager.is_alive():
                clean = False
                for worker in workers:
                    worker.terminate()
        if self._manager is not None:
            self._manager.shutdown()
            self._manager = None
        if self._local is not None:
            self._local.close()
            self._local = None
        if self._recorder is not None:
            self._recorder.close()
        return clean

    # -- internals -------------------------------------------------------------------------------

    def _pool_now(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            return self._pool
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # Workers fork from a server that has imported the pipeline once (not the CLI's __main__).
            context.set_forkserver_preload(["mailcheck.commands.scan.worker", "mailcheck.pipeline", "mailcheck.checks"])
        settings = self.job.settings
        if self._manager is None and not settings.offline and settings.dns_replay is None:
            from multiprocessing.managers import SyncManager

            self._manager = SyncManager(ctx=context)
            self._manager.start(ignore_sigint)  # it must outlive Ctrl-C until abort() ends it
            self._shared = self._manager.dict()
            if settings.probes:
                self._probes = (self._manager.dict(), self._manager.Lock())
        # Whatever is our child now (the manager, anything the caller started) is not a pool worker.
        self._others |= {p.pid for p in multiprocessing.active_children() if p.pid is not None}
        self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=init_worker,
                                         initargs=(self.job, self._shared, self._probes))
        self.workers_used = self.jobs
        return self._pool

    def _parallel(self, pieces: Iterator[list[Item]]) -> Iterator[Outcome]:
        window: deque[tuple[list[Item], Future[ChunkResult], ProcessPoolExecutor]] = deque()
        for piece in pieces:
            pool = self._pool_now()
            window.append((piece, pool.submit(work, piece), pool))
            while len(window) >= 2 * self.jobs:
                yield from self._collect(*window.popleft())
        while window:
            yield from self._collect(*window.popleft())

    def _collect(self, piece: list[Item], future: Future[ChunkResult],
                 pool: ProcessPoolExecutor) -> Iterator[Outcome]:
        try:
            result = future.result()
        except BrokenProcessPool:
            self._restart(pool)
        else:
            yield from self._take(result)
            return
        # Retry one message at a time so that only a message that kills its worker fails.
        for item in piece:
            pool = self._pool_now()
            try:
                result = pool.submit(work, [item]).result()
            except BrokenProcessPool:
                self._restart(pool)
                why = "the analysis killed its worker process (a crash outside Python, or out of memory)"
                yield failed_outcome(item, why, self.job.lines)
            else:
                yield from self._take(result)

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        if self._pool is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            self.restarts += 1
