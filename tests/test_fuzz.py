"""Fuzzing with mutated real mail: no traceback, JSON for each, a byte-exact filter, a time bound per message.

A few hundred corpus messages per run, each mutated by tests/support/mutate.py (byte noise, broken
MIME, planted X-Mailcheck and Authentication-Results fields, long runs of `<`, `[`, `:`…). The seed
is fixed so CI is repeatable; MAILCHECK_FUZZ_SEED and MAILCHECK_FUZZ_COUNT run other or more cases
(`python benchmarks/fuzz.py` is the longer release run). A failure names (seed, index): the case is
rebuilt by `python benchmarks/fuzz.py --seed S --case I`. Skipped when ../shared is absent.
"""

from __future__ import annotations

import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.filtermode import child_env, run_filter
from support.fuzzing import CORPORA, NOW, check, corpus_files, make_case, warm_up
from support.mutate import AUTHSERV_ID

pytestmark = pytest.mark.skipif(not CORPORA.is_dir(),
                                reason="../shared/corpora absent: the fuzz corpora are not available")

SEED = int(os.environ.get("MAILCHECK_FUZZ_SEED", "11"))
COUNT = int(os.environ.get("MAILCHECK_FUZZ_COUNT", "300"))
SUBPROCESSES = 20  # through the real `mailcheck filter`: process start-up costs ~0.3 s each
# Generous on purpose: a loaded CI machine must never fail it; a quadratic parse of a few kB still does.
TIME_BOUND = 10.0


@pytest.fixture(scope="module")
def files() -> list[Path]:
    warm_up()  # so that the slowest case printed is a slow analysis, not the first import of dkimpy
    return corpus_files()


def test_mutated_corpus_messages_keep_every_promise(files: list[Path]) -> None:
    failures: list[str] = []
    timings: list[tuple[float, int, str]] = []
    began = time.monotonic()
    for index in range(COUNT):
        case = make_case(SEED, index, files)
        outcome = check(case.raw, TIME_BOUND)
        timings.append((outcome.seconds, index, case.source))
        if outcome.problems:
            failures.append(f"case {SEED}:{index} ({case.source}, {case.plan}, {len(case.raw)} bytes):\n  "
                            + "\n  ".join(outcome.problems))
    slowest = sorted(timings, reverse=True)[:3]
    print(f"{COUNT} fuzz cases (seed {SEED}) in {time.monotonic() - began:.1f} s; slowest: "  # shown with pytest -s
          + ", ".join(f"{s:.2f} s case {i} ({src})" for s, i, src in slowest))
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} failing cases of {COUNT})"


def test_the_real_filter_writes_what_its_core_does(files: list[Path]) -> None:
    # A spread of the cases above, through the process procmail starts: exit 0, no traceback, and
    # byte for byte the output of the in-process core (same clock, same authserv-id, offline).
    picks = sorted(random.Random(SEED).sample(range(COUNT), min(SUBPROCESSES, COUNT)))
    env = child_env()

    def one(index: int) -> str | None:
        case = make_case(SEED, index, files)
        expected = check(case.raw, TIME_BOUND).output
        done = run_filter(case.raw, "--offline", "--authserv-id", AUTHSERV_ID, "--now", NOW, env=env)
        if done.returncode == 0 and b"Traceback" not in done.stderr and done.stdout == expected:
            return None
        return (f"case {SEED}:{index} ({case.source}, {case.plan}): exit {done.returncode}, "
                f"same output: {done.stdout == expected}, stdout {done.stdout[:300]!r}, "
                f"stderr {done.stderr[-2000:]!r}")

    with ThreadPoolExecutor(2) as pool:  # the children are separate processes: two at once halve the wait
        failures = [f for f in pool.map(one, picks) if f is not None]
    assert not failures, "\n".join(failures)
