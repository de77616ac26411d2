"""Plain-language views of a piece's result: verdict wording, rewrites, tone against targets.

Inputs are the JSON-contract dicts (``PieceResult.to_dict()`` or a stored piece), so a fresh
draft and a stored run explain themselves the same way. No scoring happens here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..analyze.tonenames import format_metric, metric_title, plain_metric
from ..models import LEAN_GROUP
from .highlight import Swatch, swatch

#: The app's name for a metric's table title (kept for the pages that import it from here).
metric_label = metric_title

VERDICT_TEXT = {
    "on-target": ("On target", "success"),
    "wrong-audience": ("Wrong audience", "error"),
    "mixed": ("Mixed signals", "warning"),
    "risk": ("Risk", "warning"),
    "neutral": ("Neutral", "info"),
}

def verdict_headline(verdict: Mapping[str, Any], swatches: Mapping[str, Swatch],
                     target: str) -> tuple[str, str]:
    """("Wrong audience: pulls toward Beth the Bureaucrat", "error") for a verdict dict."""
    label = str(verdict.get("label", "neutral"))
    title, level = VERDICT_TEXT.get(label, (label, "info"))
    who = swatch(swatches, verdict.get("persona")).name if verdict.get("persona") else ""
    if label == "on-target":
        text = f"{title}: speaks to {swatch(swatches, target).name}"
    elif label == "wrong-audience":
        text = f"{title}: pulls toward {who}"
    elif label == "mixed":
        text = f"{title}: speaks to {swatch(swatches, target).name} and {who or 'an anti-persona'} at once"
    elif label == "risk":
        text = f"{title}: {who or 'a risk pack'} fires"
    else:
        text = f"{title}: no persona pulls strongly"
    return text, level


@dataclass(slots=True)
class Rewrite:
    """A cue group that pulls the wrong way, the phrases that fired it and what to write instead."""

    persona: str
    group: str
    phrases: list[str] = field(default_factory=list)
    suggest: list[str] = field(default_factory=list)
    note: str = ""
    weight: float = 0.0


def rewrites(evidence: Iterable[Mapping[str, Any]], swatches: Mapping[str, Swatch]) -> list[Rewrite]:
    """Suggestions grouped by cue group, heaviest first; target-persona and negated cues are
    not problems, so they are left out."""
    groups: dict[tuple[str, str], Rewrite] = {}
    for ev in evidence:
        pid = str(ev.get("persona", ""))
        if ev.get("kind", "cue") != "cue" or ev.get("negated") or swatch(swatches, pid).kind == "persona":
            continue
        key = (pid, str(ev.get("group", "")))
        rw = groups.setdefault(key, Rewrite(pid, key[1], note=str(ev.get("note") or "")))
        phrase = str(ev.get("text", ""))
        if phrase and phrase.lower() not in (p.lower() for p in rw.phrases):
            rw.phrases.append(phrase)
        for s in ev.get("suggest") or ():
            if s not in rw.suggest:
                rw.suggest.append(str(s))
        rw.weight += float(ev.get("weight") or 0.0)
    return sorted(groups.values(), key=lambda r: -r.weight)


def no_rewrites_text(evidence: Iterable[Mapping[str, Any]], swatches: Mapping[str, Swatch],
                     otherwise: str) -> str:
    """What to say where no phrase has a rewrite: a wording lean toward an anti-persona or a
    risk pack is a whole-piece pull, with no single phrase to change."""
    for ev in evidence:
        sw = swatch(swatches, str(ev.get("persona", "")))
        if ev.get("group") == LEAN_GROUP and sw.kind != "persona":
            return (f"No single phrase to rewrite: the wording as a whole leans toward {sw.name} "
                    f"(words such as {ev.get('text') or '-'}). Rewrite the piece for the reader "
                    "you want rather than one phrase.")
    return otherwise


def tone_rows(tone: Mapping[str, float], personas: Sequence[Any], target: str) -> list[dict[str, Any]]:
    """Each tone target of the target persona, met or missed, then the other packs' tone
    thresholds this copy crosses (those it stays clear of are not worth a line)."""
    rows = []
    for p in sorted(personas, key=lambda p: p.id != target):
        for t in getattr(p, "tone", ()):
            value = tone.get(t.metric)
            if value is None:
                continue
            passed = value > t.above if t.above is not None else value < t.below  # type: ignore[operator]
            bound = t.above if t.above is not None else t.below
            side = "above" if t.above is not None else "below"
            is_target = p.id == target
            if not is_target and not passed:
                continue
            rows.append({
                "Metric": metric_label(t.metric),
                "This copy": format_metric(t.metric, value),
                "Threshold": f"{side} {format_metric(t.metric, float(bound or 0))}",
                "Pack": p.name,
                "Reads as": ("wanted" if is_target else "to avoid"),
                "Status": _status(is_target, passed),
            })
    return rows


def _status(is_target: bool, passed: bool) -> str:
    if is_target:
        return "✓ meets target" if passed else "✗ misses target"
    return "⚠ pulls away" if passed else "✓ fine"


def sentence_rows(sentences: Sequence[Mapping[str, Any]],
                  swatches: Mapping[str, Swatch]) -> list[dict[str, Any]]:
    """The sentences that pull hardest toward an anti-persona, with who they pull toward."""
    rows = []
    for s in sentences:
        pulls = s.get("personas") or {}
        toward = [swatch(swatches, pid).name for pid, _ in sorted(pulls.items(), key=lambda kv: -kv[1])
                  if swatch(swatches, pid).kind != "persona"]
        rows.append({
            "Sentence": str(s.get("text", "")),
            "Pulls toward": ", ".join(toward),
            "Pull": float(s.get("pull") or 0.0),
            "Where": str(s.get("section", "")),
            "Grade": float(s.get("reading_grade") or 0.0),
            "Passive": "yes" if s.get("passive") else "",
        })
    return rows


def evidence_rows(evidence: Iterable[Mapping[str, Any]], swatches: Mapping[str, Swatch],
                  tone: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every cue found, as table rows (tone evidence included, labelled as tone and, given
    the piece's ``tone``, worded "acronyms per 100 words 9.4")."""
    rows = []
    for ev in evidence:
        sw = swatch(swatches, str(ev.get("persona", "")))
        state = "negated" if ev.get("negated") else {"tone": "tone", "lean": "wording"}.get(
            str(ev.get("kind")), "counted")
        phrase = str(ev.get("text", ""))
        if ev.get("kind") == "tone" and tone is not None:
            metric = str(ev.get("group", "")).removeprefix("tone:")
            if isinstance(tone.get(metric), (int, float)):
                phrase = plain_metric(metric, float(tone[metric]))
        rows.append({
            "Phrase": phrase,
            "Persona": sw.name,
            "Cue group": str(ev.get("group", "")),
            "Where": str(ev.get("section", "")),
            "Weight": round(float(ev.get("weight") or 0.0), 3),
            "Status": state,
        })
    return rows
