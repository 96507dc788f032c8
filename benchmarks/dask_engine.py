"""`scan --engine dask` on a 2-worker LocalCluster against `--jobs 2` and the stdlib baseline, in one run.

    python benchmarks/dask_engine.py [--corpus DIR] [--runs N] [--keep DIR]

The Dask rows of benchmarks/run.py on their own (run.py measures them too, beside --jobs 1): builds the
SpamAssassin mbox as run.py does (6,294 messages), then runs N rounds (3), each round in turn, the
baseline (mailbox + compat32), `mailcheck scan --offline --jobs 2` and `mailcheck scan --offline --engine
dask --jobs 2` (a LocalCluster of 2 worker processes, started and stopped by the scan: its start-up is
included). Prints the medians, their ratios, and whether the two engines' JSONL records are identical
byte for byte.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the project's root
from benchmarks.rounds import Result, dask_available, measure, ratios, same_records, scan_commands, summary_table
from benchmarks.run import BASELINE, DEFAULT_CORPUS, build_mbox, check_records, scan_cmd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3, help="rounds (the medians are quoted)")
    parser.add_argument("--keep", type=Path, help="build the mbox and outputs here instead of a temp folder")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"corpus not found: {args.corpus}")
    if not dask_available():
        raise SystemExit("dask not installed (pip install 'mailcheck[dask]')")
    with tempfile.TemporaryDirectory(prefix="mailcheck-bench-dask-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        mbox = tmp / "spamassassin.mbox"
        count, _, _ = build_mbox(args.corpus, mbox)
        print(f"built {mbox.name}: {count:,} messages, {mbox.stat().st_size / 2**20:.1f} MiB")
        commands = scan_commands(mbox, tmp, scan_cmd, BASELINE, jobs=(2,))
        results: dict[str, list[Result]] = {c.name: [] for c in commands}
        for _ in range(args.runs):
            for command in commands:
                results[command.name].append(measure(command.name, command.argv, count))
        outputs = [c.output for c in commands if c.output is not None]
        for out in outputs:
            check_records(out, count)
        print("\n".join(summary_table(results)))
        print(ratios(results))
        print(same_records(outputs[0], outputs[1:]))


if __name__ == "__main__":
    main()
