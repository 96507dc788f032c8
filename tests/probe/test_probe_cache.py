"""The ProbeCache keeps one conversation per domain per run: across messages, threads and processes."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from support.smtp_servers import AiosmtpdServer

from mailcheck.checks import probe
from mailcheck.context import Context, Facts
from mailcheck.lookup.contract import StaticDns
from mailcheck.model import Boundary
from mailcheck.parse.message import parse
from mailcheck.probe.cache import ProbeCache

ZONE = {("sender.test", "MX"): ["10 mx.sender.test"], ("mx.sender.test", "A"): ["127.0.0.1"],
        ("other.test", "MX"): ["10 mx.sender.test"]}


def context(port: int, cache: ProbeCache, limit: int = 20) -> Context:
    return Context(dns=StaticDns(ZONE), probes=frozenset({"responsive"}), smtp_port=port,
                   helo="probe.mailcheck.test", probe_timeout=2.0, probe_private=True, probe_cache=cache,
                   probe_limit=limit)


def analyse(ctx: Context, sender: str) -> str:
    raw = f"Return-Path: <{sender}>\nFrom: {sender}\n\nhi\n".encode()
    facts = Facts(parse(raw), (), Boundary(0, None, "test"))
    findings = {f.name: f for f in probe.run(facts, ctx)}
    return " | ".join(findings["sender-server"].evidence)


def test_threads_share_one_conversation(smtp_accept_all: AiosmtpdServer) -> None:
    ctx = context(smtp_accept_all.port, ProbeCache())
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: analyse(ctx, f"u{n}@sender.test"), range(8)))
    assert len(smtp_accept_all.recorder.conversations) == 1
    assert sum("no new connection was made" in r for r in results) == 7


def _worker(port: int, store: Any, lock: Any, sender: str) -> str:
    """One scan worker: its own Context, a ProbeCache over the run's shared mapping and lock."""
    return analyse(context(port, ProbeCache(store, lock), limit=1), sender)


def test_worker_processes_share_one_conversation_and_one_limit(smtp_accept_all: AiosmtpdServer) -> None:
    mp = multiprocessing.get_context("forkserver")
    with mp.Manager() as manager:
        store, lock = manager.dict(), manager.Lock()
        senders = ["a@sender.test", "b@sender.test", "c@other.test", "d@sender.test"]
        with ProcessPoolExecutor(max_workers=2, mp_context=mp) as pool:
            results = list(pool.map(_worker, *zip(*[(smtp_accept_all.port, store, lock, s) for s in senders],
                                                 strict=True)))
        assert list(store.keys()) == ["sender.test"]
    assert len(smtp_accept_all.recorder.conversations) == 1
    assert "probe limit reached (1 domains per run)" in results[2]
    assert sum("no new connection was made" in r for r in results) == 2


def test_made_counts_domains() -> None:
    cache = ProbeCache()
    calls: list[str] = []

    def make() -> Any:
        calls.append("made")
        return object()

    assert cache.probe("a.test", 2, make)[1] is False
    assert cache.probe("a.test", 2, make)[1] is True
    cache.probe("b.test", 2, make)
    assert cache.probe("c.test", 2, make) == (None, False)
    assert cache.made == 2 and calls == ["made", "made"]
