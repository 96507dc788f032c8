"""Helpers for the filter tests: reports built from findings, running the real CLI, undoing our headers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from mailcheck.model import Basis, Boundary, Finding, Label, Report, decide_verdict

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"
VERDICTS = {"forged", "validated", "unverifiable", "error"}
_OUR_FIELD = re.compile(rb"(X-Mailcheck-Verdict|X-Mailcheck|Authentication-Results):")


def finding(name: str, label: Label = Label.UNVERIFIABLE, value: str = "", evidence: str = "because") -> Finding:
    basis = Basis.CHECKED if label is not Label.UNVERIFIABLE else Basis.UNDECIDED
    return Finding(name, value, label, (evidence,), "test", basis)


def report(*fields: Finding) -> Report:
    verdict, reason = decide_verdict(fields)
    return Report("-", verdict, reason, fields, (), Boundary(0, None, "no hops"), ())


def split_added(out: bytes) -> tuple[list[bytes], bytes]:
    """(the fields the filter put on top, the output without them). Our fields come first after an
    optional From_ line; each field's continuation lines belong to it."""
    # a message with no LF at all has lines ending at CR, ours too (parse/header_block.py)
    cr_only = b"\n" not in out and b"\r" in out
    lines = re.findall(rb"[^\r]*\r|[^\r]+" if cr_only else rb"[^\n]*\n|[^\n]+", out)
    head: list[bytes] = []
    if lines and lines[0].startswith(b"From "):
        head.append(lines.pop(0))
    added: list[bytes] = []
    while lines and _OUR_FIELD.match(lines[0]) and len(added) < 3:
        field = lines.pop(0)
        while lines and lines[0][:1] in (b" ", b"\t"):
            field += lines.pop(0)
        added.append(field)
    return added, b"".join(head + lines)


def verdict_of(out: bytes) -> str:
    added, _ = split_added(out)
    verdicts = [f for f in added if f.startswith(b"X-Mailcheck-Verdict:")]
    assert len(verdicts) == 1, added
    return verdicts[0].split(b":", 1)[1].strip().decode()


def filter_command() -> list[str]:
    """The filter as procmail would start it, importing this checkout's mailcheck."""
    return [sys.executable, "-m", "mailcheck", "filter"]


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLIENT_ADDRESS", "CLIENT_HELO", "SENDER", "MAILCHECK_CONFIG")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["HOME"] = env.get("HOME", "/nonexistent")
    env.update(extra)
    return env


def run_filter(raw: bytes, *args: str, env: dict[str, str] | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*filter_command(), *args], input=raw, capture_output=True,
                          env=env or child_env(), timeout=timeout, check=False)
