"""Outcome readers with the quirks of real exports, join keys, the statistics, merging rows,
the store's outcome tables and the `outcomes add` command's handling of bad files."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from audit.errors import InputError
from audit.outcomes import readers
from audit.outcomes.join import PageIndex, join_file, merge_rows
from audit.outcomes.readers import parse_number, read_outcome_file
from audit.outcomes.stats import benjamini_hochberg, bootstrap_ci, rank_rows, spearman, spearman_p
from audit.outcomes.urls import check_site, join_key, page_address
from audit.store.store import Store

SITE = "https://www.tallybird.example"
GA4 = """\ufeff# ----------------------------------------
# Pages and screens: Page path + query string
# Account: Tallybird
# Property: Tallybird web
# ----------------------------------------
#
# Start date: 20261001
# End date: 20261031
Page path + query string,Session source,Views,Sessions,Bounce rate,Key events,Total revenue
Grand total,,"12,345","9,876",51.3%,"1,234","£12,345.67"
/pricing/?utm_source=news&plan=solo,newsletter,"1,234",900,45.2%,12,"£1,234.50"
/pricing?plan=solo,google,"766",100,25.0%,8,£65.50
/features/,google,400,300,40.0%,3,$20.00
(not set),(not set),55,44,80.0%,0,£0.00
/gone,google,5,4,100.0%,0,-

# ----------------------------------------
Another table,Views
/ignored,1
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "value", "percent"), [
    ("1,234", 1234.0, False), ('12 345', 12345.0, False), ("45.2%", 0.452, True),
    ("£1,234.50", 1234.5, False), ("$20.00", 20.0, False), ("€3", 3.0, False),
    ("USD 1,000", 1000.0, False), ("(12.50)", -12.5, False), ("-3", -3.0, False),
    ("00:01:05", 65.0, False), ("01:05", 65.0, False), ("1m 23s", 83.0, False),
    ("1.5e3", 1500.0, False), ("", None, False), ("-", None, False), ("(not set)", None, False),
])
def test_numbers_as_exports_write_them(cell: str, value: float | None, percent: bool) -> None:
    got, pct = parse_number(cell)
    assert (got if got is None else pytest.approx(got)) == value and pct == percent


def test_text_is_not_a_number() -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_number("google / organic")


@pytest.mark.parametrize("cell", ["1e999", "-1e400", "12e9999%"])
def test_a_number_past_float_range_is_refused(cell: str) -> None:
    """1e999 reads as infinity, which a JSON report cannot carry (it wrote "Infinity")."""
    with pytest.raises(ValueError, match="too large"):
        parse_number(cell)


# -- GA4 --------------------------------------------------------------------------------------

def test_ga4_export_with_metadata_bom_totals_and_not_set(tmp_path: Path) -> None:
    parsed = read_outcome_file(write(tmp_path, "ga4.csv", GA4))
    assert parsed.kind == "ga4" and parsed.page_column == "Page path + query string"
    assert parsed.metrics == ["Views", "Sessions", "Bounce rate", "Key events", "Total revenue"]
    assert "Session source" in parsed.notes[0]  # a text dimension, not a metric
    assert parsed.totals == 1
    assert [r.page for r in parsed.rows] == ["/pricing/?utm_source=news&plan=solo",
                                             "/pricing?plan=solo", "/features/", "(not set)", "/gone"]
    first = parsed.rows[0]
    assert first.line == 11
    assert first.values == {"Views": 1234.0, "Sessions": 900.0, "Bounce rate": pytest.approx(0.452),
                            "Key events": 12.0, "Total revenue": 1234.5}
    assert "Total revenue" not in parsed.rows[4].values  # "-" is no value
    assert "not set" in parsed.rows[3].problem
    assert "Bounce rate" in parsed.percent
    assert all(r.page != "/ignored" for r in parsed.rows), "a second table is not ours"


@pytest.mark.parametrize("dimension", ["Landing page", "Page path and screen class",
                                       "Page location"])
def test_ga4_dimensions_holding_pages(tmp_path: Path, dimension: str) -> None:
    page = f"{SITE}/pricing" if dimension == "Page location" else "/pricing"
    text = f"# GA4\n\n{dimension},Sessions,Engagement rate\n{page},10,50%\n"
    parsed = read_outcome_file(write(tmp_path, "ga4.csv", text))
    assert parsed.kind == "ga4" and parsed.rows[0].values == {"Sessions": 10.0,
                                                              "Engagement rate": 0.5}


def test_ga4_rows_join_with_site_and_merge_per_page(tmp_path: Path) -> None:
    parsed = read_outcome_file(write(tmp_path, "ga4.csv", GA4))
    index = PageIndex([(f"{SITE}/pricing?plan=solo", None), (f"{SITE}/features", None),
                       ("examples/emails/01-welcome.eml", None)])
    result = join_file(parsed, index, SITE)
    assert (result.rows, result.joined, result.pages, result.unjoined_count) == (5, 3, 2, 2)
    pricing = result.values[f"{SITE}/pricing?plan=solo"]
    assert pricing["Sessions"] == 1000.0 and pricing["Views"] == 2000.0  # counts add up
    # Rates are weighted by sessions: (0.452 * 900 + 0.25 * 100) / 1000.
    assert pricing["Bounce rate"] == pytest.approx(0.4318)
    reasons = {u.page: u.reason for u in result.unjoined}
    assert "not set" in reasons["(not set)"]
    assert reasons["/gone"] == "no page of this run has the address www.tallybird.example/gone"
    # Without --site, paths cannot join: the reason says what to do.
    assert "pass --site" in join_file(parsed, index, None).unjoined[0].reason


def test_semicolon_separated_export(tmp_path: Path) -> None:
    text = "Landing page;Sessions;Bounce rate\n/a;1.234;12%\n"
    parsed = read_outcome_file(write(tmp_path, "ga4.csv", text))
    assert parsed.rows[0].values["Bounce rate"] == pytest.approx(0.12)


# -- Search Console ---------------------------------------------------------------------------

GSC = ("Top pages,Clicks,Impressions,CTR,Position\n"
       f"{SITE}/,\"1,253\",\"20,786\",6.03%,8.8\n{SITE}/pricing/#plans,12,900,1.33%,21.4\n")


def test_search_console_pages_csv(tmp_path: Path) -> None:
    parsed = read_outcome_file(write(tmp_path, "Pages.csv", GSC))
    assert parsed.kind == "search-console" and parsed.label == "Search Console export"
    assert parsed.metrics == ["Clicks", "Impressions", "CTR", "Position"]
    assert parsed.rows[0].values == {"Clicks": 1253.0, "Impressions": 20786.0,
                                     "CTR": pytest.approx(0.0603), "Position": 8.8}
    result = join_file(parsed, PageIndex([(f"{SITE}/", None), (f"{SITE}/pricing", None)]), None)
    assert result.joined == 2


def _zip(members: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_search_console_zip_reads_pages_csv_in_memory(tmp_path: Path) -> None:
    data = _zip({"Queries.csv": "Top queries,Clicks,Impressions,CTR,Position\ninvoice,3,9,1%,2\n",
                 "../../evil/Pages.csv": GSC, "Chart.csv": "Date,Clicks\n2026-10-01,3\n"})
    path = write(tmp_path / "in", "export.zip", data) if (tmp_path / "in").mkdir() is None else None
    assert path is not None
    parsed = read_outcome_file(path)
    assert parsed.kind == "search-console" and len(parsed.rows) == 2
    assert parsed.path.endswith("export.zip:Pages.csv")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["export.zip", "in"], "nothing extracted"
    assert not (tmp_path.parent / "evil").exists()


def test_zip_without_a_page_table(tmp_path: Path) -> None:
    path = write(tmp_path, "export.zip", _zip({"Queries.csv": "Top queries,Clicks\nx,1\n"}))
    with pytest.raises(InputError, match="no page table"):
        read_outcome_file(path)


def test_zip_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many = write(tmp_path, "many.zip", _zip({f"f{i}.csv": "a\n" for i in range(12)}))
    monkeypatch.setattr(readers, "MAX_MEMBERS", 10)
    with pytest.raises(InputError, match="12 members"):
        read_outcome_file(many)
    # A member larger than allowed (a zip bomb expands to far more than its size on disk).
    bomb = write(tmp_path, "bomb.zip", _zip({"Pages.csv": GSC + "x" * 5000}))
    monkeypatch.setattr(readers, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(InputError, match="too large"):
        read_outcome_file(bomb)
    broken = write(tmp_path, "broken.zip", b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InputError, match="zip"):
        read_outcome_file(broken)


# -- url,metric,value -------------------------------------------------------------------------

def test_url_metric_value_rows_with_their_problems(tmp_path: Path) -> None:
    text = ("url,metric,value\n"
            f"{SITE}/pricing?utm_campaign=x&fbclid=1,refund_rate,4.5%\n"
            f"{SITE}/pricing/,tickets,12\n"
            f"{SITE}/pricing,refunds,lots\n"
            f"{SITE}/pricing,,3\n"
            "/features,refund_rate,1%\n"
            "examples/ads/google-ads.csv#3,refund_rate,2%\n")
    parsed = read_outcome_file(write(tmp_path, "crm.csv", text))
    assert parsed.kind == "url-metric-value" and parsed.metrics == ["refund_rate", "tickets"]
    index = PageIndex([(f"{SITE}/pricing", f"{SITE}/pricing/"),
                       ("examples/ads/google-ads.csv#3", None)])
    result = join_file(parsed, index, None)
    assert result.values == {f"{SITE}/pricing": {"refund_rate": 0.045, "tickets": 12.0},
                             "examples/ads/google-ads.csv#3": {"refund_rate": 0.02}}
    reasons = [u.reason for u in result.unjoined]
    assert reasons[0] == "value not a number: 'lots'"
    assert reasons[1] == "no metric name in this row"
    assert "pass --site" in reasons[2]


def test_files_that_are_not_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="no page column"):
        read_outcome_file(write(tmp_path, "x.csv", "name,age\nann,3\n"))
    with pytest.raises(InputError, match="binary"):
        read_outcome_file(write(tmp_path, "x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50))
    with pytest.raises(InputError, match="only # comments"):
        read_outcome_file(write(tmp_path, "c.csv", "# nothing\n#\n"))
    with pytest.raises(InputError, match="no numeric columns"):
        read_outcome_file(write(tmp_path, "t.csv", "Landing page,Source\n/a,google\n"))
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError, match="too large"):
        read_outcome_file(write(tmp_path, "big.csv", "url,metric,value\n" + "x" * 200))


# -- join keys --------------------------------------------------------------------------------

@pytest.mark.parametrize(("a", "b"), [
    ("HTTPS://WWW.Tallybird.example:443/pricing/", "https://www.tallybird.example/pricing"),
    ("http://tallybird.example/pricing#plans", "https://tallybird.example/pricing"),
    ("https://t.example/p?utm_source=x&gclid=1&fbclid=2&b=2&a=1", "https://t.example/p?a=1&b=2"),
    ("https://t.example/p?msclkid=1&_ga=2&mc_eid=3", "https://t.example/p"),
    ("https://t.example:8080/%7Euser/", "https://t.example:8080/~user"),
])
def test_join_keys_ignore_what_analytics_add(a: str, b: str) -> None:
    assert join_key(a) == join_key(b)


def test_join_keys_keep_what_names_a_page() -> None:
    assert join_key("https://t.example/a?plan=solo") != join_key("https://t.example/a?plan=team")
    assert join_key("https://t.example/About") != join_key("https://t.example/about")
    assert join_key("https://t.example:8080/") != join_key("https://t.example/")
    with pytest.raises(ValueError):
        join_key("ftp://t.example/")


def test_paths_need_a_site() -> None:
    assert page_address("/pricing", "https://t.example") == "https://t.example/pricing"
    assert page_address("pricing?x=1", "https://t.example/") == "https://t.example/pricing?x=1"
    with pytest.raises(ValueError, match="--site"):
        page_address("/pricing", None)
    with pytest.raises(ValueError, match="not a page path"):
        page_address("Home screen", "https://t.example")
    assert check_site("T.example") == "https://t.example"


# -- statistics -------------------------------------------------------------------------------

def test_spearman_with_ties_and_constant_input() -> None:
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(0.8207826816681233)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))
    assert rank_rows(np.array([[3.0, 1.0, 2.0, 2.0]])).tolist() == [[4.0, 1.0, 2.5, 2.5]]


def test_bootstrap_is_seeded_and_covers_the_truth() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=80)
    y = x + rng.normal(size=80)
    ci = bootstrap_ci(x, y, seed="beth|refunds")
    assert ci == bootstrap_ci(x, y, seed="beth|refunds")
    assert ci != bootstrap_ci(x, y, seed="susie|refunds")
    assert 0.3 < ci[0] < spearman(x, y) < ci[1] < 0.95


def test_benjamini_hochberg_and_p_values() -> None:
    q = benjamini_hochberg([0.01, 0.04, 0.03, float("nan"), 0.5])
    assert q[:3] == pytest.approx([0.04, 0.05333333, 0.05333333]) and np.isnan(q[3])
    assert q[4] == pytest.approx(0.5)
    assert spearman_p(0.0, 50) == pytest.approx(1.0)
    assert spearman_p(0.5, 60) < 0.001 < spearman_p(0.2, 60)


def test_merging_rows_of_one_page() -> None:
    rows = [{"Sessions": 300.0, "CTR": 0.1, "Key events": 2.0},
            {"Sessions": 100.0, "CTR": 0.5, "Key events": 1.0}]
    merged = merge_rows(rows, set(), "Sessions")
    assert merged == {"Sessions": 400.0, "CTR": pytest.approx(0.2), "Key events": 3.0}


# -- store and command ------------------------------------------------------------------------

def test_an_older_store_gets_the_outcome_tables(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    Store(db).close()
    raw = sqlite3.connect(db)
    raw.execute("DROP TABLE outcomes")
    raw.execute("DROP TABLE outcome_files")
    raw.execute("DROP TABLE warnings")  # schema 3's: a store of schema 1 has neither
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    with Store(db) as store:
        assert store._table_exists("outcomes") and store._table_exists("outcome_files")


def test_outcomes_add_goes_on_after_a_bad_file_and_exits_2(tmp_path: Path, engine,  # type: ignore[no-untyped-def]
                                                           cli_env: dict[str, str]) -> None:
    from tests.support.runs import fill_store

    db = tmp_path / "runs.db"
    run_id = fill_store(db, engine)
    good = write(tmp_path, "crm.csv", "url,metric,value\nhttps://shop.example/pricing,refunds,3\n"
                                      "https://shop.example/enterprise/?utm_source=x,refunds,9\n"
                                      "https://shop.example/nope,refunds,1\n")
    bad = write(tmp_path, "bad.csv", "name,age\nann,3\n")
    nothing = write(tmp_path, "paths.csv", "Landing page,Sessions\n/pricing,3\n")
    done = subprocess.run([sys.executable, "-m", "audit", "outcomes", "add", "latest", str(bad),
                           str(good), str(nothing), str(tmp_path / "missing.csv"), "--db", str(db)],
                          capture_output=True, text=True, env=cli_env, timeout=120)
    assert done.returncode == 2
    errors = done.stderr.strip().splitlines()
    assert any(line.startswith(f"antipersona: {bad}: no page column") for line in errors)
    assert any(f"{nothing}: no row joined a page of run {run_id}" in line and "--site" in line
               for line in errors)
    assert any(f"{tmp_path / 'missing.csv'}: no such file" in line for line in errors)
    assert "url,metric,value CSV, 2 of 3 rows joined to 2 pages" in done.stdout
    assert 'line 4 "https://shop.example/nope": no page of this run' in done.stdout
    with Store(db) as store:
        values = store.outcome_values(run_id)
        files = store.outcome_files(run_id)
    assert values == {"https://shop.example/pricing": {"refunds": 3.0},
                      "https://shop.example/enterprise": {"refunds": 9.0}}
    assert [f["joined"] for f in files] == [2]
    # Too few pages for an association, but the report still carries what was imported.
    report = json.loads(subprocess.run(
        [sys.executable, "-m", "audit", "report", "-f", "json", "--db", str(db)],
        capture_output=True, text=True, env=cli_env, timeout=120).stdout)
    assert report["outcomes"]["associations"] == []
    assert report["outcomes"]["metrics"] == [{"metric": "refunds", "pages": 2, "joined": 2}]


def test_outcomes_add_refuses_a_bad_site(tmp_path: Path, cli_env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "audit", "outcomes", "add", "latest", "x.csv",
                           "--site", "ftp://x.example", "--db", str(tmp_path / "r.db")],
                          capture_output=True, text=True, env=cli_env, timeout=120)
    assert done.returncode == 2 and "--site ftp://x.example" in done.stderr


def test_resampled_ranks_match_a_full_ranking() -> None:
    from audit.outcomes.stats import _dense, _resampled_ranks

    x = np.array([3.0, 1.0, 2.0, 2.0, 5.0, 1.0])
    dense, distinct = _dense(x)
    idx = np.random.default_rng(0).integers(0, len(x), size=(200, len(x)))
    assert np.allclose(_resampled_ranks(dense, distinct, idx), rank_rows(x[idx]))


def test_large_runs_use_fewer_rounds_and_stay_sensible() -> None:
    rng = np.random.default_rng(5)
    x = rng.random(5000).round(2)
    y = x + rng.random(5000)
    low, high = bootstrap_ci(x, y, seed="a|b")
    assert low < spearman(x, y) < high and high - low < 0.05


def test_a_faint_wording_rank_does_not_reorder_an_association() -> None:
    """Pages that do not speak to a persona differ only by faint wording ranks (under 0.04);
    those must not become ranks of their own in Spearman's rho."""
    from audit.outcomes.associate import outcome_summary

    persona = [{"id": "bargain-hunter", "name": "The Bargain Hunter"}]
    scores = [0.0, 0.0, 0.03, 0.0, 0.01, 0.0, 0.0, 0.02, 0.8, 0.9]
    refunds = [1.9, 2.2, 1.5, 2.0, 1.6, 1.8, 2.1, 1.7, 12.0, 14.0]
    pieces = [{"source": f"/p{i}", "scores": {"bargain-hunter": s}} for i, s in enumerate(scores)]
    values = {f"/p{i}": {"refund_rate": v} for i, v in enumerate(refunds)}
    faint = outcome_summary(pieces, persona, values)["associations"][0]["rho"]
    flat = [{"source": p["source"], "scores": {"bargain-hunter": s if s >= 0.04 else 0.0}}
            for p, s in zip(pieces, scores, strict=True)]
    assert faint == outcome_summary(flat, persona, values)["associations"][0]["rho"]
    assert faint == pytest.approx(spearman([s if s >= 0.04 else 0 for s in scores], refunds),
                                  abs=1e-4)
