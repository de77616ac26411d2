"""The Report page's journey view and outcomes section (Streamlit AppTest, real stored run)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from audit import Engine, Store
from tests.support.runs import fill_store

TIMEOUT = 60


def _report_page() -> None:
    from audit.ui.pages import report

    report.render()


@pytest.fixture(scope="module")
def with_outcomes(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> tuple[Path, str]:
    """The sample run, with an invented refund rate that follows each page's Beth score."""
    db = tmp_path_factory.mktemp("app-outcomes") / "runs.db"
    run_id = fill_store(db, engine)
    with Store(db) as store:
        pieces = store.report(run_id)["pieces"]
        values = {p["source"]: {"refund_rate": 0.01 + 0.1 * p["scores"]["beth-bureaucrat"] + i * 1e-4,
                                "Sessions": 100 + 37 * i}
                  for i, p in enumerate(pieces)}
        store.add_outcomes(run_id, "refunds.csv", values, {"file": "refunds.csv", "rows": 10})
    return db, run_id


def test_report_page_shows_stages_and_outcome_associations(
        monkeypatch: pytest.MonkeyPatch, with_outcomes: tuple[Path, str]) -> None:
    db, run_id = with_outcomes
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    at = AppTest.from_function(_report_page, default_timeout=TIMEOUT)
    at.query_params["run"] = run_id
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    heads = [s.value for s in at.subheader]
    assert "Who each channel attracts" in heads and "Where on the journey" in heads
    assert "What travels with each persona" in heads
    text = "\n".join(m.value for m in at.markdown)
    assert "pages that pull toward Beth the Bureaucrat have higher refund rate" in text
    table = next(d.value for d in at.dataframe if "rho" in d.value.columns)
    first = table.iloc[0]
    assert (first["Persona"], first["Metric"], first["Credible"]) == ("Beth the Bureaucrat",
                                                                      "refund_rate", "yes")
    # At least N sessions: fewer pages count.
    at.number_input(key="rv_min_sessions").set_value(150).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "rho" in d.value.columns)
    assert set(table["Pages"]) == {8}
