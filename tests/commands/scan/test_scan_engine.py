"""The scan engine: order, crashes, time limits, dead workers, and one DNS cache shared by the workers."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from multiprocessing.managers import SyncManager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.archives import mbox, mbox_entry, message, write
from support.dns_server import DnsServer

import mailcheck.pipeline
from mailcheck.cli import cli
from mailcheck.commands.scan.engine import Scanner
from mailcheck.commands.scan.sources import items
from mailcheck.commands.scan.tally import Outcome, Tally, field_family, pattern_of
from mailcheck.commands.scan.worker import Job
from mailcheck.commands.settings import Settings
from mailcheck.lookup.contract import DnsAnswer, DnsStatus, LocalDns, StaticDns
from mailcheck.lookup.honesty import PROBE_INVALID
from mailcheck.lookup.shared_cache import ScanDns

Analyze = Callable[..., Any]


def archive(tmp_path: Path, count: int, body: Callable[[int], str] = lambda n: "Hello.\n") -> Path:
    return write(tmp_path / "a.mbox", mbox([mbox_entry(message(n, body(n))) for n in range(count)]))


def run(path: Path, jobs: int, chunk: int = 1, timeout: float | None = 60.0) -> tuple[list[Outcome], Scanner]:
    # "fork": workers inherit this test's monkeypatched analyze (forkserver workers import afresh).
    scanner = Scanner(Job(Settings(offline=True), lines=True, message_timeout=timeout), jobs, chunk,
                      start_method="fork")
    try:
        outcomes = list(scanner.run(items(str(path))))
    finally:
        scanner.close()
    return outcomes, scanner


def patch_analyze(monkeypatch: pytest.MonkeyPatch, behave: Callable[[bytes], None]) -> None:
    real: Analyze = mailcheck.pipeline.analyze

    def patched(raw: bytes, ctx: Any, source: str = "-") -> Any:
        behave(raw)
        return real(raw, ctx, source)

    monkeypatch.setattr(mailcheck.pipeline, "analyze", patched)


def test_outcomes_come_back_in_input_order_from_two_workers(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Early messages are the slow ones, so a worker finishes later messages first.
    patch_analyze(monkeypatch, lambda raw: time.sleep(0.05 if b"Subject: message 0\n" in raw else 0))
    path = archive(tmp_path, 24)
    outcomes, scanner = run(path, jobs=2, chunk=2)
    assert scanner.workers_used == 2
    assert [o.position["index"] for o in outcomes] == list(range(24))
    assert [json.loads(o.line or "")["source"] for o in outcomes] == [f"{path}#{n}" for n in range(24)]


def test_one_jobs_or_a_small_input_runs_without_a_pool(tmp_path: Path) -> None:
    outcomes, scanner = run(archive(tmp_path, 3), jobs=2, chunk=32)
    assert len(outcomes) == 3 and scanner.workers_used == 0


def test_a_crashing_analysis_is_an_error_outcome_in_a_worker(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def behave(raw: bytes) -> None:
        if b"Subject: message 3\n" in raw:
            raise ValueError("bad input")

    patch_analyze(monkeypatch, behave)
    outcomes, _ = run(archive(tmp_path, 8), jobs=2, chunk=2)
    assert [o.status for o in outcomes].count("error") == 1
    assert outcomes[3].status == "error" and "ValueError: bad input" in outcomes[3].reason
    assert json.loads(outcomes[3].line or "")["error"] == outcomes[3].reason


def test_a_message_over_its_time_limit_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def behave(raw: bytes) -> None:
        if b"Subject: message 1\n" in raw:
            while True:  # a runaway analysis that also catches Exception cannot escape the limit
                with contextlib.suppress(Exception):
                    time.sleep(0.01)

    patch_analyze(monkeypatch, behave)
    began = time.monotonic()
    outcomes, _ = run(archive(tmp_path, 3), jobs=1, timeout=0.3)
    assert time.monotonic() - began < 10
    assert [o.status for o in outcomes][1] == "error" and "longer than 0.3 s" in outcomes[1].reason
    assert outcomes[0].status != "error" and outcomes[2].status != "error"


def test_a_message_that_kills_its_worker_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def behave(raw: bytes) -> None:
        if b"Subject: message 5\n" in raw:
            os._exit(70)  # as a segfault in C code or the OOM killer would end the process

    patch_analyze(monkeypatch, behave)
    outcomes, scanner = run(archive(tmp_path, 12), jobs=2, chunk=3)
    assert [o.position["index"] for o in outcomes] == list(range(12))
    assert [n for n, o in enumerate(outcomes) if o.status == "error"] == [5]
    assert "killed its worker" in outcomes[5].reason
    assert scanner.restarts >= 1


def test_skipped_files_pass_through_in_order(tmp_path: Path) -> None:
    write(tmp_path / "d" / "a.eml", message(1))
    write(tmp_path / "d" / "b.txt", b"not mail\n")
    write(tmp_path / "d" / "c.eml", message(2))
    outcomes, _ = run(tmp_path / "d", jobs=2, chunk=1)
    assert [o.status for o in outcomes][1] == "skipped" and outcomes[1].line is None


def test_a_scan_builds_one_context_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mailcheck.commands.settings as settings_module

    real = settings_module.build_context
    built: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        built.append(os.getpid())
        return real(*args, **kwargs)

    monkeypatch.setattr(settings_module, "build_context", counted)
    path = archive(tmp_path, 4)
    # --jobs 1: the analysis runs here, on the one Context this process builds (options checked
    # without a throw-away Context of their own).
    assert CliRunner().invoke(cli, ["scan", "--offline", "--jobs", "1", str(path)]).exit_code == 0
    assert built == [os.getpid()]
    # Workers: each builds its own (forkserver workers import afresh, so they are not counted here);
    # this process analyses nothing and builds none.
    built.clear()
    result = CliRunner().invoke(cli, ["scan", "--offline", "--jobs", "2", "--chunk", "1", str(path)])
    assert result.exit_code == 0 and built == []


# -- the run-wide DNS cache -------------------------------------------------------------------------


class Counting(LocalDns):
    """A DnsClient that counts the questions that reach it."""

    def __init__(self) -> None:
        self.inner = StaticDns({("example.com", "MX"): ["10 mx.example.com"]})
        self.asked: list[tuple[str, str]] = []

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        self.asked.append((name, rdtype))
        return self.inner.query(name, rdtype)


def test_two_workers_share_answers_through_a_manager_dict() -> None:
    manager = SyncManager()
    manager.start()
    try:
        shared = manager.dict()
        first, second = Counting(), Counting()
        one, two = ScanDns(first, shared), ScanDns(second, shared)
        assert one.query("Example.COM.", "mx").records == ("10 mx.example.com",)
        assert two.query("example.com", "MX").records == ("10 mx.example.com",)
        assert first.asked == [("Example.COM.", "mx")] and second.asked == []
        assert two.counts.shared == 1 and one.counts.forwarded == 1
        two.query("example.com", "MX")
        assert two.counts.local == 1
    finally:
        manager.shutdown()


def test_outcomes_of_one_message_are_not_shared() -> None:
    class Budgeted(Counting):
        def query(self, name: str, rdtype: str) -> DnsAnswer:
            self.asked.append((name, rdtype))
            return DnsAnswer(name, rdtype, DnsStatus.BUDGET)

    shared: dict[Any, Any] = {}
    inner = Budgeted()
    client = ScanDns(inner, shared, record=True)
    client.query("example.com", "MX")
    client.query("example.com", "MX")
    assert len(inner.asked) == 2 and shared == {} and client.take_used() == []


def test_a_scan_with_two_workers_asks_each_question_once(tmp_path: Path, dns_server: Any) -> None:
    domains = [f"d{n}.example" for n in range(6)]
    zone: dict[str, dict[str, list[str]]] = {}
    for domain in domains:
        zone[domain] = {"MX": [f"10 mx.{domain}"], "TXT": ["v=spf1 -all"]}
        zone[f"mx.{domain}"] = {"A": ["192.0.2.25"]}
    server: DnsServer = dns_server(zone)
    # Each domain's second message comes 6 messages later: with --chunk 1 at most 4 are in flight,
    # so its first message is finished (and its answers shared) before the second is handed out, to
    # whichever worker is free.
    order = list(range(6)) + list(range(6))
    entries = [mbox_entry(message(n, sender=f"alice@{domains[d]}"), sender=f"alice@{domains[d]}")
               for n, d in enumerate(order)]
    path = write(tmp_path / "dns.mbox", mbox(entries))
    record = tmp_path / "dns-record.jsonl"
    result = CliRunner().invoke(cli, ["scan", "--jobs", "2", "--chunk", "1", "--resolver", server.resolver,
                                      "--timeout", "2", "--dns-record", str(record), str(path)])
    assert result.exit_code in (0, 1), result.output
    # Both workers check the resolver's honesty as they start, at the same moment: those few questions
    # may be asked twice (shared_cache.py's one duplicate lookup); every message's question only once.
    questions = [(h.name, h.rdtype) for h in server.hits if h.transport == "udp"
                 and h.name not in (".", PROBE_INVALID)]
    assert questions and len(questions) == len(set(questions))
    assert any(name == "d5.example" for name, _ in questions)
    assert "answered from the run's shared cache" in result.stdout
    # One --dns-record file for the run, written by the parent from what every worker used.
    recorded = [json.loads(line) for line in record.read_text().splitlines()[1:]]
    assert {(r["name"], r["type"]) for r in recorded} >= {("d0.example", "MX"), ("d5.example", "MX")}


# -- tally -----------------------------------------------------------------------------------------


def test_field_families_and_patterns() -> None:
    assert field_family("received[3]") == "received"
    assert field_family("header:X-Spam-Status[0]") == "header:x-spam-status"
    assert pattern_of("SPF for example.com fails for 192.0.2.1 at 12:00:01") == "SPF for DOMAIN fails for IP at TIME"
    assert pattern_of("the display name shows 'PayPal' but the message is from 'a@b.example'") == \
        "the display name shows '…' but the message is from '…'"


def test_tally_counts_and_bounds() -> None:
    tally = Tally()
    position = {"source": "s", "index": 0, "path": "s", "offset": 0}
    tally.add(Outcome("m0", position, 10, "forged", labels=(("from", "forged"), ("date", "unverifiable")),
                      forged=(("from-address", "x"),)))
    tally.add(Outcome("m1", position, 10, "error", "cannot read: gone"))
    tally.add(Outcome("f", position, 5, "skipped", "not a message"))
    assert tally.records == 2 and tally.bytes == 25 and tally.any_forged
    assert tally.labels["from"]["forged"] == 1 and tally.failures == [("m1", "cannot read: gone")]
    assert tally.forged_example[("from-address", "x")] == "m0" and tally.skipped_count == 1
