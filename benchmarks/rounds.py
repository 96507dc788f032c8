"""Paired rounds of scan commands against the stdlib baseline: medians, ratios, and the records' size.

Used by benchmarks/run.py (the table it prints) and benchmarks/dask_engine.py. Each round runs every
command once, in turn, so that the shared machine's other load falls on all of them alike; the medians
over the rounds are quoted, with each one's ratio to the baseline's median.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_NAME = "baseline (mailbox + compat32)"
DASK_NAME = "scan --offline --engine dask, 2 workers"


@dataclass
class Command:
    """One measured command; output is the JSONL file it writes (None for the baseline)."""

    name: str
    argv: list[str]
    output: Path | None = None


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                kids += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return kids


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class TreeMemory:
    """Samples the RSS of a process and all its descendants (peak of the sum and of the largest one)
    and their CPU time (last value seen per process: the machine is shared, so wall time alone
    mixes in other people's load; CPU seconds do not)."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid, self.every = pid, every
        self.peak_total = self.peak_one = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += _children(pid)
            sizes = [_rss_kib(p) for p in pids]
            for p in pids:
                self.cpu[p] = max(self.cpu.get(p, 0.0), _cpu_seconds(p))
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_one = max(self.peak_one, max(sizes, default=0))
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Result:
    name: str
    messages: int
    seconds: float
    peak_one_mib: float
    peak_total_mib: float
    cpu_seconds: float
    output: str = ""

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def measure(name: str, cmd: list[str], messages: int, runs: int = 1) -> Result:
    """Best of `runs` wall times (start-up included); the peak memory of that run."""
    best: Result | None = None
    for _ in range(runs):
        began = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        memory = TreeMemory(proc.pid)
        out, err = proc.communicate()
        seconds = time.perf_counter() - began
        memory.stop()
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{name}: exit {proc.returncode}\n{err.decode(errors='replace')}")
        result = Result(name, messages, seconds, memory.peak_one / 1024, memory.peak_total / 1024,
                        sum(memory.cpu.values()), out.decode(errors="replace") + err.decode(errors="replace"))
        if best is None or result.seconds < best.seconds:
            best = result
    assert best is not None
    return best




def dask_available(python: str = sys.executable) -> bool:
    """Whether the interpreter the scans run under has dask and distributed (the `dask` extra)."""
    if python == sys.executable:
        return all(importlib.util.find_spec(name) is not None for name in ("dask", "distributed"))
    probe = "import importlib.util as u, sys; sys.exit(not (u.find_spec('dask') and u.find_spec('distributed')))"
    return subprocess.run([python, "-c", probe], check=False).returncode == 0


def scan_commands(mbox: Path, tmp: Path, scan_cmd: Callable[..., list[str]], baseline: str,
                  jobs: Sequence[int] = (1, 2), with_dask: bool = True) -> list[Command]:
    """The baseline, scan --offline at each --jobs, and the Dask engine on a 2-worker LocalCluster (the
    scan starts and stops the cluster: its start-up is in the time) when with_dask."""
    commands = [Command(BASELINE_NAME, [sys.executable, "-c", baseline, str(mbox)])]
    for n in jobs:
        out = tmp / f"jobs{n}.jsonl"
        commands.append(Command(f"scan --offline --jobs {n}", scan_cmd(mbox, out, n, "--offline"), out))
    if with_dask:
        out = tmp / "dask2.jsonl"
        commands.append(Command(DASK_NAME, scan_cmd(mbox, out, 2, "--offline", "--engine", "dask"), out))
    return commands


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def summary_table(results: dict[str, list[Result]], base: str = BASELINE_NAME) -> list[str]:
    """Lines of the table: median wall msg/s and CPU s of each command, their ratios to the baseline's
    medians (CPU ratio: baseline CPU s / command CPU s, so that higher is better in both), peak memory."""
    rate = {name: median([r.rate for r in runs]) for name, runs in results.items()}
    cpu = {name: median([r.cpu_seconds for r in runs]) for name, runs in results.items()}
    lines = [f"{'command':<42} {'msgs':>6} {'msg/s':>7} {'x base':>7} {'CPU s':>7} {'x base':>7} "
             f"{'peak RSS MiB largest/all':>25}  runs (msg/s)"]
    for name, runs in results.items():
        first = runs[0]
        peak_one = max(r.peak_one_mib for r in runs)
        peak_all = max(r.peak_total_mib for r in runs)
        cpu_ratio = cpu[base] / cpu[name] if cpu[name] else 0.0
        each = ", ".join(f"{r.rate:.0f}" for r in runs)
        lines.append(f"{name:<42} {first.messages:>6,} {rate[name]:>7.0f} "
                     f"{rate[name] / rate[base]:>7.2f} {cpu[name]:>7.2f} {cpu_ratio:>7.2f} "
                     f"{peak_one:>12.0f} / {peak_all:<10.0f}  {each}")
    return lines


def record_size(records: Path, mbox: Path, count: int) -> str:
    """The records' size: bytes per message and the ratio to the input mbox."""
    size, given = records.stat().st_size, mbox.stat().st_size
    return (f"records: {size / 2**20:.1f} MiB of JSONL for {given / 2**20:.1f} MiB of input: "
            f"{size / count:,.0f} bytes per message ({given / count:,.0f} bytes of input), "
            f"{size / given:.2f}x the input")


def same_records(reference: Path, others: Sequence[Path]) -> str:
    """Whether every other engine's records equal the reference's, byte for byte."""
    data = reference.read_bytes()
    said = [f"{path.stem}: {'identical' if path.read_bytes() == data else 'DIFFERENT'}" for path in others]
    return f"records against {reference.stem}, byte for byte: " + ", ".join(said)


def ratios(results: dict[str, list[Result]]) -> str:
    """The ratios the issue asks for, of the median rates (and of CPU seconds for the parallel runs),
    for the commands that ran."""
    rate = {name: statistics.median(r.rate for r in runs) for name, runs in results.items()}
    cpu = {name: statistics.median(r.cpu_seconds for r in runs) for name, runs in results.items()}
    one, two = "scan --offline --jobs 1", "scan --offline --jobs 2"
    lines = []
    if one in rate:
        lines.append(f"scan --jobs 1 / baseline = {rate[one] / rate[BASELINE_NAME]:.2f} (target >= 0.5)")
    if one in rate and two in rate:
        lines.append(f"--jobs 2 / --jobs 1 = {rate[two] / rate[one]:.2f} (target close to 2); CPU seconds of "
                     f"--jobs 2 / --jobs 1 = {cpu[two] / cpu[one]:.2f} (the parallel run's overhead)")
    if DASK_NAME in rate and two in rate:
        lines.append(f"dask 2 workers / --jobs 2 = {rate[DASK_NAME] / rate[two]:.2f} (cluster start-up "
                     f"included); CPU seconds dask / --jobs 2 = {cpu[DASK_NAME] / cpu[two]:.2f}")
    return "\nratios: " + "\n        ".join(lines)
