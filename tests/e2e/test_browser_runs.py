"""End to end in headless Chromium: deleting a run from the list on *Run an audit* (asked first,
said afterwards, gone from the store file and from the Report's run picker), and a run's
warnings on the Report page, apart from the sources that failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit import Engine, Store
from audit.models import Piece, Section
from tests.e2e.test_browser import (  # noqa: F401  (fixtures used by name)
    BROWSER_MARKS,
    _screenshot,
    _settle,
    browser,
    page,
)
from tests.support.appserver import streamlit_app
from tests.support.runs import fill_store

pytestmark = BROWSER_MARKS

LOST = ("body not read: the message is multipart but no part was found (its MIME boundary never "
        "appears); only the subject is audited")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """Two runs: "trial crawl", to delete, and "newsletters", one of whose emails lost its body."""
    db = tmp_path_factory.mktemp("e2e-runs") / "runs.db"
    engine = Engine()
    trial = fill_store(db, engine, name="trial crawl")
    kept = fill_store(db, engine, name="newsletters")
    mail = Piece(source="mail/spring-offer.eml", channel="email", title="Spring offer inside",
                 sections=[Section("subject", "Spring offer inside")], meta={"warnings": [LOST]})
    (result,) = engine.check_pieces([mail], n_process=1)
    with Store(db) as store:
        store.add_result(kept, result.to_dict(), sections=mail.sections)
    return db, trial, kept


@pytest.fixture(scope="module")
def runs_server(runs: tuple[Path, str, str]) -> Iterator[str]:
    with streamlit_app(runs[0]) as url:
        yield url


def test_report_shows_warnings_apart_from_failures(runs_server: str, runs: tuple[Path, str, str],
                                                   page: Any) -> None:  # noqa: F811
    _, _, kept = runs
    page.goto(f"{runs_server}/report?run={kept}")
    page.get_by_text("1 piece was audited with a warning").wait_for()
    page.get_by_text("1 source was not read").wait_for()  # the failure is told on its own
    page.get_by_text("Which pieces have a warning (1)").click()
    page.get_by_text("Which pieces have a warning (1)").wait_for()
    _settle(page)
    _screenshot(page, "report-warnings")


def test_delete_a_run_from_the_run_list(runs_server: str, runs: tuple[Path, str, str],
                                        page: Any) -> None:  # noqa: F811
    db, trial, kept = runs
    page.goto(f"{runs_server}/run")
    page.get_by_text("All runs").wait_for()
    page.get_by_role("button", name="Delete").last.click()  # newest first: the trial crawl last
    ask = page.get_by_text("Delete the run “trial crawl” (10 pieces)? This cannot be undone.")
    ask.wait_for()
    _screenshot(page, "run-delete-asks")
    with Store(db, readonly=True) as store:  # the first click only asks
        assert [r["id"] for r in store.runs()] == [kept, trial]
    page.get_by_role("button", name="Yes, delete it").click()
    page.get_by_text("Deleted the run “trial crawl” (10 pieces).").wait_for()
    page.get_by_text("trial crawl", exact=True).wait_for(state="detached")  # gone from the list
    _screenshot(page, "run-deleted")
    with Store(db, readonly=True) as store:
        assert [r["id"] for r in store.runs()] == [kept]
    # The Report no longer offers it, and opens on the run that is left.
    page.goto(f"{runs_server}/report")
    page.get_by_text("Pieces audited").wait_for()
    page.wait_for_url(f"**/report?run={kept}")
    _settle(page)
    picker = page.get_by_role("combobox", name="Run")
    assert picker.input_value().startswith("newsletters · ")
    picker.click()
    assert page.get_by_role("option").filter(has_text="trial crawl").count() == 0
    assert page.get_by_role("option").filter(has_text="newsletters").count() == 1
