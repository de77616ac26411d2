"""The run store: one SQLite file holding audit runs, their pieces, evidence and fetch log.

Why SQLite: one file on one machine, one writer (the audit run) and several readers (the
Streamlit report) at once. WAL mode lets readers see committed pieces while the run goes on;
every piece is written in its own transaction, so a run killed with ``kill -9`` keeps every
piece it had finished and ``--resume`` can skip them (:meth:`Store.done_sources`).

Tables hold what the light queries need as plain indexed columns (channel, verdict, the persona
a piece is drawn to, its worst anti-persona score) so the report can page, filter and aggregate
10,000 pieces without loading them; the full JSON-contract piece is rebuilt only on demand.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from ..errors import StoreError
from ..models import new_run_id, now_iso
from ..score.ranking import drawn_to, top_cues, worst_score
from .liveness import abandoned
from .outcomes import OutcomeStore
from .picking import latest_run, previous_run
from .queries import RunQueries
from .schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = "antipersona.db"
ENV_DB = "ANTIPERSONA_DB"
#: Marks the file as ours ("APRS"), so a stranger's SQLite file is told apart from an old store.
RUN_STATUSES = ("running", "done", "interrupted", "failed")
ERROR_KINDS = ("failed", "skipped")
BUSY_TIMEOUT_MS = 10_000

#: Keys of ``PieceResult.to_dict()`` and ``Evidence.to_dict()`` that have their own columns;
#: anything else a newer engine adds is kept in an ``extra`` JSON column and given back.
_PIECE_KEYS = ("id", "source", "channel", "title", "words", "scores", "verdict", "evidence",
               "tone", "sentences", "meta", "sections", "fetch")
_EVIDENCE_KEYS = ("persona", "group", "text", "section", "start", "end", "weight", "negated",
                  "suggest", "sentence", "note", "kind", "counts_for")
_EVIDENCE_SET = frozenset(_EVIDENCE_KEYS)
_PERSONA_KEYS = ("id", "name", "kind", "color", "version")
_FETCH_KEYS = ("url", "final_url", "status", "redirects", "content_type", "charset", "elapsed",
               "attempts", "error", "skipped")




def db_path(explicit: str | Path | None = None) -> Path:
    """Where runs live: the --db flag, else $ANTIPERSONA_DB, else ./antipersona.db."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DB, "").strip()
    return Path(env).expanduser() if env else Path(DEFAULT_DB)


def store_exists(path: Path) -> bool:
    """Whether a file is at ``path``; a StoreError naming it when the way to it cannot be
    looked at (a folder this user may not enter), instead of an OSError."""
    try:
        return path.exists()
    except OSError as exc:
        raise StoreError(f"cannot use run store {path}: {exc.strerror or exc}") from exc


def check_store(path: Path) -> None:
    """What the app checks before it starts: a store that is there can be read (a stranger's
    file, a damaged one, a way to it that cannot be looked at: a StoreError naming it); none
    there yet is fine, as the Run page makes it."""
    if store_exists(path):
        Store(path, readonly=True).close()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _loads(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


# --------------------------------------------------------------------------------- helpers

def fetch_entry(fetch: Any) -> dict[str, Any]:
    """A fetch log entry as a JSON-able dict, from a dict or a ``FetchResult`` (its
    :meth:`~audit.crawl.results.FetchResult.to_dict`); the body is never stored, redirect hops
    become {"url", "status"}."""
    if fetch is None:
        return {}
    data = fetch.to_dict() if hasattr(fetch, "to_dict") else dict(fetch)
    data.pop("body", None)
    hops = []
    for hop in data.get("redirects") or []:
        if isinstance(hop, Mapping):
            hops.append({"url": hop.get("url"), "status": hop.get("status")})
        elif is_dataclass(hop) and not isinstance(hop, type):
            hops.append(asdict(hop))
        elif isinstance(hop, (list, tuple)) and len(hop) == 2:
            hops.append({"url": hop[0], "status": hop[1]})
        else:
            hops.append({"url": str(hop), "status": None})
    data["redirects"] = hops
    return data


def _sections(sections: Iterable[Any] | None) -> list[tuple[str, str]]:
    out = []
    for sec in sections or ():
        if isinstance(sec, Mapping):
            out.append((str(sec["role"]), str(sec["text"])))
        elif hasattr(sec, "role"):
            out.append((str(sec.role), str(sec.text)))
        else:
            role, text = sec
            out.append((str(role), str(text)))
    return out


# --------------------------------------------------------------------------------- store

class Store(RunQueries, OutcomeStore):
    """One open run store. Safe to share between threads (calls are serialised by a lock)."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        self._cue_ids: dict[tuple[str, str, str, str], int] = {}
        self._run_meta: dict[str, tuple[str, dict[str, str]]] = {}
        #: For runs this Store created: the sources it has written to them. A source not in
        #: the set has nothing to replace, which saves three statements per piece.
        self._written: dict[str, set[str]] = {}
        self._immutable = False
        self._db = self._connect()
        try:
            try:
                self._prepare()
            except sqlite3.OperationalError as exc:
                if "unable to open" not in str(exc) or not self._reopen_immutable():
                    raise
                self._prepare()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise self._not_a_store(exc) from exc
        except StoreError:
            self._db.close()
            raise
        self.has_fts = self._table_exists("piece_fts")

    # -- opening --------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            return self._connect_to_file()
        except OSError as exc:  # a folder on the way this user may not enter, a name too long
            raise StoreError(f"cannot use run store {self.path}: "
                             f"{exc.strerror or exc}") from exc

    def _connect_to_file(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a run store file")
        if self.readonly:
            if not self.path.exists():
                raise StoreError(f"no run store at {self.path} (run `antipersona audit` first, "
                                 "or point --db / ANTIPERSONA_DB at one)")
            uri = self.path.resolve().as_uri() + "?mode=ro"
            if self._immutable:
                uri += "&immutable=1"
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError) as exc:
                raise StoreError(f"cannot create run store {self.path}: "
                                 f"{exc.filename or self.path.parent} is a file, not a "
                                 "folder") from exc
            except OSError as exc:
                raise StoreError(f"cannot create run store {self.path}: cannot make the folder "
                                 f"{exc.filename or self.path.parent} "
                                 f"({exc.strerror or exc})") from exc
            uri = self.path.resolve().as_uri() + "?mode=rwc"
        try:
            db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                                 timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open run store {self.path}: {exc}") from exc
        db.row_factory = sqlite3.Row
        return db

    def _reopen_immutable(self) -> bool:
        """A read-only open of a store in a folder this user may not write to (a colleague's
        folder, a read-only share): SQLite reads a WAL-mode file only beside its shared-memory
        file, which it cannot create there. When no write-ahead log is beside the file, no
        audit has it open and every committed piece is in the file itself, so it is read as it
        stands (``immutable``): what is written to it later, by someone who may write there, is
        seen on the next open. Whether it was reopened."""
        if not self.readonly or self._immutable:
            return False
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists():
            return False
        self._db.close()
        self._immutable = True
        self._db = self._connect()
        return True

    def _prepare(self) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id not in (0, APPLICATION_ID) or (version == 0 and tables):
            raise StoreError(f"{self.path} is a SQLite database but not an antipersona run store")
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer antipersona (store schema "
                             f"{version}; this version reads up to {SCHEMA_VERSION}); upgrade "
                             "antipersona to open it")
        if self.readonly:
            if version < SCHEMA_VERSION:
                self._upgrade_for_reading(version)
            return
        if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise StoreError(f"{self.path}: cannot switch the run store to WAL mode")
        # NORMAL in WAL mode: a commit survives a killed process; only power loss may drop
        # the last few commits, and never corrupts the file.
        db.execute("PRAGMA synchronous = NORMAL")
        # Each piece is its own commit; checkpointing (the one step that syncs to disk) every
        # 16 MB of log instead of every 4 MB makes a long run's commits cheaper.
        db.execute("PRAGMA wal_autocheckpoint = 4000")
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _upgrade_for_reading(self, version: int) -> None:
        """A read-only open of a store an older antipersona wrote: upgrade it once through a
        writable connection (the one write a read-only open makes), so `report` and the app
        keep reading old files; a file that cannot be written says so."""
        self._db.close()
        try:
            Store(self.path).close()
        except StoreError as exc:
            raise StoreError(f"{self.path} uses an older store schema ({version}) and cannot be "
                             f"upgraded to read it: {exc}") from exc
        self._db = self._connect()
        self._prepare()

    def _migrate(self, version: int) -> None:
        with self._tx():
            # Re-read inside the write lock: another process may have migrated meanwhile.
            current = self._db.execute("PRAGMA user_version").fetchone()[0]
            for step in range(current, SCHEMA_VERSION):
                MIGRATIONS[step](self._db)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _not_a_store(self, exc: sqlite3.DatabaseError) -> StoreError:
        msg = str(exc)
        if "not a database" in msg or "malformed" in msg or "encrypted" in msg:
            return StoreError(f"{self.path} is not an antipersona run store (not a SQLite "
                              f"database: {msg})")
        return StoreError(f"cannot use run store {self.path}: {msg}")

    def _table_exists(self, name: str) -> bool:
        row = self._db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        return row is not None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front (IMMEDIATE) so it never fails half-way on a lock.
        A database fault (disk full, read-only file, damaged pages) becomes one StoreError
        saying which, not the rollback's own complaint."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._rollback()
                    raise
                try:
                    self._db.execute("COMMIT")
                except sqlite3.Error:
                    self._rollback()
                    raise
            except sqlite3.Error as exc:
                raise self._fault(exc) from exc

    def _rollback(self) -> None:
        self._cue_ids.clear()  # ids handed out in the rolled-back transaction are void
        if self._db.in_transaction:  # SQLite may have rolled back already (disk full ...)
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: several queries see one snapshot while the writer carries on."""
        with self._lock:
            if self._db.in_transaction:
                yield self._db
                return
            try:
                self._db.execute("BEGIN")
                try:
                    yield self._db
                finally:
                    if self._db.in_transaction:
                        self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._fault(exc) from exc

    def _fault(self, exc: sqlite3.Error) -> StoreError:
        """One line for what went wrong with the file, in the user's terms."""
        msg = str(exc)
        low = msg.lower()
        if "full" in low:
            why = "the disk (or the store's size limit) is full; free some space and resume"
        elif "readonly" in low or "read-only" in low:
            why = "the file or its folder is read-only; point --db at a writable place"
        elif "malformed" in low or "not a database" in low or "corrupt" in low:
            why = "the file is damaged; restore a copy or start a new store with --db"
        elif "unable to open" in low or "disk i/o" in low:
            why = "the file cannot be opened or read (its folder, permissions or disk)"
        elif "locked" in low or "busy" in low:
            why = "another process keeps it locked; try again when it is done"
        else:
            why = "the database failed"
        return StoreError(f"run store {self.path}: {why} ({msg})")

    def _check_writable(self) -> None:
        if self.readonly:
            raise StoreError(f"{self.path} is open read-only")

    # -- writing a run --------------------------------------------------------------------

    def create_run(self, *, name: str | None, sources: list[str], config: dict[str, Any],
                   personas: list[dict[str, Any]], profile: str, model: str,
                   target: str) -> str:
        """Start a run (status running) and record its config and the pack versions in use."""
        self._check_writable()
        for _ in range(20):
            run_id = new_run_id()
            try:
                with self._tx() as db:
                    db.execute(
                        "INSERT INTO runs (id, name, created, target, profile, model, sources, "
                        "config) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (run_id, name, now_iso(), target, profile, model, _dumps(list(sources)),
                         _dumps(config)))
                    db.executemany(
                        "INSERT INTO run_personas (run_id, pos, persona, name, kind, color, "
                        "version, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(run_id, i, p["id"], p.get("name", p["id"]), p.get("kind", "persona"),
                          p.get("color", ""), p.get("version", ""), self._extra(p, _PERSONA_KEYS))
                         for i, p in enumerate(personas)])
                self._written[run_id] = set()
                return run_id
            except sqlite3.IntegrityError as exc:
                if "runs.id" not in str(exc):
                    raise StoreError(f"cannot create run: {exc}") from exc
        raise StoreError("cannot create a unique run id")  # pragma: no cover

    def add_result(self, run_id: str, result: dict[str, Any], *,
                   sections: Sequence[Any] | None = None, fetch: Any = None) -> None:
        """Store one finished piece (row, sections, scores, evidence, fetch entry, and the
        warnings in its ``meta``, kept apart from errors: the piece was analysed) in one
        transaction; adding the same source again replaces it, and clears an earlier error."""
        self._check_writable()
        info = self._run_info(run_id)
        with self._tx() as db:
            self._write_result(db, run_id, info, result, sections, fetch)

    def add_results(self, run_id: str,
                    items: Iterable[tuple[dict[str, Any], Sequence[Any] | None, Any]]) -> int:
        """Many (result, sections, fetch) in ONE transaction, all or nothing: imports, copies,
        and a live audit's results that were ready at the same moment (so a kill loses only
        what had not been handed over yet)."""
        self._check_writable()
        info = self._run_info(run_id)
        n = 0
        with self._tx() as db:
            for result, sections, fetch in items:
                self._write_result(db, run_id, info, result, sections, fetch)
                n += 1
        return n

    def _write_result(self, db: sqlite3.Connection, run_id: str, info: tuple[str, dict[str, str]],
                      result: dict[str, Any], sections: Sequence[Any] | None, fetch: Any) -> None:
        target, kinds = info
        if sections is None and result.get("sections"):  # a dict from Store.piece()
            sections = result["sections"]
        secs = _sections(sections)
        self._forget_source(db, run_id, result["source"])
        pk = self._insert_piece(db, run_id, result, target, kinds)
        db.executemany("INSERT INTO sections (piece_pk, pos, role, text) VALUES (?, ?, ?, ?)",
                       [(pk, i, role, text) for i, (role, text) in enumerate(secs)])
        db.executemany("INSERT INTO scores (run_id, piece_pk, persona, score) VALUES (?, ?, ?, ?)",
                       [(run_id, pk, pid, float(s)) for pid, s in result["scores"].items()])
        db.executemany(
            'INSERT INTO evidence (piece_pk, pos, run_id, persona, grp, text, section, start, '
            '"end", weight, negated, kind, counts_for, sentence, cue_id, extra) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self._evidence_row(db, run_id, pk, i, ev)
             for i, ev in enumerate(result.get("evidence") or ())])
        if self.has_fts:
            db.execute("INSERT INTO piece_fts (rowid, title, source, body) VALUES (?, ?, ?, ?)",
                       (pk, result.get("title") or "", result["source"],
                        "\n".join(t for _, t in secs)))
        warnings = (result.get("meta") or {}).get("warnings") or ()
        if warnings:
            added = now_iso()
            db.executemany("INSERT INTO warnings (run_id, source, warning, added) "
                           "VALUES (?, ?, ?, ?)",
                           [(run_id, result["source"], str(w), added) for w in warnings])
        if fetch is not None:
            self._log_fetch(db, run_id, result["source"], fetch)

    def add_error(self, run_id: str, source: str, error: str, *, fetch: Any = None,
                  kind: str = "failed") -> None:
        """Record a source that failed or was skipped (final: --resume does not retry it)."""
        self._check_writable()
        if kind not in ERROR_KINDS:
            raise StoreError(f"error kind must be one of {', '.join(ERROR_KINDS)}, not {kind!r}")
        with self._tx() as db:
            self._forget_source(db, run_id, source)
            db.execute("INSERT INTO errors (run_id, source, error, kind, added) "
                       "VALUES (?, ?, ?, ?, ?)", (run_id, source, error, kind, now_iso()))
            if fetch is not None:
                self._log_fetch(db, run_id, source, fetch)

    def set_progress(self, run_id: str, **counts: Any) -> None:
        """Merge counters into the run's progress JSON (one small UPDATE; the UI polls it)."""
        self._check_writable()
        counts.setdefault("updated", now_iso())
        with self._tx() as db:
            cur = db.execute("UPDATE runs SET progress = json_patch(progress, ?) WHERE id = ?",
                             (_dumps(counts), run_id))
            if cur.rowcount == 0:
                raise self._missing(run_id)

    def claim_run(self, run_id: str, owner: dict[str, Any],
                  held: Callable[[dict[str, Any], str | None], bool]) -> dict[str, Any] | None:
        """Mark ``owner`` (pid, host) as the process working on a run, in one write
        transaction, unless another owner still ``held`` it (given that owner and the time of
        its last progress update): then nothing is written and that owner is returned."""
        self._check_writable()
        with self._tx() as db:
            current = self._holder(db, run_id, held, besides=owner)
            if current is not None:
                return current
            db.execute("UPDATE runs SET progress = json_patch(progress, ?) WHERE id = ?",
                       (_dumps({"owner": owner, "updated": now_iso()}), run_id))
        return None

    def _holder(self, db: sqlite3.Connection, run_id: str,
                held: Callable[[dict[str, Any], str | None], bool],
                besides: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The process still working on a running run (other than ``besides``), if any."""
        row = db.execute("SELECT status, progress FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise self._missing(run_id)
        progress = json.loads(row["progress"] or "{}")
        current = progress.get("owner")
        if row["status"] == "running" and isinstance(current, dict) and current != besides \
                and held(current, progress.get("updated")):
            return current
        return None

    def release_run(self, run_id: str) -> None:
        """Forget the run's owner (the process is done with it)."""
        self._check_writable()
        with self._tx() as db:
            db.execute("UPDATE runs SET progress = json_remove(progress, '$.owner') WHERE id = ?",
                       (run_id,))

    def finish_run(self, run_id: str, status: str = "done") -> None:
        """Close a run with its final status (or set it back to running when resumed)."""
        self._check_writable()
        if status not in RUN_STATUSES:
            raise StoreError(f"run status must be one of {', '.join(RUN_STATUSES)}, not {status!r}")
        finished = None if status == "running" else now_iso()
        with self._tx() as db:
            cur = db.execute("UPDATE runs SET status = ?, finished = ? WHERE id = ?",
                             (status, finished, run_id))
            if cur.rowcount == 0:
                raise self._missing(run_id)

    def delete_run(self, run_id: str, *,
                   unless_held: Callable[[dict[str, Any], str | None], bool] | None = None
                   ) -> dict[str, Any] | None:
        """Delete a run with everything stored for it. With ``unless_held`` (as ``held`` in
        :meth:`claim_run`), a run a live process still works on is left alone and that
        process returned: the check and the delete are one transaction, so no resume can
        claim the run in between."""
        self._check_writable()
        with self._tx() as db:
            if unless_held is not None:
                owner = self._holder(db, run_id, unless_held)
                if owner is not None:
                    return owner
            if self.has_fts:
                for row in db.execute("SELECT pk FROM pieces WHERE run_id = ?", (run_id,)).fetchall():
                    self._fts_delete(db, row["pk"])
            cur = db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
            if cur.rowcount == 0:
                raise self._missing(run_id)
        self._run_meta.pop(run_id, None)
        self._written.pop(run_id, None)
        return None

    # -- write internals ------------------------------------------------------------------

    def _run_info(self, run_id: str) -> tuple[str, dict[str, str]]:
        """Target and pack kinds of a run (cached: needed for every piece written)."""
        info = self._run_meta.get(run_id)
        if info is None:
            with self._lock:
                row = self._db.execute("SELECT target FROM runs WHERE id = ?", (run_id,)).fetchone()
                if row is None:
                    raise self._missing(run_id)
                kinds = {r["persona"]: r["kind"] for r in self._db.execute(
                    "SELECT persona, kind FROM run_personas WHERE run_id = ?", (run_id,))}
            info = self._run_meta[run_id] = (row["target"], kinds)
        return info

    def _forget_source(self, db: sqlite3.Connection, run_id: str, source: str) -> None:
        """Remove what a source had in this run (piece with its children, error, warnings,
        fetch entry)."""
        written = self._written.get(run_id)
        if written is not None and source not in written:
            written.add(source)
            return
        row = db.execute("SELECT pk FROM pieces WHERE run_id = ? AND source = ?",
                         (run_id, source)).fetchone()
        if row is not None:
            if self.has_fts:
                self._fts_delete(db, row["pk"])
            db.execute("DELETE FROM pieces WHERE pk = ?", (row["pk"],))
        db.execute("DELETE FROM errors WHERE run_id = ? AND source = ?", (run_id, source))
        db.execute("DELETE FROM warnings WHERE run_id = ? AND source = ?", (run_id, source))
        db.execute("DELETE FROM fetch_log WHERE run_id = ? AND source = ?", (run_id, source))

    def _fts_delete(self, db: sqlite3.Connection, pk: int) -> None:
        """Contentless FTS5 rows are removed by repeating exactly what was indexed."""
        row = db.execute("SELECT title, source FROM pieces WHERE pk = ?", (pk,)).fetchone()
        body = "\n".join(r[0] for r in db.execute(
            "SELECT text FROM sections WHERE piece_pk = ? ORDER BY pos", (pk,)))
        db.execute("INSERT INTO piece_fts (piece_fts, rowid, title, source, body) "
                   "VALUES ('delete', ?, ?, ?, ?)", (pk, row["title"], row["source"], body))

    def _insert_piece(self, db: sqlite3.Connection, run_id: str, result: dict[str, Any],
                      target: str, kinds: dict[str, str]) -> int:
        verdict = result["verdict"]
        tone = result.get("tone") or {}
        cur = db.execute(
            "INSERT INTO pieces (run_id, id, source, channel, title, words, verdict, persona, "
            "drawn, worst, reading_grade, cues, added, scores, verdict_json, tone, sentences, "
            "meta, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, result["id"], result["source"], result.get("channel") or "landing",
             result.get("title") or "", int(result.get("words") or 0), verdict["label"],
             verdict.get("persona"), drawn_to(verdict, target),
             worst_score(result["scores"], target, kinds), tone.get("reading_grade"),
             top_cues(result, target), now_iso(), _dumps(result["scores"]), _dumps(verdict),
             _dumps(tone), _dumps(result.get("sentences") or []), _dumps(result.get("meta") or {}),
             self._extra(result, _PIECE_KEYS)))
        pk = cur.lastrowid
        assert pk is not None
        return pk

    def _evidence_row(self, db: sqlite3.Connection, run_id: str, pk: int, pos: int,
                      ev: Mapping[str, Any]) -> tuple[Any, ...]:
        # Evidence dicts from the engine have exactly the known keys; only others need JSON.
        extra = None if ev.keys() <= _EVIDENCE_SET else self._extra(ev, _EVIDENCE_KEYS)
        return (pk, pos, run_id, ev["persona"], ev["group"], ev["text"], ev.get("section", ""),
                int(ev.get("start", -1)), int(ev.get("end", -1)), float(ev.get("weight", 0.0)),
                int(bool(ev.get("negated"))), ev.get("kind", "cue"), ev.get("counts_for"),
                ev.get("sentence", ""), self._cue_id(db, ev), extra)

    def _cue_id(self, db: sqlite3.Connection, ev: Mapping[str, Any]) -> int:
        suggest = ev.get("suggest") or ()
        fast = (ev["persona"], ev["group"], ev.get("note", ""), tuple(suggest))
        cue_id = self._cue_ids.get(fast)
        if cue_id is None:
            key = (*fast[:3], _dumps(list(suggest)))
            db.execute("INSERT OR IGNORE INTO cue_texts (persona, grp, note, suggest) "
                       "VALUES (?, ?, ?, ?)", key)
            cue_id = db.execute("SELECT id FROM cue_texts WHERE persona = ? AND grp = ? AND "
                                "note = ? AND suggest = ?", key).fetchone()[0]
            self._cue_ids[fast] = cue_id
        return cue_id

    def _log_fetch(self, db: sqlite3.Connection, run_id: str, source: str, fetch: Any) -> None:
        entry = fetch_entry(fetch)
        db.execute(
            "INSERT INTO fetch_log (run_id, source, url, final_url, status, redirects, "
            "content_type, charset, elapsed, attempts, error, skipped, logged, extra) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, source, entry.get("url") or source, entry.get("final_url"),
             entry.get("status"), _dumps(entry.get("redirects") or []),
             entry.get("content_type"), entry.get("charset"), entry.get("elapsed"),
             entry.get("attempts"), entry.get("error"), entry.get("skipped"), now_iso(),
             self._extra(entry, _FETCH_KEYS)))

    @staticmethod
    def _extra(data: Mapping[str, Any], known: Sequence[str]) -> str | None:
        rest = {k: v for k, v in data.items() if k not in known}
        return _dumps(rest) if rest else None

    # -- runs -----------------------------------------------------------------------------

    _RUN_COLUMNS = (
        "r.id, r.name, r.created, r.finished, r.status, r.target, r.profile, r.model, r.progress, "
        "(SELECT count(*) FROM pieces p WHERE p.run_id = r.id) AS pieces, "
        "(SELECT count(*) FROM errors e WHERE e.run_id = r.id AND e.kind = 'failed') AS errors, "
        "(SELECT count(*) FROM errors e WHERE e.run_id = r.id AND e.kind = 'skipped') AS skipped, "
        "(SELECT count(*) FROM warnings w WHERE w.run_id = r.id) AS warnings")

    @staticmethod
    def _run_dict(row: sqlite3.Row) -> dict[str, Any]:
        d = {k: row[k] for k in ("id", "name", "created", "finished", "status", "pieces",
                                 "errors", "skipped", "warnings", "target", "profile", "model")}
        d["progress"] = _loads(row["progress"], {})
        if abandoned(d["status"], d["progress"], d["created"]):
            # stored as running, but its process is gone (killed): shown as what it is
            d["status"], d["abandoned"] = "interrupted", True
        d["empty"] = not d["pieces"] and d["status"] != "running"  # skipped by latest/previous
        return d

    def runs(self) -> list[dict[str, Any]]:
        """Every run, newest first, with piece and error counts (cheap: index counts only)."""
        with self._read() as db:
            rows = db.execute(f"SELECT {self._RUN_COLUMNS} FROM runs r "
                              "ORDER BY r.created DESC, r.rowid DESC").fetchall()
        return [self._run_dict(r) for r in rows]

    def run(self, run_id: str) -> dict[str, Any]:
        """A run's header: as in :meth:`runs` plus config, personas and sources."""
        with self._read() as db:
            row = db.execute(f"SELECT {self._RUN_COLUMNS}, r.config, r.sources FROM runs r "
                             "WHERE r.id = ?", (run_id,)).fetchone()
            if row is None:
                raise self._missing(run_id)
            personas = [self._persona_dict(p) for p in db.execute(
                "SELECT * FROM run_personas WHERE run_id = ? ORDER BY pos", (run_id,))]
        head = self._run_dict(row)
        head["config"] = _loads(row["config"], {})
        head["sources"] = _loads(row["sources"], [])
        head["personas"] = personas
        return head

    @staticmethod
    def _persona_dict(row: sqlite3.Row) -> dict[str, Any]:
        d = {"id": row["persona"], "name": row["name"], "kind": row["kind"],
             "color": row["color"], "version": row["version"]}
        d.update(_loads(row["extra"], {}))
        return d

    def resolve_run(self, ref: str | None, *, relative_to: str | None = None) -> str:
        """A run id from what a user typed: none/"latest", "previous", an id, a unique id
        prefix, or a run name (newest run of that name). "latest" and "previous" skip runs
        without pieces (see :mod:`.picking`); "previous" is relative to ``relative_to``
        when given (the run a diff compares), else to the latest."""
        with self._read() as db:
            latest = latest_run(db)
            if latest is None:
                raise StoreError(f"no runs in {self.path} yet (run `antipersona audit` first)")
            if ref is None or ref.strip() in ("", "latest"):
                return latest
            ref = ref.strip()
            if ref == "previous":
                before = previous_run(db, relative_to or latest)
                if before is None:
                    raise StoreError(f"no run with pieces before {relative_to or latest} in "
                                     f"{self.path}; there is no previous run")
                return before
            if db.execute("SELECT 1 FROM runs WHERE id = ?", (ref,)).fetchone():
                return ref
            like = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            found = [r[0] for r in db.execute(
                "SELECT id FROM runs WHERE id LIKE ? ESCAPE '\\' ORDER BY created DESC LIMIT 6",
                (like,))]
            if not found:
                found = [r[0] for r in db.execute(
                    "SELECT id FROM runs WHERE name = ? ORDER BY created DESC, rowid DESC LIMIT 1",
                    (ref,))]
        if len(found) == 1:
            return found[0]
        if found:
            raise StoreError(f"run '{ref}' is ambiguous in {self.path}: "
                             f"{', '.join(found[:5])}{', ...' if len(found) > 5 else ''}")
        raise self._missing(ref)

    def _missing(self, run_id: str) -> StoreError:
        """The error for a run that is not there, naming the run "latest" would pick."""
        with self._lock:
            latest = latest_run(self._db) or "none yet"
        return StoreError(f"no run '{run_id}' in {self.path} (latest: {latest})")

    def _require_run(self, db: sqlite3.Connection, run_id: str) -> None:
        if db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
            raise self._missing(run_id)

    # -- resume ---------------------------------------------------------------------------

    def done_sources(self, run_id: str, *, retry_failed: bool = False,
                     retry_skipped: bool = False) -> set[str]:
        """Sources --resume must not fetch again: stored results and recorded errors
        (failed ones too, unless ``retry_failed``; skipped ones unless ``retry_skipped``)."""
        kinds = tuple(k for k, retry in (("failed", retry_failed), ("skipped", retry_skipped))
                      if not retry)
        if not kinds:
            kinds = ("",)
        with self._read() as db:
            self._require_run(db, run_id)
            done = {r[0] for r in db.execute("SELECT source FROM pieces WHERE run_id = ?",
                                              (run_id,))}
            done.update(r[0] for r in db.execute(
                f"SELECT source FROM errors WHERE run_id = ? AND kind IN "
                f"({', '.join('?' * len(kinds))})", (run_id, *kinds)))
        return done

    def sections_of_role(self, run_id: str, roles: Iterable[str]
                         ) -> Iterator[tuple[str, dict[str, Any], str, str]]:
        """(source, meta, role, text) of every stored section with one of ``roles``: a
        resumed run learns from them which site chrome it has counted already."""
        wanted = sorted(set(roles))
        if not wanted:
            return
        with self._read() as db:
            self._require_run(db, run_id)
            rows = db.execute(
                f"SELECT p.source, p.meta, s.role, s.text FROM sections s "
                f"JOIN pieces p ON p.pk = s.piece_pk WHERE p.run_id = ? "
                f"AND s.role IN ({', '.join('?' * len(wanted))}) ORDER BY p.pk, s.pos",
                (run_id, *wanted)).fetchall()
        for source, meta, role, text in rows:
            yield source, json.loads(meta or "{}"), role, text

    # -- full pieces ----------------------------------------------------------------------

    def piece(self, run_id: str, piece_id: str) -> dict[str, Any]:
        """One piece as in the JSON contract, plus its sections and fetch log entry."""
        with self._read() as db:
            row = db.execute("SELECT * FROM pieces WHERE run_id = ? AND id = ? ORDER BY pk "
                             "LIMIT 1", (run_id, piece_id)).fetchone()
            if row is None:
                self._require_run(db, run_id)
                raise StoreError(f"no piece '{piece_id}' in run {run_id}")
            evidence = self._evidence_for(db, "e.piece_pk = ?", [row["pk"]])
            sections = [{"role": r["role"], "text": r["text"]} for r in db.execute(
                "SELECT role, text FROM sections WHERE piece_pk = ? ORDER BY pos", (row["pk"],))]
            fetch = db.execute("SELECT * FROM fetch_log WHERE run_id = ? AND source = ?",
                               (run_id, row["source"])).fetchone()
        piece = self._piece_dict(row, evidence.get(row["pk"], []))
        piece["sections"] = sections
        piece["fetch"] = self._fetch_dict(fetch) if fetch else None
        return piece

    def pieces(self, run_id: str) -> list[dict[str, Any]]:
        """Every piece of a run as JSON-contract dicts, in insertion order (two queries)."""
        with self._read() as db:
            self._require_run(db, run_id)
            return self._pieces(db, run_id)

    def iter_pieces(self, run_id: str, batch: int = 500) -> Iterator[dict[str, Any]]:
        """Like :meth:`pieces` but a batch at a time (exports of very large runs)."""
        last = 0
        while True:
            with self._read() as db:
                rows = db.execute("SELECT * FROM pieces WHERE run_id = ? AND pk > ? ORDER BY pk "
                                  "LIMIT ?", (run_id, last, batch)).fetchall()
                if not rows:
                    return
                evidence = self._evidence_for(db, "e.piece_pk BETWEEN ? AND ? AND e.run_id = ?",
                                              [rows[0]["pk"], rows[-1]["pk"], run_id])
            for row in rows:
                yield self._piece_dict(row, evidence.get(row["pk"], []))
            last = rows[-1]["pk"]

    def _pieces(self, db: sqlite3.Connection, run_id: str) -> list[dict[str, Any]]:
        rows = db.execute("SELECT * FROM pieces WHERE run_id = ? ORDER BY pk", (run_id,)).fetchall()
        evidence = self._evidence_for(db, "e.run_id = ?", [run_id])
        return [self._piece_dict(r, evidence.get(r["pk"], [])) for r in rows]

    @staticmethod
    def _evidence_for(db: sqlite3.Connection, where: str,
                      args: list[Any]) -> dict[int, list[dict[str, Any]]]:
        out: dict[int, list[dict[str, Any]]] = {}
        suggests: dict[str, list[str]] = {}  # shared per cue group: decode each once
        rows = db.execute(
            f'SELECT e.piece_pk, e.persona, e.grp, e.text, e.section, e.start, e."end", e.weight, '
            f"e.negated, e.kind, e.counts_for, e.sentence, e.extra, c.note, c.suggest "
            f"FROM evidence e LEFT JOIN cue_texts c ON c.id = e.cue_id WHERE {where} "
            f"ORDER BY e.piece_pk, e.pos", args)
        for r in rows:
            ev: dict[str, Any] = {
                "persona": r["persona"], "group": r["grp"], "text": r["text"],
                "section": r["section"], "start": r["start"], "end": r["end"],
                "weight": r["weight"], "negated": bool(r["negated"]),
                "suggest": list(suggests.get(r["suggest"]) or suggests.setdefault(
                    r["suggest"], _loads(r["suggest"], []))), "sentence": r["sentence"],
                "note": r["note"] or "", "kind": r["kind"],
            }
            if r["counts_for"]:
                ev["counts_for"] = r["counts_for"]
            if r["extra"]:
                ev.update(json.loads(r["extra"]))
            out.setdefault(r["piece_pk"], []).append(ev)
        return out

    @staticmethod
    def _piece_dict(row: sqlite3.Row, evidence: list[dict[str, Any]]) -> dict[str, Any]:
        piece: dict[str, Any] = {
            "id": row["id"], "source": row["source"], "channel": row["channel"],
            "title": row["title"], "words": row["words"], "scores": json.loads(row["scores"]),
            "verdict": json.loads(row["verdict_json"]), "evidence": evidence,
            "tone": json.loads(row["tone"]), "sentences": json.loads(row["sentences"]),
            "meta": json.loads(row["meta"]),
        }
        if row["extra"]:
            piece.update(json.loads(row["extra"]))
        return piece

    @staticmethod
    def _fetch_dict(row: sqlite3.Row) -> dict[str, Any]:
        d = {k: row[k] for k in ("source", *_FETCH_KEYS) if k != "redirects"}
        d["redirects"] = json.loads(row["redirects"])
        d["logged"] = row["logged"]
        if row["extra"]:
            d.update(json.loads(row["extra"]))
        return d

    def errors(self, run_id: str) -> list[dict[str, Any]]:
        with self._read() as db:
            return [{"source": r["source"], "error": r["error"], "kind": r["kind"]}
                    for r in db.execute("SELECT source, error, kind FROM errors WHERE run_id = ? "
                                        "ORDER BY pk", (run_id,))]

    def warnings(self, run_id: str) -> list[dict[str, Any]]:
        """What went wrong with pieces that were still analysed: {"source", "warning"}."""
        with self._read() as db:
            return [{"source": r["source"], "warning": r["warning"]}
                    for r in db.execute("SELECT source, warning FROM warnings WHERE run_id = ? "
                                        "ORDER BY pk", (run_id,))]

    def fetch_log(self, run_id: str) -> list[dict[str, Any]]:
        """What happened to each fetched source: status, final URL, redirects, timing, error."""
        with self._read() as db:
            return [self._fetch_dict(r) for r in db.execute(
                "SELECT * FROM fetch_log WHERE run_id = ? ORDER BY pk", (run_id,))]

    # -- the JSON report ------------------------------------------------------------------

    def report(self, run_id: str, *, min_sessions: float | None = None) -> dict[str, Any]:
        """The stored run as DESIGN.md's JSON report (one consistent snapshot); with the
        associations of its imported outcomes when it has any (``min_sessions``: only pages
        with at least that many sessions count)."""
        from ..journey import rules_from_config
        from ..outcomes.associate import attach_outcomes
        from ..report.build import build_report, run_header

        with self._read():
            head = self.run(run_id)
            pieces = self._pieces(self._db, run_id)
            errors = self.errors(run_id)
            warnings = self.warnings(run_id)
            values = self.outcome_values(run_id)
            files = self.outcome_files(run_id) if values else []
        header = run_header(run_id=head["id"], created=head["created"], profile=head["profile"],
                            target=head["target"], personas=head["personas"], model=head["model"],
                            name=head["name"], status=head["status"], finished=head["finished"],
                            sources=head["sources"])
        outcomes = attach_outcomes(pieces, head["personas"], values, files=files,
                                   min_sessions=min_sessions) if values else None
        return build_report(header, pieces, errors, warnings=warnings, outcomes=outcomes,
                            stage_rules=rules_from_config(head["config"].get("stage_rules")))

