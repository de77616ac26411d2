"""Outcome rows of a run in the store: written by `antipersona outcomes add`, read by every
report. Mixed into :class:`audit.store.store.Store` (which provides ``_tx``, ``_read``,
``_require_run`` and ``_check_writable``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..models import now_iso


class OutcomeStore:
    """Outcome reads and writes on a run store."""

    def join_pages(self, run_id: str) -> list[tuple[str, str | None]]:
        """(source, final address after redirects) of every piece of the run: what outcome
        rows are joined against."""
        with self._read() as db:  # type: ignore[attr-defined]
            self._require_run(db, run_id)  # type: ignore[attr-defined]
            return [(r[0], r[1]) for r in db.execute(
                "SELECT p.source, f.final_url FROM pieces p LEFT JOIN fetch_log f "
                "ON f.run_id = p.run_id AND f.source = p.source WHERE p.run_id = ? "
                "ORDER BY p.pk", (run_id,))]

    def add_outcomes(self, run_id: str, file: str, values: Mapping[str, Mapping[str, float]],
                     summary: Mapping[str, Any]) -> None:
        """Store one file's joined values (a page's metric imported again is replaced) and
        what the import found, in one transaction."""
        self._check_writable()  # type: ignore[attr-defined]
        added = now_iso()
        with self._tx() as db:  # type: ignore[attr-defined]
            self._require_run(db, run_id)  # type: ignore[attr-defined]
            db.executemany(
                "INSERT OR REPLACE INTO outcomes (run_id, source, metric, value, file, added) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, source, metric, float(value), file, added)
                 for source, metrics in values.items() for metric, value in metrics.items()])
            db.execute("INSERT INTO outcome_files (run_id, file, summary, added) VALUES "
                       "(?, ?, ?, ?)", (run_id, file, json.dumps(dict(summary)), added))

    def outcome_values(self, run_id: str) -> dict[str, dict[str, float]]:
        """Piece source -> metric -> value, metrics in the order first imported."""
        out: dict[str, dict[str, float]] = {}
        with self._read() as db:  # type: ignore[attr-defined]
            for source, metric, value in db.execute(
                    "SELECT source, metric, value FROM outcomes WHERE run_id = ? "
                    "ORDER BY added, rowid", (run_id,)):
                out.setdefault(source, {})[metric] = value
        return out

    def outcome_files(self, run_id: str) -> list[dict[str, Any]]:
        """What each import of the run found (file, format, rows, joined, metrics...)."""
        with self._read() as db:  # type: ignore[attr-defined]
            return [{**json.loads(r[1]), "added": r[2]} for r in db.execute(
                "SELECT file, summary, added FROM outcome_files WHERE run_id = ? ORDER BY pk",
                (run_id,))]
