"""The scan engine: messages in chunks to worker processes, outcomes back in input order.

Design (measured in benchmarks/run.py):
- The parent only splits the input (sources.py) and writes results; workers parse, analyse and
  serialise, and send back a small Outcome holding the finished JSON line, so nothing large is
  pickled twice and the parent does little per message.
- Chunks of up to `chunk` messages (or ~2 MiB) go to a ProcessPoolExecutor; at most 2 chunks per
  worker are in flight, so reading never runs ahead of the analysis and memory stays flat however
  large the archive (Pool.imap would read the whole input into its task queue).
- Outcomes come back in input order (chunks are collected first-in, first-out).
- --jobs 1, or an input smaller than two chunks, runs in this process: no pool to start.
- One DNS cache per run: scan_dns.ScanDns in every worker, sharing answers through a manager dict.
- A message whose analysis raises becomes an "error" outcome; one that runs longer than
  `message_timeout` is stopped (SIGALRM) and becomes one too; one that kills its worker process
  (a crash in C code, the kernel's OOM killer) breaks the pool: the pool is restarted and that
  chunk's messages are retried one by one, so only the culprit becomes an error.
- Workers ignore SIGINT: Ctrl-C reaches the parent, which winds them down (abort()).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import threading
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, MutableMapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from types import FrameType
from typing import TYPE_CHECKING, Any

from mailcheck.commands.scan.sources import Item
from mailcheck.commands.scan.tally import Outcome, field_family, pattern_of

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from multiprocessing.managers import SyncManager

    from mailcheck.commands.settings import Settings
    from mailcheck.context import Context
    from mailcheck.lookup.record import Recorder
    from mailcheck.lookup.shared_cache import Key, ScanDns
    from mailcheck.model import Report
    from mailcheck.probe.prober import DomainProbe

    # A manager dict and lock that every worker's ProbeCache shares.
    ProbeStore = tuple[MutableMapping[str, DomainProbe], AbstractContextManager[Any]]

DEFAULT_CHUNK = 32
CHUNK_BYTES = 2 << 20
DEFAULT_MESSAGE_TIMEOUT = 60.0


def default_jobs() -> int:
    """The cores this process may run on (not all the machine's, under taskset or a container)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Job:
    """What every worker needs to know; pickled once per worker process."""

    settings: Settings
    lines: bool  # build the JSON record of each message
    message_timeout: float | None = DEFAULT_MESSAGE_TIMEOUT


@dataclass
class ChunkResult:
    outcomes: list[Outcome]
    dns_used: list[Any] = field(default_factory=list)  # DnsAnswers, for the parent's --dns-record
    dns_counts: dict[str, int] = field(default_factory=dict)  # differences since the last chunk


class _Overtime(BaseException):
    """Raised by SIGALRM inside an analysis; a BaseException so that `except Exception` in a check
    cannot swallow it and let the message run on."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Overtime


class _Stopped(BaseException):
    """Raised by SIGUSR1 inside a worker's analysis: the parent is winding down after Ctrl-C."""


_stopping = False  # set in a worker by SIGUSR1; its remaining messages are skipped
_analysing = False  # SIGUSR1 may raise only inside an analysis, never inside the executor's queue code


def _on_stop(signum: int, frame: FrameType | None) -> None:
    global _stopping
    _stopping = True
    if _analysing:
        raise _Stopped


def error_record(item: Item, why: str) -> dict[str, Any]:
    """The JSON record of a message that could not be read or analysed (same schema as reports)."""
    from mailcheck.reporters.json import SCHEMA

    return {"schema": SCHEMA, "source": item.name, "verdict": "error", "error": why,
            "position": item.position()}


def _line(data: dict[str, Any]) -> str:
    # ensure_ascii: untrusted text stays exact yet cannot drive a terminal (as reporters/json.py).
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


def failed_outcome(item: Item, why: str, lines: bool) -> Outcome:
    line = _line(error_record(item, why)) if lines else None
    return Outcome(item.name, item.position(), item.size, "error", why, line=line)


class Analyzer:
    """One process's analysis: a Context built once, then one message after another."""

    def __init__(self, job: Job, shared: MutableMapping[Key, Any] | None,
                 probes: ProbeStore | None = None) -> None:
        from mailcheck.commands.settings import build_context
        from mailcheck.lookup.shared_cache import ScanDns

        self.job = job
        ctx = build_context(replace(job.settings, dns_record=None))  # the parent records (scan_dns.py)
        self.dns: ScanDns = ScanDns(ctx.dns, shared, record=job.settings.dns_record is not None)
        self.ctx: Context = replace(ctx, dns=self.dns)
        if probes is not None:
            from mailcheck.probe.cache import ProbeCache

            # One probe per domain per run across all workers, and one limit for them all (issue 5).
            self.ctx = replace(self.ctx, probe_cache=ProbeCache(*probes))
        self._reported: dict[str, int] = {}
        self._timer = (job.message_timeout is not None
                       and threading.current_thread() is threading.main_thread())
        self._previous_alarm: Any = None
        if self._timer:
            self._previous_alarm = signal.signal(signal.SIGALRM, _on_alarm)

    def close(self) -> None:
        from mailcheck.lookup.contract import close_dns

        if self._timer:
            signal.signal(signal.SIGALRM, self._previous_alarm)
            self._timer = False
        close_dns(self.dns.inner)

    def run_chunk(self, items: list[Item]) -> ChunkResult:
        outcomes = []
        for item in items:
            if _stopping:
                break  # the parent discards this chunk: answer at once so the pool can shut down
            try:
                outcomes.append(self.run(item))
            except _Stopped:
                break
        return ChunkResult(outcomes, self.dns.take_used(), self._dns_counts())

    def run(self, item: Item) -> Outcome:
        if item.skipped:
            return Outcome(item.name, item.position(), item.size, "skipped", item.error or "")
        if item.error is not None or item.data is None:
            return failed_outcome(item, item.error or "no data", self.job.lines)
        try:
            report = self._analyze(item.name, item.data)
        except _Overtime:
            why = f"the analysis took longer than {self.job.message_timeout:g} s and was stopped"
            return failed_outcome(item, why, self.job.lines)
        except Exception as exc:
            if self.ctx.debug:
                raise
            where = traceback.extract_tb(exc.__traceback__)[-1]
            why = (f"the analysis failed: {exc.__class__.__name__}: {exc} "
                   f"({os.path.basename(where.filename)}:{where.lineno})")
            return failed_outcome(item, why, self.job.lines)
        return self._summarise(item, report)

    def _analyze(self, name: str, data: bytes) -> Report:
        from mailcheck.analyze import analyze
        from mailcheck.lookup.contract import message_budget

        global _analysing
        if self._timer:
            assert self.job.message_timeout is not None
            signal.setitimer(signal.ITIMER_REAL, self.job.message_timeout)
        try:
            _analysing = True
            with message_budget(self.dns):
                return analyze(data, self.ctx, name)
        finally:
            _analysing = False
            if self._timer:
                signal.setitimer(signal.ITIMER_REAL, 0)

    def _summarise(self, item: Item, report: Report) -> Outcome:
        line = None
        if self.job.lines:
            from mailcheck.reporters.json import report_dict

            record = report_dict(report)
            record["position"] = item.position()
            line = _line(record)
        labels = tuple((field_family(f.name), f.label.value) for f in report.fields)
        forged = tuple((f.check, pattern_of(f.evidence[0])) for f in report.fields if f.label.value == "forged")
        return Outcome(item.name, item.position(), item.size, report.verdict.value,
                       labels=labels, forged=forged, problems=report.errors, line=line)

    def _dns_counts(self) -> dict[str, int]:
        from mailcheck.lookup.contract import dns_stats

        counts = self.dns.counts
        now = {"asked": counts.asked, "shared": counts.shared, "forwarded": counts.forwarded}
        stats = dns_stats(self.dns.inner)
        if stats is not None:
            now["sent"] = stats.sent
        delta = {k: v - self._reported.get(k, 0) for k, v in now.items()}
        self._reported = now
        return {k: v for k, v in delta.items() if v}


# -- worker processes ---------------------------------------------------------------------------

# The worker process's Analyzer: an executor's initializer can leave state only in a module global.
_WORKER: Analyzer | None = None


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _init_worker(job: Job, shared: MutableMapping[Key, Any] | None, probes: ProbeStore | None) -> None:
    global _WORKER
    _ignore_sigint()
    signal.signal(signal.SIGUSR1, _on_stop)
    _WORKER = Analyzer(job, shared, probes)


def _work(items: list[Item]) -> ChunkResult:
    assert _WORKER is not None
    return _WORKER.run_chunk(items)


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


class Scanner:
    """Runs a scan: `for outcome in scanner.run(items)`, then close() (or abort() on Ctrl-C)."""

    def __init__(self, job: Job, jobs: int, chunk: int = DEFAULT_CHUNK, start_method: str = "forkserver") -> None:
        self.job = job
        # forkserver, not fork: the parent runs threads (the progress display, the executor's own),
        # and forking a process while another thread holds a lock can deadlock the child.
        self.start_method = start_method
        self.jobs = max(jobs, 1)
        self.chunk = max(chunk, 1)
        self.dns_counts: dict[str, int] = {}
        self.restarts = 0
        self.workers_used = 0  # 0: the scan ran in this process
        self._recorder: Recorder | None = None
        self._manager: SyncManager | None = None
        self._shared: MutableMapping[Key, Any] | None = None
        self._probes: ProbeStore | None = None  # the workers' shared probe results, when probing
        self._pool: ProcessPoolExecutor | None = None
        self._local: Analyzer | None = None
        self._others: set[int] = set()  # child processes that are not ours, left alone by abort()
        if job.settings.dns_record is not None:
            from mailcheck.lookup.record import Recorder

            self._recorder = Recorder(job.settings.dns_record)  # raises ValueError: a usage error

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
            pool.shutdown(wait=False, cancel_futures=True)
            workers = [c for c in multiprocessing.active_children()
                       if c.pid is not None and c.pid not in self._others]
            for worker in workers:
                with contextlib.suppress(OSError):
                    os.kill(worker.pid, signal.SIGUSR1)  # type: ignore[arg-type]
            waiter = threading.Thread(target=pool.shutdown, kwargs={"wait": True}, daemon=True)
            waiter.start()
            waiter.join(grace)
            if waiter.is_alive():
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

    def _take(self, result: ChunkResult) -> list[Outcome]:
        if self._recorder is not None:
            for answer in result.dns_used:
                self._recorder.add(answer)
        for key, value in result.dns_counts.items():
            self.dns_counts[key] = self.dns_counts.get(key, 0) + value
        return result.outcomes

    def _pool_now(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            return self._pool
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            # Workers fork from a server that has imported the pipeline once (not the CLI's __main__).
            context.set_forkserver_preload(["mailcheck.commands.scan.engine", "mailcheck.analyze", "mailcheck.checks"])
        settings = self.job.settings
        if self._manager is None and not settings.offline and settings.dns_replay is None:
            from multiprocessing.managers import SyncManager

            self._manager = SyncManager(ctx=context)
            self._manager.start(_ignore_sigint)  # it must outlive Ctrl-C until abort() ends it
            self._shared = self._manager.dict()
            if settings.probes:
                self._probes = (self._manager.dict(), self._manager.Lock())
        # Whatever is our child now (the manager, anything the caller started) is not a pool worker.
        self._others |= {p.pid for p in multiprocessing.active_children() if p.pid is not None}
        self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init_worker,
                                         initargs=(self.job, self._shared, self._probes))
        self.workers_used = self.jobs
        return self._pool

    def _parallel(self, pieces: Iterator[list[Item]]) -> Iterator[Outcome]:
        window: deque[tuple[list[Item], Future[ChunkResult], ProcessPoolExecutor]] = deque()
        for piece in pieces:
            pool = self._pool_now()
            window.append((piece, pool.submit(_work, piece), pool))
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
                result = pool.submit(_work, [item]).result()
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
