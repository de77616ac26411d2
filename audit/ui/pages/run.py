"""Run an audit: give URLs, a sitemap, emails or an ad export; the run crawls and stores them.

The run is the ``audit`` command in a subprocess, so it carries on while the user clicks around
(or closes the tab); this page polls the store for its progress every couple of seconds. Its
list of runs is where runs are opened and deleted (a delete asks once more first).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import streamlit as st

from ...runs.lock import RunBusy, delete_run
from ...store.store import Store, StoreError
from ..failures import in_app_words, summarise_failures
from ..highlight import md_escape
from ..runs import (
    audit_command,
    default_run_name,
    failure_line,
    log_tail,
    parse_pasted,
    progress_caption,
    progress_fraction,
    runs_signature,
    save_uploads,
    start_audit,
    upload_dir,
    write_url_list,
)
from .common import db_file, db_option, list_runs, open_store, page_header, policy

STARTED_KEY = "runs_started"
#: The runs (id, status) the page was last drawn with; the progress poll redraws the page
#: (run list included) when a run starts or ends.
SEEN_KEY = "runs_seen"
#: The run whose Delete was clicked once (the second click is on the confirmation).
DELETE_KEY = "runs_delete_pending"
#: What the last delete did, (kind, message), said once above the list.
DELETED_KEY = "runs_delete_note"
UPLOAD_TYPES = ["txt", "csv", "tsv", "xml", "gz", "eml", "mbox"]
POLL_SECONDS = 1.5
#: Runs listed at once; older ones are in an expander below.
RUNS_SHOWN = 10


def render() -> None:
    page_header("Run an audit",
                "Audit published copy in bulk: a list of page addresses, a sitemap, an email "
                "folder or an ad export. The run keeps going while you use the rest of the app.")
    with st.form("audit_form", border=True):
        pasted = st.text_area("Page or sitemap addresses, one a line", height=140, key="run_urls",
                              placeholder="https://example.com/pricing\nhttps://example.com/sitemap.xml")
        files = st.file_uploader(
            "…or upload files: a URL list (.txt / .csv), a sitemap (.xml), emails (.eml / .mbox) or an "
            "ad export (.csv)", type=UPLOAD_TYPES, accept_multiple_files=True, key="run_files")
        name = st.text_input("Name of this run", key="run_name",
                             placeholder="e.g. Spring site audit (default: the date and time)")
        allowed = policy().allow_private
        allow_private = st.checkbox(
            "Allow internal / local addresses", key="run_allow_private", disabled=not allowed,
            help="Off by default: the crawler refuses localhost and private network addresses. "
                 "Tick it to audit a staging site on your own network." if allowed else
                 "Not available: this app is reachable from other machines. Whoever starts it "
                 "can turn this on with `antipersona app --allow-private-from-app`.")
        with st.expander("Advanced"):
            delay = st.number_input("Seconds between requests to the same site", min_value=0.0,
                                    max_value=60.0, value=None, step=0.5, key="run_delay",
                                    placeholder="default")
            concurrency = st.number_input("Pages fetched at once", min_value=1, max_value=64,
                                          value=None, step=1, key="run_concurrency", placeholder="default")
            render = st.selectbox(
                "Client-rendered pages", ("never", "auto", "always"), key="run_render",
                help="auto: pages whose copy is written by JavaScript are read in Chromium "
                     "(needs Playwright and Chromium installed); always: every page is.")
        submitted = st.form_submit_button("Start the audit", type="primary")
    if submitted:
        _start(pasted or "", files or [], name or "", allow_private, delay, concurrency,
               render or "never")
    _progress()
    _history()


def _start(pasted: str, files: list[Any], name: str, allow_private: bool,
           delay: float | None, concurrency: float | None, render: str = "never") -> None:
    """Save what was given, build the command, start it and remember it for this session."""
    now = datetime.now()
    db = db_file()
    allow_private = allow_private and policy().allow_private  # checked again on the server
    parsed = parse_pasted(pasted)
    for problem in parsed.problems:
        st.warning(problem)
    if not (parsed.pages or parsed.sitemaps or files):
        st.error("Nothing to audit: paste at least one address or upload a file.")
        return
    folder = upload_dir(db, now)
    sources = [str(p) for p in save_uploads(folder, ((f.name, f.getvalue()) for f in files))]
    if parsed.pages:
        sources.insert(0, str(write_url_list(folder, parsed.pages)))
    sources += parsed.sitemaps
    run_name = name.strip() or default_run_name(now)
    cmd = audit_command(sources, db.resolve(), run_name, allow_private=allow_private, delay=delay,
                        concurrency=int(concurrency) if concurrency is not None else None,
                        render=render)
    proc = start_audit(cmd, folder / "audit.log")
    st.session_state.setdefault(STARTED_KEY, []).insert(0, {
        "name": run_name, "pid": proc.pid, "proc": proc, "log": str(folder / "audit.log"),
        "started": now.isoformat(timespec="seconds"), "command": cmd,
    })
    st.success(f"Started “{md_escape(run_name)}”. Progress shows below; you can leave this page.")


def _open_report(run_id: str) -> None:
    pages = st.session_state.get("_pages") or {}
    if "report" in pages:
        st.switch_page(pages["report"], query_params={"run": run_id})


@st.fragment(run_every=POLL_SECONDS)
def _progress() -> None:
    """Live progress of runs still going (from the store, so a run started in another tab or
    in a terminal shows too) and of runs this session started that ended early."""
    store = open_store()
    runs = list_runs(store) if store else []
    seen = runs_signature(runs)
    if st.session_state.get(SEEN_KEY, seen) != seen:
        st.session_state[SEEN_KEY] = seen
        st.rerun(scope="app")  # a run started or ended: the list below is out of date
    st.session_state[SEEN_KEY] = seen
    started: list[dict[str, Any]] = st.session_state.get(STARTED_KEY, [])
    live = [r for r in runs if r["status"] == "running"]
    if not live and not started:
        return
    st.subheader("Runs in progress")
    for run in live:
        with st.container(border=True):
            st.markdown(f"**{md_escape(run.get('name') or run['id'])}**")
            st.progress(progress_fraction(run.get("progress")), text=progress_caption(run.get("progress")))
    for item in started:
        _started_item(item, runs, store)


def _started_item(item: dict[str, Any], runs: list[dict[str, Any]], store: Store | None) -> None:
    """What became of a run this session started: still starting, finished (open it), or
    stopped before it stored anything (show the end of its output)."""
    proc = item.get("proc")
    code = proc.poll() if proc is not None else None
    match = next((r for r in runs if r.get("name") == item["name"]), None)
    if match is None:
        if code is None:
            st.caption(f"“{md_escape(item['name'])}” is starting…")
        else:
            tail = log_tail(Path(item["log"]))
            why = in_app_words(failure_line(tail), allow_private=policy().allow_private)
            with st.container(border=True):
                st.error(f"“{md_escape(item['name'])}” stopped before storing a run"
                         + (f": {md_escape(why)}" if why else f" (exit code {code})."))
                with st.expander("What the run printed"):
                    st.code(tail or "(no output)", language=None)
        return
    if match["status"] == "running":
        return  # shown with the live runs above
    label = {"done": "finished", "interrupted": "was interrupted", "failed": "failed"}.get(
        match["status"], match["status"])
    with st.container(border=True):
        st.markdown(f"**{md_escape(item['name'])}** {label}: {_counts(match)}.")
        _why(store, match)
        if st.button("Open its report", key=f"open_{item['pid']}", type="primary"):
            _open_report(match["id"])


def _history() -> None:
    store = open_store()
    runs = list_runs(store) if store else []
    note = st.session_state.pop(DELETED_KEY, None)
    if not runs and not note:
        return
    st.subheader("All runs")
    if note:
        kind, text = note
        getattr(st, kind)(md_escape(text))
    can_delete = policy().allow_run_deletes
    if runs and not can_delete:
        st.caption("Deleting runs is off because this app is reachable from other machines; on "
                   f"the machine that keeps the runs, `antipersona runs delete RUN{db_option()}` "
                   "deletes one.")
    for run in runs[:RUNS_SHOWN]:
        _history_row(store, run, can_delete)
    if len(runs) > RUNS_SHOWN:
        with st.expander(f"{len(runs) - RUNS_SHOWN:,} older runs"):
            for run in runs[RUNS_SHOWN:]:
                _history_row(store, run, can_delete)


def _history_row(store: Store | None, run: dict[str, Any], can_delete: bool) -> None:
    """One run: name and date, counts and status, Open report, Delete (then its confirmation)."""
    cols = st.columns([3.4, 2.6, 1.2, 1])
    cols[0].markdown(f"**{md_escape(run.get('name') or run['id'])}**  \n"
                     f"{str(run.get('created', ''))[:16].replace('T', ' ')}")
    cols[1].write(f"{_counts(run)} · {run['status']}")
    if cols[2].button("Open report", key=f"hist_{run['id']}"):
        _open_report(run["id"])
    cols[3].button("Delete", key=f"del_{run['id']}", type="tertiary", icon=":material/delete:",
                   disabled=not can_delete, on_click=_ask_delete, args=(run["id"],),
                   help="Delete this run and everything stored for it (asks first)." if can_delete
                   else "Not available: this app is reachable from other machines.")
    if can_delete and st.session_state.get(DELETE_KEY) == run["id"]:
        _confirm_delete(run)
    if store is not None and run["status"] != "running":
        _why(store, run, caption=True)


def _ask_delete(run_id: str) -> None:
    st.session_state[DELETE_KEY] = run_id


def _confirm_delete(run: dict[str, Any]) -> None:
    """The second step: what will go, said plainly, and the button that does it."""
    with st.container(border=True):
        st.warning(md_escape(f"Delete the run “{run.get('name') or run['id']}” "
                             f"({_pieces(run)})? This cannot be undone."),
                   icon=":material/delete_forever:")
        yes, no, _ = st.columns([1.3, 1, 4])
        yes.button("Yes, delete it", key=f"del_yes_{run['id']}", type="primary",
                   on_click=_delete, args=(run,))
        no.button("Cancel", key=f"del_no_{run['id']}", on_click=st.session_state.pop,
                  args=(DELETE_KEY, None))


def _delete(run: dict[str, Any]) -> None:
    """Delete the run (a click's callback, so the page then draws without it); a run an audit
    is still writing stays, and the note says why."""
    st.session_state.pop(DELETE_KEY, None)
    if not policy().allow_run_deletes:  # checked again on the server
        return
    name = run.get("name") or run["id"]
    try:
        with Store(db_file()) as store:
            delete_run(store, run["id"])
            st.session_state[SEEN_KEY] = runs_signature(store.runs())  # no extra redraw
    except RunBusy:
        st.session_state[DELETED_KEY] = ("error", f"“{name}” was not deleted: an audit is still "
                                         "writing it. Delete it once that audit has finished "
                                         "or been stopped.")
        return
    except StoreError as exc:
        st.session_state[DELETED_KEY] = ("error", f"“{name}” was not deleted: {exc}")
        return
    # A run this session started is no longer "stopped before storing a run" once deleted.
    st.session_state[STARTED_KEY] = [
        item for item in st.session_state.get(STARTED_KEY, [])
        if item["name"] != run.get("name") or item["proc"].poll() is None]
    st.session_state[DELETED_KEY] = ("success", f"Deleted the run “{name}” ({_pieces(run)}).")


def _why(store: Store | None, run: dict[str, Any], *, caption: bool = False) -> None:
    """Why a run failed or read nothing: its errors grouped by reason, in the app's words."""
    if store is None or not run.get("errors") or (run.get("pieces") and run["status"] != "failed"):
        return
    text = summarise_failures(store.errors(run["id"]), allow_private=policy().allow_private).sentence()
    if caption:
        st.caption(md_escape(text))
    else:
        st.warning(md_escape(text))


def _counts(run: dict[str, Any]) -> str:
    """"12 pieces, 1 failed, 1 with a warning" for a run row."""
    failed, warned = int(run.get("errors") or 0), int(run.get("warnings") or 0)
    return (_pieces(run) + (f", {failed:,} failed" if failed else "")
            + (f", {warned:,} with a warning" if warned else ""))


def _pieces(run: dict[str, Any]) -> str:
    pieces = int(run.get("pieces") or 0)
    return f"{pieces:,} piece{'s' if pieces != 1 else ''}"
