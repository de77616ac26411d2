"""What "latest" and "previous" mean among stored runs.

An audit refused at every source still stores a run, with no pieces; as "latest" it hid the
last real run, and "previous" then compared two unrelated audits. So both skip runs without
pieces (unless no run has any), and "previous" is the run before of the same sources when
there is one, else simply the run before.
"""

from __future__ import annotations

import json
import sqlite3

_ORDER = "ORDER BY created DESC, rowid DESC"
_HAS_PIECES = "EXISTS (SELECT 1 FROM pieces p WHERE p.run_id = runs.id)"


def latest_run(db: sqlite3.Connection) -> str | None:
    """The newest run with pieces, else the newest run; None when there is none."""
    row = db.execute(f"SELECT id FROM runs WHERE {_HAS_PIECES} {_ORDER} LIMIT 1").fetchone()
    if row is None:
        row = db.execute(f"SELECT id FROM runs {_ORDER} LIMIT 1").fetchone()
    return str(row[0]) if row else None


def previous_run(db: sqlite3.Connection, run_id: str) -> str | None:
    """The run with pieces before ``run_id``: of the same sources if any, else the one before."""
    base = db.execute("SELECT created, rowid, sources FROM runs WHERE id = ?",
                      (run_id,)).fetchone()
    if base is None:
        return None
    older = db.execute(
        f"SELECT id, sources FROM runs WHERE (created < ? OR (created = ? AND rowid < ?)) "
        f"AND {_HAS_PIECES} {_ORDER}", (base[0], base[0], base[1])).fetchall()
    same = _sources_key(base[2])
    for row in older:
        if _sources_key(row[1]) == same:
            return str(row[0])
    return str(older[0][0]) if older else None


def _sources_key(raw: str | None) -> tuple[str, ...]:
    try:
        sources = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple(sorted(str(s) for s in sources)) if isinstance(sources, list) else ()
