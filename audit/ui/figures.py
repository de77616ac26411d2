"""Report-page numbers and tables from the store's light queries (never every piece at once).

A 10,000-piece run must render in seconds, so these take the small aggregates the store
computes in SQL (verdict counts, channel x persona cells, cue counts, one page of rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..analyze.tonenames import group_phrase
from ..models import VERDICT_NAMES
from ..score.ranking import DRIVERS_SHOWN
from .highlight import Swatch, swatch


@dataclass(frozen=True, slots=True)
class Headline:
    """The four numbers a manager reads first."""

    pieces: int
    wrong: int
    risk: int
    on_target: int
    worst_channel: str
    worst_share: float

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.pieces if self.pieces else 0.0

    @property
    def risk_share(self) -> float:
        return self.risk / self.pieces if self.pieces else 0.0

    @property
    def on_target_share(self) -> float:
        return self.on_target / self.pieces if self.pieces else 0.0


def headline(verdicts: Mapping[str, int], wrong_by_channel: Mapping[str, tuple[int, int]]) -> Headline:
    """Totals from verdict counts; the worst channel is the one with the largest share of
    wrong-audience pieces (ties: more pieces, then name)."""
    total = sum(verdicts.values())
    worst, share = "", 0.0
    ranked = sorted(((w / n if n else 0.0, n, ch) for ch, (w, n) in wrong_by_channel.items()),
                    key=lambda t: (-t[0], -t[1], t[2]))
    if ranked and ranked[0][0] > 0:
        share, _, worst = ranked[0]
    return Headline(total, int(verdicts.get("wrong-audience", 0)), int(verdicts.get("risk", 0)),
                    int(verdicts.get("on-target", 0)), worst, share)


def drivers_rows(counts: Mapping[tuple[str, str], Sequence[Mapping[str, Any]]],
                 channels: Sequence[str], personas: Sequence[str],
                 swatches: Mapping[str, Swatch], per_cell: int = DRIVERS_SHOWN) -> list[dict[str, str]]:
    """One row per channel, one column per anti-persona/risk pack: what drives it there
    (:meth:`Store.drivers_by_channel`), as "red-tape (12)" (pieces)."""
    rows = []
    for ch in channels:
        row = {"Channel": ch}
        for pid in personas:
            cues = counts.get((ch, pid)) or []
            row[swatch(swatches, pid).name] = ", ".join(
                f"{group_phrase(c['group'])} ({c['pieces']})" for c in list(cues)[:per_cell]) or "—"
        rows.append(row)
    return rows


def piece_table(rows: Sequence[Mapping[str, Any]], swatches: Mapping[str, Swatch]) -> list[dict[str, Any]]:
    """store.piece_rows -> table rows with readable names (all plain text: st.dataframe
    shows cells as text, never HTML)."""
    out = []
    for r in rows:
        drawn = r.get("drawn")
        out.append({
            "id": r["id"],
            "Title": (r.get("title") or "").strip() or r.get("source", ""),
            "Channel": r.get("channel", ""),
            "Verdict": VERDICT_NAMES.get(r.get("verdict", ""), r.get("verdict", "")),
            "Attracts": swatch(swatches, drawn).name if drawn else "—",
            "Worst score": float(r.get("worst") or 0.0),
            "Top cues": r.get("cues") or "",
            "Words": int(r.get("words") or 0),
            "Source": r.get("source", ""),
        })
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _points(delta: float | None) -> str:
    if delta is None:
        return "—"
    if abs(delta) < 1e-9:
        return "no change"
    return f"{delta * 100:+.0f} pts"


def share_change(old: float | None, new: float | None) -> tuple[str, str]:
    """The wrong-audience share's move between runs as a metric delta and its colour: a rise
    is bad (red), a fall good (green), and a change that rounds to 0 points is neither, with
    no sign ("+0 pts" in red read as things getting worse)."""
    points = round(((new or 0.0) - (old or 0.0)) * 100)
    if points == 0:
        return "no change since then", "off"
    return f"{points:+d} pts since then", "inverse"


def _share_of(share: float | None, pieces: int) -> str:
    return f"{_pct(share)} of {pieces:,}" if pieces else "not audited"


def diff_channel_rows(diff: Mapping[str, Any]) -> list[dict[str, str]]:
    """Wrong-audience share per channel, before and now (from diff_reports)."""
    return [{"Channel": str(ch.get("channel", "")),
             "Before": _share_of(ch.get("old_share"), int(ch.get("old_pieces") or 0)),
             "Now": _share_of(ch.get("new_share"), int(ch.get("new_pieces") or 0)),
             "Change": _points(ch.get("delta"))}
            for ch in diff.get("channels") or []]


def _verdict_name(v: Mapping[str, Any] | None, swatches: Mapping[str, Swatch]) -> str:
    if not v:
        return ""
    name = VERDICT_NAMES.get(str(v.get("label")), str(v.get("label")))
    return f"{name} ({swatch(swatches, v['persona']).name})" if v.get("persona") else name


def diff_piece_rows(diff: Mapping[str, Any], swatches: Mapping[str, Swatch],
                    limit: int = 200) -> list[dict[str, Any]]:
    """Changed pieces, worse first: verdict and worst score before and now."""
    rows = []
    for c in list(diff.get("changed") or [])[:limit]:
        rows.append({
            "Piece": str(c.get("title") or c.get("source", "")),
            "Channel": str(c.get("channel") or ""),
            "Change": {"worse": "▲ worse", "better": "▼ better"}.get(c.get("direction", ""), "moved"),
            "Verdict before": _verdict_name(c.get("old_verdict"), swatches),
            "Verdict now": _verdict_name(c.get("new_verdict"), swatches),
            "Worst score": f"{float(c.get('old_worst') or 0):.2f} → {float(c.get('new_worst') or 0):.2f}",
            "Source": str(c.get("source", "")),
        })
    return rows
