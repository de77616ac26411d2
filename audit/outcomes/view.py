"""What the app's Report page needs of a run's journey and outcomes, from the store's light
rows (never every piece's evidence): each piece's stage, the stage x persona cells, and the
outcome associations with the per-page values behind the scatter plots."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ..journey import STAGES, rules_from_config, stage_of
from ..store.store import Store
from .associate import attach_outcomes


def light_pieces(store: Store, run_id: str) -> list[dict[str, Any]]:
    """Every piece's light row with its journey ``stage`` (the run's own stage rules first)."""
    head = store.run(run_id)
    rules = rules_from_config(head["config"].get("stage_rules"))
    with store._read() as db:  # four plain columns: a 10,000-piece run reads in milliseconds
        rows = [{"source": r[0], "channel": r[1], "title": r[2], "drawn": r[3]} for r in db.execute(
            "SELECT source, channel, title, drawn FROM pieces WHERE run_id = ? ORDER BY pk",
            (run_id,))]
    for row in rows:
        row["stage"] = stage_of(row, rules)
    return rows


def stage_matrix(rows: list[dict[str, Any]], personas: list[str]) -> list[dict[str, Any]]:
    """Stage x persona cells shaped like ``Store.channel_matrix`` (``stage`` for ``channel``):
    pieces in the stage, pieces drawn to the persona, that share, the mean score."""
    count: Counter[str] = Counter(r["stage"] for r in rows)
    drawn: Counter[tuple[str, str]] = Counter((r["stage"], r["drawn"]) for r in rows if r.get("drawn"))
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:  # scores only when the rows carry them (the mean is a tooltip)
        for pid, score in (r.get("scores") or {}).items():
            sums[(r["stage"], pid)] += float(score)
    out = []
    for stage in sorted(count, key=lambda s: STAGES.index(s) if s in STAGES else 9):
        n = count[stage]
        for pid in personas:
            d = drawn[(stage, pid)]
            out.append({"stage": stage, "persona": pid, "pieces_in_stage": n, "drawn": d,
                        "share": round(d / n, 4) if n else 0.0,
                        "mean_score": round(sums[(stage, pid)] / n, 4) if n else 0.0})
    return out


def run_outcomes(store: Store, run_id: str, rows: list[dict[str, Any]],
                 min_sessions: float | None = None) -> dict[str, Any] | None:
    """The report's ``outcomes`` object for the run (None without imported outcomes); gives
    the rows their ``outcomes`` values in place, for the scatter plots."""
    values = store.outcome_values(run_id)
    if not values:
        return None
    scores = {r["source"]: r["scores"] for r in store.piece_rows(run_id)}
    for row in rows:
        row["scores"] = scores.get(row["source"], {})
    head = store.run(run_id)
    return attach_outcomes(rows, head["personas"], values, files=store.outcome_files(run_id),
                           min_sessions=min_sessions)
