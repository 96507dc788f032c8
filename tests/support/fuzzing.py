"""Fuzz cases from the real corpora, and what must hold for each: shared by tests/test_fuzz.py and benchmarks/fuzz.py.

A case is (seed, index) → a corpus message and a list of mutation steps, so any case can be rebuilt
from its two numbers. `check` runs one case the way the library and the filter would and returns the
problems found (empty when all holds) and the analysis time.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from support.filtermode import SAMPLES, SHARED
from support.mutate import AUTHSERV_ID, Step, apply, steps

from mailcheck.auth.authserv_id import authserv_id
from mailcheck.commands.filter.layout import layout
from mailcheck.commands.filter.rewrite import compose, unusable, written_by_us
from mailcheck.commands.filter.run import analysed_output
from mailcheck.context import Context
from mailcheck.model import Report
from mailcheck.pipeline import analyze
from mailcheck.reporters.headers import error_fields, report_fields
from mailcheck.reporters.json import render

CORPORA = SHARED / "corpora"
NOW = "2026-11-20T00:00:00Z"
CONTEXT = Context(authserv_ids=(AUTHSERV_ID,), now=datetime(2026, 11, 20, tzinfo=UTC))
FILE_CAP = 256 * 1024  # bigger files are mboxes of hundreds of messages: reading them per case costs too much
_NOT_MAIL = re.compile(r"(LICENSE|COPYING|MPL-2\.0|.*\.(md|yml|yaml|tsv|key|json|py|dns|pub|rsa|csv))$")
_OUR_NAME = re.compile(rb"x-mailcheck[\x21-\x39\x3b-\x7e]*[ \t]*:", re.IGNORECASE)
_AUTHRES = re.compile(rb"authentication-results[ \t]*:", re.IGNORECASE)


class Case(NamedTuple):
    number: int  # its index under the seed
    source: str  # corpus file, relative to the corpora folder, and #N for message N of an mbox
    plan: list[Step]
    raw: bytes


def corpus_files(root: Path = CORPORA) -> list[Path]:
    """Every file of the corpora that may hold mail, in a fixed order (the same on every machine)."""
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        found.extend(Path(folder, n) for n in sorted(names)
                     if not _NOT_MAIL.match(n) and os.path.getsize(Path(folder, n)) <= FILE_CAP)
    return found


def _base(rng: random.Random, files: list[Path]) -> tuple[str, bytes]:
    from mailcheck.commands.scan.sources import items

    while True:  # a file that is no message (a key, a word list) is drawn again
        path = rng.choice(files)
        messages = [i for i in items(str(path)) if i.data is not None]
        if messages:
            pick = rng.randrange(len(messages))
            name = str(path.relative_to(CORPORA)) if path.is_relative_to(CORPORA) else str(path)
            return (name + (f"#{pick}" if len(messages) > 1 else ""), messages[pick].data or b"")


def base_and_plan(seed: int, index: int, files: list[Path], rounds: int = 3) -> tuple[str, bytes, list[Step]]:
    """Case `index` under `seed` before mutation: its corpus message and the steps to apply."""
    rng = random.Random(f"{seed}:{index}")  # a str seed hashes the same in every process
    source, data = _base(rng, files)
    return source, data, steps(rng, rounds)


def make_case(seed: int, index: int, files: list[Path], rounds: int = 3, scale: int = 1) -> Case:
    source, data, plan = base_and_plan(seed, index, files, rounds)
    return Case(index, source, plan, apply(data, plan, scale))


def _planted(data: bytes, below_ours: bool) -> bool:
    """Our own rule, written apart from rewrite.py: every X-Mailcheck* field goes, and an
    Authentication-Results with our authserv-id unless our servers wrote it (above the entry hop)."""
    if _OUR_NAME.match(data):
        return True
    found = _AUTHRES.match(data)
    if found is None or not below_ours:
        return False
    return authserv_id(data[found.end():].decode("latin-1")).lower() == AUTHSERV_ID


def filter_problems(raw: bytes, report: Report, out: bytes) -> list[str]:
    """The filter's promise: the input byte for byte, our fields on top, and only planted fields gone
    (in the header block, and in the part of a CR LF body procmail also reads as header)."""
    parts = layout(raw)
    why = unusable(parts)
    fields = error_fields(why) if why is not None else report_fields(report, AUTHSERV_ID)
    ours_above = 0 if why is not None else written_by_us(parts, report.boundary)
    problems = []
    if out != compose(parts, fields, [AUTHSERV_ID], ours_above):
        problems.append(f"filter: the core did not write the analysis's fields: {out[:200]!r}")
    from_line = parts.from_line
    if from_line and not from_line.endswith((b"\n", b"\r")):
        from_line += parts.eol  # our fields need a line of their own
    added = b"".join(line.encode("ascii") + parts.eol for f in fields for line in f.split("\n"))
    tail = b"".join(t.data for t in parts.procmail_tail)
    kept = [f.data for i, f in enumerate(parts.fields) if not _planted(f.data, i >= ours_above)]
    kept += [t.data for t in parts.procmail_tail if not _planted(t.data, True)]
    expected = from_line + added + b"".join(kept) + parts.rest[len(tail):]
    if out != expected:
        problems.append("filter: the output is not the input with our fields added and planted ones removed")
    block = [f.data for f in layout(out).fields]
    starts = [m.group(0).rstrip(b": \t").lower() for m in map(_OUR_NAME.match, block) if m]
    if starts != [f.split(":", 1)[0].lower().encode() for f in fields if f.lower().startswith("x-mailcheck")]:
        problems.append(f"filter: the output's X-Mailcheck fields are {starts!r}")
    return problems


def warm_up() -> None:
    """Analyse the samples once, signed too: the checks import their engines (dkimpy, pyspf) on first
    use, and the first case to need one must not be timed for the import."""
    signed = (b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=; b=\n"
              b"ARC-Seal: i=1; a=rsa-sha256; d=example.com; s=s; cv=none; b=\n")
    for sample in sorted(SAMPLES.glob("*.eml")):
        analyze(sample.read_bytes(), CONTEXT)
        analyze(signed + sample.read_bytes(), CONTEXT)


class Outcome(NamedTuple):
    problems: list[str]
    seconds: float  # the analysis alone (time.monotonic)
    output: bytes  # what the filter's core writes for this message (b"" when the analysis raised)


def check(raw: bytes, time_bound: float) -> Outcome:
    """Analyse raw in-process, render it as JSON, run the filter's core on it; every broken promise."""
    began = time.monotonic()
    try:
        report = analyze(raw, CONTEXT)
    except BaseException:  # a MemoryError or RecursionError here is a finding like any other
        return Outcome([f"analyze raised:\n{traceback.format_exc()}"], time.monotonic() - began, b"")
    seconds = time.monotonic() - began
    problems = []
    if not isinstance(report, Report):
        return Outcome([f"analyze returned {type(report).__name__}"], seconds, b"")
    if seconds > time_bound:
        problems.append(f"the analysis took {seconds:.1f} s (bound {time_bound:g} s)")
    problems.extend(f"report error: {e}" for e in report.errors if " crashed: " in e)
    try:
        text = render(report)
        json.loads(text)
        if not text.isascii():
            problems.append("json: the report is not ASCII")
    except Exception:
        problems.append(f"json: rendering failed:\n{traceback.format_exc()}")
    out = analysed_output(layout(raw), lambda _data: report, None, (AUTHSERV_ID,))
    try:
        problems.extend(filter_problems(raw, report, out))
    except Exception:
        problems.append(f"filter: composing the expected output failed:\n{traceback.format_exc()}")
    return Outcome(problems, seconds, out)
