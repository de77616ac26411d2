"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, VS Code SARIF viewer).

One rule per persona cue group; one result per cue that pulls toward an anti-persona or a
risk pack (negated cues, target-persona cues and cues that count nothing in their context, a
quotation or a template's placeholder, are not findings). When the original file text
is known, each result points at the line and column of the phrase in that file.

Where each phrase is in the file is worked out by :mod:`audit.report.locate`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from .. import __version__
from .findings import is_finding
from .locate import SourceFile, occurrence_ranks, prepare
from .locate import region as locate_region
from .paths import artifact_uri

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"risk": "error", "wrong-audience": "warning", "mixed": "warning"}
#: Source name of standard input in reports; not a valid URI reference (SARIF §3.10.2).
_STDIN = "<stdin>"
#: Columns are counted in UTF-16 code units, and the run says so. SARIF's default is
#: unicodeCodePoints, but GitHub's documented SARIF subset does not list columnKind, CodeQL
#: (what GitHub code scanning is built around) declares utf16CodeUnits, and JavaScript-based
#: viewers (VS Code's SARIF viewer) index lines in UTF-16. Emitting UTF-16 columns and
#: declaring them is right both for consumers that ignore columnKind and for those that read
#: it; the two kinds differ only past characters outside the BMP (an emoji).
_COLUMN_KIND = "utf16CodeUnits"


def _rule_id(persona: str, group: str) -> str:
    return f"{persona}/{group}"


# --- the log ------------------------------------------------------------------------------


def _artifact(source: str) -> dict[str, Any]:
    """artifactLocation: a valid URI reference (RFC 3986) for the source. A file is named
    relative to the working directory (what code scanning resolves against the repository
    root), or by a ``file://`` URI when outside it; a crawled page by its own absolute URL with
    no ``uriBaseId``, so it is never mistaken for a repository file."""
    if source == _STDIN:
        return {"uri": "stdin", "description": {"text": "standard input (no file to point at)"}}
    return {"uri": artifact_uri(source)}


def build_sarif(report: Mapping[str, Any], originals: Mapping[str, str] | None = None) -> dict:
    originals = originals or {}
    personas = {p["id"]: p for p in report["run"]["personas"]}
    kinds = {pid: str(p.get("kind", "")) for pid, p in personas.items()}
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for piece in report["pieces"]:
        verdict = piece["verdict"]
        level = _LEVEL.get(verdict["label"], "note")
        occurrences: dict[str, int] = defaultdict(int)
        artifact = _artifact(piece["source"])
        file: SourceFile | None = None
        ranks: dict[tuple[str, str], list[int]] = {}
        loaded = False
        for ev in piece["evidence"]:
            persona = personas.get(ev["persona"], {})
            if not is_finding(ev, kinds):
                continue
            rid = _rule_id(ev["persona"], ev["group"])
            if rid not in rules:
                rules[rid] = {
                    "id": rid,
                    "name": ev["group"].replace("-", " ").title().replace(" ", ""),
                    "shortDescription": {"text": f"{persona.get('name', ev['persona'])}: "
                                                 f"{ev['group']}"},
                    "fullDescription": {"text": ev.get("note") or ev["group"]},
                    "help": {"text": "Try instead: " + "; ".join(ev.get("suggest") or ["-"])},
                    "properties": {"persona": ev["persona"], "kind": persona.get("kind", "")},
                }
            key = ev["text"].lower()
            nth = occurrences[key]  # kept as it was: fingerprints stay stable across versions
            occurrences[key] += 1
            if not loaded:  # the file is read once per piece, and only when it has findings
                loaded = True
                original = originals.get(piece["source"]) if piece["source"] != _STDIN else None
                if original:
                    file = prepare(piece["source"], original)
                    ranks = occurrence_ranks(piece["evidence"], file)
            location: dict[str, Any] = {"artifactLocation": dict(artifact)}
            if file is not None:
                region = locate_region(file, ev, ranks)
                if region:
                    location["region"] = region
            ev_level = "error" if persona.get("kind") == "risk" else level
            suggest = ev.get("suggest") or []
            results.append({
                "ruleId": rid,
                "level": ev_level,
                "message": {"text": f"\"{ev['text']}\" pulls toward "
                                    f"{persona.get('name', ev['persona'])} ({ev['group']}). "
                                    + (f"Try: {suggest[0]}." if suggest else "")},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {"antipersona/v1": f"{rid}:{key}:{nth}"},
                "properties": {"verdict": verdict["label"], "section": ev["section"],
                               "weight": ev["weight"]},
            })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "antipersona",
                "version": __version__,
                "rules": list(rules.values()),
            }},
            "columnKind": _COLUMN_KIND,
            "results": results,
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": _notifications(report)}],
        }],
    }


def _notifications(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Sources not read as errors; pieces read with a warning (a lost email body) as warnings."""
    return ([{"level": "error", "message": {"text": f"{e['source']}: {e['error']}"}}
             for e in report.get("errors", [])]
            + [{"level": "warning", "message": {"text": f"{w['source']}: {w['warning']}"}}
               for w in report.get("warnings", [])])
