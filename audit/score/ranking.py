"""What results say at a glance: how badly a piece misfires (its worst anti-persona or risk
score), whom it draws, the phrases behind its verdict, and what drives each anti-persona in a
channel. One rule each, for every report format and the app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def worst_score(scores: Mapping[str, float], target: str,
                kinds: Mapping[str, str] | None = None) -> float:
    """Highest score among anti-persona and risk packs: how badly a piece misfires."""
    kinds = kinds or {}
    vals = [float(s) for pid, s in scores.items()
            if pid != target and kinds.get(pid, "anti-persona") != "persona"]
    return max(vals, default=0.0)


def drawn_to(verdict: Mapping[str, Any], target: str) -> str | None:
    """The persona a piece attracts: the one its verdict names, or the target when on-target."""
    if verdict.get("label") == "on-target":
        return target or None
    return verdict.get("persona") or None


def top_cue_phrases(piece: Mapping[str, Any], target: str, limit: int = 3) -> list[str]:
    """The strongest distinct phrases behind a piece's verdict (the persona it names, the target
    when on-target, else any non-target pack): what a reader should look at first."""
    verdict = piece.get("verdict") or {}
    focus = verdict.get("persona") or (target if verdict.get("label") == "on-target" else None)
    cues = [e for e in piece.get("evidence") or ()
            if e.get("kind", "cue") == "cue" and not e.get("negated") and e.get("weight", 0) > 0]
    chosen = [e for e in cues if (e["persona"] == focus if focus else e["persona"] != target)]
    chosen.sort(key=lambda e: -float(e.get("weight", 0)))
    out: list[str] = []
    for ev in chosen:
        text = " ".join(str(ev["text"]).split())
        if text.lower() not in (o.lower() for o in out):
            out.append(text)
        if len(out) >= limit:
            break
    return out


def top_cues(piece: Mapping[str, Any], target: str, limit: int = 3) -> str:
    """:func:`top_cue_phrases` as one short string for tables: "procurement", "sign-off"."""
    return ", ".join(f"\u201c{t[:60]}\u201d" for t in top_cue_phrases(piece, target, limit))


#: How many cue groups are named as what drives a persona in a channel.
DRIVERS_SHOWN = 5


def drives(evidence: Mapping[str, Any], target: str) -> bool:
    """Whether a piece of evidence counts toward what drives a persona other than the target:
    not negated, with weight (tone evidence counts too)."""
    return (not evidence.get("negated") and evidence["persona"] != target
            and evidence.get("weight", 0) > 0)


def top_drivers(weights: Mapping[str, float], limit: int = DRIVERS_SHOWN) -> list[tuple[str, float]]:
    """The cue groups with the most summed evidence weight, strongest first; equal weights keep
    the order the groups were met in."""
    return sorted(weights.items(), key=lambda item: -item[1])[:limit]
