"""The JSON Schema (draft 2020-12) of `mailcheck/report/2` records: `mailcheck schema` prints it.

One schema for every record mailcheck writes: a report (`mailcheck FILE --format json`, each line
of `scan`), a shaped one (`scan --fields`: the report less the parts its "omitted" names) or, in
`scan`, the record of a message that could not be read or analysed ("verdict": "error"). Written
from the reporters' own tables (labels, bases, continuum statuses), so a value the code can write is
a value the schema allows; tests validate every sample's and many corpus messages' records against
it with the jsonschema library. Keys a later version may add are allowed
(additionalProperties is not closed): readers must ignore keys they do not know.
"""

from __future__ import annotations

from typing import Any

from mailcheck.model import Basis, Label, StepStatus
from mailcheck.reporters.json import SCHEMA
from mailcheck.reporters.record_shape import PARTS

_STRING = {"type": "string"}
_MAYBE_STRING = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": _STRING}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties) if required is None else required}


_FIELD = _object({
    "name": {**_STRING, "description": "stable field name: from, received[0], header:X-Spam-Flag[0], url[2]…"},
    "value": {**_STRING, "description": "the claim as found in the message (untrusted text)"},
    "label": {"enum": [label.value for label in Label]},
    "basis": {"enum": [basis.value for basis in Basis]},
    "check": {**_STRING, "description": "the id of the check that labelled it (mailcheck checks ID)"},
    "evidence": {**_STRINGS, "minItems": 1, "description": "plain sentences a reader can verify"},
})

_HOP = _object({
    "index": {"type": "integer", "minimum": 0, "description": "0 = the newest (topmost) Received field"},
    "ip": _MAYBE_STRING, "rdns": _MAYBE_STRING, "helo": _MAYBE_STRING, "by": _MAYBE_STRING,
    "id": _MAYBE_STRING, "ident": _MAYBE_STRING, "envelope_from": _MAYBE_STRING, "for": _MAYBE_STRING,
    "protocol": _MAYBE_STRING, "auth": _MAYBE_STRING,
    "timestamp": {**_MAYBE_STRING, "description": "ISO 8601 with its offset, when the date could be read"},
    "relay": {"type": "boolean"},
    "raw": _STRING,
    "trusted": {"type": "boolean"},
    "entry": {"type": "boolean"},
    "delay_seconds": {"type": ["number", "null"], "description": "to the newer hop; negative stays negative"},
    "problems": _STRINGS,
    "why": _STRING,
})

_BOUNDARY = _object({
    "trusted_count": {"type": "integer", "minimum": 0},
    "entry_index": {"type": ["integer", "null"]},
    "explanation": _STRING,
    "provider": _STRING,
    "provider_edges": {"type": "array",
                       "items": _object({"profile": _STRING, "edge_index": {"type": ["integer", "null"]}})},
}, required=["trusted_count", "entry_index", "explanation"])

_STEP = _object({
    "name": _STRING, "proves": _STRING, "status": {"enum": [status.value for status in StepStatus]}, "outcome": _STRING,
})

_TOOL = _object({"name": {"const": "mailcheck"}, "version": _STRING})

_SETTINGS = _object({
    "trusted": _STRINGS,
    "authserv_ids": _STRINGS,
    "provider": _STRING,
    "offline": {"type": "boolean"},
    "now": {**_MAYBE_STRING, "description": "the clock dates were judged by; null = the real clock"},
    "skew_seconds": {"type": "integer"},
    "probes": _STRINGS,
    "resolve_urls": {"type": "boolean"},
})

_POSITION = {"type": "object", "description": "scan: the message's place in its source (file, index, offset)"}

_REPORT = _object({
    "schema": {"const": SCHEMA},
    "tool": _TOOL,
    "settings": _SETTINGS,
    "source": _STRING,
    "verdict": {"enum": [label.value for label in Label]},
    "verdict_reason": _STRING,
    "fields": {"type": "array", "items": _FIELD},
    "hops": {"type": "array", "items": _HOP},
    "boundary": _BOUNDARY,
    "continuum": {"type": "array", "items": _STEP},
    "errors": _STRINGS,
    "complete": {"const": False, "description": "present only when something could not be examined"},
    "not_examined": _STRINGS,
    "resolver": {"type": "object", "description": "with DNS only: whether the resolver passed the honesty check"},
    "position": _POSITION,
}, required=["schema", "tool", "settings", "source", "verdict", "verdict_reason", "fields", "hops", "boundary",
             "continuum", "errors"])

# `scan --fields` (reporters/record_shape.py): the same record less the parts "omitted" names. Every field
# keeps its name and label, a forged one all of its keys; the top-level core stays.
_SHAPED_FIELD = {**_object(_FIELD["properties"], required=["name", "label"]),
                 "if": {"properties": {"label": {"const": "forged"}}},
                 "then": {"required": list(_FIELD["properties"])}}

_SHAPED_REPORT = _object({
    **_REPORT["properties"],
    "omitted": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(PARTS)},
                "description": "scan --fields: the parts left out ('fields.KEY': of the fields not forged)"},
    "fields": {"type": "array", "items": _SHAPED_FIELD},
}, required=["schema", "omitted", "source", "verdict", "verdict_reason", "fields", "errors", "position"])

_ERROR_RECORD = _object({
    "schema": {"const": SCHEMA},
    "tool": _TOOL,
    "source": _STRING,
    "verdict": {"const": "error"},
    "error": _STRING,
    "position": _POSITION,
}, required=["schema", "tool", "source", "verdict", "error"])


def report_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:{SCHEMA.replace('/', ':')}",
        "title": f"a mailcheck record ({SCHEMA})",
        "oneOf": [{**_REPORT, "not": {"required": ["omitted"]}}, _SHAPED_REPORT, _ERROR_RECORD],
    }
