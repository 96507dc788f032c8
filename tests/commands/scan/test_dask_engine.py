"""`scan --engine dask`: byte ranges and file lists read like the stream, and real clusters on 127.0.0.1.

The range tests need no cluster. The others run real schedulers and worker processes: a LocalCluster
started by the engine, and one `dask scheduler` with two `dask worker` commands started here; their
records are compared byte for byte with the built-in pool's.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from distributed.diagnostics.plugin import WorkerPlugin
from support.archives import mbox, mbox_entry, message, write
from support.messages import ROOT, SHARED

from mailcheck.cli import cli
from mailcheck.commands.scan.dask_engine import DaskScanner
from mailcheck.commands.scan.dask_tasks import timeout_reason
from mailcheck.commands.scan.ranges import Range, count, cut, slices
from mailcheck.commands.scan.sources import Item, items
from mailcheck.commands.scan.worker import Job
from mailcheck.commands.settings import Settings

# Not typed throughout: Any here.
Client: Any = importlib.import_module("distributed").Client
cloudpickle: Any = importlib.import_module("cloudpickle")
BIN = Path(sys.executable).parent
NOW = ["--now", "2026-11-20T00:00:00Z"]


def fields(found: list[Item]) -> list[tuple[Any, ...]]:
    return [(i.name, i.index, i.offset, i.data, i.size, i.error, i.skipped) for i in found]


# -- byte ranges, without a cluster -------------------------------------------------------------------


def tricky_mboxes() -> dict[str, bytes]:
    first = mbox_entry(message(0, "From here the body starts\n\nFrom the start, a body line\n"), quote=False)
    second = mbox_entry(message(1, ">From quoted\n"))
    no_blank = (mbox_entry(message(2)) + b"From bob@example.net Wed Aug 21 12:34:56 2002\n" + message(3))
    loose = b"\nFrom nobody\n" + message(4)  # after a blank line, no date, a header field next: a separator
    body_from = message(5, "Hi\n\nFrom what I hear\nit works\n")
    return {
        "plain": mbox([first, second, mbox_entry(message(6))]),
        "no-blank-before-separator": mbox([no_blank, mbox_entry(message(7))]),
        "loose-separator": mbox([mbox_entry(message(8)) + loose, mbox_entry(body_from, quote=False)]),
        "crlf": mbox([first, second, mbox_entry(message(9))], crlf=True),
        "single": mbox([first]),
        "from-line-at-the-end": mbox([second]) + b"From alice@example.net Wed Aug 21 12:34:56 2002\n",
        "no-final-newline": mbox([second, first]).rstrip(b"\n"),
    }


def ranged_items(path: Path, every: int) -> list[Item]:
    parts = [Range(str(path), str(path), a, b, False) for a, b in cut(path.stat().st_size, every)]
    counts = [count(part) for part in parts]
    assert counts[0].mbox
    return [item for part in slices(parts[0], counts, 0) for item in part.items()]


@pytest.mark.parametrize("name", sorted(tricky_mboxes()))
def test_ranges_cut_anywhere_read_every_message_once_as_the_stream_does(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / f"{name}.mbox", tricky_mboxes()[name])
    expected = fields(list(items(str(path))))
    assert expected
    for every in [*range(1, 90), *range(90, path.stat().st_size + 2, 7)]:
        assert fields(ranged_items(path, every)) == expected, every


class InlineFuture:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def test_a_folders_units_number_their_records_as_the_stream_does(tmp_path: Path) -> None:
    big = mbox([mbox_entry(message(n, "line\n" * 30)) for n in range(12)])
    write(tmp_path / "a-small.eml", message(20))
    write(tmp_path / "b-big.mbox", big)
    write(tmp_path / "c-empty", b"")
    write(tmp_path / "d-notes.txt", b"not mail at all\n" * 100)  # large, and no mbox: read as one file
    write(tmp_path / "e-big.eml", message(21, "text\n" * 200))
    write(tmp_path / "f" / "small.mbox", mbox([mbox_entry(message(22)), mbox_entry(message(23))]))
    for n in range(5):
        write(tmp_path / "g" / "cur" / f"{n}:2,S", message(30 + n))
    (tmp_path / "g" / "new").mkdir()
    scanner = DaskScanner(Job(Settings(offline=True), lines=True), 2, chunk=2)
    scanner._submit = lambda func, *args: InlineFuture(func(*args))  # type: ignore[method-assign]
    tasks = list(scanner._counted(scanner._units([str(tmp_path)], 300), 3))
    found = [item for task, _ in tasks for item in task.items()]
    assert fields(found) == fields(list(items(str(tmp_path))))
    assert sum(produced for _, produced in tasks) == len(found)
    assert len(tasks) > 6  # the big mbox in several slices, the rest in lists of two files


# -- real clusters ------------------------------------------------------------------------------------


def corpus_inputs(root: Path) -> list[str]:
    """A slice of a real mbox (its first 150 messages) and a folder of 40 SpamAssassin messages."""
    source = SHARED / "corpora" / "nazario-phishing" / "phishing0.mbox"
    cut_at = next(item.offset for item in items(str(source)) if item.index == 150)
    with source.open("rb") as handle:
        write(root / "phishing-slice.mbox", handle.read(cut_at))
    folder = root / "spamassassin"
    for path in sorted((SHARED / "corpora" / "spamassassin-publiccorpus" / "spam").iterdir())[:40]:
        write(folder / path.name, path.read_bytes())
    return [str(root / "phishing-slice.mbox"), str(folder), str(ROOT / "samples")]


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["scan", "--offline", *NOW, *args])
    return result.exit_code, result.stdout


def test_a_local_cluster_writes_the_pools_records_and_summary(tmp_path: Path) -> None:
    paths = corpus_inputs(tmp_path)
    pool, dask = tmp_path / "pool.jsonl", tmp_path / "dask.jsonl"
    code, pool_summary = scan("--jobs", "2", "--output", str(pool), *paths)
    assert code == 1
    code, dask_summary = scan("--engine", "dask", "--jobs", "2", "--chunk", "7", "--output", str(dask), *paths)
    assert code == 1, dask_summary
    assert pool.read_bytes() == dask.read_bytes()
    assert len(pool.read_text().splitlines()) == 150 + 40 + 8
    # The same summary, but for its first line (the time taken).
    assert pool_summary.split("\n", 1)[1] == dask_summary.split("\n", 1)[1]


def test_what_the_engine_refuses(tmp_path: Path) -> None:
    path = str(write(tmp_path / "a.eml", message(1)))
    for args, said in ((["--engine", "dask", "-"], "not '-' (stdin)"),
                       (["--unordered", path], "go with --engine dask"),
                       (["--engine", "dask", "--probe", "responsive", "--allow-probes", path], "--probe is not")):
        result = CliRunner().invoke(cli, ["scan", *args])
        assert result.exit_code == 2 and said in result.output, result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """`dask scheduler` and two `dask worker` commands on 127.0.0.1; a task may lose one worker, not two."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--no-dashboard"], **quiet)]  # type: ignore[call-overload]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--host",
                                           "127.0.0.1", "--no-dashboard"], **quiet))  # type: ignore[call-overload]
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for proc in reversed(procs):
            proc.send_signal(signal.SIGINT)  # a worker tells the scheduler it leaves, then stops
        for proc in reversed(procs):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def dns_archive(tmp_path: Path) -> tuple[Path, dict[str, dict[str, list[str]]]]:
    domains = [f"d{n}.example" for n in range(5)]
    zone: dict[str, dict[str, list[str]]] = {}
    for domain in domains:
        zone[domain] = {"MX": [f"10 mx.{domain}"], "TXT": ["v=spf1 mx -all"]}
        zone[f"mx.{domain}"] = {"A": ["192.0.2.25"]}
        zone[f"_dmarc.{domain}"] = {"TXT": ["v=DMARC1; p=reject"]}
    entries = [mbox_entry(message(n, sender=f"alice@{domains[n % 5]}"), sender=f"alice@{domains[n % 5]}")
               for n in range(15)]
    return write(tmp_path / "dns.mbox", mbox(entries)), zone


def test_separate_scheduler_and_workers_record_dns_for_an_offline_replay(tmp_path: Path, cluster: str,
                                                                         dns_server: Any) -> None:
    path, zone = dns_archive(tmp_path)
    server = dns_server(zone)
    live = ["--resolver", server.resolver, "--timeout", "2", *NOW]
    record, out, pool_out = tmp_path / "record.jsonl", tmp_path / "dask.jsonl", tmp_path / "pool.jsonl"
    run = CliRunner().invoke(cli, ["scan", "--engine", "dask", "--scheduler", cluster, "--unordered",
                                   "--dns-record", str(record), "--output", str(out), *live, str(path)])
    assert run.exit_code in (0, 1), run.output
    pool = CliRunner().invoke(cli, ["scan", "--jobs", "2", "--output", str(pool_out), *live, str(path)])
    assert pool.exit_code == run.exit_code
    assert sorted(out.read_text().splitlines()) == sorted(pool_out.read_text().splitlines())
    recorded = {(r["name"], r["type"]) for r in map(json.loads, record.read_text().splitlines()[1:])}
    assert {(f"d{n}.example", "MX") for n in range(5)} <= recorded
    # The recording replays offline: the engine sends the file to workers that cannot see this disk.
    replays: list[bytes] = []
    for engine in (["--engine", "dask", "--scheduler", cluster], ["--jobs", "2"]):
        target = tmp_path / f"replay-{len(replays)}.jsonl"
        result = CliRunner().invoke(cli, ["scan", *engine, "--dns-replay", str(record), *NOW,
                                          "--output", str(target), str(path)])
        assert result.exit_code == run.exit_code, result.output
        replays.append(target.read_bytes())
    assert replays[0] == replays[1]
    assert sorted(replays[0].decode().splitlines()) == sorted(pool_out.read_text().splitlines())


class Sabotage(WorkerPlugin):
    """In every worker: a message saying "X-Test: die-once" kills the first worker that reads it,
    "die-always" every one, and "stall" never ends on its own."""

    name = "mailcheck-test-sabotage"

    def __init__(self, flag: str) -> None:
        self.flag = flag

    def setup(self, worker: Any) -> None:
        from mailcheck.commands.scan import worker as scan_worker

        real = scan_worker.Analyzer.run
        flag = self.flag

        def run(analyzer: Any, item: Any) -> Any:
            data = item.data or b""
            if b"X-Test: die-always" in data:
                os.kill(os.getpid(), signal.SIGKILL)
            if b"X-Test: die-once" in data:
                try:
                    os.close(os.open(flag, os.O_CREAT | os.O_EXCL))
                except FileExistsError:
                    pass
                else:
                    os.kill(os.getpid(), signal.SIGKILL)
            if b"X-Test: stall" in data:
                while True:
                    time.sleep(0.01)
            return real(analyzer, item)

        scan_worker.Analyzer.run = run  # type: ignore[method-assign,assignment]


def test_a_killed_worker_loses_no_message_and_a_killer_message_is_an_error(tmp_path: Path, cluster: str) -> None:
    tags = {2: "die-once", 5: "die-always", 7: "stall"}
    raw = [message(n).replace(b"Subject:", f"X-Test: {tags[n]}\nSubject:".encode()) if n in tags else message(n)
           for n in range(10)]
    path = write(tmp_path / "kill.mbox", mbox([mbox_entry(m) for m in raw]))
    pool_out, out = tmp_path / "pool.jsonl", tmp_path / "dask.jsonl"
    assert scan("--jobs", "2", "--output", str(pool_out), str(path))[0] in (0, 1)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with Client(cluster, timeout=30) as client:
        client.register_plugin(Sabotage(str(tmp_path / "died-once")))
        try:
            # 5 s: the stalled message never ends, and an ordinary one on a loaded machine stays well inside.
            code, summary = scan("--engine", "dask", "--scheduler", cluster, "--message-timeout", "5",
                                 "--output", str(out), str(path))
        finally:
            client.unregister_worker_plugin(Sabotage.name)
    assert code in (0, 1), summary
    assert (tmp_path / "died-once").exists()
    got, expected = out.read_text().splitlines(), pool_out.read_text().splitlines()
    assert len(got) == 10
    for n in range(10):
        if n == 5:
            assert json.loads(got[n])["error"].startswith("the analysis killed its worker process twice")
        elif n == 7:
            assert json.loads(got[n])["error"] == timeout_reason(5)
        else:
            assert got[n] == expected[n], n
