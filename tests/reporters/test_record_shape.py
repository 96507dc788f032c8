"""record_shape: parsing --fields, and shaped records of real reports (schema-valid, core kept)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest
from support.messages import SAMPLES

from mailcheck import Context, analyze
from mailcheck.reporters.json import report_dict
from mailcheck.reporters.record_shape import PARTS, PRESETS, Shape, parse_fields, shaped_dict
from mailcheck.reporters.schema import report_schema

VALIDATOR = jsonschema.Draft202012Validator(report_schema())


def test_presets_and_parts_combine_and_everything_is_the_full_record() -> None:
    assert parse_fields("full") is None and parse_fields(",".join(PARTS)) is None
    assert parse_fields("compact") == Shape(frozenset(PRESETS["compact"]))
    assert parse_fields(" compact , hops ") == Shape(frozenset({*PRESETS["compact"], "hops"}))
    minimal = parse_fields("minimal")
    assert minimal is not None and minimal.omitted == list(PARTS)
    for bad in ("", "fields", "fields.name", "Hops", "compact;hops"):
        with pytest.raises(ValueError, match="choose from full, compact, minimal, tool"):
            parse_fields(bad)


def _reports() -> list[Any]:
    ctx = Context(trusted=("192.0.2.0/24",), now=datetime(2026, 12, 1, tzinfo=UTC))
    return [analyze(path.read_bytes(), ctx, str(path)) for path in sorted(SAMPLES.glob("*.eml"))]


@pytest.mark.parametrize("spec", ["minimal", "compact", "tool,hops,fields.value", "continuum,boundary,fields.check"])
def test_shaped_records_are_valid_and_keep_what_they_promise(spec: str) -> None:
    shape = parse_fields(spec)
    assert shape is not None
    for report in _reports():
        full = report_dict(report)
        record = shaped_dict(report, shape)
        assert VALIDATOR.is_valid({**record, "position": {}}), report.source
        assert list(record) == ["schema", "omitted", *(k for k in full if k in record and k != "schema")]
        assert record["omitted"] == [p for p in PARTS if p not in shape.keep]
        for key in ("tool", "settings", "hops", "boundary", "continuum"):
            assert (key in record) is (key in shape.keep)
        for key in set(record) - {"omitted"}:
            if key != "fields":
                assert record[key] == full[key]
        for kept, field in zip(record["fields"], full["fields"], strict=True):
            if field["label"] == "forged":
                assert kept == field
            else:
                assert kept == {k: v for k, v in field.items() if k in ("name", "label") or f"fields.{k}" in shape.keep}


def test_the_schema_refuses_a_forged_field_cut_short_or_an_unknown_part() -> None:
    report = next(r for r in _reports() if r.verdict.value == "forged")
    record = {**shaped_dict(report, Shape(frozenset())), "position": {}}
    assert VALIDATOR.is_valid(record)
    forged = next(f for f in record["fields"] if f["label"] == "forged")
    del forged["evidence"]
    assert not VALIDATOR.is_valid(record)
    assert not VALIDATOR.is_valid({**shaped_dict(report, Shape(frozenset())), "position": {}, "omitted": ["x"]})
    no_label = {**shaped_dict(report, Shape(frozenset())), "position": {}}
    del no_label["fields"][0]["label"]
    assert not VALIDATOR.is_valid(no_label)
