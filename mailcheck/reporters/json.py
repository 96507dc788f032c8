"""Report → JSON: a documented, versioned object (schema "mailcheck/report/2", see README and
`mailcheck schema`, whose JSON Schema reporters/schema.py states)."""

from __future__ import annotations

import json
from typing import Any

from mailcheck import __version__
from mailcheck.model import Finding, HopView, Report

SCHEMA = "mailcheck/report/2"  # 2: "tool" and "settings" added
TOOL = {"name": "mailcheck", "version": __version__}


def _hop(view: HopView) -> dict[str, Any]:
    hop = view.hop
    return {
        "index": view.index,
        "ip": hop.ip,
        "rdns": hop.rdns,
        "helo": hop.helo,
        "by": hop.by,
        "id": hop.id,
        "ident": hop.ident,
        "envelope_from": hop.envelope_from,
        "for": hop.for_,
        "protocol": hop.protocol,
        "auth": hop.auth,
        "timestamp": hop.timestamp.isoformat() if hop.timestamp else None,
        "relay": hop.relay,
        "raw": hop.raw,
        "trusted": view.trusted,
        "entry": view.entry,
        "delay_seconds": view.delay_seconds,
        "problems": list(hop.problems),
        "why": view.why,
    }


def field_dict(f: Finding) -> dict[str, Any]:
    return {"name": f.name, "value": f.value, "label": f.label._value_, "basis": f.basis._value_, "check": f.check,
            "evidence": list(f.evidence)}


def hop_dicts(report: Report) -> list[dict[str, Any]]:
    return [_hop(h) for h in report.hops]


def boundary_dict(report: Report) -> dict[str, Any]:
    b = report.boundary
    out: dict[str, Any] = {"trusted_count": b.trusted_count, "entry_index": b.entry_index, "explanation": b.explanation}
    if b.provider is not None:  # only when there is one: reports of other mail keep their exact shape
        out["provider"] = b.provider
        out["provider_edges"] = [{"profile": n, "edge_index": i} for n, i in b.provider_edges]
    return out


def continuum_list(report: Report) -> list[dict[str, Any]]:
    return [{"name": s.name, "proves": s.proves, "status": s.status._value_, "outcome": s.outcome}
            for s in report.continuum]


def report_dict(report: Report) -> dict[str, Any]:
    # Enum members' _value_, not .value: the same text, without the enum property's cost on every field.
    out = {
        "schema": SCHEMA,
        "tool": TOOL,
        "settings": dict(report.settings),
        "source": report.source,
        "verdict": report.verdict._value_,
        "verdict_reason": report.verdict_reason,
        "fields": [
            {"name": f.name, "value": f.value, "label": f.label._value_, "basis": f.basis._value_, "check": f.check,
             "evidence": list(f.evidence)}  # field_dict's, inline: a call per field costs
            for f in report.fields
        ],
        "hops": [_hop(h) for h in report.hops],
        "boundary": boundary_dict(report),
        "continuum": continuum_list(report),
        "errors": list(report.errors),
    }
    if not report.complete:
        out.update(incomplete(report))
    return out


def incomplete(report: Report) -> dict[str, Any]:
    """Only when something could not be examined: the reports of every other message keep their exact shape,
    and a reader that does not know these keys still sees the gaps in errors and verdict_reason."""
    if report.complete:
        return {}
    return {"complete": False, "not_examined": list(report.not_examined)}


def render(report: Report, extra: dict[str, Any] | None = None, indent: int | None = 2) -> str:
    """ensure_ascii keeps every byte of untrusted text exact yet unable to drive a terminal."""
    data = report_dict(report)
    if extra:
        data.update(extra)
    return json.dumps(data, ensure_ascii=True, indent=indent)
