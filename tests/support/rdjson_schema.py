"""reviewdog's JSON schema for rdjson (``proto/rdf/jsonschema/DiagnosticResult.json``), its
constraints restated here (descriptions left out): every message is an open object
(``additionalProperties: true``), severities are the enum's names or numbers, positions are
integers. ``STRICT`` adds what the proto's comments require and the schema cannot say: a
location with a path, a range with a start, 1-based lines and columns."""

from __future__ import annotations

from typing import Any

_SEVERITY = {"enum": ["UNKNOWN_SEVERITY", 0, "ERROR", 1, "WARNING", 2, "INFO", 3],
             "oneOf": [{"type": "string"}, {"type": "integer"}]}


def _obj(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": True, "properties": properties, **extra}


DEFINITIONS: dict[str, Any] = {
    "Source": _obj({"name": {"type": "string"}, "url": {"type": "string"}}),
    "Code": _obj({"value": {"type": "string"}, "url": {"type": "string"}}),
    "Position": _obj({"line": {"type": "integer"}, "column": {"type": "integer"}}),
    "Range": _obj({"start": {"$ref": "#/definitions/Position"},
                   "end": {"$ref": "#/definitions/Position"}}),
    "Location": _obj({"path": {"type": "string"}, "range": {"$ref": "#/definitions/Range"}}),
    "RelatedLocation": _obj({"message": {"type": "string"},
                             "location": {"$ref": "#/definitions/Location"}}),
    "Suggestion": _obj({"range": {"$ref": "#/definitions/Range"}, "text": {"type": "string"}}),
    "Diagnostic": _obj({
        "message": {"type": "string"},
        "location": {"$ref": "#/definitions/Location"},
        "severity": _SEVERITY,
        "source": {"$ref": "#/definitions/Source"},
        "code": {"$ref": "#/definitions/Code"},
        "suggestions": {"type": "array", "items": {"$ref": "#/definitions/Suggestion"}},
        "original_output": {"type": "string"},
        "related_locations": {"type": "array",
                              "items": {"$ref": "#/definitions/RelatedLocation"}},
    }),
}

SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "definitions": {**DEFINITIONS, "DiagnosticResult": _obj({
        "diagnostics": {"type": "array", "items": {"$ref": "#/definitions/Diagnostic"}},
        "source": {"$ref": "#/definitions/Source"},
        "severity": _SEVERITY,
    })},
    "$ref": "#/definitions/DiagnosticResult",
}


def _strict() -> dict[str, Any]:
    defs = {k: dict(v) for k, v in SCHEMA["definitions"].items()}
    positive = {"type": "integer", "minimum": 1}
    defs["Position"] = _obj({"line": positive, "column": positive}, required=["line"])
    defs["Range"] = dict(defs["Range"], required=["start"])
    defs["Location"] = dict(defs["Location"], required=["path"])
    defs["Code"] = dict(defs["Code"], required=["value"])
    defs["Suggestion"] = dict(defs["Suggestion"], required=["range", "text"])
    defs["Diagnostic"] = dict(defs["Diagnostic"], required=["message", "location"])
    defs["DiagnosticResult"] = dict(defs["DiagnosticResult"], required=["diagnostics"])
    return {**SCHEMA, "definitions": defs}


STRICT = _strict()
