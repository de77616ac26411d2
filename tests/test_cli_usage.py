"""What a new user runs into at the command line: output files that cannot be written, an app
address or port that cannot be used, hostile run names, follow-up hints that must work as
pasted, a reader that closes the pipe early, and failed audits that used to leave empty runs.
Each is one clear line and the exit code the contract gives (0, 1 only for --fail-on, 2)."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from audit import Engine, Store, cli
from audit.crawl.wording import megabytes
from audit.progress import ProgressPrinter
from audit.report.render import render_report
from audit.runs.audit import Progress
from tests.support.runs import fill_store

ROOT = Path(__file__).resolve().parent.parent
DRAFTS = sorted(str(p) for p in (ROOT / "examples" / "drafts").iterdir())


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli.app, list(args))


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> Path:
    db = tmp_path_factory.mktemp("usage") / "runs.db"
    fill_store(db, engine, name="sample run")
    return db


def _one_clear_line(result: Any, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback: a plain exit
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("antipersona: "), result.output
    for word in words:
        assert word in lines[0], lines[0]


# -- 1. output files ----------------------------------------------------------------------------

def test_report_into_a_missing_folder_is_one_line_and_exit_2(store_db: Path,
                                                             tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "x.html"
    result = invoke("report", "-f", "html", "-o", str(target), "--db", str(store_db))
    _one_clear_line(result, str(target), "does not exist")
    assert not target.parent.exists()


def test_report_onto_a_folder_is_one_line_and_exit_2(store_db: Path, tmp_path: Path) -> None:
    result = invoke("report", "-f", "json", "-o", str(tmp_path), "--db", str(store_db))
    _one_clear_line(result, str(tmp_path), "is a folder")


def test_report_to_a_file_still_writes_it(store_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = invoke("report", "-f", "json", "-o", str(out), "--db", str(store_db))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("{")


def test_learn_into_a_missing_folder_is_told_before_any_work(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "refund-seeker.yaml"
    result = invoke("personas", "learn", str(tmp_path / "not-read.txt"), "--against",
                    str(tmp_path / "not-read-either.txt"), "--id", "refund-seeker", "-o",
                    str(target))
    _one_clear_line(result, str(target), "does not exist")


# -- 2. app address and port --------------------------------------------------------------------

@pytest.fixture
def no_streamlit(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    started: list[list[str]] = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, env: started.append(cmd) or 0)
    return started


@pytest.mark.parametrize(("args", "words"), [
    (["--port", "99999"], ["--port 99999", "1 to 65535"]),
    (["--port", "0"], ["--port 0", "1 to 65535"]),
    (["--address", "999.1.1.1"], ["--address 999.1.1.1", "not an IP address"]),
    (["--address", "no-such-host.invalid"], ["--address no-such-host.invalid", "resolves"]),
    (["--address", "192.0.2.1"], ["--address 192.0.2.1", "not an address of this machine"]),
])
def test_app_refuses_an_address_or_port_it_cannot_listen_on(
        no_streamlit: list[list[str]], args: list[str], words: list[str]) -> None:
    _one_clear_line(invoke("app", *args), *words)
    assert no_streamlit == []  # Streamlit was never started


def test_app_refuses_a_port_already_in_use(no_streamlit: list[list[str]]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        _one_clear_line(invoke("app", "--port", str(port)), f"--port {port}", "in use")
    assert no_streamlit == []


# -- 3. run names on the terminal ---------------------------------------------------------------

def test_runs_list_prints_no_control_sequences_from_a_run_name(tmp_path: Path,
                                                               engine: Engine) -> None:
    db = tmp_path / "runs.db"
    fill_store(db, engine, name="bad\x1b[2Jname\x1b]0;title\x07")
    result = invoke("runs", "list", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    row = result.output.splitlines()[0].split("\t")
    assert row[3:] == ["10 pieces", "1 error", "badname"]


# -- 4. follow-up hints name the store ----------------------------------------------------------

def _summary(db: Path) -> str:
    buf = io.StringIO()  # narrow, as `make demo`'s console in a pipe: the hint is not wrapped
    printer = ProgressPrinter(Console(file=buf, width=60, force_terminal=False))
    printer.update(Progress(done=5, run_id="RUN"))
    printer.summary("RUN", db)
    return buf.getvalue()


def test_the_summary_hint_names_a_store_that_is_not_the_default(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ANTIPERSONA_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    out = _summary(Path("other.db"))
    assert "see it with: antipersona report RUN --db other.db   or   antipersona app --db other.db" \
        in out
    assert "5 pieces analysed" in out
    default = _summary(Path("antipersona.db"))
    assert "see it with: antipersona report RUN   or   antipersona app\n" in default
    monkeypatch.setenv("ANTIPERSONA_DB", str(tmp_path / "env.db"))  # the default in this shell
    assert "antipersona report RUN   or" in _summary(tmp_path / "env.db")


def test_the_outcomes_hint_names_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           engine: Engine) -> None:
    monkeypatch.delenv("ANTIPERSONA_DB", raising=False)
    db = tmp_path / "elsewhere.db"
    run_id = fill_store(db, engine)
    metrics = tmp_path / "refunds.csv"
    metrics.write_text("url,metric,value\nhttps://shop.example/,refunds,3\n", encoding="utf-8")
    result = invoke("outcomes", "add", run_id, str(metrics), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert f"`antipersona report {run_id} --db {db}`" in result.output


# -- 5. a reader that closes the pipe -----------------------------------------------------------

@pytest.mark.parametrize(("args", "code"), [
    (["check", *DRAFTS], 0),
    (["check", *DRAFTS, "-f", "json"], 0),
    (["check", *DRAFTS, "--fail-on", "risk"], 1),  # --fail-on fired: 1, as it would have been
    (["check", *DRAFTS, "no-such-draft.md"], 2),
    (["personas", "show", "beth-bureaucrat"], 0),
    (["--help"], 0),
])
def test_a_closed_stdout_keeps_the_exit_code_and_prints_no_traceback(
        cli_env: dict[str, str], tmp_path: Path, args: list[str], code: int) -> None:
    """As `| head -1`, made certain: the reader is gone before the first line is written."""
    proc = subprocess.Popen([sys.executable, "-m", "audit", *args, *(
        ["--model", "fast"] if args[0] == "check" else [])], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=cli_env, cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == code, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert "BrokenPipe" not in stderr


# -- 6. latest, summaries, failed audits --------------------------------------------------------

def _empty_run(db: Path, name: str = "refused") -> str:
    with Store(db) as store:  # as an older version, or a resumed run, leaves one
        run_id = store.create_run(name=name, sources=["/nonexistent"], config={}, personas=[],
                                  profile="fast", model="", target="susie-solopreneur")
        store.add_error(run_id, "/nonexistent", "no such file or folder")
        store.finish_run(run_id, "done")
    return run_id


def test_a_missing_run_suggests_the_run_latest_would_pick(tmp_path: Path, engine: Engine,
                                                          cli_env: dict[str, str]) -> None:
    db = tmp_path / "runs.db"
    full = fill_store(db, engine)
    empty = _empty_run(db)  # newer, but `latest` passes it by
    result = subprocess.run([sys.executable, "-m", "audit", "report", "nosuch", "--db", str(db)],
                            capture_output=True, text=True, env=cli_env, cwd=tmp_path, timeout=120)
    assert result.returncode == 2
    assert result.stderr == f"antipersona: no run 'nosuch' in {db} (latest: {full})\n"
    assert empty not in result.stderr


def test_the_report_of_an_empty_run_reads_as_a_sentence(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    run_id = _empty_run(db)
    with Store(db, readonly=True) as store:
        table = render_report(store, run_id, fmt="table", width=120)
    assert "0 pieces; 1 error\n" in table and "pieces: ;" not in table
    assert "1 source not audited" in table


def test_the_report_header_counts_in_words(store_db: Path) -> None:
    with Store(store_db, readonly=True) as store:
        table = render_report(store, None, fmt="table", width=120)
    assert "10 pieces: " in table and "; 1 error" in table and "1 errors" not in table


@pytest.mark.parametrize("source", ["nonexistent", "emptydir"])
def test_an_audit_that_reads_nothing_stores_no_run(tmp_path: Path, source: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "emptydir").mkdir()
    db = tmp_path / "runs.db"
    result = invoke("audit", source, "--db", str(db), "--model", "fast")
    assert result.exit_code == 2, result.output
    assert f"antipersona: {source}: " in result.output
    assert "nothing was read (1 failed, 0 skipped), so no run was stored" in result.output
    assert "see it with" not in result.output  # no report to see
    with Store(db, readonly=True) as store:
        assert store.runs() == []
    listed = invoke("runs", "list", "--db", str(db))
    assert listed.exit_code == 0 and "empty" not in listed.output


def test_an_audit_that_reads_something_is_kept_with_its_failures(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    result = invoke("audit", str(ROOT / "examples" / "emails"), str(tmp_path / "nonexistent"),
                    "--db", str(db), "--model", "fast")
    assert result.exit_code == 0, result.output
    with Store(db, readonly=True) as store:
        (run,) = store.runs()
    assert run["pieces"] > 0 and run["errors"] == 1


# -- 7. small body limits -----------------------------------------------------------------------

@pytest.mark.parametrize(("limit", "said"), [
    (1, "1 byte"), (10, "10 bytes"), (999, "999 bytes"), (64_000, "64.0 KB"),
    (999_949, "999.9 KB"), (999_950, "1.0 MB"), (5_000_000, "5.0 MB"),
])
def test_a_body_limit_is_said_in_a_sensible_unit(limit: int, said: str) -> None:
    assert megabytes(limit) == said


def test_the_table_report_cleans_imported_metric_names(tmp_path: Path, engine: Engine,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The outcomes part of the table (metric names come from the user's CSV headers) is as
    clean as the rest of it."""
    monkeypatch.delenv("ANTIPERSONA_DB", raising=False)
    db = tmp_path / "runs.db"
    run_id = fill_store(db, engine)
    metrics = tmp_path / "refunds.csv"
    metrics.write_text("url,metric,value\nhttps://shop.example/,refunds\x1b[2J,3\n",
                       encoding="utf-8")
    assert invoke("outcomes", "add", run_id, str(metrics), "--db", str(db)).exit_code == 0
    with Store(db, readonly=True) as store:
        assert any("\x1b" in m["metric"] for m in store.report(run_id)["outcomes"]["metrics"])
        table = render_report(store, run_id, fmt="table", width=160)
    assert "refunds" in table and "\x1b" not in table


def test_the_apps_command_hints_name_its_store(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`antipersona app --db PATH` hands the store to the app through ANTIPERSONA_DB; the
    commands the app suggests (runs delete, outcomes add, audit) then carry --db PATH."""
    from audit.ui.pages.common import db_option

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANTIPERSONA_DB", raising=False)
    assert db_option() == ""
    monkeypatch.setenv("ANTIPERSONA_DB", str(tmp_path / "my runs.db"))
    assert db_option() == f" --db '{tmp_path / 'my runs.db'}'"
