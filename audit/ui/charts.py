"""Altair charts for the app, built from plain rows so they are tested without Streamlit.

Colours come from the packs' validated palette (see :mod:`audit.ui.highlight`), persona names
label the axes, and every chart carries its own axis titles: a manager reads it cold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from .highlight import Swatch, safe_color, swatch

#: Name of the heat map's click selection (``event.selection[HEATMAP_SELECTION]``).
HEATMAP_SELECTION = "cell"
_KIND_ORDER = {"persona": 0, "anti-persona": 1, "risk": 2}


def persona_order(swatches: Mapping[str, Swatch], target: str) -> list[str]:
    """Target first, then anti-personas, then risk packs, each by name."""
    return sorted(swatches, key=lambda pid: (pid != target, _KIND_ORDER.get(swatches[pid].kind, 3),
                                             swatches[pid].name))


def score_frame(scores: Mapping[str, float], swatches: Mapping[str, Swatch], target: str) -> pd.DataFrame:
    order = [p for p in persona_order(swatches, target) if p in scores]
    order += [p for p in scores if p not in order]
    rows = []
    for pid in order:
        sw = swatch(swatches, pid)
        label = f"{sw.name} (target)" if pid == target else sw.name
        rows.append({"persona": pid, "name": label, "score": float(scores[pid]),
                     "color": safe_color(sw.color),
                     "kind": sw.kind or "?"})
    return pd.DataFrame(rows, columns=["persona", "name", "score", "color", "kind"])


def score_chart(scores: Mapping[str, float], swatches: Mapping[str, Swatch], target: str,
                strong: float = 0.4) -> alt.LayerChart:
    """One bar per persona, in its colour, with a dashed line where a score counts as strong."""
    df = score_frame(scores, swatches, target)
    names = list(df["name"])
    y = alt.Y("name:N", sort=names, title=None,
              axis=alt.Axis(labelLimit=260, labelFontSize=13, labelOverlap=False, ticks=False))
    bars = alt.Chart(df).mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 1]), title="Score (0 = no pull, 1 = strong pull)",
                axis=alt.Axis(format=".1f")),
        y=y,
        color=alt.Color("color:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("name:N", title="Persona"), alt.Tooltip("kind:N", title="Kind"),
                 alt.Tooltip("score:Q", title="Score", format=".2f")],
    )
    labels = alt.Chart(df).mark_text(align="left", dx=4, fontSize=12).encode(
        x="score:Q", y=y, text=alt.Text("score:Q", format=".2f"))
    rule = alt.Chart(pd.DataFrame({"strong": [strong]})).mark_rule(strokeDash=[4, 4], color="#94a3b8").encode(
        x="strong:Q")
    # Streamlit fits the whole chart (axes included) into this height.
    return alt.layer(bars, labels, rule).properties(height=70 + 40 * len(df),
                                                    padding={"left": 4, "right": 34, "top": 4, "bottom": 4})


EMPTY_CELL = "#f1f5f9"


def blend(color: str, share: float) -> str:
    """The persona's colour faded toward white: a full channel is the pure colour, an empty
    cell pale grey, so the target's column reads as good news in its own colour."""
    if share <= 0:
        return EMPTY_CELL
    strength = 0.18 + 0.82 * min(share, 1.0)
    color = safe_color(color)
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 + (c - 255) * strength) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def heatmap_frame(rows: Sequence[Mapping[str, Any]], swatches: Mapping[str, Swatch],
                  target: str) -> pd.DataFrame:
    """channel_matrix rows -> one cell per (channel, persona) with the share drawn there."""
    out = []
    for r in rows:
        pid = str(r.get("persona", ""))
        n = int(r.get("pieces_in_channel") or 0)
        drawn = int(r.get("drawn") or 0)
        sw = swatch(swatches, pid)
        out.append({
            "channel": str(r.get("channel", "")),
            "persona": pid,
            "name": f"{sw.name} (target)" if pid == target else sw.name,
            "kind": sw.kind,
            "pieces": n,
            "drawn": drawn,
            "share": drawn / n if n else 0.0,
            "mean_score": float(r.get("mean_score") or 0.0),
            "fill": blend(sw.color, drawn / n if n else 0.0),
            "label": f"{drawn / n if n else 0.0:.0%} ({drawn})",
        })
    cols = ["channel", "persona", "name", "kind", "pieces", "drawn", "share", "mean_score", "fill", "label"]
    return pd.DataFrame(out, columns=cols)


def heatmap_chart(rows: Sequence[Mapping[str, Any]], swatches: Mapping[str, Swatch],
                  target: str) -> alt.LayerChart:
    """Channel x persona: the share of each channel's pieces drawn to each persona. A click on
    a cell selects (channel, persona); the app filters the piece table by it."""
    df = heatmap_frame(rows, swatches, target)
    order = persona_order(swatches, target)
    names = [f"{swatch(swatches, p).name} (target)" if p == target else swatch(swatches, p).name
             for p in order if p in set(df["persona"])]
    channels = sorted(set(df["channel"]))
    pick = alt.selection_point(name=HEATMAP_SELECTION, fields=["channel", "persona"], on="click")
    base = alt.Chart(df).encode(
        x=alt.X("name:N", sort=names, title="Persona the pieces attract",
                # angled: four persona names side by side do not fit a half-width column
                axis=alt.Axis(orient="top", labelAngle=-35, labelAlign="left", labelLimit=200,
                              labelOverlap=False,
                              labelFontSize=12, titleFontSize=13, titlePadding=10, ticks=False,
                              domain=False)),
        y=alt.Y("channel:N", sort=channels, title="Channel",
                axis=alt.Axis(labelFontSize=13, titleFontSize=13, ticks=False, domain=False)),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2, cursor="pointer").encode(
        color=alt.Color("fill:N", scale=None, legend=None),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.3)),
        tooltip=[alt.Tooltip("channel:N", title="Channel"), alt.Tooltip("name:N", title="Persona"),
                 alt.Tooltip("drawn:Q", title="Pieces drawn"),
                 alt.Tooltip("pieces:Q", title="Pieces in channel"),
                 alt.Tooltip("share:Q", title="Share", format=".0%"),
                 alt.Tooltip("mean_score:Q", title="Mean score", format=".2f")],
    ).add_params(pick)
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("label:N"),
        color=alt.condition("datum.share > 0.55", alt.value("#ffffff"), alt.value("#0f172a")),
    )
    # Streamlit fits the whole chart (axes included) into this height.
    return alt.layer(cells, text).properties(height=80 + 48 * len(channels))


def selected_cell(event: Any) -> tuple[str, str] | None:
    """(channel, persona) from an ``st.altair_chart(on_select=...)`` event, if a cell is picked."""
    selection = _get(event, "selection") or {}
    picked = _get(selection, HEATMAP_SELECTION) or []
    if isinstance(picked, Mapping):  # some versions give {"channel": [...], "persona": [...]}
        chans, pers = picked.get("channel") or [], picked.get("persona") or []
        return (str(chans[0]), str(pers[0])) if chans and pers else None
    if picked and isinstance(picked[0], Mapping):
        first = picked[0]
        if first.get("channel") is not None and first.get("persona") is not None:
            return str(first["channel"]), str(first["persona"])
    return None


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)
