"""Paths a user gets wrong or may not read: a run store whose folder cannot be made or written,
a folder with an entry that may not be looked at, a name too long for the file system (a
config file that is a folder: test_user_inputs). Each is one line naming it (exit 2 where
nothing else could be done), the other inputs carried on, never a traceback."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit import Config, Engine, Store, run_audit
from audit.errors import StoreError
from audit.sources import folders
from audit.store.store import check_store

#: A file name longer than any file system allows: stat() fails with ENAMETOOLONG, an error
#: pathlib's exists()/is_dir() pass on, as they do EACCES for a folder one may not enter.
TOO_LONG = "n" * 300
PAGE = ("<!doctype html><html><head><title>{0}</title></head><body><main><h1>{0}</h1>"
        "<p>Send your first invoice in two minutes, and start free with no card.</p>"
        "</main></body></html>")
EMAIL = ("From: shop@example.com\nTo: you@example.com\nSubject: Your first invoice\n\n"
         "Send your first invoice in two minutes. Start free, no card needed.\n")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Config(), model="fast")


def cli(args: list[str], cwd: Path, env: dict[str, str],
        timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_clear_line(proc: subprocess.CompletedProcess[str], *names: str) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("antipersona:")]
    assert len(lines) == 1, proc.stderr
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def stored_run(db: Path, engine: Engine, tmp_path: Path) -> str:
    page = tmp_path / "page.html"
    page.write_text(PAGE.format("Invoices"), encoding="utf-8")
    return run_audit([str(page)], db=db, config=Config(), engine=engine)


# --------------------------------------------------------------------------- the run store

def test_a_store_whose_folder_cannot_be_made_is_one_line(tmp_path: Path,
                                                         cli_env: dict[str, str]) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(PAGE.format("Invoices"), encoding="utf-8")
    proc = cli(["audit", str(page), "--db", "notes.txt/runs.db", "--model", "fast"], tmp_path,
               cli_env)
    assert proc.returncode == 2
    assert "notes.txt is a file, not a folder" in one_clear_line(proc, "notes.txt/runs.db")
    with pytest.raises(StoreError, match="is a file, not a folder"):
        Store(tmp_path / "notes.txt" / "runs.db")


@pytest.mark.parametrize("command", [["report"], ["runs", "list"], ["runs", "delete", "x"],
                                     ["outcomes", "add", "latest", "x.csv"],
                                     ["audit", "page.html", "--model", "fast"]])
def test_a_store_path_that_cannot_be_looked_at_is_one_line(
        command: list[str], tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "page.html").write_text(PAGE.format("Invoices"), encoding="utf-8")
    proc = cli([*command, "--db", f"{TOO_LONG}/runs.db"], tmp_path, cli_env)
    assert proc.returncode == 2
    assert "File name too long" in one_clear_line(proc, "runs.db")


def test_the_app_tells_a_store_it_cannot_read_before_it_starts(tmp_path: Path,
                                                               cli_env: dict[str, str]) -> None:
    (tmp_path / "notes.db").write_text("not a database at all\n", encoding="utf-8")
    # (before, the server started and said nothing: the timeout stops it)
    proc = cli(["app", "--db", "notes.db", "--port", str(free_port())], tmp_path, cli_env,
               timeout=120)
    assert proc.returncode == 2
    one_clear_line(proc, "notes.db", "not an antipersona run store")
    with pytest.raises(StoreError):
        check_store(tmp_path / "notes.db")
    check_store(tmp_path / "none-yet.db")  # the Run page makes it: fine


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """``folder`` as a folder this user may not write to: no new file can be made in it. For
    root, whom permission bits do not stop, the immutable attribute (ext4 and most others)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)],
                                        capture_output=True).returncode != 0:
        pytest.skip("running as root on a file system without the immutable attribute")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_report_reads_a_store_in_a_folder_it_may_not_write(tmp_path: Path, engine: Engine,
                                                           cli_env: dict[str, str]) -> None:
    """A colleague's store, or one on a read-only share: `report` and the app open it read-only,
    so they read it, though SQLite cannot make its shared-memory file beside it."""
    shared = tmp_path / "shared"
    shared.mkdir()
    db = shared / "runs.db"
    run_id = stored_run(db, engine, tmp_path)
    assert not (shared / "runs.db-wal").exists()  # closed cleanly: everything is in the file
    with unwritable(shared):
        with Store(db, readonly=True) as store:
            assert [r["id"] for r in store.runs()] == [run_id]
            assert len(store.report(run_id)["pieces"]) == 1
        proc = cli(["report", "--db", str(db), "-f", "json"], tmp_path, cli_env)
        assert proc.returncode == 0, proc.stderr
        assert run_id in proc.stdout
        with pytest.raises(StoreError):  # writing there is still refused, in one line
            Store(db)
        assert sorted(p.name for p in shared.iterdir()) == ["runs.db"]


# --------------------------------------------------------------------------- folders

def test_an_entry_of_a_folder_that_cannot_be_read_is_named_and_the_rest_audited(
        tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A subfolder that may not be listed and a file that may not be looked at (what a folder
    of someone else's gives a user who is not root): each is an error naming it, the rest of
    the folder is audited."""
    mail = tmp_path / "mail"
    (mail / "2024").mkdir(parents=True)
    (mail / "welcome.eml").write_text(EMAIL, encoding="utf-8")
    (mail / "private.eml").write_text(EMAIL, encoding="utf-8")
    (mail / "2024" / "old.eml").write_text(EMAIL, encoding="utf-8")
    (mail / "index.html").write_text(PAGE.format("Home"), encoding="utf-8")
    denied_file, denied_folder = mail / "private.eml", mail / "2024"
    real_stat, real_scandir = Path.stat, os.scandir

    def stat(self: Path, *args: object, **kwargs: object) -> os.stat_result:
        if self == denied_file:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)  # type: ignore[arg-type]

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == denied_folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", stat)
    monkeypatch.setattr(os, "scandir", scandir)
    walk = folders.walk_folder(mail, (".eml",))
    assert walk.files == [mail / "welcome.eml"]
    assert {p.source: p.error for p in walk.unreadable} == {
        str(denied_folder): "cannot read this folder (Permission denied)",
        str(denied_file): "cannot read (Permission denied)"}

    db = tmp_path / "runs.db"
    run_id = run_audit([str(mail)], db=db, config=Config(), engine=engine)
    with Store(db) as store:
        report = store.report(run_id)
    assert {p["source"] for p in report["pieces"]} == {str(mail / "welcome.eml"),
                                                       str(mail / "index.html")}
    assert {e["source"] for e in report["errors"]} == {str(denied_folder), str(denied_file)}


def test_a_source_whose_name_cannot_be_looked_at_is_named_and_the_rest_read(
        tmp_path: Path, cli_env: dict[str, str]) -> None:
    (tmp_path / "page.html").write_text(PAGE.format("Invoices"), encoding="utf-8")
    proc = cli(["audit", TOO_LONG, "page.html", "--db", "runs.db", "--model", "fast"], tmp_path,
               cli_env)
    assert proc.returncode == 0
    assert "File name too long" in one_clear_line(proc, TOO_LONG)
    assert "1 piece analysed, 1 failed" in proc.stderr
    proc = cli(["check", TOO_LONG, "page.html", "--model", "fast"], tmp_path, cli_env)
    assert proc.returncode == 2
    one_clear_line(proc, TOO_LONG)
    assert "page.html" in proc.stdout


def test_an_output_file_that_cannot_be_looked_at_is_one_line(tmp_path: Path, engine: Engine,
                                                             cli_env: dict[str, str]) -> None:
    stored_run(tmp_path / "runs.db", engine, tmp_path)
    proc = cli(["report", "--db", "runs.db", "-f", "html", "-o", f"{TOO_LONG}/audit.html"],
               tmp_path, cli_env)
    assert proc.returncode == 2
    one_clear_line(proc, "audit.html", "cannot write")
