"""Report: one audit run for a manager — headline figures, a channel x persona heat map, what
drives each anti-persona, the pieces behind it all with filters, and a drill-down per piece.

The view lives in the query string (run, channel, verdict, persona, q, score, piece, page) so the
address bar always holds a link to what is on screen. Everything is read through the store's
light queries; the full evidence is loaded for one piece at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from ...models import VERDICT_LABELS, VERDICT_NAMES
from ...report.diff import diff_reports
from ...report.render import export
from ...report.unread import NOT_READ, why
from ...store.store import Store, StoreError
from ..charts import heatmap_chart, persona_order, score_chart, selected_cell
from ..explain import evidence_rows, no_rewrites_text, rewrites, verdict_headline
from ..failures import FailureSummary, in_app_words, summarise_failures
from ..figures import (
    diff_channel_rows,
    diff_piece_rows,
    drivers_rows,
    headline,
    piece_table,
    share_change,
)
from ..highlight import Swatch, md_escape, palette, rewrites_html, sections_html
from ..state import PAGE_SIZE, PARAM_KEYS, ReportView, page_count, page_offset
from . import outcomes as outcome_views
from .common import (
    db_option,
    list_runs,
    open_store,
    page_header,
    policy,
    run_label,
    show_legend,
)

#: Widget keys, one per view field; the query string mirrors them.
KEYS = {name: f"rv_{name}" for name in PARAM_KEYS}
_SEEN = "rv_seen_params"
ALL = ""


def render() -> None:
    page_header("Report",
                "Which audience does your published copy attract, channel by channel? Click a "
                "cell of the heat map to see the pieces behind it, and open a piece to see why.")
    store = open_store()
    runs = list_runs(store) if store else []
    if not store or not runs:
        st.info("There are no audit runs yet. Start one on **Run an audit**, or run "
                f"`antipersona audit URLS.txt{db_option()}` in a terminal.")
        return
    _seed_from_url()
    run_id = _pick_run(store, runs)
    head = store.run(run_id)
    swatches = palette(head["personas"])
    target = str(head["target"])
    if head["status"] == "running":
        st.info("This run is still going: the figures grow as pieces arrive. Reload to refresh.")
    elif head["status"] == "interrupted":
        st.info("This run stopped before it finished: the figures cover the pieces stored so "
                f"far. `antipersona audit --resume {run_id}{db_option()}` carries it on.")
    _headline(store, run_id)
    left, right = st.columns(2, gap="large")
    with left:
        _heatmap(store, run_id, swatches, target)
    with right:
        outcome_views.journey(store, run_id, swatches, target)
    _drivers(store, run_id, swatches, target)
    outcome_views.outcomes(store, run_id, swatches)
    view = _pieces(store, run_id, swatches, head)
    _publish(view)
    if view.piece:
        _drilldown(store, run_id, view.piece, swatches, target)
    _compare_and_download(store, run_id, runs, head, swatches)


# -- view state <-> URL -----------------------------------------------------------------------

def _seed_from_url() -> None:
    """A link (new session, or a URL typed in) sets the widgets; our own writes do not."""
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    if st.session_state.get(_SEEN) == params:
        return
    view = ReportView.from_params(params)
    for name, key in KEYS.items():
        st.session_state[key] = getattr(view, name)
    st.session_state[_SEEN] = params


def _current_view() -> ReportView:
    kw = {name: st.session_state.get(key) for name, key in KEYS.items()}
    return ReportView(**{k: v for k, v in kw.items() if v is not None})


def _publish(view: ReportView) -> None:
    """Write the view to the address bar so the URL is a link back to it."""
    params = view.to_params()
    if {k: st.query_params.get(k) for k in st.query_params} != params:
        st.query_params.from_dict(params)
    st.session_state[_SEEN] = {k: [v] for k, v in params.items()}


def _on_filter_change() -> None:
    """A new filter shows page 1 and closes the open piece (it may no longer be listed)."""
    st.session_state[KEYS["page"]] = 1
    st.session_state[KEYS["piece"]] = ""


def _on_run_change() -> None:
    for name in ("channel", "verdict", "persona", "q", "piece"):
        st.session_state[KEYS[name]] = ""
    st.session_state[KEYS["score"]] = 0.0
    st.session_state[KEYS["page"]] = 1


# -- sections -------------------------------------------------------------------------------

def _pick_run(store: Store, runs: list[dict[str, Any]]) -> str:
    ids = [r["id"] for r in runs]
    wanted = st.session_state.get(KEYS["run"]) or ""
    if wanted and wanted not in ids:
        try:
            wanted = store.resolve_run(wanted)
        except StoreError:
            st.warning(md_escape(f"Run {wanted!r} is not in this database; showing the newest run."))
            wanted = ""
    st.session_state[KEYS["run"]] = wanted or store.resolve_run(None)  # skips empty runs
    labels = {r["id"]: run_label(r) for r in runs}
    return str(st.selectbox("Run", ids, key=KEYS["run"], format_func=lambda i: labels.get(i, i),
                            on_change=_on_run_change,
                            help="Runs are listed newest first. The address bar keeps your "
                                 "choice. Runs are deleted from the list on *Run an audit*."))


@st.cache_data(show_spinner=False, max_entries=64)
def _wrong_by_channel(db: str, run_id: str, stamp: str) -> dict[str, tuple[int, int]]:
    store = open_store()
    assert store is not None
    return store.wrong_by_channel(run_id)


def _stamp(store: Store, run_id: str) -> str:
    """Cache key part that changes while a run is still adding pieces."""
    head = next((r for r in store.runs() if r["id"] == run_id), {})
    return f"{head.get('status')}:{head.get('pieces')}:{head.get('finished')}"


def _headline(store: Store, run_id: str) -> None:
    verdicts = store.verdict_counts(run_id)
    fig = headline(verdicts, _wrong_by_channel(str(store.path), run_id, _stamp(store, run_id)))
    errors = store.errors(run_id)
    failures = summarise_failures(errors, allow_private=policy().allow_private)
    cols = st.columns([1.35, 1.2, 0.85, 0.95, 1.1])  # the first delta is the longest: "3 could not be read"
    quiet = {"delta_color": "off", "delta_arrow": "off", "border": True}
    cols[0].metric("Pieces audited", f"{fig.pieces:,}", failures.short(), **quiet,
                   help="Pieces read and analysed; sources that could not be read are listed "
                        "just below.")
    cols[1].metric("Wrong audience", f"{fig.wrong_share:.0%}", _pieces_word(fig.wrong), **quiet,
                   help="Share of pieces whose verdict is wrong-audience: an anti-persona leads.")
    cols[2].metric("Risk", f"{fig.risk_share:.0%}", _pieces_word(fig.risk), **quiet,
                   help="Share of pieces that trip a risk pack (creepy personalisation, fake "
                        "scarcity).")
    cols[3].metric("On target", f"{fig.on_target_share:.0%}", _pieces_word(fig.on_target), **quiet,
                   help="Share of pieces where the target persona leads.")
    cols[4].metric("Worst channel", fig.worst_channel or "none",
                   f"{fig.worst_share:.0%} wrong audience" if fig.worst_channel else "none wrong",
                   **quiet, help="The channel with the largest share of wrong-audience pieces.")
    _failures(errors, failures)
    _warnings(store.warnings(run_id))
    _unread(store.unread_pieces(run_id))


def _unread(pieces: list[dict[str, Any]]) -> None:
    """Client-rendered pages: their scores come from an empty shell, so they are named here
    rather than left as quietly low scores in the figures above."""
    if not pieces:
        return
    n = len(pieces)
    st.warning(md_escape(f"{n:,} page{'s are' if n != 1 else ' is'} {NOT_READ}: the copy is "
                         "written by JavaScript in the browser. Choose “Client-rendered pages: "
                         "auto” on the Run page to read them in a browser."),
               icon=":material/javascript:")
    with st.expander(f"Which pages are client-rendered ({n:,})"):
        st.dataframe(pd.DataFrame([{"Source": p["source"], "Why": why(p)} for p in pieces]),
                     hide_index=True, width="stretch")


def _pieces_word(n: int) -> str:
    return f"{n:,} piece{'s' if n != 1 else ''}"


def _failures(errors: list[dict[str, Any]], failures: FailureSummary) -> None:
    """Sources the run could not read, said where the figures are, in the app's words."""
    if not failures.total:
        return
    st.warning(md_escape(failures.sentence()), icon=":material/link_off:")
    allow = policy().allow_private
    with st.expander(f"Which sources were not read ({failures.total:,})"):
        st.dataframe(pd.DataFrame([{"Source": e["source"],
                                    "Problem": in_app_words(e["error"], allow_private=allow),
                                    "Kind": e["kind"]} for e in errors]),
                     hide_index=True, width="stretch")


def _warnings(warnings: list[dict[str, Any]]) -> None:
    """Pieces audited with a warning: read and scored, so not among the failures above, but
    perhaps only in part (an email whose body was lost), which the figures cannot show."""
    if not warnings:
        return
    n = len(warnings)
    st.info(md_escape(f"{n:,} piece{'s were' if n != 1 else ' was'} audited with a warning: "
                      f"part of {'their' if n != 1 else 'its'} text may not have been read, so "
                      f"{'their' if n != 1 else 'its'} scores may leave something out."),
            icon=":material/warning:")
    with st.expander(f"Which pieces have a warning ({n:,})"):
        st.dataframe(pd.DataFrame([{"Source": w["source"], "Warning": w["warning"]}
                                   for w in warnings]), hide_index=True, width="stretch")


def _heatmap(store: Store, run_id: str, swatches: dict[str, Swatch], target: str) -> None:
    st.subheader("Who each channel attracts")
    st.caption("Share of each channel's pieces drawn to each persona (count in brackets). "
               "Click a cell to list those pieces below; click beside the grid to clear.")
    matrix = _matrix(str(store.path), run_id, _stamp(store, run_id))
    if not matrix:
        st.write("No pieces stored in this run yet.")
        return
    chart = heatmap_chart(matrix, swatches, target)
    st.altair_chart(chart, key=f"rv_heat_{run_id}", on_select=_heat_clicked(run_id), width="stretch")


def _heat_clicked(run_id: str) -> Callable[[], None]:
    def apply() -> None:
        cell = selected_cell(st.session_state.get(f"rv_heat_{run_id}"))
        st.session_state[KEYS["channel"]], st.session_state[KEYS["persona"]] = cell or (ALL, ALL)
        _on_filter_change()
    return apply


@st.cache_data(show_spinner=False, max_entries=64)
def _cue_table(db: str, run_id: str, stamp: str, target: str
               ) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """What drives each persona, per channel: the library's rule, as the reports rank it."""
    store = open_store()
    assert store is not None
    return store.drivers_by_channel(run_id, target)


@st.cache_data(show_spinner=False, max_entries=64)
def _matrix(db: str, run_id: str, stamp: str) -> list[dict[str, Any]]:
    store = open_store()
    assert store is not None
    return store.channel_matrix(run_id)


def _drivers(store: Store, run_id: str, swatches: dict[str, Swatch], target: str) -> None:
    matrix = _matrix(str(store.path), run_id, _stamp(store, run_id))
    channels = tuple(sorted({r["channel"] for r in matrix}))
    others = tuple(pid for pid in persona_order(swatches, target)
                   if pid != target and swatches[pid].kind != "persona")
    if not channels or not others:
        return
    st.subheader("What drives each anti-persona, by channel")
    st.caption("The cue groups with the most weight, as the HTML report and JSON export rank "
               "them, with the number of pieces they appear in. The Personas page lists every "
               "term in each group.")
    counts = _cue_table(str(store.path), run_id, _stamp(store, run_id), target)
    rows = [{md_escape(k): md_escape(v) for k, v in row.items()}
            for row in drivers_rows(counts, channels, others, swatches)]
    st.table(pd.DataFrame(rows).set_index("Channel"))


def _pieces(store: Store, run_id: str, swatches: dict[str, Swatch], head: dict[str, Any]) -> ReportView:
    st.subheader("Pieces")
    channels = sorted({r["channel"] for r in _matrix(str(store.path), run_id, _stamp(store, run_id))})
    for name, options in (("channel", channels), ("verdict", list(VERDICT_LABELS)),
                          ("persona", list(swatches))):
        if st.session_state.get(KEYS[name]) not in ("", *options):
            st.session_state[KEYS[name]] = ALL
    cols = st.columns([1, 1, 1.3, 1, 1.6])
    cols[0].selectbox("Channel", [ALL, *channels], key=KEYS["channel"], on_change=_on_filter_change,
                      format_func=lambda c: c or "All channels")
    cols[1].selectbox("Verdict", [ALL, *VERDICT_LABELS], key=KEYS["verdict"], on_change=_on_filter_change,
                      format_func=lambda v: VERDICT_NAMES.get(v, v) if v else "All verdicts")
    cols[2].selectbox("Attracts", [ALL, *swatches], key=KEYS["persona"], on_change=_on_filter_change,
                      format_func=lambda p: swatches[p].name if p else "Anyone",
                      help="Pieces drawn to this persona (the one their verdict names).")
    cols[3].slider("Minimum score", 0.0, 1.0, step=0.05, key=KEYS["score"], on_change=_on_filter_change,
                   help="The chosen persona's score, or else the worst anti-persona score.")
    cols[4].text_input("Search", key=KEYS["q"], on_change=_on_filter_change,
                       placeholder="words in the title, address or text")
    view = _current_view()
    filters = {"channel": view.channel or None, "verdict": view.verdict or None,
               "persona": view.persona or None, "min_score": view.score or None,
               "search": view.q or None}
    total = store.count_pieces(run_id, **filters)
    pages = page_count(total)
    if int(st.session_state.get(KEYS["page"]) or 1) > pages:
        st.session_state[KEYS["page"]] = 1
    page = int(st.session_state.get(KEYS["page"]) or 1)
    rows = store.piece_rows(run_id, **filters, limit=PAGE_SIZE, offset=page_offset(page), order="worst")
    _filter_note(view, swatches, total, page)
    if rows:
        _piece_grid(rows, swatches, run_id)
    if pages > 1:
        # The page lives in session state (it is part of the link); hand it over as the default.
        st.pagination(pages, default=int(st.session_state.pop(KEYS["page"], page) or 1), key=KEYS["page"])
    return _current_view()


def _filter_note(view: ReportView, swatches: dict[str, Swatch], total: int, page: int) -> None:
    parts = []
    if view.channel:
        parts.append(f"channel {view.channel}")
    if view.persona:
        who = swatches[view.persona].name if view.persona in swatches else view.persona
        parts.append(f"attracting {who}")
    if view.verdict:
        parts.append(VERDICT_NAMES.get(view.verdict, view.verdict).lower())
    if view.score:
        parts.append(f"score ≥ {view.score:.2f}")
    if view.q:
        parts.append(f"matching “{view.q}”")
    first = page_offset(page) + 1 if total else 0
    last = min(page_offset(page) + PAGE_SIZE, total)
    shown = f"{first:,}–{last:,} of {total:,} pieces, worst first" if total else "No pieces match"
    detail = " · ".join(parts)
    st.html(f'<div class="ap-count" style="font-size:0.95rem;"><b>{escape(shown)}</b>'
            f'{" · " + escape(detail) if detail else ""}</div>')


def _piece_grid(rows: list[dict[str, Any]], swatches: dict[str, Swatch], run_id: str) -> None:
    table = pd.DataFrame(piece_table(rows, swatches))
    key = f"rv_table_{run_id}"

    def picked() -> None:
        sel = st.session_state.get(key)
        chosen = list(getattr(getattr(sel, "selection", None), "rows", None) or
                      ((sel or {}).get("selection", {}).get("rows", []) if isinstance(sel, dict) else []))
        if chosen:
            st.session_state[KEYS["piece"]] = str(table.iloc[chosen[0]]["id"])

    st.dataframe(
        table, hide_index=True, width="stretch", key=key, on_select=picked, selection_mode="single-row",
        column_order=["Title", "Channel", "Verdict", "Attracts", "Worst score", "Top cues", "Source"],
        column_config={
            "Title": st.column_config.TextColumn(width=250),
            "Channel": st.column_config.TextColumn(width=75),
            "Verdict": st.column_config.TextColumn(width=115),
            "Attracts": st.column_config.TextColumn(width=165),
            "Worst score": st.column_config.ProgressColumn(
                min_value=0.0, max_value=1.0, format="%.2f", width=105,
                help="Highest anti-persona or risk score of the piece"),
            "Top cues": st.column_config.TextColumn(width=300),
            "Source": st.column_config.TextColumn(width=260),
        },
    )
    st.caption("Select a row to open the piece below.")


def _drilldown(store: Store, run_id: str, piece_id: str, swatches: dict[str, Swatch], target: str) -> None:
    try:
        piece = store.piece(run_id, piece_id)
    except StoreError:
        st.warning("That piece is not in this run.")
        return
    st.divider()
    top, close = st.columns([6, 1])
    top.subheader(f"Piece: {md_escape(piece.get('title') or piece['source'])}", anchor="piece")
    if close.button("Close", key="rv_close_piece"):
        st.session_state[KEYS["piece"]] = ""
        st.rerun()
    st.text(f"{piece['source']}  ·  channel {piece['channel']}  ·  {piece['words']:,} words")
    text, level = verdict_headline(piece["verdict"], swatches, target)
    reason = piece["verdict"].get("reason", "")
    getattr(st, level)(md_escape(text + (f" — {reason}" if reason else "")))
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**The copy, with every cue highlighted**")
        used = {e["persona"] for e in piece["evidence"] if e.get("kind") == "cue"}
        show_legend(swatches, used or None)
        st.html(sections_html(piece.get("sections") or [], piece["evidence"], swatches))
    with right:
        st.markdown("**Pull toward each persona**")
        st.altair_chart(score_chart(piece["scores"], swatches, target), width="stretch")
        st.markdown("**What to write instead**")
        rws = rewrites(piece["evidence"], swatches)
        if rws:
            st.html(rewrites_html(rws, swatches, limit=6))
        else:
            st.write(md_escape(no_rewrites_text(piece["evidence"], swatches,
                                                "Nothing here pulls toward an anti-persona.")))
    with st.expander("Every cue found in this piece"):
        rows = evidence_rows(piece["evidence"], swatches, piece.get("tone"))
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _compare_and_download(store: Store, run_id: str, runs: list[dict[str, Any]], head: dict[str, Any],
                          swatches: dict[str, Swatch]) -> None:
    st.divider()
    diff = _compare(store, run_id, runs, swatches)
    _downloads(store, run_id, head, diff)


def _compare(store: Store, run_id: str, runs: list[dict[str, Any]],
             swatches: dict[str, Swatch]) -> dict[str, Any] | None:
    st.subheader("Compare with an earlier run")
    earlier = [r for r in runs if r["id"] != run_id]
    if not earlier:
        st.caption("This is the only run so far. Audit the same pages again later to see the trend.")
        return None
    labels = {r["id"]: run_label(r) for r in earlier}
    if st.session_state.get(KEYS["compare"]) not in (ALL, *labels):
        st.session_state[KEYS["compare"]] = ALL  # a link naming a run that is not here
    other = st.selectbox("Earlier run", [ALL, *labels], key=KEYS["compare"],
                         format_func=lambda i: labels.get(i, "Choose a run to compare with…"),
                         help="Pieces are matched by their address. Loading both runs takes a moment "
                              "on large audits.")
    if not other:
        return None
    diff = _diff(str(store.path), other, run_id, _stamp(store, run_id))
    _show_diff(diff, swatches)
    return diff


@st.cache_data(show_spinner="Comparing runs…", max_entries=8)
def _diff(db: str, old: str, new: str, stamp: str) -> dict[str, Any]:
    store = open_store()
    assert store is not None
    return diff_reports(store.report(old), store.report(new))


def _show_diff(diff: dict[str, Any], swatches: dict[str, Swatch]) -> None:
    s = diff["summary"]
    old_share, new_share = s.get("old_wrong_audience_share"), s.get("new_wrong_audience_share")
    cols = st.columns(4)
    quiet = {"delta_arrow": "off", "border": True}
    change, color = share_change(old_share, new_share)
    cols[0].metric("Wrong audience now", f"{(new_share or 0):.0%}", change, delta_color=color,
                   border=True, delta_arrow="off" if color == "off" else "auto")
    cols[1].metric("Pieces got worse", f"{s['worse']:,}", f"{s['better']:,} got better",
                   delta_color="off", **quiet)
    cols[2].metric("New verdicts", f"{s['verdict_changed']:,}", f"of {s['matched']:,} pieces in both runs",
                   delta_color="off", **quiet)
    cols[3].metric("Pieces added", f"{s['added']:,}", f"{s['gone']:,} gone", delta_color="off", **quiet)
    st.markdown("**Wrong-audience share by channel**")
    st.dataframe(pd.DataFrame(diff_channel_rows(diff)), hide_index=True, width="content")
    st.markdown("**Pieces that changed**, worse first")
    rows = diff_piece_rows(diff, swatches)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                     column_config={"Piece": st.column_config.TextColumn(width=260),
                                    "Source": st.column_config.TextColumn(width=260)})
    else:
        st.write("No piece changed its verdict or moved by more than "
                 f"{diff.get('threshold', 0.1):.2f} on any persona.")


def _page_url() -> str:
    """This app's Report address as the browser sees it (relative when unknown)."""
    try:
        parts = urlsplit(str(st.context.url or ""))
    except (AttributeError, ValueError):
        return "report"
    if not (parts.scheme and parts.netloc):
        return "report"
    path = parts.path if parts.path.endswith("/report") else parts.path.rstrip("/") + "/report"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _downloads(store: Store, run_id: str, head: dict[str, Any], diff: dict[str, Any] | None) -> None:
    st.subheader("Share")
    st.caption("This link opens exactly this view (run, filters, page, open piece and the run it "
               "is compared with); the address bar holds it too.")
    st.code(_current_view().link(_page_url()), language=None, wrap_lines=True)
    st.caption("The files hold the whole run" + (", and the HTML report includes the comparison."
                                                 if diff else "."))
    name = f"antipersona-{head.get('name') or run_id}"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:80]
    db = str(store.path)
    cols = st.columns(3)
    cols[0].download_button("Download CSV", data=lambda: _export(db, run_id, "csv"),
                            file_name=f"{safe}.csv", mime="text/csv", width="stretch",
                            icon=":material/table:")
    cols[1].download_button("Download JSON", data=lambda: _export(db, run_id, "json"),
                            file_name=f"{safe}.json", mime="application/json", width="stretch",
                            icon=":material/data_object:")
    cols[2].download_button("Download HTML report", data=lambda: _export(db, run_id, "html", diff),
                            file_name=f"{safe}.html", mime="text/html", width="stretch",
                            icon=":material/description:")


def _export(db: str, run_id: str, fmt: str, diff: dict[str, Any] | None = None) -> str:
    """Built only when a button is clicked (a full report loads every piece), on a connection
    of its own since Streamlit calls it from another thread; the file is what `antipersona
    report --format FMT -o FILE` writes."""
    with Store(db, readonly=True) as store:
        report = store.report(run_id)
    return export(report, fmt, diff=diff, pretty=False)
