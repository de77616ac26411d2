"""Deleting runs: from the library (never a run another process is still writing), from the
CLI, and from the app's list of runs on *Run an audit*, with a confirmation step, a message
afterwards, and no delete at all when the app is reachable from other machines."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from audit import Engine, Store, StoreError
from audit.runs.lock import RunBusy, delete_run, held
from tests.support.runs import fill_store

TIMEOUT = 60


@pytest.fixture
def writer() -> Iterator[subprocess.Popen[bytes]]:
    """Another live process on this machine, standing in for an audit that writes a run."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield proc
    proc.kill()
    proc.wait(timeout=10)


def _claim(db: Path, run_id: str, pid: int) -> None:
    """Mark the run as being written by ``pid``, as an audit does when it starts."""
    with Store(db) as store:
        store.finish_run(run_id, "running")
        assert store.claim_run(run_id, {"pid": pid, "host": socket.gethostname()}, held) is None


def _ids(db: Path) -> list[str]:
    with Store(db, readonly=True) as store:
        return [r["id"] for r in store.runs()]


# -- library --------------------------------------------------------------------------------

def test_delete_run_refuses_a_run_a_live_process_writes(tmp_path: Path, engine: Engine,
                                                        writer: subprocess.Popen[bytes]) -> None:
    db = tmp_path / "runs.db"
    run_id = fill_store(db, engine)
    _claim(db, run_id, writer.pid)
    with Store(db) as store:
        with pytest.raises(RunBusy, match=rf"run {run_id} is still being written by another "
                                          rf"process \(pid {writer.pid} "):
            delete_run(store, run_id)
        assert len(store.pieces(run_id)) == 10  # nothing was deleted
    writer.kill()
    writer.wait(timeout=10)
    with Store(db) as store:  # its process is gone: the run is free, and deleted whole
        delete_run(store, run_id)
        assert store.runs() == []
        counts = [store._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("pieces", "evidence", "sections", "errors", "warnings")]
        assert counts == [0, 0, 0, 0, 0]
        with pytest.raises(StoreError, match="no run"):
            delete_run(store, run_id)


def test_a_run_whose_process_was_killed_shows_as_interrupted(tmp_path: Path, engine: Engine,
                                                             writer: subprocess.Popen[bytes]
                                                             ) -> None:
    """A run stays stored as running when its process is killed (no chance to close it); it
    showed "running" in the list, the report and the app until resumed. It is shown as
    interrupted as soon as its process is gone, and resuming still works from the record."""
    db = tmp_path / "runs.db"
    run_id = fill_store(db, engine)
    _claim(db, run_id, writer.pid)
    with Store(db, readonly=True) as store:
        assert store.run(run_id)["status"] == "running"
    writer.kill()
    writer.wait(timeout=10)
    with Store(db, readonly=True) as store:
        head = store.run(run_id)
        assert (head["status"], head.get("abandoned")) == ("interrupted", True)
        assert [r["status"] for r in store.runs()] == ["interrupted"]
        stored = store._db.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
        assert stored[0] == "running"  # read-only: the record is left for --resume


def test_a_run_just_started_is_running_before_its_process_claims_it() -> None:
    from datetime import UTC, datetime, timedelta

    from audit.store.liveness import abandoned
    now = datetime.now(UTC)
    old = (now - timedelta(minutes=5)).isoformat()
    assert not abandoned("running", {}, now.isoformat())
    assert abandoned("running", {}, old)
    assert not abandoned("running", {"updated": now.isoformat()}, old)
    assert not abandoned("done", {}, old)
    remote = {"owner": {"pid": 1, "host": "another-machine.invalid"}}
    assert not abandoned("running", {**remote, "updated": now.isoformat()}, old)
    assert abandoned("running", {**remote, "updated": old}, old)


def test_cli_deletes_what_it_can_and_refuses_a_busy_run(tmp_path: Path, engine: Engine,
                                                         writer: subprocess.Popen[bytes],
                                                         cli_env: dict[str, str]) -> None:
    db = tmp_path / "runs.db"
    old = fill_store(db, engine, name="old")
    busy = fill_store(db, engine, name="busy")
    _claim(db, busy, writer.pid)
    done = subprocess.run([sys.executable, "-m", "audit", "runs", "delete", busy, old, "--db",
                           str(db)], capture_output=True, text=True, env=cli_env, timeout=60)
    assert done.returncode == 2
    assert f"antipersona: run {busy} is still being written by another process" in done.stderr
    assert f"deleted run {old} (10 pieces)" in done.stderr
    assert _ids(db) == [busy]


# -- the app ----------------------------------------------------------------------------------

def _run_page() -> None:
    from audit.ui.pages import run

    run.render()


def _page() -> AppTest:
    return AppTest.from_function(_run_page, default_timeout=TIMEOUT).run()


def _plain(value: str) -> str:
    """Text as the page shows it (the app escapes Markdown in run names and messages)."""
    return value.replace("\\", "")


@pytest.fixture
def served_on() -> Iterator[Any]:
    """Set the address the app listens on (loopback unless a test says otherwise)."""
    from streamlit import config

    before = config.get_option("server.address")

    def serve(address: str) -> None:
        config.set_option("server.address", address)

    serve("127.0.0.1")
    yield serve
    config.set_option("server.address", before)


@pytest.fixture
def two_runs(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    db = tmp_path / "runs.db"
    first = fill_store(db, engine, name="spring audit")
    second = fill_store(db, engine, name="summer audit")
    monkeypatch.setenv("ANTIPERSONA_DB", str(db))
    return db, first, second


def test_run_page_deletes_a_run_after_asking(two_runs: tuple[Path, str, str], served_on: Any) -> None:
    db, first, second = two_runs
    at = _page()
    assert not at.exception
    at.button(key=f"del_{first}").click().run()  # the first click only asks
    assert _ids(db) == [second, first]
    (ask,) = at.warning
    assert _plain(ask.value) == "Delete the run “spring audit” (10 pieces)? This cannot be undone."
    at.button(key=f"del_no_{first}").click().run()  # Cancel: nothing asked, nothing deleted
    assert not at.warning and _ids(db) == [second, first]

    at.button(key=f"del_{first}").click().run()
    at.button(key=f"del_yes_{first}").click().run()
    assert not at.exception
    assert _ids(db) == [second]
    assert [_plain(s.value) for s in at.success] == ["Deleted the run “spring audit” (10 pieces)."]
    labels = [m.value for m in at.markdown]
    assert not any("spring audit" in v for v in labels)  # the list no longer shows it
    assert any("summer audit" in v for v in labels)
    at.run()  # the message is said once
    assert not at.success


def test_run_page_will_not_delete_a_run_an_audit_writes(two_runs: tuple[Path, str, str],
                                                        served_on: Any,
                                                        writer: subprocess.Popen[bytes]) -> None:
    db, first, second = two_runs
    _claim(db, second, writer.pid)
    at = _page()
    at.button(key=f"del_{second}").click().run()
    at.button(key=f"del_yes_{second}").click().run()
    assert _ids(db) == [second, first]
    (said,) = at.error
    assert _plain(said.value).startswith("“summer audit” was not deleted: an audit is still "
                                         "writing it.")


def test_exposed_run_page_cannot_delete(two_runs: tuple[Path, str, str], served_on: Any) -> None:
    db, first, _ = two_runs
    served_on("0.0.0.0")
    at = _page()
    assert not at.exception
    assert at.button(key=f"del_{first}").disabled
    assert any("Deleting runs is off because this app is reachable from other machines" in c.value
               for c in at.caption)
    # A client cannot click a disabled button; a forged pending delete shows no confirmation.
    at.session_state["runs_delete_pending"] = first
    at.run()
    assert not at.warning and len(_ids(db)) == 2
