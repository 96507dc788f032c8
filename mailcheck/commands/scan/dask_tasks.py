"""What a Dask worker runs for `scan --engine dask`: the scan's own Analyzer, one per worker thread and run.

Plain functions of plain dataclasses, so that this module imports no Dask: the worker unpickles the
task, which imports it. The analysis is worker.Analyzer's, so records are those of the built-in engine.
Each worker thread keeps its own Analyzer (a Context with its own DNS cache) for the run, since a
Context is not shared between threads. A Dask task runs outside the main thread, where SIGALRM cannot
stop it (commands/budget.py), so --message-timeout is held by a timer that raises BudgetExceeded in the
analysing thread instead: like the alarm, it takes effect at the next Python bytecode.
"""

from __future__ import annotations

import ctypes
import os
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from mailcheck.commands.budget import BudgetExceeded
from mailcheck.commands.scan.ranges import Counted, FileList, Range, Slice, count
from mailcheck.commands.scan.remote_units import RemoteFiles
from mailcheck.commands.scan.sources import Item
from mailcheck.commands.scan.worker import Analyzer, ChunkResult, Job, failed_outcome

Task = Slice | FileList | RemoteFiles
_KEEP = 16  # Analyzers kept per worker process; older runs' are closed (a long-lived cluster serves many)
_lock = threading.Lock()
_analyzers: dict[tuple[str, int], Analyzer] = {}
_replays: dict[str, Path] = {}


@dataclass(frozen=True)
class RunJob:
    """The run as every task carries it."""

    job: Job
    run: str  # a unique id of the run
    replay: bytes | None = None  # the --dns-replay file's content: the workers may not see the client's disk


def timeout_reason(seconds: float) -> str:
    return f"the analysis took longer than {seconds:g} s and was stopped"  # as worker.Analyzer.run says it


def _replay_path(run: RunJob) -> Path:
    assert run.replay is not None
    path = _replays.get(run.run)
    if path is None:
        handle, name = tempfile.mkstemp(prefix="mailcheck-replay-", suffix=".jsonl")
        with os.fdopen(handle, "wb") as out:
            out.write(run.replay)
        path = _replays[run.run] = Path(name)
    return path


def _analyzer(run: RunJob) -> Analyzer:
    key = (run.run, threading.get_ident())
    with _lock:
        found = _analyzers.get(key)
        if found is not None:
            return found
        job = run.job
        if run.replay is not None:
            job = replace(job, settings=job.settings._replace(dns_replay=_replay_path(run)))
        while len(_analyzers) >= _KEEP:
            _analyzers.pop(next(iter(_analyzers))).close()
        found = _analyzers[key] = Analyzer(job, None)
        return found


def count_range(part: Range) -> Counted:
    return count(part)


def count_files(files: FileList | RemoteFiles) -> tuple[int, int]:
    return files.count()


def _chosen(task: Task, only: int | None) -> list[Item]:
    found = list(task.items())
    return found if only is None else found[only:only + 1]


def describe(task: Task, only: int) -> Item:
    """The item without its bytes, for the error record of a message that killed its workers."""
    return replace(_chosen(task, only)[0], data=None)


def analyse(run: RunJob, task: Task, only: int | None = None) -> ChunkResult:
    """The records of a task's messages (of its message `only`, when retrying them one by one)."""
    analyzer = _analyzer(run)
    total = ChunkResult([])
    for item in _chosen(task, only):
        try:
            result = _limited(analyzer, item, run.job.message_timeout)
        except BudgetExceeded:  # the timer fired just as the analysis ended
            result = ChunkResult([failed_outcome(item, timeout_reason(run.job.message_timeout or 0), run.job.lines)])
        total.outcomes += result.outcomes
        total.dns_used += result.dns_used
        for key, value in result.dns_counts.items():
            total.dns_counts[key] = total.dns_counts.get(key, 0) + value
        total.resolver = result.resolver or total.resolver
    return total


def _set_async(thread: int, exc: type[BaseException] | None) -> None:
    # None clears an exception set but not yet raised.
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc) if exc else None)


def _limited(analyzer: Analyzer, item: Item, seconds: float | None) -> ChunkResult:
    if seconds is None:
        return analyzer.run_chunk([item])
    thread = threading.get_ident()
    guard = threading.Lock()
    done = False

    def stop() -> None:
        with guard:
            if not done:
                _set_async(thread, BudgetExceeded)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        return analyzer.run_chunk([item])  # Analyzer.run turns BudgetExceeded into the timeout's error record
    finally:
        timer.cancel()
        with guard:
            done = True
            _set_async(thread, None)
