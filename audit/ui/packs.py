"""Persona packs in the app: tables of cue groups, and checking an edited pack before saving.

An edit is written to a temporary copy (same file name, since a pack's id must match it) and
linted together with the other packs in use, so cross-pack rules (``negation.counts_for``)
are checked too; problems are reported against the real file name with their line numbers.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..packs.lexicon import Persona, lint_paths
from .explain import metric_label

_LINE_RE = re.compile(r"^(?P<path>.*?):(?P<line>\d+): (?P<message>.*)$", re.S)


@dataclass(frozen=True, slots=True)
class Problem:
    """One lint finding, split so the app can point at the line."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def parse_problem(text: str) -> Problem:
    m = _LINE_RE.match(text)
    if not m:
        return Problem("", 0, text)
    return Problem(m["path"], int(m["line"]), m["message"])


@dataclass(slots=True)
class Validation:
    """The outcome of checking an edited pack: the pack as parsed, and problems in it."""

    persona: Persona | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.persona is not None and not self.problems


def validate_pack_text(text: str, original: Path, others: Sequence[Path] = ()) -> Validation:
    """Lint ``text`` as if it were saved over ``original``, alongside the ``others`` packs."""
    with tempfile.TemporaryDirectory(prefix="antipersona-pack-") as tmp:
        draft = Path(tmp) / original.name
        draft.write_text(text, encoding="utf-8")
        personas, problems = lint_paths([draft, *[p for p in others if p.resolve() != original.resolve()]])
        mine = [parse_problem(p) for p in problems if p.startswith(str(draft))]
        found = next((p for p in personas if Path(p.path) == draft), None)
    fixed = [Problem(original.name, p.line, p.message.replace(str(draft), original.name)) for p in mine]
    return Validation(found if not fixed else None, fixed)


def group_rows(persona: Persona) -> list[dict[str, Any]]:
    """One row per cue group: what it catches, how much it weighs, what to write instead."""
    rows = []
    for g in persona.cues:
        examples = list(g.terms[:6]) + list(g.acronyms[:3])
        rows.append({
            "Cue group": g.group,
            "Weight": g.weight,
            "Cues": g.size,
            "Examples": ", ".join(examples) + (" …" if g.size > len(examples) else ""),
            "Write instead": " · ".join(g.suggest[:3]),
            "Why": g.note,
        })
    return rows


def tone_rows(persona: Persona) -> list[dict[str, Any]]:
    """Tone thresholds of a pack in words: "Reading grade above 12"."""
    return [{"Tone metric": metric_label(t.metric), "Pulls toward this pack when":
             t.describe().replace(t.metric, "").strip(), "Weight": t.weight} for t in persona.tone]


def all_terms(persona: Persona, group: str) -> list[str]:
    g = persona.group(group)
    if g is None:
        return []
    return [*g.terms, *g.acronyms, *g.regex, *(" ".join(str(tok) for tok in pat) for pat in g.patterns)]
