"""Altair charts and table rows for the journey and outcomes parts of the Report page, built
from plain rows so they are tested without Streamlit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from ..journey import STAGES
from ..outcomes.associate import interval_text, metric_phrase
from .charts import blend, persona_order
from .highlight import Swatch, safe_color, swatch


def stage_chart(rows: Sequence[Mapping[str, Any]], swatches: Mapping[str, Swatch],
                target: str) -> alt.LayerChart:
    """Journey stage x persona: the share of each stage's pieces drawn to each persona."""
    order = persona_order(swatches, target)
    names = {p: f"{swatch(swatches, p).name} (target)" if p == target else swatch(swatches, p).name
             for p in order}
    data = []
    for r in rows:
        pid, n, d = str(r["persona"]), int(r["pieces_in_stage"]), int(r["drawn"])
        share = d / n if n else 0.0
        data.append({"stage": r["stage"], "persona": pid, "name": names.get(pid, pid),
                     "pieces": n, "drawn": d, "share": share, "mean_score": r["mean_score"],
                     "fill": blend(swatch(swatches, pid).color, share),
                     "label": f"{share:.0%} ({d})"})
    df = pd.DataFrame(data, columns=["stage", "persona", "name", "pieces", "drawn", "share",
                                     "mean_score", "fill", "label"])
    stages = [s for s in STAGES if s in set(df["stage"])]
    base = alt.Chart(df).encode(
        x=alt.X("name:N", sort=[names[p] for p in order if p in set(df["persona"])],
                title="Persona the pieces attract",
                axis=alt.Axis(orient="top", labelAngle=-35, labelAlign="left", labelLimit=200,
                              labelOverlap=False,
                              ticks=False, domain=False)),
        y=alt.Y("stage:N", sort=stages, title="Journey stage",
                axis=alt.Axis(labelFontSize=13, ticks=False, domain=False)))
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color("fill:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("name:N", title="Persona"),
                 alt.Tooltip("drawn:Q", title="Pieces drawn"),
                 alt.Tooltip("pieces:Q", title="Pieces in stage"),
                 alt.Tooltip("share:Q", title="Share", format=".0%"),
                 alt.Tooltip("mean_score:Q", title="Mean score", format=".2f")])
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("label:N"),
        color=alt.condition("datum.share > 0.55", alt.value("#ffffff"), alt.value("#0f172a")))
    return alt.layer(cells, text).properties(height=80 + 48 * len(stages))


def association_rows(associations: Sequence[Mapping[str, Any]],
                     swatches: Mapping[str, Swatch]) -> list[dict[str, Any]]:
    """Plain table rows (st.dataframe shows text, never HTML)."""
    return [{"Persona": swatch(swatches, a["persona"]).name, "Metric": str(a["metric"]),
             "rho": round(float(a["rho"]), 2), "95% CI": interval_text(a["ci"]),
             "Pages": int(a["n"]), "q": "<0.001" if a["q"] < 0.001 else f"{a['q']:.3f}",
             "Credible": "yes" if a.get("credible") else "no"} for a in associations]


def scatter_chart(points: Sequence[Mapping[str, Any]], color: str, persona_name: str,
                  metric: str) -> alt.Chart:
    """One dot per page: persona score across, the metric up."""
    df = pd.DataFrame(list(points), columns=["score", "value", "title", "source"])
    return alt.Chart(df).mark_circle(size=60, opacity=0.7, color=safe_color(color)).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 1]), title=f"{persona_name} score"),
        y=alt.Y("value:Q", title=metric_phrase(metric), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("title:N", title="Page"), alt.Tooltip("score:Q", format=".2f"),
                 alt.Tooltip("value:Q", title=metric, format=".4g")],
    ).properties(height=260, title=f"{persona_name} × {metric_phrase(metric)}")
