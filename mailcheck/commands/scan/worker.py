"""The worker side of a scan: one Context per process, then chunk after chunk of messages.

Each worker process (or the parent itself, for --jobs 1 and small inputs) holds one Analyzer, whose
Context is built once, when the process starts, around a ScanDns that shares the run's DNS answers
(lookup/shared_cache.py). A message whose analysis raises becomes an "error" outcome; one that runs
longer than `message_timeout` is stopped (commands/budget.py, SIGALRM) and becomes one too. Workers ignore SIGINT: the
parent handles Ctrl-C and winds them down with SIGUSR1 (engine.py).
"""

from __future__ import annotations

import os
import signal
import traceback
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING, Any

from mailcheck.commands.budget import BudgetExceeded, time_limit
from mailcheck.commands.scan.sources import Item
from mailcheck.commands.scan.tally import Outcome, field_family, forged_fields, pattern_of
from mailcheck.context import Context
from mailcheck.model import Label
from mailcheck.parse.recognise_input import NotMail

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from mailcheck.commands.settings import Settings
    from mailcheck.lookup.shared_cache import Key, ScanDns
    from mailcheck.model import Report
    from mailcheck.probe.prober import DomainProbe
    from mailcheck.reporters.record_shape import Shape

    # A manager dict and lock that every worker's ProbeCache shares.
    ProbeStore = tuple[MutableMapping[str, DomainProbe], AbstractContextManager[Any]]

DEFAULT_MESSAGE_TIMEOUT = 60.0
_FORGED = Label.FORGED  # a module constant: reading a member off the enum class is itself slow


@dataclass(frozen=True)
class Job:
    """What every worker needs to know; pickled once per worker process."""

    settings: Settings
    lines: bool  # build the JSON record of each message
    message_timeout: float | None = DEFAULT_MESSAGE_TIMEOUT
    shape: Shape | None = None  # --fields: the parts of each record to write; None: the full record


@dataclass
class ChunkResult:
    outcomes: list[Outcome]
    dns_used: list[Any] = field(default_factory=list)  # DnsAnswers, for the parent's --dns-record
    dns_counts: dict[str, int] = field(default_factory=dict)  # differences since the last chunk
    resolver: dict[str, Any] | None = None  # the worker's resolver check (lookup/honesty.py), None offline


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
    from mailcheck.reporters.json import SCHEMA, TOOL

    return {"schema": SCHEMA, "tool": TOOL, "source": item.name, "verdict": "error", "error": why,
            "position": item.position()}


def _line(data: dict[str, Any], floats: list[float]) -> str:
    # ensure_ascii: untrusted text stays exact yet cannot drive a terminal (as reporters/json.py).
    # compact_json writes exactly json.dumps(..., ensure_ascii=True, separators=(",", ":")), ~4x faster;
    # `floats` are all the floats the record holds, which it checks instead of searching the output.
    from mailcheck.reporters.compact_json import dumps

    return dumps(data, floats)


def record_line(report: Report, position: dict[str, Any], shape: Shape | None, extra: dict[str, Any] | None) -> str:
    """The JSONL line of a report: its record (full, or in `shape`), its position and `extra`."""
    if shape is None:
        from mailcheck.reporters.json import report_dict

        record = report_dict(report)
        # A record's floats: the delays between hops, and a setting given as a float (a --skew from a file).
        floats = [d for h in report.hops if (d := h.delay_seconds) is not None]
    else:
        from mailcheck.reporters.record_shape import shaped_dict

        record = shaped_dict(report, shape)
        floats = [h.delay_seconds for h in report.hops if "hops" in shape.keep and h.delay_seconds is not None]
    floats += [v for _, v in report.settings if type(v) is float]  # not isinstance: a bool or int is no float
    record["position"] = position
    if extra:
        record.update(extra)
    return _line(record, floats)


def failed_outcome(item: Item, why: str, lines: bool) -> Outcome:
    line = _line(error_record(item, why), []) if lines else None
    return Outcome(item.name, item.position(), item.size, "error", why, line=line)


class Analyzer:
    """One process's analysis: a Context built once, then one message after another."""

    def __init__(self, job: Job, shared: MutableMapping[Key, Any] | None,
                 probes: ProbeStore | None = None) -> None:
        from mailcheck.commands.settings import build_context, dns_client
        from mailcheck.lookup.shared_cache import ScanDns
        from mailcheck.probe.cache import ProbeCache

        self.job = job
        settings = job.settings
        # The parent writes the --dns-record file (shared_cache.py): this process's client records nothing.
        inner = dns_client(settings._replace(dns_record=None))
        self.dns: ScanDns = ScanDns(inner, shared, record=settings.dns_record is not None)
        # One probe per domain per run across all workers, and one limit for them all (issue 5).
        cache = ProbeCache(*probes) if probes is not None else None
        self.ctx: Context = build_context(settings, dns=self.dns, probe_cache=cache)  # the one per process
        self._reported: dict[str, int] = {}

    def close(self) -> None:
        self.dns.close()

    def run_chunk(self, items: list[Item]) -> ChunkResult:
        outcomes = []
        for item in items:
            if _stopping:
                break  # the parent discards this chunk: answer at once so the pool can shut down
            try:
                outcomes.append(self.run(item))
            except _Stopped:
                break
        return ChunkResult(outcomes, self.dns.take_used(), self._dns_counts(), self.ctx.resolver_check.report())

    def run(self, item: Item) -> Outcome:
        if item.skipped:
            return Outcome(item.name, item.position(), item.size, "skipped", item.error or "")
        if item.error is not None or item.data is None:
            return failed_outcome(item, item.error or "no data", self.job.lines)
        try:
            report = self._analyze(item.name, item.data)
        except NotMail as exc:  # the judgement `mailcheck FILE` and the filter use too (commands/inputs.py)
            return failed_outcome(item, exc.reason, self.job.lines)
        except BudgetExceeded:
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
        from mailcheck.commands.inputs import read_mail
        from mailcheck.lookup.contract import message_budget
        from mailcheck.pipeline import analyze

        global _analysing
        with time_limit(self.job.message_timeout):
            try:
                _analysing = True
                mail = read_mail(data)  # an Outlook .msg is rebuilt here, within the message's time limit
                with message_budget(self.dns):
                    return analyze(mail if mail.body_rebuilt else data, self.ctx, name)
            finally:
                _analysing = False

    def _summarise(self, item: Item, report: Report) -> Outcome:
        position = item.position()
        line = None
        if self.job.lines:
            line = record_line(report, position, self.job.shape, self.ctx.resolver_check.json_extra())
        # Label._value_, not .value: the enum property costs ~8x the plain attribute, on every field of every message.
        fields = report.fields
        labels = tuple([(field_family(f.name), f.label._value_) for f in fields])
        forged: tuple[tuple[str, str], ...] = ()
        kept: tuple[tuple[str, str], ...] = ()
        count = 0
        found = [f for f in fields if f.label is _FORGED]
        if found:
            forged = tuple([(f.check, pattern_of(f.evidence[0])) for f in found])
            kept, count = forged_fields(found)
        return Outcome(item.name, position, item.size, report.verdict._value_,
                       labels=labels, forged=forged, problems=report.errors, line=line,
                       forged_fields=kept, forged_field_count=count)

    def _dns_counts(self) -> dict[str, int]:
        counts = self.dns.counts
        now = {"asked": counts.asked, "shared": counts.shared, "forwarded": counts.forwarded,
               "sent": self.dns.stats.sent}
        delta = {k: v - self._reported.get(k, 0) for k, v in now.items()}
        self._reported = now
        return {k: v for k, v in delta.items() if v}


# -- worker processes ---------------------------------------------------------------------------

# The worker process's Analyzer: an executor's initializer can leave state only in a module global.
_WORKER: Analyzer | None = None


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def init_worker(job: Job, shared: MutableMapping[Key, Any] | None, probes: ProbeStore | None) -> None:
    global _WORKER
    ignore_sigint()
    signal.signal(signal.SIGUSR1, _on_stop)
    _WORKER = Analyzer(job, shared, probes)


def work(items: list[Item]) -> ChunkResult:
    assert _WORKER is not None
    return _WORKER.run_chunk(items)

