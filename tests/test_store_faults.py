"""Store faults (a full disk, a damaged file) end in one clear line naming the store, never in a
traceback or in SQLite's "cannot rollback - no transaction is active"."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audit import Engine, Section, Store
from audit.errors import StoreError
from tests.support.runs import fill_store


def test_full_disk_is_one_store_error_and_the_store_stays_usable(tmp_path: Path, engine: Engine) -> None:
    db = tmp_path / "runs.db"
    run_id = fill_store(db, engine)
    with Store(db) as store:
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")  # as if the disk were full
        piece = store.piece(run_id, store.pieces(run_id)[0]["id"]) or {}
        big = {**piece, "id": "big", "source": "https://x.example/big"}
        with pytest.raises(StoreError) as info:
            store.add_result(run_id, big, sections=[Section("body", "filler words " * 50_000)])
        message = str(info.value)
        assert "full" in message and str(db) in message
        assert "cannot rollback" not in message
        assert [r["id"] for r in store.runs()] == [run_id]  # still readable afterwards


def _damaged_copy(db: Path, tmp_path: Path) -> Path:
    bad = tmp_path / "damaged.db"
    shutil.copy(db, bad)
    with bad.open("r+b") as fh:
        fh.seek(2 * 4096)  # the schema opens fine; pages holding runs and pieces do not
        fh.write(os.urandom(2 * 4096))
    return bad


def test_report_on_a_damaged_store_is_one_line(tmp_path: Path, engine: Engine,
                                               cli_env: dict[str, str]) -> None:
    db = tmp_path / "runs.db"
    fill_store(db, engine)
    bad = _damaged_copy(db, tmp_path)
    run = subprocess.run([sys.executable, "-m", "audit", "report", "--db", str(bad)],
                         capture_output=True, text=True, env=cli_env, cwd=tmp_path, timeout=120)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0], run.stderr
    assert "damaged" in lines[0]
