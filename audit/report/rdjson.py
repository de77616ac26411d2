"""reviewdog's Diagnostic Format (rdjson: one ``DiagnosticResult``), for review comments on the
changed lines of a pull request.

One diagnostic per cue that pulls toward an anti-persona or a risk pack (the findings SARIF
lists too), at the phrase's place in the file (found by :mod:`audit.report.locate`): path
relative to the working directory, 1-based line and column with columns in UTF-8 bytes and an
exclusive end, as ``proto/rdf/reviewdog.proto`` defines them. Severity follows the piece's
verdict; the cue group is the code. A suggestion is offered only where it is a drop-in
replacement: the phrase is the whole line of copy (a button, a heading, a subject line), so
swapping in the pack's first suggestion leaves no broken sentence around it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .findings import is_finding
from .locate import SourceFile, occurrence_ranks, prepare, span
from .paths import STDIN, is_url, relative_path

SOURCE = {"name": "antipersona"}
_SEVERITY = {"wrong-audience": "ERROR", "risk": "ERROR", "mixed": "WARNING"}
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def severity(verdict: str) -> str:
    """ERROR for wrong-audience and risk, WARNING for mixed, else INFO."""
    return _SEVERITY.get(verdict, "INFO")


def _path(source: str) -> str:
    if source == STDIN:
        return "stdin"
    return source if is_url(source) else relative_path(source)


def _position(f: SourceFile, i: int) -> dict[str, int]:
    line, column = f.utf8_position(i)
    return {"line": line, "column": column}


def _whole_line(ev: Mapping[str, Any]) -> bool:
    """The phrase is all the copy of its sentence (a CTA, a heading), punctuation aside."""
    def bare(text: str) -> str:
        return " ".join(_EDGE_PUNCTUATION.sub("", text).lower().split())

    sentence = ev.get("sentence") or ""
    return bool(sentence) and bare(sentence) == bare(ev["text"])


def _replacement(original: str, suggestion: str) -> str:
    """The suggestion written the way the original starts (capital or not)."""
    if original[:1].isupper() and suggestion[:1].islower():
        return suggestion[0].upper() + suggestion[1:]
    return suggestion


def build_rdjson(report: Mapping[str, Any], originals: Mapping[str, str] | None = None
                 ) -> dict[str, Any]:
    """The report as an rdjson ``DiagnosticResult``."""
    originals = originals or {}
    personas = {p["id"]: p for p in report["run"]["personas"]}
    kinds = {pid: p.get("kind", "") for pid, p in personas.items()}
    diagnostics: list[dict[str, Any]] = []
    worst = "INFO"
    for piece in report["pieces"]:
        findings = [ev for ev in piece["evidence"] if is_finding(ev, kinds)]
        if not findings:
            continue
        level = severity(piece["verdict"]["label"])
        if level == "ERROR" or (level == "WARNING" and worst == "INFO"):
            worst = level
        source = piece["source"]
        file: SourceFile | None = None
        ranks: dict[tuple[str, str], list[int]] = {}
        original = originals.get(source) if source != STDIN and not is_url(source) else None
        if original:
            file = prepare(source, original)
            ranks = occurrence_ranks(piece["evidence"], file)
        path = _path(source)
        for ev in findings:
            name = personas.get(ev["persona"], {}).get("name", ev["persona"])
            suggest = [s for s in ev.get("suggest") or [] if s]
            diagnostic: dict[str, Any] = {
                "message": f"\"{ev['text']}\" pulls toward {name} ({ev['group']})."
                           + (f" Try: {suggest[0]}." if suggest else ""),
                "location": {"path": path},
                "severity": level,
                "code": {"value": ev["group"]},
            }
            found = span(file, ev, ranks) if file is not None else None
            if found is not None:
                assert file is not None
                rng = {"start": _position(file, found[0]), "end": _position(file, found[1])}
                diagnostic["location"]["range"] = rng
                if suggest and _whole_line(ev):
                    diagnostic["suggestions"] = [
                        {"range": rng, "text": _replacement(file.text[found[0]:found[1]], suggest[0])}]
            diagnostics.append(diagnostic)
    result: dict[str, Any] = {"source": dict(SOURCE), "diagnostics": diagnostics}
    if diagnostics:
        result["severity"] = worst
    return result
