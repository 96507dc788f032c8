"""Building test messages and analysing them offline."""

from __future__ import annotations

from pathlib import Path

from mailcheck.context import Context
from mailcheck.model import Finding, Report
from mailcheck.pipeline import analyze

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"

# The receiving side every synthetic message below passed through: mx.example.org took it from
# 203.0.113.9 at 12:00:00 UTC.
TRUSTED_HOP = (
    "Received: from sender.example.net (sender.example.net [203.0.113.9])\n"
    "\tby mx.example.org (Postfix) with ESMTP id ABC123\n"
    "\tfor <bob@example.org>; Wed, 18 Nov 2026 12:00:00 +0000 (UTC)\n"
)


def build(headers: str, body: str = "Hello.\n", top: str = "", hop: str = TRUSTED_HOP) -> bytes:
    """top: headers our servers added above the entry hop; headers: what arrived with the message."""
    return (top + hop + headers + "\n" + body).encode()


def run(raw: bytes, **ctx_args: object) -> Report:
    return analyze(raw, Context(**ctx_args))  # type: ignore[arg-type]


def field(report: Report, name: str) -> Finding:
    matches = [f for f in report.fields if f.name == name]
    assert matches, f"no field {name!r} in {[f.name for f in report.fields]}"
    return matches[0]
