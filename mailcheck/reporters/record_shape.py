"""Shaped scan records (`scan --fields`): the full record less the parts a batch scan may leave out.

A scan record is ~14 kB per message, most of it evidence sentences, hops and the continuum. A shaped
record keeps a fixed core whatever is chosen, so that it never leaves its reader guessing:

- "schema", "source", "verdict", "verdict_reason", "errors", "position", and "complete"/"not_examined"
  and "resolver" when the full record has them (they qualify the verdict);
- every field's "name" and "label": which fields were checked and what each came to;
- every forged field whole (value, basis, check, evidence): an accusation travels with what proves it;
- "omitted": the parts left out, in PARTS order, so that a missing key reads as "not written", never as
  "empty".

What may be added to the core is PARTS: top-level keys, and "fields.KEY" for a key of the fields that
are not forged. A shape that keeps every part is the full record itself (parse_fields returns None), so
that `--fields full` writes exactly what the default writes. Error records are the same in every shape.
"""

from __future__ import annotations

from typing import Any

from mailcheck.model import Finding, Label, Report
from mailcheck.reporters.json import SCHEMA, TOOL, boundary_dict, continuum_list, field_dict, hop_dicts, incomplete
from mailcheck.value_types import NamedTuple

PARTS = ("tool", "settings", "hops", "boundary", "continuum",
         "fields.value", "fields.basis", "fields.check", "fields.evidence")
PRESETS: dict[str, tuple[str, ...]] = {
    "full": PARTS,
    # What an investigator triaging an archive reads: provenance, and how each label was reached.
    "compact": ("tool", "settings", "fields.basis"),
    "minimal": (),
}
_FORGED = Label.FORGED


class Shape(NamedTuple):
    """The parts a record keeps beyond the core (picklable: it travels to workers in the scan's Job)."""

    keep: frozenset[str]

    @property
    def omitted(self) -> list[str]:
        return [part for part in PARTS if part not in self.keep]


def parse_fields(spec: str) -> Shape | None:
    """'compact,hops' → the Shape; None for the full record. ValueError names what is not known."""
    keep: set[str] = set()
    names = [name.strip() for name in spec.split(",")]
    for name in names:
        if name in PRESETS:
            keep.update(PRESETS[name])
        elif name in PARTS:
            keep.add(name)
        else:
            what = f"{name!r} is not a record part" if name else "an empty part"
            raise ValueError(f"{what}: choose from {', '.join([*PRESETS, *PARTS])}")
    return None if keep.issuperset(PARTS) else Shape(frozenset(keep))


def _field(f: Finding, value: bool, basis: bool, check: bool, evidence: bool) -> dict[str, Any]:
    if f.label is _FORGED:
        return field_dict(f)
    out: dict[str, Any] = {"name": f.name}
    if value:
        out["value"] = f.value
    out["label"] = f.label._value_
    if basis:
        out["basis"] = f.basis._value_
    if check:
        out["check"] = f.check
    if evidence:
        out["evidence"] = list(f.evidence)
    return out


def shaped_dict(report: Report, shape: Shape) -> dict[str, Any]:
    """The record of `report` in `shape`, keys in the full record's order ("omitted" second)."""
    keep = shape.keep
    out: dict[str, Any] = {"schema": SCHEMA, "omitted": shape.omitted}
    if "tool" in keep:
        out["tool"] = TOOL
    if "settings" in keep:
        out["settings"] = dict(report.settings)
    out["source"] = report.source
    out["verdict"] = report.verdict._value_
    out["verdict_reason"] = report.verdict_reason
    flags = ("fields.value" in keep, "fields.basis" in keep, "fields.check" in keep, "fields.evidence" in keep)
    out["fields"] = [_field(f, *flags) for f in report.fields]
    if "hops" in keep:
        out["hops"] = hop_dicts(report)
    if "boundary" in keep:
        out["boundary"] = boundary_dict(report)
    if "continuum" in keep:
        out["continuum"] = continuum_list(report)
    out["errors"] = list(report.errors)
    out.update(incomplete(report))
    return out
