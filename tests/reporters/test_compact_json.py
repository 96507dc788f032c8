"""compact_json.dumps is json.dumps(ensure_ascii=True, separators=(",", ":")) byte for byte (scan's records)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mailcheck.context import Context
from mailcheck.pipeline import analyze
from mailcheck.reporters import compact_json
from mailcheck.reporters.compact_json import dumps
from mailcheck.reporters.json import report_dict

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"

HOSTILE = [
    "", "plain", "\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f", "\x7f", "\x80\x9f\xa0", "é ß Ж 中文", "\u2028\u2029",
    "\ufeff\ufffd\uffff", "😀 𝔘 \U0010ffff", "\ud800", "a\udc80b", "\udbff\udfff", '"quoted" \\back\\slash /',
    "\\u0041 is not A", "e-mail 4e-5 1e-07 0.00001", "\u202eevil\u202c", "\x7f😀\x7f",
]
NUMBERS: list[Any] = [0, -1, 2**63 - 1, -(2**63), 2**64, 10**30, 0.0, -0.0, 0.1, 1e-4, 9.99e-5, 1e-5, -2e-5, 1.5e-6,
                      1e-7, 5e-324, 1e16, 1e22, 1.7976931348623157e308, 123456789.123, float("nan"),
                      float("inf"), float("-inf"), True, False, None]


def _reference(data: Any) -> str:
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


@pytest.mark.parametrize("value", HOSTILE + NUMBERS, ids=repr)
def test_single_values(value: Any) -> None:
    keyed = {value if isinstance(value, str) else str(value): [value]}
    for data in (value, [value], {"k": value, "after": 1}, keyed, {1: value, None: 2}):  # json turns keys to text
        assert dumps(data) == _reference(data)


def test_random_nested_values() -> None:
    rng = random.Random(12)
    alphabet = [chr(c) for c in (*range(0, 0x80), 0xA0, 0x2028, 0xD800, 0xDFFF, 0xFFFF, 0x1F600, 0x10FFFF)]

    def value(depth: int) -> Any:
        kind = rng.randrange(6 if depth < 4 else 3)
        if kind == 0:
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        if kind == 1:
            return rng.choice(NUMBERS)
        if kind == 2:
            return rng.uniform(-1, 1) * 10 ** rng.randrange(-9, 20)
        if kind == 3:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        return {"".join(rng.choice(alphabet) for _ in range(3)): value(depth + 1) for _ in range(rng.randrange(4))}

    for _ in range(3000):
        data = value(0)
        assert dumps(data) == _reference(data)


@pytest.mark.parametrize("number", [n for n in NUMBERS if isinstance(n, float)], ids=repr)
def test_named_floats_are_compared_one_by_one(number: float) -> None:
    # scan names the delays of a record's hops (its only floats): a risky one sends the record to json.
    delays = [0.0, 1.5, -3600.0, number, 86400.25]
    data = {"delay_seconds": delays, "text": "e-mail 1e-07 0.00001"}
    assert dumps(data, floats=delays) == _reference(data)


def test_without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compact_json, "orjson", None)
    data = {"a": HOSTILE, "n": NUMBERS[:10]}
    assert dumps(data) == _reference(data)


def _records() -> list[dict[str, Any]]:
    ctx = Context(now=datetime(2026, 12, 1, tzinfo=UTC))
    paths = sorted((ROOT / "samples").glob("*.eml"))
    for name in ("eml_parser-samples", "phishing-pot-dev", "nazario-phishing", "mail-parser-tests"):
        folder = CORPORA / name
        if folder.is_dir():  # a slice of each corpus: many languages, charsets and broken encodings
            paths += sorted(p for p in folder.rglob("*") if p.is_file() and p.stat().st_size < 200_000)[:40]
    return [report_dict(analyze(p.read_bytes(), ctx, str(p))) for p in paths]


def test_real_records_are_identical() -> None:
    records = _records()
    assert len(records) >= 8
    non_ascii = 0
    for record in records:
        reference = _reference(record)
        non_ascii += "\\u" in reference
        delays = [hop["delay_seconds"] for hop in record["hops"] if hop["delay_seconds"] is not None]
        assert dumps(record, floats=delays) == reference
        assert dumps(record) == reference
    assert non_ascii  # the slice does exercise the escaping pass
