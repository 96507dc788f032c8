"""The release fuzz run: thousands of mutated corpus messages, bigger mutations, the slowest and every failure kept.

    python benchmarks/fuzz.py [--count 5000] [--seed S] [--rounds 6] [--scale 3] [--time-limit SECONDS]
                              [--bound 10] [--subprocess 50] [--out DIR] [--case I] [--no-shrink]

The same cases and promises as tests/test_fuzz.py (tests/support/fuzzing.py): analyze never raises and
no check crashes, the JSON report parses, the filter's core gives back the input byte for byte with
only our fields added and planted ones removed, and each analysis stays under --bound seconds. A
sample also goes through the real `mailcheck filter` process (exit 0, no traceback, the core's bytes).
Every failing input and the slowest ones are written to --out with a note of how to rebuild them;
a failing case is shrunk first (its mutation steps dropped one at a time while it still fails).
--case I reruns one case of --seed (with the same --rounds and --scale) and writes it out.
Exit status 1 when any case failed.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.filtermode import child_env, run_filter  # noqa: E402
from support.fuzzing import NOW, Outcome, base_and_plan, check, corpus_files, warm_up  # noqa: E402
from support.mutate import AUTHSERV_ID, Step, apply  # noqa: E402


class HardStop(BaseException):
    """Raised by the alarm when one case runs far past the bound (a hang must not stop the run)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise HardStop


def run_case(raw: bytes, bound: float) -> Outcome:
    """check(), but ended after 3 × bound by SIGALRM (shrinking reruns a slow case: each rerun must end);
    check() reports a stop inside analyze as a finding."""
    signal.setitimer(signal.ITIMER_REAL, bound * 3)
    try:
        return check(raw, bound)
    except HardStop:
        return Outcome([f"stopped after {bound * 3:g} s"], bound * 3, b"")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def shrink(data: bytes, plan: list[Step], scale: int, bound: float) -> list[Step]:
    """The fewest steps (dropping one at a time, greedily) with which the case still fails."""
    changed = True
    while changed and len(plan) > 1:
        changed = False
        for i in range(len(plan)):
            smaller = plan[:i] + plan[i + 1:]
            if run_case(apply(data, smaller, scale), bound).problems:
                plan, changed = smaller, True
                break
    return plan


def write(out: Path, kind: str, seed: int, index: int, raw: bytes, note: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{kind}-{seed}-{index}.eml"
    path.write_bytes(raw)
    path.with_suffix(".txt").write_text(note + f"\nreplay: mailcheck filter --offline --authserv-id {AUTHSERV_ID}"
                                               f" --now {NOW} < {path}\n")
    return path


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=5000, help="cases to run (default 5000)")
    parser.add_argument("--seed", type=int, default=None, help="default: a new one, printed")
    parser.add_argument("--rounds", type=int, default=6, help="at most this many mutation steps per case")
    parser.add_argument("--scale", type=int, default=3, help="size factor of runs, copies and folds")
    parser.add_argument("--time-limit", type=float, default=None, help="stop starting cases after SECONDS")
    parser.add_argument("--bound", type=float, default=10.0, help="seconds one analysis may take")
    parser.add_argument("--subprocess", type=int, default=50, help="cases also run through `mailcheck filter`")
    parser.add_argument("--slowest", type=int, default=10, help="how many of the slowest cases to print and keep")
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"), help="where inputs are written")
    parser.add_argument("--case", type=int, default=None, help="run only this case of --seed")
    parser.add_argument("--no-shrink", action="store_true", help="keep failing cases as generated")
    return parser.parse_args(argv)


def _through_the_filter(raws: list[tuple[int, bytes, bytes]], seed: int, out: Path) -> int:
    failed = 0
    for index, raw, expected in raws:
        done = run_filter(raw, "--offline", "--authserv-id", AUTHSERV_ID, "--now", NOW, env=child_env(), timeout=120)
        if done.returncode != 0 or b"Traceback" in done.stderr or done.stdout != expected:
            failed += 1
            note = (f"case {seed}:{index} through `mailcheck filter`: exit {done.returncode}, same bytes as the core: "
                    f"{done.stdout == expected}\nstderr:\n{done.stderr.decode('utf-8', 'replace')}")
            print(f"FAIL {note.splitlines()[0]} -> {write(out, 'filter', seed, index, raw, note)}")
    return failed


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 31)
    signal.signal(signal.SIGALRM, _alarm)
    files = corpus_files()
    if not files:
        print("no corpus files: ../shared/corpora is absent", file=sys.stderr)
        return 2
    warm_up()
    indices = [args.case] if args.case is not None else list(range(args.count))
    print(f"seed {seed}: {len(indices)} cases, up to {args.rounds} steps, scale {args.scale}, "
          f"{len(files):,} corpus files")
    sample = set(random.Random(seed).sample(indices, min(args.subprocess, len(indices))))
    began = time.monotonic()
    timings: list[tuple[float, int, str]] = []
    via_filter: list[tuple[int, bytes, bytes]] = []
    slow_raws: dict[int, bytes] = {}
    failed = ran = 0
    for index in indices:
        if args.time_limit is not None and time.monotonic() - began > args.time_limit:
            print(f"time limit reached after {ran} cases")
            break
        source, data, plan = base_and_plan(seed, index, files, args.rounds)
        raw = apply(data, plan, args.scale)
        outcome = run_case(raw, args.bound)
        ran += 1
        timings.append((outcome.seconds, index, source))
        if len(timings) > args.slowest * 4:  # keep only candidates for the slowest (memory stays flat)
            timings = sorted(timings, reverse=True)[:args.slowest]
            slow_raws = {i: slow_raws[i] for _, i, _ in timings if i in slow_raws}
        slow_raws[index] = raw
        if outcome.problems:
            failed += 1
            if not args.no_shrink:
                plan = shrink(data, plan, args.scale, args.bound)
                raw = apply(data, plan, args.scale)
                outcome = run_case(raw, args.bound)
            note = (f"case {seed}:{index} from {source}, steps {plan}, scale {args.scale}, {len(raw)} bytes\n"
                    + "\n".join(outcome.problems or ["(the shrunk case no longer fails: see the plan above)"]))
            print(f"FAIL {note.splitlines()[0]} -> {write(args.out, 'fail', seed, index, raw, note)}")
        elif index in sample:
            via_filter.append((index, raw, outcome.output))
        if ran % 500 == 0:
            print(f"  {ran} cases, {failed} failing, {time.monotonic() - began:.0f} s", flush=True)
    failed += _through_the_filter(via_filter, seed, args.out)
    print(f"{ran} cases in {time.monotonic() - began:.0f} s, {failed} failing; slowest:")
    for seconds, index, source in sorted(timings, reverse=True)[:args.slowest]:
        if index in slow_raws:
            path = write(args.out, "slow", seed, index, slow_raws[index], f"case {seed}:{index} from {source}: "
                         f"{seconds:.2f} s to analyse (rebuild: --seed {seed} --case {index} --rounds {args.rounds}"
                         f" --scale {args.scale})")
            print(f"  {seconds:7.2f} s  case {index:5d}  {source}  -> {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
