"""The SQLite run store: schema, round trip, kill -9 safety, resume, light queries, 10k pieces.

Every test uses a real database file in tmp_path and real results from the engine (fast profile,
default packs), so what is stored is exactly what `PieceResult.to_dict()` produces.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from audit import AntipersonaError, Config, Engine, Store, StoreError
from audit.report.build import build_report, channel_summary
from audit.score.ranking import drawn_to, worst_score
from audit.store.schema import APPLICATION_ID, SCHEMA_VERSION
from audit.store.store import DEFAULT_DB, db_path, fetch_entry

ROOT = Path(__file__).resolve().parent.parent
TARGET = "susie-solopreneur"

DRAFTS: list[tuple[str, str, str]] = [
    ("https://tallyfox.example/", "landing",
     "# Invoicing for one-person businesses\n\nStart free today. Set it up yourself in minutes. "
     "Simple pricing for small teams. Cancel anytime."),
    ("https://tallyfox.example/enterprise", "landing",
     "# Enterprise-grade governance\n\nRequest a demo. Our governance framework passes "
     "procurement and security review with stakeholder alignment. Contact sales for a quote."),
    ("https://tallyfox.example/blog/tips", "blog",
     "# Five tips for freelancers\n\nInvoice faster: set it up yourself in minutes. Our "
     "procurement-ready platform needs sign-off from your boss."),
    ("mail-welcome", "email",
     "# Hi {{first_name}}, we noticed you looked at invoices\n\nWe noticed you looked at our "
     "pricing page yesterday. Only 2 hours left! Act now."),
    ("mail-deal", "email",
     "# Our biggest sale ever\n\nLowest price guaranteed, stack discounts, free forever, "
     "no questions asked refunds."),
    ("ad-1", "ad", "# Start free, no card\n\nSend your first invoice today. Built for freelancers."),
    ("ad-2", "ad", "# Save 90% today\n\nLowest price anywhere, with a free forever plan."),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Config(), model="fast")


@pytest.fixture(scope="module")
def analysed(engine: Engine) -> dict[str, Any]:
    """Results and sections of DRAFTS, plus the run facts create_run needs."""
    pieces = [engine.piece_from_text(text, source=src, channel=ch) for src, ch, text in DRAFTS]
    sections = {p.source: [(s.role, s.text) for s in p.sections] for p in pieces}
    results = [r.to_dict() for r in engine.check_pieces(pieces, n_process=1)]
    labels = {r["verdict"]["label"] for r in results}
    assert {"on-target", "wrong-audience"} <= labels, labels  # the drafts exercise the packs
    return {"results": results, "sections": sections,
            "personas": [p.to_dict() for p in engine.personas], "profile": engine.profile,
            "model": engine.pipeline.model}


def new_run(store: Store, analysed: dict[str, Any], name: str | None = "test") -> str:
    return store.create_run(name=name, sources=[s for s, _, _ in DRAFTS],
                            config={"target": TARGET, "thresholds": {"strong": 0.4}},
                            personas=analysed["personas"], profile=analysed["profile"],
                            model=analysed["model"], target=TARGET)


def fill(store: Store, analysed: dict[str, Any], name: str | None = "test") -> str:
    run_id = new_run(store, analysed, name)
    for r in analysed["results"]:
        store.add_result(run_id, r, sections=analysed["sections"][r["source"]],
                         fetch={"url": r["source"], "status": 200, "elapsed": 0.05})
    return run_id


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store(tmp_path / "runs.db") as s:
        yield s


# ------------------------------------------------------------------------------ opening

def test_db_path_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ANTIPERSONA_DB", raising=False)
    assert db_path() == Path(DEFAULT_DB)
    monkeypatch.setenv("ANTIPERSONA_DB", str(tmp_path / "env.db"))
    assert db_path() == tmp_path / "env.db"
    assert db_path(tmp_path / "flag.db") == tmp_path / "flag.db"


def test_schema_created_versioned_wal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "runs.db"
    Store(path).close()
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"runs", "run_personas", "pieces", "scores", "sections", "evidence", "cue_texts",
            "errors", "fetch_log"} <= tables
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"pieces_worst", "pieces_channel", "scores_persona", "evidence_cues"} <= indexes
    db.close()
    with Store(path) as again:  # reopening an up-to-date store changes nothing
        assert again.runs() == []
        assert again._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_bad_files_raise_store_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("this is not a database, just words " * 50)
    with pytest.raises(StoreError, match="not an antipersona run store"):
        Store(text)
    assert issubclass(StoreError, AntipersonaError)

    foreign = tmp_path / "other.db"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE customers (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not an antipersona run store"):
        Store(foreign)

    newer = tmp_path / "newer.db"
    Store(newer).close()
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer antipersona"):
        Store(newer)

    with pytest.raises(StoreError, match="no run store"):
        Store(tmp_path / "missing.db", readonly=True)
    with pytest.raises(StoreError, match="folder"):
        Store(tmp_path)


def test_readonly_store_reads_but_refuses_writes(tmp_path: Path, analysed: dict[str, Any]) -> None:
    path = tmp_path / "runs.db"
    with Store(path) as writer:
        run_id = fill(writer, analysed)
    with Store(path, readonly=True) as reader:
        assert reader.runs()[0]["id"] == run_id
        assert len(reader.pieces(run_id)) == len(DRAFTS)
        with pytest.raises(StoreError, match="read-only"):
            reader.finish_run(run_id)


# ------------------------------------------------------------------------------ round trip

def test_report_round_trip(store: Store, analysed: dict[str, Any]) -> None:
    run_id = fill(store, analysed, name="Q4 site")
    store.add_error(run_id, "https://tallyfox.example/gone", "HTTP 404")
    store.add_error(run_id, "https://tallyfox.example/private", "robots.txt disallows",
                    kind="skipped")
    store.finish_run(run_id, "done")
    report = store.report(run_id)
    results = analysed["results"]
    # The JSON contract: stored pieces come back exactly as PieceResult.to_dict() made them,
    # plus the journey stage the report gives each.
    assert [{k: v for k, v in p.items() if k != "stage"} for p in report["pieces"]] == results
    assert {p["stage"] for p in report["pieces"]} <= {"awareness", "consideration", "decision",
                                                      "retention"}
    assert json.loads(json.dumps(report)) == report
    assert report["version"] == 1
    run = report["run"]
    assert (run["id"], run["name"], run["status"], run["target"]) == (run_id, "Q4 site", "done",
                                                                      TARGET)
    assert run["profile"] == analysed["profile"] and run["model"] == analysed["model"]
    assert run["sources"] == [s for s, _, _ in DRAFTS]
    assert [p["id"] for p in run["personas"]] == [p["id"] for p in analysed["personas"]]
    assert all(p["version"] and p["color"] for p in run["personas"])
    assert report["channels"] == channel_summary(results, TARGET)
    assert report["errors"] == [
        {"source": "https://tallyfox.example/gone", "error": "HTTP 404", "kind": "failed"},
        {"source": "https://tallyfox.example/private", "error": "robots.txt disallows",
         "kind": "skipped"}]
    expected = build_report(run, results, report["errors"])
    assert report == expected


def test_unknown_fields_survive(store: Store, analysed: dict[str, Any]) -> None:
    """Fields a newer engine adds (DESIGN: fields may be added) come back too."""
    run_id = new_run(store, analysed)
    result = json.loads(json.dumps(analysed["results"][1]))
    result["language"] = "en"
    result["evidence"][0]["lemma"] = "procure"
    result["verdict"]["confidence"] = 0.9
    store.add_result(run_id, result)
    assert store.pieces(run_id) == [result]


def test_piece_has_sections_and_fetch(store: Store, analysed: dict[str, Any]) -> None:
    run_id = new_run(store, analysed)
    result = analysed["results"][0]
    sections = analysed["sections"][result["source"]]
    fetch = {"url": "http://tallyfox.example", "final_url": result["source"], "status": 200,
             "redirects": [("http://tallyfox.example", 301)], "elapsed": 0.31, "attempts": 1,
             "content_type": "text/html", "charset": "utf-8", "body": b"<html>", "error": None}
    store.add_result(run_id, result, sections=sections, fetch=fetch)
    piece = store.piece(run_id, result["id"])
    assert piece["sections"] == [{"role": r, "text": t} for r, t in sections]
    assert {k: piece[k] for k in result} == result
    log = piece["fetch"]
    assert log["final_url"] == result["source"] and log["status"] == 200
    assert log["redirects"] == [{"url": "http://tallyfox.example", "status": 301}]
    assert "body" not in log
    assert store.fetch_log(run_id) == [log]
    with pytest.raises(StoreError, match="no piece"):
        store.piece(run_id, "nope")


def test_fetch_result_objects_are_logged(store: Store, analysed: dict[str, Any]) -> None:
    from audit.crawl.results import FetchResult, Hop

    run_id = new_run(store, analysed)
    fetched = FetchResult(url="http://a.example/x", final_url="https://a.example/x", status=404,
                          redirects=[Hop("http://a.example/x", 301)], content_type="text/html",
                          charset=None, body=b"nope", elapsed=0.2, attempts=2, error="HTTP 404")
    store.add_error(run_id, "http://a.example/x", "HTTP 404", fetch=fetched)
    [entry] = store.fetch_log(run_id)
    assert entry["status"] == 404 and entry["attempts"] == 2 and entry["error"] == "HTTP 404"
    assert entry["redirects"] == [{"url": "http://a.example/x", "status": 301}]
    assert fetch_entry(fetched)["redirects"] == entry["redirects"]


def test_add_result_is_idempotent_per_source(store: Store, analysed: dict[str, Any]) -> None:
    run_id = new_run(store, analysed)
    result = analysed["results"][0]
    store.add_result(run_id, result, sections=[("body", "old words about zebras")])
    store.add_result(run_id, result, sections=[("body", "new words about giraffes")])
    assert store.pieces(run_id) == [result]
    assert store.piece_rows(run_id, search="zebras") == []
    assert len(store.piece_rows(run_id, search="giraffes")) == 1
    counts = {t: store._db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("pieces", "sections", "scores", "evidence")}
    assert counts == {"pieces": 1, "sections": 1, "scores": len(result["scores"]),
                      "evidence": len(result["evidence"])}
    # A later error for the same source replaces the piece; a later result clears the error.
    store.add_error(run_id, result["source"], "HTTP 500")
    assert store.pieces(run_id) == [] and len(store.errors(run_id)) == 1
    store.add_result(run_id, result)
    assert store.errors(run_id) == [] and len(store.pieces(run_id)) == 1


def test_add_results_is_all_or_nothing(store: Store, analysed: dict[str, Any]) -> None:
    run_id = new_run(store, analysed)
    good = analysed["results"][:3]
    broken = {k: v for k, v in analysed["results"][3].items() if k != "scores"}
    with pytest.raises(KeyError):
        store.add_results(run_id, [(r, None, None) for r in [*good, broken]])
    assert store.pieces(run_id) == []
    assert store.add_results(run_id, [(r, analysed["sections"][r["source"]], None)
                                      for r in good]) == 3
    assert store.pieces(run_id) == good
    # A piece read back (with sections and fetch) can be written again as it is.
    full = store.piece(run_id, good[0]["id"])
    store.add_result(run_id, full)
    again = store.piece(run_id, good[0]["id"])
    assert again["sections"] == full["sections"]
    assert {k: again[k] for k in good[0]} == good[0]


# ------------------------------------------------------------------------------ runs

def other_run(store: Store, analysed: dict[str, Any], sources: list[str], name: str,
              pieces: int) -> str:
    run_id = store.create_run(name=name, sources=sources, config={"target": TARGET},
                              personas=analysed["personas"], profile=analysed["profile"],
                              model=analysed["model"], target=TARGET)
    for r in analysed["results"][:pieces]:
        store.add_result(run_id, r, sections=analysed["sections"][r["source"]])
    store.finish_run(run_id, "done")
    return run_id


def test_latest_and_previous_skip_empty_runs_and_prefer_the_same_sources(
        store: Store, analysed: dict[str, Any]) -> None:
    site_may = other_run(store, analysed, ["https://shop.example/sitemap.xml"], "site may", 3)
    mail_june = other_run(store, analysed, ["newsletters/"], "mail june", 2)
    site_june = other_run(store, analysed, ["https://shop.example/sitemap.xml"], "site june", 3)
    refused = other_run(store, analysed, ["http://127.0.0.1:8000/"], "refused", 0)
    assert [r["empty"] for r in store.runs()] == [True, False, False, False]
    assert store.resolve_run("latest") == store.resolve_run(None) == site_june
    assert store.resolve_run("previous") == site_may  # same sources, past the mail run
    assert store.resolve_run("previous", relative_to=mail_june) == site_may  # none the same
    assert store.resolve_run(refused) == refused  # still reachable by its id
    with pytest.raises(StoreError, match="no run with pieces before"):
        store.resolve_run("previous", relative_to=site_may)


def test_only_empty_runs_still_resolve(store: Store, analysed: dict[str, Any]) -> None:
    refused = other_run(store, analysed, ["x"], "refused", 0)
    assert store.resolve_run("latest") == refused


def test_runs_cli_lists_and_deletes(tmp_path: Path, analysed: dict[str, Any],
                                    cli_env: dict[str, str]) -> None:
    db = tmp_path / "cli.db"
    with Store(db) as s:
        first = fill(s, analysed, name="first")
        empty = other_run(s, analysed, ["x"], "refused", 0)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "audit", *args, "--db", str(db)],
                              capture_output=True, text=True, env=cli_env, timeout=60)

    listed = cli("runs", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith(empty) and "\tempty\t" in lines[0] and "refused" in lines[0]
    assert lines[1].startswith(first) and f"\trunning\t{len(analysed['results'])} pieces\t" in lines[1]
    gone = cli("runs", "delete", "refused")
    assert gone.returncode == 0 and gone.stderr.strip() == f"deleted run {empty} (0 pieces)"
    missing = cli("runs", "delete", "nope")
    assert missing.returncode == 2 and "no run 'nope'" in missing.stderr
    with Store(db) as s:
        assert [r["id"] for r in s.runs()] == [first]
    assert cli("runs", "delete", first).returncode == 0
    none = cli("runs", "list")
    assert none.returncode == 0 and none.stdout == "" and none.stderr.strip() == f"no runs in {db}"


def test_runs_resolve_progress_finish(store: Store, analysed: dict[str, Any]) -> None:
    with pytest.raises(StoreError, match="no runs"):
        store.resolve_run(None)
    first = fill(store, analysed, name="september")
    second = new_run(store, analysed, name="october")  # same second: insertion order decides
    store.add_result(second, analysed["results"][0])
    store.add_error(second, "x", "boom")
    store.add_error(second, "y", "robots", kind="skipped")
    store.set_progress(second, total=10, done=3)
    store.set_progress(second, done=4, rate=2.5, eta=3.0)

    runs = store.runs()
    assert [r["id"] for r in runs] == [second, first]
    top = runs[0]
    assert (top["pieces"], top["errors"], top["skipped"], top["status"]) == (1, 1, 1, "running")
    assert top["progress"]["total"] == 10 and top["progress"]["done"] == 4
    assert top["progress"]["rate"] == 2.5 and "updated" in top["progress"]

    assert store.resolve_run(None) == second
    assert store.resolve_run("latest") == second
    assert store.resolve_run("previous") == first
    assert store.resolve_run(first) == first
    assert store.resolve_run("september") == first
    common = next(i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b)
    assert store.resolve_run(second[:common + 1]) == second  # shortest unique prefix
    with pytest.raises(StoreError, match=r"no run 'nope' in .*\(latest: " + second):
        store.resolve_run("nope")
    with pytest.raises(StoreError, match="ambiguous"):
        store.resolve_run("20")

    store.finish_run(second, "interrupted")
    head = store.run(second)
    assert head["status"] == "interrupted" and head["finished"]
    assert head["config"]["thresholds"] == {"strong": 0.4}
    assert head["sources"][0] == DRAFTS[0][0]
    assert head["personas"] == [{k: p[k] for k in ("id", "name", "kind", "color", "version")}
                                for p in analysed["personas"]]
    store.finish_run(second, "running")
    assert store.run(second)["finished"] is None
    with pytest.raises(StoreError, match="status"):
        store.finish_run(second, "exploded")
    with pytest.raises(StoreError, match="no run"):
        store.run("missing")


def test_delete_run_removes_everything(store: Store, analysed: dict[str, Any]) -> None:
    keep = fill(store, analysed)
    gone = fill(store, analysed)
    store.add_error(gone, "x", "boom", fetch={"url": "x", "status": 500})
    store.delete_run(gone)
    assert [r["id"] for r in store.runs()] == [keep]
    for table in ("pieces", "run_personas", "errors", "fetch_log"):
        left = store._db.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?", (gone,))
        assert left.fetchone()[0] == 0
    orphans = store._db.execute("SELECT count(*) FROM evidence WHERE piece_pk NOT IN "
                                "(SELECT pk FROM pieces)").fetchone()[0]
    assert orphans == 0
    assert len(store.piece_rows(keep, search="procurement")) >= 1
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(StoreError):
        store.delete_run(gone)


# ------------------------------------------------------------------------------ resume

def test_done_sources_drive_resume(store: Store, analysed: dict[str, Any]) -> None:
    run_id = new_run(store, analysed)
    results = analysed["results"]
    for r in results[:3]:
        store.add_result(run_id, r)
    store.add_error(run_id, results[3]["source"], "timed out")
    store.add_error(run_id, results[4]["source"], "robots.txt", kind="skipped")
    store.finish_run(run_id, "interrupted")

    done = store.done_sources(run_id)
    assert done == {r["source"] for r in results[:5]}
    assert store.done_sources(run_id, retry_failed=True) == done - {results[3]["source"]}

    # What --resume does: carry on with the sources not done, then finish.
    store.finish_run(run_id, "running")
    todo = [s for s, _, _ in DRAFTS if s not in done]
    assert todo == [results[5]["source"], results[6]["source"]]
    for r in results:
        if r["source"] in todo:
            store.add_result(run_id, r)
    store.finish_run(run_id)
    assert store.done_sources(run_id) == {s for s, _, _ in DRAFTS}
    assert [p["source"] for p in store.pieces(run_id)] == \
        [r["source"] for r in results[:3]] + todo
    with pytest.raises(StoreError):
        store.done_sources("missing")


_CHILD = textwrap.dedent("""
    import json, sys
    from audit import Store
    path, results_file, run_id, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    results = json.load(open(results_file))
    store = Store(path)
    for i in range(n):
        base = results[i % len(results)]
        r = dict(base, source=f"{base['source']}#{i}", id=f"p{i:06d}")
        # Big pieces: the kill is likely to land inside a transaction.
        r["evidence"] = base["evidence"] * 40
        sections = [("body", f"section {j} of piece {i} " * 20) for j in range(30)]
        store.add_result(run_id, r, sections=sections, fetch={"url": r["source"], "status": 200})
        print(i, flush=True)
""")


def test_kill_9_loses_no_finished_piece(tmp_path: Path, analysed: dict[str, Any]) -> None:
    path = tmp_path / "runs.db"
    results = [r for r in analysed["results"] if r["evidence"]]
    results_file = tmp_path / "results.json"
    results_file.write_text(json.dumps(results))
    with Store(path) as store:
        run_id = new_run(store, analysed)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), str(results_file), run_id,
                              "100000"], stdout=subprocess.PIPE, env=env, text=True)
    assert child.stdout is not None
    committed = -1
    for line in child.stdout:
        committed = int(line)
        if committed >= 40:
            break
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    with Store(path) as store:
        assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = store.pieces(run_id)
        # Every piece the child reported as committed is there (it may have finished one more).
        assert len(stored) >= committed + 1
        by_pk = store._db.execute("SELECT pk, source FROM pieces WHERE run_id = ?",
                                  (run_id,)).fetchall()
        for row in by_pk:
            secs = store._db.execute("SELECT count(*) FROM sections WHERE piece_pk = ?",
                                     (row["pk"],)).fetchone()[0]
            assert secs == 30, row["source"]
        for piece in stored:
            i = int(piece["source"].rsplit("#", 1)[1])
            base = results[i % len(results)]
            assert piece["evidence"] == base["evidence"] * 40
            assert piece["scores"] == base["scores"]
        for child_table in ("sections", "evidence", "scores"):
            orphans = store._db.execute(f"SELECT count(*) FROM {child_table} WHERE piece_pk "
                                        "NOT IN (SELECT pk FROM pieces)").fetchone()[0]
            assert orphans == 0, child_table
        assert len(store.fetch_log(run_id)) == len(stored)
        assert store.done_sources(run_id) == {p["source"] for p in stored}
        assert store.run(run_id)["status"] == "running"  # the UI can show it as interrupted
        print(f"\nkill -9 after {committed + 1} reported commits: {len(stored)} pieces intact")


def test_reader_sees_commits_while_writer_runs(tmp_path: Path, analysed: dict[str, Any]) -> None:
    path = tmp_path / "runs.db"
    with Store(path) as writer:
        run_id = new_run(writer, analysed)
        with Store(path, readonly=True) as reader:
            for n, r in enumerate(analysed["results"], 1):
                writer.add_result(run_id, r)
                assert reader.count_pieces(run_id) == n
            writer.set_progress(run_id, done=n)
            assert reader.runs()[0]["progress"]["done"] == n


# ------------------------------------------------------------------------------ queries

def test_piece_rows_filters(store: Store, analysed: dict[str, Any]) -> None:
    run_id = fill(store, analysed)
    results = analysed["results"]
    kinds = {p["id"]: p["kind"] for p in analysed["personas"]}

    rows = store.piece_rows(run_id)
    assert [r["source"] for r in rows] == [r["source"] for r in results]
    first = rows[0]
    assert set(first) >= {"id", "source", "channel", "title", "words", "verdict", "persona",
                          "scores", "cues"}
    assert "evidence" not in first
    assert first["scores"] == results[0]["scores"]
    assert first["cues"].count("\u201c") >= 1

    def sources(**kw: Any) -> list[str]:
        return [r["source"] for r in store.piece_rows(run_id, **kw)]

    assert sources(channel="email") == [r["source"] for r in results if r["channel"] == "email"]
    assert sources(channel=["ad", "blog"]) == [r["source"] for r in results
                                               if r["channel"] in ("ad", "blog")]
    assert sources(verdict="wrong-audience") == [
        r["source"] for r in results if r["verdict"]["label"] == "wrong-audience"]
    assert sources(persona="beth-bureaucrat") == [
        r["source"] for r in results if drawn_to(r["verdict"], TARGET) == "beth-bureaucrat"]
    assert sources(persona=TARGET) == [
        r["source"] for r in results if r["verdict"]["label"] == "on-target"]
    assert sources(min_score=0.5) == [
        r["source"] for r in results if worst_score(r["scores"], TARGET, kinds) >= 0.5]
    assert sources(persona="beth-bureaucrat", min_score=0.99) == [
        r["source"] for r in results if drawn_to(r["verdict"], TARGET) == "beth-bureaucrat"
        and r["scores"]["beth-bureaucrat"] >= 0.99]

    assert sources(search="procurement") == ["https://tallyfox.example/enterprise",
                                             "https://tallyfox.example/blog/tips"]
    assert sources(search="PROCURE") == sources(search="procurement")  # prefix, any case
    assert sources(search="freelancers") == ["https://tallyfox.example/blog/tips", "ad-1"]
    assert sources(search="enterprise") == ["https://tallyfox.example/enterprise"]  # title/url
    assert sources(search="mail deal") == ["mail-deal"]  # source words
    assert sources(search="zebra") == []
    for hostile in ('"', "AND OR NOT (", "*", "'; DROP TABLE pieces; --", "%_"):
        assert isinstance(sources(search=hostile), list)
    assert store.count_pieces(run_id) == len(results)

    worst = store.piece_rows(run_id, order="worst")
    assert [r["worst"] for r in worst] == sorted((r["worst"] for r in worst), reverse=True)
    page = store.piece_rows(run_id, order="worst", limit=2, offset=1)
    assert [r["source"] for r in page] == [r["source"] for r in worst[1:3]]
    assert store.count_pieces(run_id, channel="email") == 2
    assert store.piece_rows(run_id, channel="'; DROP TABLE pieces; --") == []
    with pytest.raises(StoreError, match="order"):
        store.piece_rows(run_id, order="pk; DROP TABLE pieces")
    assert store.verdict_counts(run_id) == dict(Counter(r["verdict"]["label"] for r in results))


def test_channel_matrix_matches_the_pieces(store: Store, analysed: dict[str, Any]) -> None:
    run_id = fill(store, analysed)
    results = analysed["results"]
    matrix = store.channel_matrix(run_id)
    channels = sorted({r["channel"] for r in results})
    persona_ids = [p["id"] for p in analysed["personas"]]
    assert [(m["channel"], m["persona"]) for m in matrix] == \
        [(c, p) for c in channels for p in persona_ids]
    for cell in matrix:
        mine = [r for r in results if r["channel"] == cell["channel"]]
        assert cell["pieces_in_channel"] == len(mine)
        drawn = sum(1 for r in mine if drawn_to(r["verdict"], TARGET) == cell["persona"])
        assert cell["drawn"] == drawn
        assert cell["share"] == pytest.approx(drawn / len(mine), abs=1e-4)
        mean = sum(r["scores"][cell["persona"]] for r in mine) / len(mine)
        assert cell["mean_score"] == pytest.approx(mean, abs=1e-4)
    # The same shares as the report's channel summary.
    summary = {c["channel"]: c for c in channel_summary(results, TARGET)}
    for cell in matrix:
        share = summary[cell["channel"]]["share_by_persona"].get(cell["persona"], 0.0)
        assert cell["share"] == pytest.approx(share, abs=1e-4)


def test_cue_counts(store: Store, analysed: dict[str, Any]) -> None:
    run_id = fill(store, analysed)
    results = analysed["results"]

    def expected(persona: str | None = None, channel: str | None = None
                 ) -> Counter[tuple[str, str]]:
        c: Counter[tuple[str, str]] = Counter()
        for r in results:
            if channel and r["channel"] != channel:
                continue
            for ev in r["evidence"]:
                if ev["negated"] or ev["kind"] != "cue" or (persona and ev["persona"] != persona):
                    continue
                c[(ev["persona"], ev["group"])] += 1
        return c

    rows = store.cue_counts(run_id, limit=1000)
    assert Counter({(r["persona"], r["group"]): r["hits"] for r in rows}) == expected()
    assert [r["hits"] for r in rows] == sorted((r["hits"] for r in rows), reverse=True)
    beth = store.cue_counts(run_id, persona="beth-bureaucrat", limit=1000)
    assert Counter({(r["persona"], r["group"]): r["hits"] for r in beth}) == \
        expected("beth-bureaucrat")
    email = store.cue_counts(run_id, channel="email", limit=1000)
    assert Counter({(r["persona"], r["group"]): r["hits"] for r in email}) == \
        expected(channel="email")
    assert len(store.cue_counts(run_id, limit=2)) == 2
    # What drives each anti-persona: the app's query ranks as the reports do (one rule).
    drivers = store.drivers_by_channel(run_id, TARGET)
    assert drivers
    for ch in channel_summary(results, TARGET):
        for pid, groups in ch["drivers"].items():
            mine = drivers[(ch["channel"], pid)]
            assert [g["group"] for g in mine] == [g["group"] for g in groups]
            assert [g["weight"] for g in mine] == pytest.approx([g["weight"] for g in groups], abs=1e-3)
            for g in mine:
                assert 1 <= g["pieces"] <= sum(1 for r in results if r["channel"] == ch["channel"])
    assert store.wrong_by_channel(run_id) == {
        ch: (sum(1 for r in results if r["channel"] == ch and r["verdict"]["label"] == "wrong-audience"),
             sum(1 for r in results if r["channel"] == ch)) for ch in {r["channel"] for r in results}}
    phrases = store.cue_counts(run_id, persona="beth-bureaucrat", by="phrase", limit=1000)
    assert "procurement" in {r["phrase"] for r in phrases}
    assert all(r["pieces"] <= r["hits"] and r["weight"] > 0 for r in phrases)


# ------------------------------------------------------------------------------ 10k pieces

def test_ten_thousand_pieces(tmp_path: Path, analysed: dict[str, Any]) -> None:
    """Insert a 10,000-piece run piece by piece (as an audit would) and time the light queries
    the Streamlit report makes on first render. Timings are printed, not asserted."""
    results = analysed["results"]
    channels = ["landing", "blog", "email", "ad", "social", "docs"]
    path = tmp_path / "big.db"
    timings: dict[str, float] = {}
    with Store(path) as store:
        run_id = new_run(store, analysed, name="big")

        def item(i: int) -> tuple[dict[str, Any], list[tuple[str, str]], None]:
            base = results[i % len(results)]
            r = dict(base, source=f"https://big.example/page/{i}", id=f"{i:012d}",
                     channel=channels[i % len(channels)], title=f"{base['title']} #{i}")
            return r, analysed["sections"][base["source"]], None

        # 1,000 pieces as an audit writes them (a commit each), 9,000 in bulk transactions.
        t0 = time.perf_counter()
        for i in range(1_000):
            r, sections, _ = item(i)
            store.add_result(run_id, r, sections=sections)
        per_piece = (time.perf_counter() - t0) / 1_000
        timings["add_result, one commit per piece (each)"] = per_piece
        t0 = time.perf_counter()
        for start in range(1_000, 10_000, 1_000):
            store.add_results(run_id, (item(i) for i in range(start, start + 1_000)))
        timings["add_results, 9,000 in 9 transactions"] = time.perf_counter() - t0
        assert store.count_pieces(run_id) == 10_000

    with Store(path, readonly=True) as store:
        def timed(label: str, fn: Any) -> Any:
            start = time.perf_counter()
            out = fn()
            timings[label] = time.perf_counter() - start
            return out

        timed("runs()", store.runs)
        rows = timed("piece_rows(order=worst, limit=50)",
                     lambda: store.piece_rows(run_id, order="worst", limit=50))
        timed("count_pieces()", lambda: store.count_pieces(run_id))
        timed("piece_rows(channel, verdict, limit=50)",
              lambda: store.piece_rows(run_id, channel="email", verdict="wrong-audience", limit=50))
        timed("piece_rows(persona, min_score)",
              lambda: store.piece_rows(run_id, persona="beth-bureaucrat", min_score=0.5))
        found = timed("piece_rows(search='procurement')",
                      lambda: store.piece_rows(run_id, search="procurement", limit=50))
        every = timed("piece_rows() all 10k rows", lambda: store.piece_rows(run_id))
        matrix = timed("channel_matrix()", lambda: store.channel_matrix(run_id))
        timed("cue_counts()", lambda: store.cue_counts(run_id))
        timed("verdict_counts()", lambda: store.verdict_counts(run_id))
        timed("piece(one)", lambda: store.piece(run_id, rows[0]["id"]))
        report = timed("report() full JSON", lambda: store.report(run_id))

    assert len(rows) == 50 and len(every) == 10_000 and len(found) == 50
    assert len(matrix) == len(channels) * len(analysed["personas"])
    assert sum(m["pieces_in_channel"] for m in matrix) == 10_000 * len(analysed["personas"])
    assert len(report["pieces"]) == 10_000
    print(f"\n10,000-piece run ({path.stat().st_size / 1e6:.1f} MB):")
    for label, seconds in timings.items():
        print(f"  {label:<42} {seconds * 1000:9.1f} ms")
