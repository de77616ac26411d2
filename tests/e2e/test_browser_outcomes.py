"""End to end in headless Chromium: the Report page's journey view beside the channel heat map,
and the outcomes section of a run with imported outcomes (associations and scatter plots)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit import Store
from tests.e2e.test_browser import (  # noqa: F401  (fixtures used by name)
    BROWSER_MARKS,
    ROOT,
    _screenshot,
    _settle,
    browser,
    page,
)
from tests.support.appserver import streamlit_app
from tests.support.runs import fill_store

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def outcome_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("e2e-outcomes") / "runs.db"
    run_id = fill_store(db, name="with outcomes")
    with Store(db) as store:
        pieces = store.report(run_id)["pieces"]
        values = {p["source"]: {"refund_rate": 0.01 + 0.1 * p["scores"]["beth-bureaucrat"]
                                + i * 1e-4, "Sessions": 100.0 + 37 * i}
                  for i, p in enumerate(pieces)}
        store.add_outcomes(run_id, "refunds.csv", values, {"file": "refunds.csv"})
    return db, run_id


@pytest.fixture(scope="module")
def outcome_server(outcome_run: tuple[Path, str]) -> Iterator[str]:
    with streamlit_app(outcome_run[0]) as url:
        yield url


def test_report_shows_journey_and_outcomes(outcome_server: str, outcome_run: tuple[Path, str],
                                           page: Any) -> None:  # noqa: F811
    _, run_id = outcome_run
    page.goto(f"{outcome_server}/report?run={run_id}")
    page.get_by_text("Where on the journey").wait_for()
    # The stage chart draws a cell per stage and persona, named in its aria-label.
    page.locator('[data-testid="stVegaLiteChart"] path[aria-label*="Stage: decision"]').first \
        .wait_for()
    page.get_by_text("What travels with each persona").wait_for()
    page.get_by_text("pages that pull toward Beth the Bureaucrat have higher refund rate").wait_for()
    _settle(page)
    # Channel heat map, stage heat map, and the scatter plot(s) of strong pairs.
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 3
    _screenshot(page, "report-outcomes")
