"""SARIF 2.1.0 for code-scanning tools (GitHub code scanning, VS Code SARIF viewer).

One rule per persona cue group; one result per cue that pulls toward an anti-persona or a
risk pack (negated cues and target-persona cues are not findings). When the original file text
is known, each result points at the line and column of the phrase in that file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .. import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"risk": "error", "wrong-audience": "warning", "mixed": "warning"}


def _rule_id(persona: str, group: str) -> str:
    return f"{persona}/{group}"


def _locate(text: str, phrase: str, nth: int) -> tuple[int, int, int, int] | None:
    """(start line, start column, end line, end column), 1-based, of the nth occurrence."""
    matches = [m for m in re.finditer(re.escape(phrase), text, re.IGNORECASE)]
    if not matches:
        flexible = r"\s+".join(re.escape(w) for w in phrase.split())
        matches = list(re.finditer(flexible, text, re.IGNORECASE))
    if not matches:
        return None
    m = matches[min(nth, len(matches) - 1)]

    def pos(i: int) -> tuple[int, int]:
        line = text.count("\n", 0, i) + 1
        col = i - (text.rfind("\n", 0, i) + 1) + 1
        return line, col

    return (*pos(m.start()), *pos(m.end()))


def _uri(source: str) -> str:
    if urlsplit(source).scheme in ("http", "https"):
        return source
    return source.replace("\\", "/")


def build_sarif(report: Mapping[str, Any], originals: Mapping[str, str] | None = None) -> dict:
    originals = originals or {}
    personas = {p["id"]: p for p in report["run"]["personas"]}
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for piece in report["pieces"]:
        verdict = piece["verdict"]
        level = _LEVEL.get(verdict["label"], "note")
        occurrences: dict[str, int] = defaultdict(int)
        for ev in piece["evidence"]:
            persona = personas.get(ev["persona"], {})
            if ev.get("kind") == "tone" or ev.get("negated") or persona.get("kind") == "persona":
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
            nth = occurrences[key]
            occurrences[key] += 1
            location: dict[str, Any] = {"artifactLocation": {"uri": _uri(piece["source"])}}
            original = originals.get(piece["source"])
            if original is not None:
                where = _locate(original, ev["text"], nth)
                if where:
                    location["region"] = {"startLine": where[0], "startColumn": where[1],
                                          "endLine": where[2], "endColumn": where[3],
                                          "snippet": {"text": ev["text"]}}
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
            "results": results,
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": [
                                 {"level": "error", "message": {"text": f"{e['source']}: "
                                                                        f"{e['error']}"}}
                                 for e in report.get("errors", [])]}],
        }],
    }
