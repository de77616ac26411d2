"""The Report page's journey view (beside the channel heat map) and its outcomes section:
which persona scores travel with which imported page outcomes, as association, not cause."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ...outcomes.associate import scatter_points
from ...outcomes.view import light_pieces, run_outcomes, stage_matrix
from ...store.store import Store
from ..highlight import Swatch, md_escape, swatch
from ..journey import association_rows, scatter_chart, stage_chart
from .common import db_option, open_store

SCATTERS_SHOWN = 4


def _stamp(store: Store, run_id: str) -> str:
    head = next((r for r in store.runs() if r["id"] == run_id), {})
    return f"{head.get('pieces')}:{head.get('finished')}:{len(store.outcome_files(run_id))}"


@st.cache_data(show_spinner=False, max_entries=16)
def _rows(db: str, run_id: str, stamp: str) -> list[dict[str, Any]]:
    store = open_store()
    assert store is not None
    return light_pieces(store, run_id)


@st.cache_data(show_spinner="Measuring outcomes…", max_entries=16)
def _outcomes(db: str, run_id: str, stamp: str, min_sessions: float | None
              ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    store = open_store()
    assert store is not None
    rows = [dict(r) for r in _rows(db, run_id, stamp)]
    return run_outcomes(store, run_id, rows, min_sessions), rows


def journey(store: Store, run_id: str, swatches: dict[str, Swatch], target: str) -> None:
    st.subheader("Where on the journey")
    st.caption("The same share by journey stage, from awareness to retention: where on the way "
               "to purchase the wrong audience is drawn in.")
    rows = _rows(str(store.path), run_id, _stamp(store, run_id))
    if not rows:
        st.write("No pieces stored in this run yet.")
        return
    st.altair_chart(stage_chart(stage_matrix(rows, list(swatches)), swatches, target),
                    width="stretch")


def outcomes(store: Store, run_id: str, swatches: dict[str, Swatch]) -> None:
    st.subheader("What travels with each persona")
    stamp = _stamp(store, run_id)
    if not store.outcome_files(run_id):
        st.caption("No outcomes imported for this run. Join analytics exports to it with "
                   f"`antipersona outcomes add RUN ga4.csv refunds.csv --site https://…"
                   f"{db_option()}`.")
        return
    floor = st.number_input("Only pages with at least this many sessions", min_value=0,
                            value=0, step=50, key="rv_min_sessions",
                            help="0 counts every page that has the metric.")
    result, rows = _outcomes(str(store.path), run_id, stamp, float(floor) or None)
    if not result:
        return
    metrics = ", ".join(f"{m['metric']} ({m['pages']} pages)" for m in result["metrics"])
    st.caption(md_escape(f"Imported: {metrics}. Spearman's rho across pages, bootstrap 95% "
                         "interval, Benjamini-Hochberg q over every pair. An association, not "
                         "cause: pages that talk to one audience may differ in more than words."))
    for note in result.get("notes", []):
        st.warning(md_escape(note))
    assoc = result["associations"]
    credible = [a for a in assoc if a.get("credible")]
    for a in credible[:5]:
        st.markdown("- " + md_escape(a["text"]))
    if not credible:
        st.write("No persona score travels clearly with any outcome.")
    if assoc:
        st.dataframe(pd.DataFrame(association_rows(assoc, swatches)), hide_index=True,
                     width="stretch")
    strong = [a for a in assoc if a.get("strong")][:SCATTERS_SHOWN]
    if strong:
        cols = st.columns(min(2, len(strong)))
        for i, a in enumerate(strong):
            sw = swatch(swatches, a["persona"])
            points = scatter_points(rows, a["persona"], a["metric"], result)
            cols[i % len(cols)].altair_chart(scatter_chart(points, sw.color, sw.name, a["metric"]),
                                             width="stretch")
