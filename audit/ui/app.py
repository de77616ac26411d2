"""antipersona in the browser: `antipersona app` runs this page (a checkout's `streamlit run app.py`
launches it too).

Four pages, one per job: a manager reads the Report, a content marketer starts an audit run, a
copywriter checks a draft, and whoever owns the packs tunes the Personas. The pages call the
library; nothing here scores. The runs database is $ANTIPERSONA_DB, else ./antipersona.db.
"""

from __future__ import annotations

import streamlit as st

from audit.ui.pages import check, personas, report, run
from audit.ui.pages.common import has_runs


def _landing() -> None:
    """The app's root address: go to the newest report, or to the draft checker when there are
    no runs yet. Every page thus keeps one stable address (/report, /check...) for links."""
    pages = st.session_state["_pages"]
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    target = "report" if has_runs() or "run" in params else "check"
    st.switch_page(pages[target], query_params=params if target == "report" else None)


def main() -> None:
    st.set_page_config(page_title="antipersona", page_icon=":material/target:", layout="wide")
    report_first = has_runs()
    pages = {
        "report": st.Page(report.render, title="Report", icon=":material/insights:", url_path="report"),
        "check": st.Page(check.render, title="Check a draft", icon=":material/edit_note:", url_path="check"),
        "run": st.Page(run.render, title="Run an audit", icon=":material/travel_explore:", url_path="run"),
        "personas": st.Page(personas.render, title="Personas", icon=":material/groups:", url_path="personas"),
    }
    st.session_state["_pages"] = pages
    # A manager lands on the newest report; with no runs yet, the draft checker comes first.
    order = ["report", "check", "run", "personas"] if report_first else ["check", "run", "report", "personas"]
    home = st.Page(_landing, title="antipersona", url_path="home", default=True, visibility="hidden")
    nav = st.navigation([home, *(pages[k] for k in order)])
    with st.sidebar:
        st.caption("antipersona shows which audience your marketing copy attracts: the customer "
                   "you want, or one you do not.")
    nav.run()


if __name__ == "__main__":  # `streamlit run` runs the page as __main__
    main()
