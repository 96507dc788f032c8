"""`scan --engine dask` on a 2-worker LocalCluster against `--jobs 2` and the stdlib baseline, in one run.

    python benchmarks/dask_engine.py [--corpus DIR] [--runs N] [--keep DIR]

Builds the SpamAssassin mbox as benchmarks/run.py does (6,294 messages), then runs, N rounds, each
round in turn (so that the machine's other load falls on all three alike): the baseline (mailbox +
compat32), `mailcheck scan --offline --jobs 2` and `mailcheck scan --offline --engine dask --jobs 2`
(a LocalCluster of 2 worker processes, started and stopped by the scan: its start-up is included).
Prints the medians, the ratios of the medians, and whether the two engines' JSONL records are
identical byte for byte.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the project's root
from benchmarks.run import BASELINE, DEFAULT_CORPUS, Result, build_mbox, check_records, measure, scan_cmd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3, help="rounds (the medians are quoted)")
    parser.add_argument("--keep", type=Path, help="build the mbox and outputs here instead of a temp folder")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"corpus not found: {args.corpus}")
    with tempfile.TemporaryDirectory(prefix="mailcheck-bench-dask-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        mbox = tmp / "spamassassin.mbox"
        count, _, _ = build_mbox(args.corpus, mbox)
        print(f"built {mbox.name}: {count:,} messages, {mbox.stat().st_size / 2**20:.1f} MiB")
        pool_out, dask_out = tmp / "jobs2.jsonl", tmp / "dask2.jsonl"
        commands = {
            "baseline (mailbox + compat32)": [sys.executable, "-c", BASELINE, str(mbox)],
            "scan --offline --jobs 2": scan_cmd(mbox, pool_out, 2, "--offline"),
            "scan --offline --engine dask, 2 workers": scan_cmd(mbox, dask_out, 2, "--offline", "--engine", "dask"),
        }
        results: dict[str, list[Result]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                results[name].append(measure(name, cmd, count))
        check_records(pool_out, count)
        check_records(dask_out, count)
        identical = pool_out.read_bytes() == dask_out.read_bytes()

    medians = {name: statistics.median(r.rate for r in runs) for name, runs in results.items()}
    cpu = {name: statistics.median(r.cpu_seconds for r in runs) for name, runs in results.items()}
    base = medians["baseline (mailbox + compat32)"]
    print(f"\n{'command':<42} {'median msg/s':>12} {'x base':>7} {'CPU s':>7}  runs (msg/s)")
    for name, runs in results.items():
        each = ", ".join(f"{r.rate:.0f}" for r in runs)
        print(f"{name:<42} {medians[name]:>12.0f} {medians[name] / base:>7.2f} {cpu[name]:>7.2f}  {each}")
    pool, dask = medians["scan --offline --jobs 2"], medians["scan --offline --engine dask, 2 workers"]
    print(f"\ndask 2 workers / --jobs 2 = {dask / pool:.2f} (median msg/s, cluster start-up included)")
    print(f"records identical byte for byte: {identical}")


if __name__ == "__main__":
    main()
