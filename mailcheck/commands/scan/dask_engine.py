"""`scan --engine dask`: the scan on a dask.distributed cluster, an existing one (--scheduler) or a LocalCluster.

Design (the reading is in ranges.py, the workers' side in dask_tasks.py):
- The client lists folders and measures files, never reads them: files of more than `range_bytes`
  are cut into byte ranges, smaller ones go in lists of up to `chunk` files. Workers count each unit's
  records first (a fast pass), then, once the counts of everything before a unit under its PATH are
  known, read and analyse it; so every record carries the number and name the built-in engine gives it.
- Outcomes come back in input order (at most 2 analysis tasks per worker thread in flight, so the
  client's memory stays flat), or with --unordered as they finish.
- DNS: each worker thread has its own cache; the answers they used come back with the outcomes and the
  client writes the one --dns-record file; a --dns-replay file is sent to every worker with the tasks.
- Probes are refused on this engine (cli.py): their one-per-domain limit and --probe-limit hold within
  one machine's shared store, not across a cluster.
- A worker that dies: the scheduler gives its tasks to other workers. A task that killed workers
  too often (the scheduler's allowed-failures: once more for the cluster started here) fails with
  KilledWorker; its messages are then analysed one per task, and a message whose task is killed
  that way too, and again when it is run once more on its own (the scheduler blames every task a
  dead worker held, so an innocent neighbour can be blamed once), becomes an error record.
"""

from __future__ import annotations

import importlib
import logging
import os
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mailcheck.commands.scan import dask_tasks
from mailcheck.commands.scan.ranges import Counted, FileList, Range, cut, slices
from mailcheck.commands.scan.remote_units import RemoteFiles  # imports no fsspec: that waits for a URL
from mailcheck.commands.scan.sources import walk_files
from mailcheck.commands.scan.tally import Outcome
from mailcheck.commands.scan.totals import ChunkTotals
from mailcheck.commands.scan.urls import is_imap_url, is_url
from mailcheck.commands.scan.worker import Job, failed_outcome
from mailcheck.lookup.factory import check_dns_options

if TYPE_CHECKING:
    from mailcheck.lookup.record import Recorder

# dask.distributed is not typed throughout: its objects are Any here.
Client = Any
Future = Any

RANGE_BYTES = 4 << 20
MIN_RANGE = 64 << 10
FILES_PER_TASK = 32
KILLED = "the analysis killed its worker process twice (a crash outside Python, or out of memory)"
INSTALL = "--engine dask needs Dask: pip install 'mailcheck[dask]'"

# A unit before its count: an mbox candidate's ranges, or a list of local files or of a URL's objects.
Unit = tuple[Range, list[Range]] | FileList | RemoteFiles


class DaskScanner(ChunkTotals):
    """Runs a scan on Dask: `for outcome in scanner.run_paths(paths)`, then close() (or abort())."""

    def __init__(self, job: Job, jobs: int, scheduler: str | None = None, unordered: bool = False,
                 chunk: int = FILES_PER_TASK, range_bytes: int | None = None,
                 storage: dict[str, Any] | None = None) -> None:
        try:
            import distributed  # noqa: F401  (only to say what is missing now, before any work)
        except ImportError as exc:
            raise ValueError(INSTALL) from exc
        self.job, self.jobs, self.scheduler, self.unordered = job, max(jobs, 1), scheduler, unordered
        self.chunk = max(chunk, 1)
        self.range_bytes = range_bytes
        self.storage = storage or {}  # fsspec options for PATHs that are URLs
        self.dns_counts: dict[str, int] = {}
        self.resolver: dict[str, Any] | None = None
        self.workers_used = 0
        self._client: Client | None = None
        self._cluster: Any = None
        self._recorder: Recorder | None = None
        self._next_index: dict[str, int] = {}  # per PATH: the number its next record takes
        settings = job.settings
        check_dns_options(settings.offline, settings.resolvers, settings.dns_replay)
        replay = None
        if settings.dns_replay is not None:
            try:
                replay = settings.dns_replay.read_bytes()
            except OSError as exc:
                raise ValueError(f"--dns-replay {settings.dns_replay}: {exc}") from exc
        self._run = dask_tasks.RunJob(job, uuid.uuid4().hex, replay)
        if settings.dns_record is not None:
            from mailcheck.lookup.record import Recorder

            self._recorder = Recorder(settings.dns_record)

    # -- public ----------------------------------------------------------------------------------

    def run_paths(self, paths: Iterable[str]) -> Iterator[Outcome]:
        paths = list(paths)
        client = self._connect()
        threads = max(sum(client.nthreads().values()), 1)
        self.workers_used = len(client.nthreads())
        every = self.range_bytes or _range_size(paths, threads, self.storage)
        tasks = self._counted(self._units(paths, every), 4 * threads)
        yield from self._analysed(tasks, 2 * threads)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        if self._recorder is not None:
            self._recorder.close()

    def abort(self) -> bool:
        """Ctrl-C: stop now, keeping what was recorded (the cluster cancels the tasks of a closed client)."""
        self.close()
        return True

    # -- the cluster -----------------------------------------------------------------------------

    def _connect(self) -> Client:
        dask: Any = importlib.import_module("dask")
        distributed: Any = importlib.import_module("distributed")

        if self.scheduler is not None:
            try:
                self._client = distributed.Client(self.scheduler, timeout=30)
            except OSError as exc:
                raise ValueError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from exc
            return self._client
        # One retry for a task whose worker died: a message that kills two workers is the culprit.
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
            self._cluster = distributed.LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
        self._client = distributed.Client(self._cluster)
        return self._client

    def _submit(self, func: Any, *args: Any) -> Future:
        assert self._client is not None
        return self._client.submit(func, *args, pure=False)

    # -- planning and counting -------------------------------------------------------------------

    def _units(self, paths: list[str], every: int) -> Iterator[Unit]:
        for path in paths:
            if is_url(path):
                from mailcheck.commands.scan import remote_units

                yield from remote_units.units(path, self.storage, every, self.chunk)
            elif os.path.isdir(path):
                yield from self._folder_units(path, every)
            else:
                yield _ranges(path, path, every, regular_only=False)

    def _folder_units(self, source: str, every: int) -> Iterator[Unit]:
        batch: list[tuple[str, str]] = []
        for path, kind in walk_files(source):
            size = _size(path) if kind == "file" else 0
            if size > 2 * every:  # a large file may be an mbox: cut it in ranges
                if batch:
                    yield FileList(source, tuple(batch))
                    batch = []
                yield _ranges(source, path, every, regular_only=True)
                continue
            batch.append((path, kind))
            if len(batch) >= self.chunk:
                yield FileList(source, tuple(batch))
                batch = []
        if batch:
            yield FileList(source, tuple(batch))

    def _count(self, unit: Unit) -> list[Future]:
        if isinstance(unit, tuple):
            return [self._submit(dask_tasks.count_range, part) for part in unit[1]]
        return [self._submit(dask_tasks.count_files, unit)]

    def _counted(self, units: Iterator[Unit], ahead: int) -> Iterator[tuple[dask_tasks.Task, int]]:
        """(task, items it yields) in input order, numbered: the counting runs `ahead` units in front."""
        window: deque[tuple[Unit, list[Future]]] = deque()
        for unit in units:
            window.append((unit, self._count(unit)))
            while len(window) > ahead:
                yield from self._numbered(*window.popleft())
        while window:
            yield from self._numbered(*window.popleft())

    def _numbered(self, unit: Unit, futures: list[Future]) -> Iterator[tuple[dask_tasks.Task, int]]:
        results = [future.result() for future in futures]
        if isinstance(unit, tuple):
            counts: list[Counted] = results
            first, _ = unit
            if counts[0].mbox:
                index = self._next_index.get(first.source, 0)
                found = slices(first, counts, index)
                self._next_index[first.source] = index + sum(c.separators for c in counts)
                for part in found:
                    yield part, part.count
                return
            # Not an mbox after all (or not readable): one file, read as sources.py (or remote.py) reads it.
            if first.storage is not None:
                from mailcheck.commands.scan.remote_units import not_an_mbox

                unit = not_an_mbox(first)
            else:
                unit = FileList(first.source, ((first.path, "top" if not first.regular_only else "file"),))
            results = [self._submit(dask_tasks.count_files, unit).result()]
        numbered, produced = results[0]
        index = self._next_index.get(unit.source, 0)
        self._next_index[unit.source] = index + numbered
        yield replace(unit, index=index), produced

    # -- analysis --------------------------------------------------------------------------------

    def _analysed(self, tasks: Iterator[tuple[dask_tasks.Task, int]], limit: int) -> Iterator[Outcome]:
        if self.unordered:
            yield from self._as_finished(tasks, limit)
            return
        window: deque[tuple[dask_tasks.Task, int, Future]] = deque()
        for task, produced in tasks:
            window.append((task, produced, self._submit(dask_tasks.analyse, self._run, task)))
            while len(window) >= limit:
                yield from self._collect(*window.popleft())
        while window:
            yield from self._collect(*window.popleft())

    def _as_finished(self, tasks: Iterator[tuple[dask_tasks.Task, int]], limit: int) -> Iterator[Outcome]:
        distributed: Any = importlib.import_module("distributed")

        running: dict[Any, tuple[dask_tasks.Task, int, Future]] = {}
        finished = distributed.as_completed()
        for task, produced in tasks:
            future = self._submit(dask_tasks.analyse, self._run, task)
            running[future.key] = (task, produced, future)
            finished.add(future)
            while len(running) >= limit:
                yield from self._collect(*running.pop(next(finished).key))
        for future in finished:
            yield from self._collect(*running.pop(future.key))

    def _collect(self, task: dask_tasks.Task, produced: int, future: Future) -> Iterator[Outcome]:
        try:
            result = future.result()
        except Exception:
            if self.job.settings.debug:
                raise
        else:
            yield from self._take(result)
            return
        # Its worker died (or the task failed): one message per task, so only the culprit fails.
        singles = [self._submit(dask_tasks.analyse, self._run, task, n) for n in range(produced)]
        killed: Any = importlib.import_module("distributed").KilledWorker
        for n, single in enumerate(singles):
            try:
                yield from self._take(single.result())
                continue
            except killed:
                # The scheduler counts a death against every task the dead worker held, so a message
                # queued beside the culprit can be blamed too: it is run once more, on its own.
                retried = self._submit(dask_tasks.analyse, self._run, task, n)
                try:
                    yield from self._take(retried.result())
                    continue
                except Exception as exc:
                    why = KILLED if isinstance(exc, killed) else f"the analysis failed on a worker: {exc}"
            except Exception as exc:
                why = f"the analysis failed on a worker: {exc}"
            item = self._submit(dask_tasks.describe, task, n).result()
            yield failed_outcome(item, why, self.job.lines)


def dask_scanner(job: Job, paths: Iterable[str], jobs: int, scheduler: str | None, unordered: bool,
                 chunk: int | None, storage: dict[str, Any] | None = None) -> DaskScanner:
    """The engine for scan's options; ValueError (a usage error) for what it cannot do."""
    if job.settings.probes:
        raise ValueError("--probe is not available with --engine dask: one probe per domain and --probe-limit "
                         "are kept on one machine, not across a cluster (use the built-in engine)")
    for path in paths:
        if is_url(path) and not is_imap_url(path):
            continue  # read by the workers through fsspec (remote_units.py), checked by the scan command
        if not (os.path.isdir(path) or os.path.isfile(path)):
            shown = "'-' (stdin)" if path == "-" else path
            raise ValueError(f"--engine dask reads files and folders its workers can open, not {shown}")
    return DaskScanner(job, jobs, scheduler, unordered, chunk or FILES_PER_TASK, storage=storage)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # reported when a worker reads it


def _ranges(source: str, path: str, every: int, regular_only: bool) -> tuple[Range, list[Range]]:
    parts = [Range(source, path, start, stop, regular_only) for start, stop in cut(_size(path), every)]
    return parts[0], parts


def _range_size(paths: list[str], threads: int, storage: dict[str, Any]) -> int:
    """Ranges small enough that a single file keeps every worker busy (8 per thread), within bounds."""
    sizes = [0]
    for path in paths:
        if is_url(path):
            from mailcheck.commands.scan.remote_units import url_size

            sizes.append(url_size(path, storage))
        elif not os.path.isdir(path):
            sizes.append(_size(path))
    largest = max(sizes)
    return max(MIN_RANGE, min(RANGE_BYTES, largest // (8 * threads) + 1))
