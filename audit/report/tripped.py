"""The pieces that made ``check --fail-on`` fire, one line each, for a CI log or a blocked
commit: which file, which verdict and persona, and the phrases that pulled hardest."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ..models import NOTE_KINDS

#: Phrases named per piece: enough to find the problem, short enough for one line.
MAX_PHRASES = 5


def tripped_lines(report: Mapping[str, Any], triggers: Collection[str],
                  encoded: Sequence[str] | None = None) -> list[str]:
    """``source: label → Persona name: "phrase", "phrase"`` for each piece whose verdict is one
    of ``triggers``. ``encoded``: each piece's full JSON, when the report holds summaries only
    (a check writing compact JSON), read for the pieces that tripped."""
    names = {p["id"]: p.get("name", p["id"]) for p in report["run"]["personas"]}
    lines = []
    for n, piece in enumerate(report["pieces"]):
        verdict = piece["verdict"]
        if verdict["label"] not in triggers:
            continue
        if encoded is not None and n < len(encoded):
            piece = json.loads(encoded[n])
        persona = verdict.get("persona")
        head = f"{piece['source']}: {verdict['label']}"
        if persona:
            head += f" → {names.get(persona, persona)}"
        cues = sorted((ev for ev in piece.get("evidence", [])
                       if ev.get("persona") == persona and ev.get("kind") not in NOTE_KINDS
                       and not ev.get("negated") and ev.get("text")),
                      key=lambda ev: -float(ev.get("weight", 0)))
        phrases: list[str] = []
        for ev in cues:
            if ev["text"] not in phrases:
                phrases.append(ev["text"])
            if len(phrases) == MAX_PHRASES:
                break
        if verdict.get("lean") is not None:  # no cue: the wording as a whole decided
            head += f" (by its wording, {float(verdict['lean']):.2f})"
        elif verdict.get("weighed") is not None:  # cues and wording weighed together
            head += f" (cues and wording weighed together, {float(verdict['weighed']):.2f})"
        lines.append(head + (": " + ", ".join(f'"{p}"' for p in phrases) if phrases else ""))
    return lines
