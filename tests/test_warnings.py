"""Warnings are their own kind: a piece that was analysed although part of it could not be read
(an email body lost to a MIME boundary mismatch) is stored apart from the sources that failed,
reported as the JSON's top-level ``warnings``, told one line each after the text output, shown
in the CSV, HTML and SARIF reports, and never changes an exit code."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from audit import Engine, Store
from audit.models import Piece, Section
from audit.report.render import export, render_report
from audit.store.schema import SCHEMA_VERSION

#: An invented newsletter that declares a multipart body but has no part in it.
LOST_BODY = (b"From: hello@tallyfox.example\nTo: you@example.com\nSubject: Start free today\n"
             b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=abc\n\n"
             b"No parts at all.\n")
WHY = ("body not read: the message is multipart but no part was found (its MIME boundary never "
       "appears); only the subject is audited")


def _cli(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=180)


def _stored(db: Path, engine: Engine, *, warned: bool = True) -> str:
    """A finished run of two pieces, the email with a warning in its meta, and one failure."""
    mail = Piece(source="mail/lost.eml", channel="email", title="Start free today",
                 sections=[Section("subject", "Start free today")],
                 meta={"warnings": [WHY]} if warned else {})
    page = Piece(source="https://tallyfox.example/", channel="landing",
                 sections=[Section("body", "Request a demo with our procurement team.")])
    with Store(db) as store:
        run_id = store.create_run(name="mail", sources=["mail/"], config={},
                                  personas=[p.to_dict() for p in engine.personas],
                                  profile=engine.profile, model=engine.pipeline.model,
                                  target=engine.config.target)
        for piece, result in zip([mail, page], engine.check_pieces([mail, page], n_process=1),
                                 strict=True):
            store.add_result(run_id, result.to_dict(), sections=piece.sections)
        store.add_error(run_id, "https://tallyfox.example/gone", "HTTP 404 Not Found")
        store.finish_run(run_id)
    return run_id


# -- check ----------------------------------------------------------------------------------

def test_check_prints_the_warning_after_the_results_and_exits_0(tmp_path: Path,
                                                                 cli_env: dict[str, str]) -> None:
    # A file name with a clear-screen sequence: the warning line carries it without the escape.
    mail = tmp_path / "lost\x1b[2J.eml"
    mail.write_bytes(LOST_BODY)
    text = _cli(cli_env, "check", str(mail), "--fail-on", "wrong-audience")
    assert text.returncode == 0, text.stderr
    assert text.stderr == ""  # not an input error
    last = text.stdout.rstrip("\n").splitlines()[-1]
    assert last == f"warning: {tmp_path / 'lost.eml'}: {WHY}"
    assert "\x1b" not in text.stdout

    as_json = _cli(cli_env, "check", str(mail), "-f", "json")
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["errors"] == []
    assert report["warnings"] == [{"source": str(mail), "warning": WHY}]
    assert [p["source"] for p in report["pieces"]] == [str(mail)]  # the subject was checked

    sarif = json.loads(_cli(cli_env, "check", str(mail), "-f", "sarif").stdout)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes == [{"level": "warning", "message": {"text": f"{mail}: {WHY}"}}]


def test_extract_tells_the_warning_with_the_sections_it_read(tmp_path: Path,
                                                             cli_env: dict[str, str]) -> None:
    mail = tmp_path / "lost.eml"
    mail.write_bytes(LOST_BODY)
    text = _cli(cli_env, "extract", str(mail))
    assert text.returncode == 0, text.stderr
    assert "Start free today" in text.stdout
    assert text.stdout.rstrip("\n").splitlines()[-1] == f"warning: {mail}: {WHY}"
    result = json.loads(_cli(cli_env, "extract", str(mail), "-f", "json").stdout)
    assert result["errors"] == []
    assert result["warnings"] == [{"source": str(mail), "warning": WHY}]


# -- audit ----------------------------------------------------------------------------------

def test_audit_tells_the_warning_after_its_summary_and_exits_0(tmp_path: Path,
                                                               cli_env: dict[str, str]) -> None:
    mails = tmp_path / "mails"
    mails.mkdir()
    (mails / "lost.eml").write_bytes(LOST_BODY)
    db = tmp_path / "runs.db"
    done = _cli(cli_env, "audit", str(mails), "--db", str(db), "--model", "fast")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("run "))
    assert "1 piece analysed, 0 failed, 0 skipped, 1 with a warning" in lines[summary]
    assert f"warning: {mails / 'lost.eml'}: {WHY}" in lines[summary + 1:]
    assert "(body)" not in done.stderr  # no longer told as a failed source of its own
    with Store(db, readonly=True) as store:
        (run,) = store.runs()
        assert run["errors"] == 0 and run["warnings"] == 1


# -- report ---------------------------------------------------------------------------------

def test_every_report_format_shows_warnings_apart_from_errors(tmp_path: Path,
                                                              engine: Engine) -> None:
    db = tmp_path / "runs.db"
    run_id = _stored(db, engine)
    with Store(db, readonly=True) as store:
        report = store.report(run_id)
        table = render_report(store, run_id, fmt="table", width=200)
    assert report["errors"] == [{"source": "https://tallyfox.example/gone",
                                 "error": "HTTP 404 Not Found", "kind": "failed"}]
    assert report["warnings"] == [{"source": "mail/lost.eml", "warning": WHY}]

    lines = table.splitlines()
    assert "1 error; 1 with a warning" in table
    errors = lines.index("1 source not audited")  # after the tables, then the warning
    assert lines[errors + 1:errors + 3] == ["  https://tallyfox.example/gone: HTTP 404 Not Found",
                                            f"warning: mail/lost.eml: {WHY}"]

    rows = list(csv.DictReader(io.StringIO(export(report, "csv"))))
    assert {r["source"]: r["warnings"] for r in rows} == {"mail/lost.eml": WHY,
                                                          "https://tallyfox.example/": ""}

    html = export(report, "html")
    assert "Audited with a warning (1)" in html and "Not audited (1)" in html
    assert html.index("Not audited (1)") < html.index("Audited with a warning (1)")
    assert "body not read: the message is multipart" in html

    notes = json.loads(export(report, "sarif"))["runs"][0]["invocations"][0][
        "toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "warning"]


def test_a_run_without_warnings_reports_an_empty_list(tmp_path: Path, engine: Engine) -> None:
    db = tmp_path / "runs.db"
    run_id = _stored(db, engine, warned=False)
    with Store(db, readonly=True) as store:
        report = store.report(run_id)
        table = render_report(store, run_id, fmt="table", width=200)
    assert report["warnings"] == [] and "warning" not in table
    assert {r["warnings"] for r in csv.DictReader(io.StringIO(export(report, "csv")))} == {""}


def test_storing_a_source_again_replaces_its_warnings(tmp_path: Path, engine: Engine) -> None:
    """A resumed run that reads the email again keeps one warning, or none once it reads."""
    db = tmp_path / "runs.db"
    run_id = _stored(db, engine)
    with Store(db) as store:
        (result,) = [p for p in store.pieces(run_id) if p["source"] == "mail/lost.eml"]
        store.add_result(run_id, result)
        assert store.warnings(run_id) == [{"source": "mail/lost.eml", "warning": WHY}]
        result["meta"] = {}
        store.add_result(run_id, result)
        assert store.warnings(run_id) == []


# -- an older store -------------------------------------------------------------------------

def _make_old(db: Path) -> None:
    """Turn a store into the schema before warnings, as an older antipersona wrote it: the
    email's warning an error of its own on "<source> (body)"."""
    raw = sqlite3.connect(db)
    raw.execute("DROP TABLE warnings")
    run_id = raw.execute("SELECT id FROM runs").fetchone()[0]
    raw.execute("INSERT INTO errors (run_id, source, error, added) VALUES (?, ?, ?, ?)",
                (run_id, "mail/lost.eml (body)", WHY, "2026-01-05T10:00:00+00:00"))
    # No piece of that name: a real failure that only looks like one, and stays an error.
    raw.execute("INSERT INTO errors (run_id, source, error, added) VALUES (?, ?, ?, ?)",
                (run_id, "notes/odd (body)", "HTTP 500", "2026-01-05T10:00:01+00:00"))
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    raw.commit()
    raw.close()


@pytest.mark.parametrize("readonly", [False, True], ids=["writable", "read-only"])
def test_an_older_store_opens_and_its_body_errors_become_warnings(tmp_path: Path, engine: Engine,
                                                                  readonly: bool) -> None:
    """`report` and the app open a store read-only: an old file is still upgraded once."""
    db = tmp_path / "old.db"
    run_id = _stored(db, engine, warned=False)
    _make_old(db)
    with Store(db, readonly=readonly) as store:
        report = store.report(run_id)
        (run,) = store.runs()
    assert report["warnings"] == [{"source": "mail/lost.eml", "warning": WHY}]
    assert [e["source"] for e in report["errors"]] == ["https://tallyfox.example/gone",
                                                       "notes/odd (body)"]
    assert run["errors"] == 2 and run["warnings"] == 1
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()



# -- the app's report -----------------------------------------------------------------------

def _report_page() -> None:
    from audit.ui.pages import report

    report.render()


def test_app_report_tells_warnings_apart_from_failures(tmp_path: Path, engine: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "runs.db"
    run_id = _stored(db, engine)
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    try:
        at = AppTest.from_function(_report_page, default_timeout=60)
        at.query_params["run"] = run_id
        at.run()
    finally:
        config.set_option("server.address", before)
    assert not at.exception
    pieces = next(m for m in at.metric if m.label == "Pieces audited")
    assert (pieces.value, pieces.proto.delta) == ("2", "1 could not be read")  # the 404 alone
    (said,) = [i.value.replace("\\", "") for i in at.info]
    assert said == ("1 piece was audited with a warning: part of its text may not have been "
                    "read, so its scores may leave something out.")
    assert [w.value.replace("\\", "") for w in at.warning] == ["1 source was not read: HTTP 404 "
                                                               "Not Found."]
    warned = next(d.value for d in at.dataframe if "Warning" in d.value.columns)
    assert warned.to_dict("records") == [{"Source": "mail/lost.eml", "Warning": WHY}]
