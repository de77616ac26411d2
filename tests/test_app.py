"""The Streamlit app's pages, run headless with Streamlit's AppTest against a real stored run.

Each page is a plain ``render()`` function, so most tests run one page alone
(``AppTest.from_function``); the navigation tests run the whole ``app.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from audit import Engine, Store
from audit.models import Piece, Section, piece_id
from tests.support.runs import DRAFTS, HOSTILE_SOURCE, fill_store

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def _check_page() -> None:
    from audit.ui.pages import check

    check.render()


def _report_page() -> None:
    from audit.ui.pages import report

    report.render()


def _personas_page() -> None:
    from audit.ui.pages import personas

    personas.render()


def _run_page() -> None:
    from audit.ui.pages import run

    run.render()


def _page(fn: Callable[[], None], params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(fn, default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def _pieces_table(at: AppTest) -> Any:
    """The Report page's table of pieces (the one with an Attracts column)."""
    return next(d.value for d in at.dataframe if "Attracts" in d.value.columns)


def _param(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def _html(at: AppTest) -> str:
    """Everything the page rendered through st.html, joined."""
    return "\n".join(str(h.proto.body) for h in at.get("html"))


@pytest.fixture(autouse=True)
def loopback_server() -> Any:
    """The pages see the address `antipersona app` gives Streamlit by default (see
    audit.ui.exposure: on loopback every option of the app is on)."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("app") / "runs.db"
    return db, fill_store(db, engine)


@pytest.fixture
def use_db(monkeypatch: pytest.MonkeyPatch, stored: tuple[Path, str]) -> tuple[Path, str]:
    monkeypatch.setenv("ANTIPERSONA_DB", str(stored[0]))
    return stored


# -- navigation --------------------------------------------------------------------------------

def test_landing_is_the_newest_report_when_runs_exist(use_db: tuple[Path, str]) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    _no_errors(at)
    assert at.title[0].value == "Report"
    assert _param(at, "run") == use_db[1]


def test_landing_is_the_draft_checker_without_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANTIPERSONA_DB", str(tmp_path / "empty.db"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    _no_errors(at)
    assert at.title[0].value == "Check a draft"


# -- check a draft -----------------------------------------------------------------------------

def test_check_a_draft_shows_verdict_highlights_and_rewrites() -> None:
    at = _page(_check_page)
    _no_errors(at)
    at.text_area(key="draft_text").input(
        "Request a demo with our enterprise solutions team. Our procurement process needs "
        "sign-off from every stakeholder.")
    at.button(key="draft_check").click().run()
    _no_errors(at)
    assert at.error and "Wrong audience" in at.error[0].value
    assert "Beth the Bureaucrat" in at.error[0].value
    html = _html(at)
    assert 'class="ap-cue" data-persona="beth-bureaucrat"' in html
    assert "#c2410c" in html  # Beth's colour from her pack
    assert ">Request a demo</mark>" in html
    assert 'class="ap-rewrite"' in html and "Try instead" in html
    assert any("Tone against" in s.value for s in at.subheader)


def test_check_a_draft_escapes_pasted_markup() -> None:
    at = _page(_check_page)
    at.text_area(key="draft_text").input('Request a demo <script>alert(1)</script> <b onclick="x">now</b>')
    at.button(key="draft_check").click().run()
    _no_errors(at)
    html = _html(at)
    assert "<script>" not in html and "<b onclick" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_check_a_draft_with_nothing_pasted_says_so() -> None:
    at = _page(_check_page)
    at.button(key="draft_check").click().run()
    _no_errors(at)
    assert "nothing to check" in at.warning[0].value


# -- report ------------------------------------------------------------------------------------

def test_report_shows_headline_figures_and_the_table(use_db: tuple[Path, str]) -> None:
    at = _page(_report_page, {"run": use_db[1]})
    _no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pieces audited"] == "10"
    assert metrics["Wrong audience"] == "60%"
    assert metrics["Worst channel"] == "ad"
    table = _pieces_table(at)
    assert len(table) == 10
    assert set(table["Verdict"]) >= {"Wrong audience", "On target", "Risk"}
    assert "1–10 of 10 pieces" in _html(at)
    assert any(s.value == "Who each channel attracts" for s in at.subheader)


def test_report_says_what_could_not_be_read_in_the_headline(monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path, engine: Engine) -> None:
    """Failures used to sit in a collapsed box at the bottom, telling app users to pass a CLI
    flag; now the headline counts them and the reason names the Run page's option."""
    db = tmp_path / "refused.db"
    run_id = fill_store(db, engine, drafts=DRAFTS[:3])
    with Store(db) as store:
        for i in (1, 2):
            store.add_error(run_id, f"http://127.0.0.1:800{i}/", "refused: a loopback address "
                            "(127.0.0.1); pass --allow-private to audit internal sites")
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    at = _page(_report_page, {"run": run_id})
    _no_errors(at)
    pieces = next(m for m in at.metric if m.label == "Pieces audited")
    assert (pieces.value, pieces.proto.delta) == ("3", "3 could not be read")
    warning = at.warning[0].value.replace("\\", "")  # md_escape's backslashes
    assert "3 sources were not read" in warning and "2 × refused: a loopback address" in warning
    assert "on the Run page" in warning and "--allow-private" not in warning
    assert any("Which sources were not read (3)" in e.label for e in at.expander)
    problems = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert not problems["Problem"].str.contains("--allow-private").any()


def test_report_defaults_to_the_newest_run(use_db: tuple[Path, str]) -> None:
    at = _page(_report_page)
    _no_errors(at)
    assert at.selectbox(key="rv_run").value == use_db[1]
    assert _param(at, "run") == use_db[1]


def test_report_opens_on_the_newest_run_with_pieces(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path, engine: Engine) -> None:
    from audit import Store

    db = tmp_path / "empty-last.db"
    full = fill_store(db, engine, name="real audit", drafts=DRAFTS[:3])
    with Store(db) as store:  # a refused audit afterwards: a run with no pieces
        empty = store.create_run(name="refused", sources=["http://127.0.0.1/"], config={},
                                 personas=[], profile="fast", model="", target="x")
        store.finish_run(empty, "done")
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    at = _page(_report_page)
    _no_errors(at)
    assert at.selectbox(key="rv_run").value == full
    assert "empty: nothing could be read" in at.selectbox(key="rv_run").format_func(empty)


def test_report_link_restores_filters(use_db: tuple[Path, str]) -> None:
    at = _page(_report_page, {"run": use_db[1], "channel": "landing", "persona": "beth-bureaucrat"})
    _no_errors(at)
    assert at.selectbox(key="rv_channel").value == "landing"
    assert at.selectbox(key="rv_persona").value == "beth-bureaucrat"
    assert len(_pieces_table(at)) == 2
    assert "1–2 of 2 pieces" in _html(at)
    assert _param(at, "channel") == "landing"
    link = next(c.value for c in at.code if "report?" in c.value)
    assert link.endswith(f"report?run={use_db[1]}&channel=landing&persona=beth-bureaucrat")
    assert any("Which sources were not read (1)" in e.label for e in at.expander)


def test_report_filter_widgets_update_the_link(use_db: tuple[Path, str]) -> None:
    at = _page(_report_page, {"run": use_db[1]})
    at.selectbox(key="rv_verdict").select("on-target").run()
    _no_errors(at)
    assert len(_pieces_table(at)) == 3
    assert _param(at, "verdict") == "on-target"
    at.text_input(key="rv_q").input("invoice").run()
    _no_errors(at)
    assert _param(at, "q") == "invoice"
    assert 0 < len(_pieces_table(at)) <= 3


def test_report_drilldown_escapes_hostile_page_text(use_db: tuple[Path, str]) -> None:
    pid = piece_id(HOSTILE_SOURCE)
    at = _page(_report_page, {"run": use_db[1], "piece": pid})
    _no_errors(at)
    html = _html(at)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html
    heading = next(s.value for s in at.subheader if s.value.startswith("Piece:"))
    assert heading == "Piece: Hostile \\<b\\>page\\</b\\>"  # shown as text, not as markup


def test_report_compares_with_an_earlier_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                             engine: Engine) -> None:
    db = tmp_path / "two.db"
    old = fill_store(db, engine, name="before", drafts=DRAFTS[:6])
    time.sleep(1.1)  # runs are ordered by creation time, to the second
    new = fill_store(db, engine, name="after")
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    at = _page(_report_page, {"run": new})
    at.selectbox(key="rv_compare").select(old).run()
    _no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Pieces added"] == "4"
    assert "Wrong audience now" in metrics
    # The share link (and the address bar) carry the comparison, and a link restores it.
    assert _param(at, "compare") == old
    link = next(c.value for c in at.code if "report?" in c.value)
    assert link.endswith(f"report?run={new}&compare={old}")
    again = _page(_report_page, {"run": new, "compare": old})
    _no_errors(again)
    assert again.selectbox(key="rv_compare").value == old
    assert "Wrong audience now" in {m.label for m in again.metric}


def test_comparing_a_run_with_itself_shows_no_change_neutrally(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path, engine: Engine) -> None:
    db = tmp_path / "same.db"
    old = fill_store(db, engine, name="before")
    time.sleep(1.1)
    new = fill_store(db, engine, name="after")
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    at = _page(_report_page, {"run": new, "compare": old})
    _no_errors(at)
    now = next(m for m in at.metric if m.label == "Wrong audience now")
    assert now.proto.delta == "no change since then"
    assert "+0" not in now.proto.delta
    from streamlit.proto.Metric_pb2 import Metric

    assert now.proto.color == Metric.MetricColor.GRAY


def test_report_without_runs_explains_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANTIPERSONA_DB", str(tmp_path / "none.db"))
    at = _page(_report_page)
    _no_errors(at)
    assert "no audit runs yet" in at.info[0].value


# -- personas ----------------------------------------------------------------------------------

def test_personas_lists_packs_and_tries_a_phrase() -> None:
    at = _page(_personas_page)
    _no_errors(at)
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Susie the Solopreneur — target persona") for label in labels)
    assert any("Beth the Bureaucrat" in label for label in labels)
    at.text_input(key="try_phrase").input("Book a demo with our sales team").run()
    _no_errors(at)
    assert 'data-persona="beth-bureaucrat"' in _html(at)


def test_personas_editor_reports_broken_yaml_with_line_numbers(tmp_path: Path) -> None:
    at = _page(_personas_page)
    pid = at.selectbox(key="edit_pack").value
    key = f"edit_yaml_{pid}"
    original = at.text_area(key=key).value
    broken = original.replace("cues:", "cues:\n  - group: Bad Group\n    weight: 9\n    terms: [x]", 1)
    at.text_area(key=key).input(broken)
    at.button(key="edit_check").click().run()
    _no_errors(at)
    assert at.error and "nothing was saved" in at.error[0].value
    problems = [m.value for m in at.markdown if m.value.startswith("- **line ")]
    assert problems, [m.value for m in at.markdown]
    assert any("weight" in p for p in problems)
    assert any("group" in p for p in problems)
    path = next(p for p in Engine().personas if p.id == pid).path
    assert Path(path).read_text(encoding="utf-8") == original  # nothing written


def test_personas_editor_accepts_a_valid_pack_without_saving() -> None:
    at = _page(_personas_page)
    at.button(key="edit_check").click().run()
    _no_errors(at)
    assert "valid" in at.success[0].value


# -- run an audit ------------------------------------------------------------------------------

class _FakeProc:
    pid = 424242

    def poll(self) -> int | None:
        return None


def test_run_page_builds_the_audit_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    started: list[list[str]] = []

    def fake_start(cmd: list[str], log: Path, cwd: Path | None = None) -> Any:
        started.append(list(cmd))
        return _FakeProc()

    import audit.ui.pages.run as run_page

    monkeypatch.setattr(run_page, "start_audit", fake_start)
    at = _page(_run_page)
    at.text_area(key="run_urls").input("https://example.com/pricing\nhttps://example.com/sitemap.xml\n"
                                       "not a url\n")
    at.text_input(key="run_name").input("Spring audit")
    at.checkbox(key="run_allow_private").check()
    at.number_input(key="run_delay").set_value(2.0)
    at.number_input(key="run_concurrency").set_value(4)
    at.selectbox(key="run_render").set_value("auto")
    _button(at, "Start the audit").click().run()
    _no_errors(at)
    assert len(started) == 1
    cmd = started[0]
    assert cmd[:4] == [sys.executable, "-m", "audit", "audit"]
    listed = Path(cmd[4])
    assert listed.parent.parent == db.parent / "uploads"
    assert listed.read_text().split() == ["https://example.com/pricing"]
    assert cmd[5] == "https://example.com/sitemap.xml"
    assert cmd[6:] == ["--db", str(db.resolve()), "--name", "Spring audit", "--allow-private",
                       "--delay", "2", "--concurrency", "4", "--render", "auto"]
    assert any("not a web address" in w.value for w in at.warning)


def test_run_page_shows_progress_of_a_running_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  engine: Engine) -> None:
    db = tmp_path / "live.db"
    with Store(db) as store:
        rid = store.create_run(name="live run", sources=[], config={},
                               personas=[p.to_dict() for p in engine.personas], profile="fast",
                               model="blank", target=engine.config.target)
        store.set_progress(rid, total=40, done=10, failed=2, skipped=0, rate=3.5, eta=8)
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    at = _page(_run_page)
    _no_errors(at)
    bars = at.get("progress")
    assert bars, "no progress bar"
    assert "12 of 40 sources · 10 analysed · 2 failed" in str(bars[0].proto.text)
    assert abs(bars[0].proto.value - 30) <= 1


def test_report_of_a_run_whose_process_was_killed_says_how_to_resume(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: Engine) -> None:
    import socket
    import subprocess

    from audit.runs.lock import held

    db = tmp_path / "killed.db"
    rid = fill_store(db, engine)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(timeout=30)
    with Store(db) as store:
        store.finish_run(rid, "running")
        assert store.claim_run(rid, {"pid": gone.pid, "host": socket.gethostname()}, held) is None
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    at = _page(_report_page, {"run": rid})
    _no_errors(at)
    notes = [i.value for i in at.info]
    assert any("stopped before it finished" in n and f"--resume {rid}" in n for n in notes), notes
    assert not any("still going" in n for n in notes)


SITE_PAGE = ("<!doctype html><html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
             "<p>{body}</p></main></body></html>")


def test_run_page_runs_a_real_audit_and_offers_its_report(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    from tests.support.sitesrv import SiteServer

    db = tmp_path / "runs.db"
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    with SiteServer() as site:
        site.pages({
            "/": SITE_PAGE.format(title="Invoices in two minutes", body="Start free. Cancel anytime."),
            "/enterprise": SITE_PAGE.format(title="Enterprise platform",
                                            body="Request a demo. Procurement and sign-off support."),
        })
        at = _page(_run_page)
        at.text_area(key="run_urls").input(f"{site.url('/')}\n{site.url('/enterprise')}\n")
        at.text_input(key="run_name").input("local site")
        at.checkbox(key="run_allow_private").check()
        at.number_input(key="run_delay").set_value(0.0)
        _button(at, "Start the audit").click().run()
        _no_errors(at)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if any(b.label == "Open its report" for b in at.button):
                break
            time.sleep(0.5)
            at.run()  # what the page's 1.5 s fragment timer does in a browser
        else:
            pytest.fail("the run did not finish: " + " | ".join(c.value for c in at.code))
    _no_errors(at)
    assert any("local site" in m.value and "finished: 2 pieces." in m.value for m in at.markdown)
    with Store(db, readonly=True) as store:
        (run,) = store.runs()
    assert (run["name"], run["status"], run["pieces"]) == ("local site", "done", 2)


def test_run_page_says_why_a_run_read_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A run of loopback pages without the option reads nothing, so no run is stored: the
    page says why, with the option's name on this page rather than the CLI flag."""
    from tests.support.sitesrv import SiteServer

    db = tmp_path / "runs.db"
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    with SiteServer() as site:
        site.pages({"/": SITE_PAGE.format(title="Home", body="Start free.")})
        at = _page(_run_page)
        at.text_area(key="run_urls").input(f"{site.url('/')}\n")
        at.text_input(key="run_name").input("refused run")
        _button(at, "Start the audit").click().run()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if any("refused run" in e.value for e in at.error):
                break
            time.sleep(0.5)
            at.run()
        else:
            pytest.fail("the run did not finish")
    _no_errors(at)
    why = [e.value.replace("\\", "") for e in at.error]
    assert any("“refused run” stopped before storing a run" in w and "refused: a loopback "
               "address" in w and "tick “Allow internal / local addresses” on the Run page" in w
               for w in why), why
    assert not any("--allow-private" in w for w in why)
    with Store(db, readonly=True) as store:
        assert store.runs() == []  # nothing read: no empty run in the list


# -- speed -------------------------------------------------------------------------------------

def test_report_of_10000_pieces_renders_within_3_seconds(monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path, engine: Engine,
                                                         use_db: tuple[Path, str]) -> None:
    pieces = [Piece(source=s, channel=c, sections=[Section(r, t) for r, t in secs])
              for s, c, secs in DRAFTS]
    checked = engine.check_pieces(pieces, n_process=1)
    results = [(p, r.to_dict()) for p, r in zip(pieces, checked, strict=True)]
    db = tmp_path / "big.db"
    with Store(db) as store:
        rid = store.create_run(name="big", sources=[], config={},
                               personas=[p.to_dict() for p in engine.personas], profile=engine.profile,
                               model=engine.pipeline.model, target=engine.config.target)
        for i in range(10_000):
            piece, result = results[i % len(results)]
            copy = {**result, "source": f"{result['source']}?n={i}", "id": f"p{i:07d}"}
            store.add_result(rid, copy, sections=piece.sections)
        store.finish_run(rid)
    _page(_report_page)  # a running server has its modules imported already; time the page only
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    at = AppTest.from_function(_report_page, default_timeout=TIMEOUT)
    at.query_params["run"] = rid
    at.run()  # how fast: bench/app_speed.py (docs/benchmarks.md), not a timed test
    _no_errors(at)
    assert {m.label: m.value for m in at.metric}["Pieces audited"] == "10,000"
    assert len(_pieces_table(at)) == 200  # one page of the table, not every piece
    assert "1–200 of 10,000 pieces" in _html(at)
    at.pagination[0].set_value(3).run()
    _no_errors(at)
    assert "401–600 of 10,000 pieces" in _html(at)
    assert _param(at, "page") == "3"
