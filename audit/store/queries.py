"""The light reporting queries the app and reports page, filter and aggregate with: piece rows,
counts, the channel x persona matrix and cue counts, straight from the indexed columns without
loading whole pieces. Mixed into :class:`audit.store.store.Store`."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from ..errors import StoreError
from ..score.ranking import top_drivers


def _fts_query(search: str) -> str:
    """User words as an FTS5 query that cannot be a syntax error: each word quoted, prefix."""
    words = re.findall(r"\w+", search)
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def _like(search: str) -> str:
    return "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class RunQueries:
    """Reporting queries over a store's runs (the store provides ``_read``, ``_require_run``,
    ``_evidence_for`` and ``has_fts``)."""

    # -- light queries for tables and charts ----------------------------------------------

    def _piece_filter(self, run_id: str, *, channel: str | Sequence[str] | None,
                      verdict: str | Sequence[str] | None, persona: str | None,
                      min_score: float | None, search: str | None
                      ) -> tuple[str, list[Any]]:
        where = ["p.run_id = ?"]
        args: list[Any] = [run_id]
        for column, value in (("p.channel", channel), ("p.verdict", verdict)):
            if value is None:
                continue
            values = [value] if isinstance(value, str) else list(value)
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            args.extend(values)
        if persona:
            where.append("p.drawn = ?")
            args.append(persona)
        if min_score is not None:
            if persona:
                where.append("EXISTS (SELECT 1 FROM scores s WHERE s.piece_pk = p.pk "
                             "AND s.persona = ? AND s.score >= ?)")
                args.extend([persona, float(min_score)])
            else:
                where.append("p.worst >= ?")
                args.append(float(min_score))
        if search and search.strip():
            clause, extra = self._search_clause(search.strip())
            where.append(clause)
            args.extend(extra)
        return " AND ".join(where), args

    def _search_clause(self, search: str) -> tuple[str, list[Any]]:
        query = _fts_query(search)
        if self.has_fts and query:
            return "p.pk IN (SELECT rowid FROM piece_fts WHERE piece_fts MATCH ?)", [query]
        like = _like(search)
        return ("(p.title LIKE ? ESCAPE '\\' OR p.source LIKE ? ESCAPE '\\' OR EXISTS "
                "(SELECT 1 FROM sections x WHERE x.piece_pk = p.pk AND x.text LIKE ? ESCAPE '\\'))",
                [like, like, like])

    _ORDERS: ClassVar[dict[str, str]] = {
        "position": "p.pk",
        "worst": "p.worst DESC, p.pk",
        "title": "p.title COLLATE NOCASE, p.pk",
        "source": "p.source, p.pk",
        "words": "p.words DESC, p.pk",
    }

    def piece_rows(self, run_id: str, *, channel: str | Sequence[str] | None = None,
                   verdict: str | Sequence[str] | None = None, persona: str | None = None,
                   min_score: float | None = None, search: str | None = None,
                   limit: int | None = None, offset: int = 0,
                   order: str = "position") -> list[dict[str, Any]]:
        """Light rows for tables, no evidence. ``persona``: pieces drawn to it (its verdict
        names it, or on-target for the target). ``min_score``: that persona's score, or the
        worst anti-persona/risk score when no persona is given. ``search``: words in title,
        source or section text. ``order``: position | worst | title | source | words."""
        if order not in self._ORDERS:
            raise StoreError(f"order must be one of {', '.join(self._ORDERS)}, not {order!r}")
        where, args = self._piece_filter(run_id, channel=channel, verdict=verdict,
                                         persona=persona, min_score=min_score, search=search)
        sql = (f"SELECT p.id, p.source, p.channel, p.title, p.words, p.verdict, p.persona, "
               f"p.drawn, p.worst, p.reading_grade, p.cues, p.scores, "
               f"json_extract(p.verdict_json, '$.reason') AS reason "
               f"FROM pieces p WHERE {where} ORDER BY {self._ORDERS[order]}")
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args.extend([int(limit), int(offset)])
        elif offset:
            sql += " LIMIT -1 OFFSET ?"
            args.append(int(offset))
        with self._read() as db:
            rows = db.execute(sql, args).fetchall()
        return [{"id": r["id"], "source": r["source"], "channel": r["channel"],
                 "title": r["title"], "words": r["words"], "verdict": r["verdict"],
                 "persona": r["persona"], "drawn": r["drawn"], "reason": r["reason"] or "",
                 "scores": json.loads(r["scores"]), "worst": r["worst"],
                 "reading_grade": r["reading_grade"], "cues": r["cues"]} for r in rows]

    def count_pieces(self, run_id: str, *, channel: str | Sequence[str] | None = None,
                     verdict: str | Sequence[str] | None = None, persona: str | None = None,
                     min_score: float | None = None, search: str | None = None) -> int:
        """How many rows :meth:`piece_rows` would give without limit (for paging)."""
        where, args = self._piece_filter(run_id, channel=channel, verdict=verdict,
                                         persona=persona, min_score=min_score, search=search)
        with self._read() as db:
            return int(db.execute(f"SELECT count(*) FROM pieces p WHERE {where}", args).fetchone()[0])

    def verdict_counts(self, run_id: str) -> dict[str, int]:
        """Pieces per verdict label (headline figures)."""
        with self._read() as db:
            return {r[0]: r[1] for r in db.execute(
                "SELECT verdict, count(*) FROM pieces WHERE run_id = ? GROUP BY verdict", (run_id,))}

    def channel_matrix(self, run_id: str) -> list[dict[str, Any]]:
        """Channel x persona cells for the heat map: pieces in the channel, pieces drawn to the
        persona, that share, and the persona's mean score there. Every pack of the run appears
        in every channel (zero cells included) so the grid is complete."""
        sql = """
            WITH ch AS (SELECT channel, count(*) AS n FROM pieces WHERE run_id = :run
                        GROUP BY channel),
                 dr AS (SELECT channel, drawn, count(*) AS c FROM pieces
                        WHERE run_id = :run AND drawn IS NOT NULL GROUP BY channel, drawn),
                 sc AS (SELECT p.channel, s.persona, avg(s.score) AS mean
                        FROM scores s JOIN pieces p ON p.pk = s.piece_pk
                        WHERE s.run_id = :run GROUP BY p.channel, s.persona)
            SELECT ch.channel, rp.persona, ch.n, coalesce(dr.c, 0) AS drawn,
                   coalesce(sc.mean, 0.0) AS mean
            FROM ch CROSS JOIN run_personas rp
            LEFT JOIN dr ON dr.channel = ch.channel AND dr.drawn = rp.persona
            LEFT JOIN sc ON sc.channel = ch.channel AND sc.persona = rp.persona
            WHERE rp.run_id = :run
            ORDER BY ch.channel, rp.pos"""
        with self._read() as db:
            rows = db.execute(sql, {"run": run_id}).fetchall()
        return [{"channel": r["channel"], "persona": r["persona"], "pieces_in_channel": r["n"],
                 "drawn": r["drawn"], "share": round(r["drawn"] / r["n"], 4) if r["n"] else 0.0,
                 "mean_score": round(r["mean"], 4)} for r in rows]

    def cue_counts(self, run_id: str, persona: str | None = None, channel: str | None = None,
                   limit: int = 20, *, by: str = "group") -> list[dict[str, Any]]:
        """The cues that fired most (not negated, tone excluded), by persona and channel.
        ``by="group"``: one row per persona cue group; ``by="phrase"``: per matched phrase
        (lower-cased). Each row: hits, pieces (distinct) and summed weight."""
        if by not in ("group", "phrase"):
            raise StoreError(f"by must be 'group' or 'phrase', not {by!r}")
        where = ["e.run_id = ?", "e.negated = 0", "e.kind = 'cue'"]
        args: list[Any] = [run_id]
        if persona:
            where.append("e.persona = ?")
            args.append(persona)
        join = ""
        if channel:
            join = "JOIN pieces p ON p.pk = e.piece_pk"
            where.append("p.channel = ?")
            args.append(channel)
        keys = "e.persona, e.grp" + (", lower(e.text)" if by == "phrase" else "")
        sql = (f"SELECT e.persona, e.grp, {'lower(e.text)' if by == 'phrase' else 'NULL'} AS phrase, "
               f"count(*) AS hits, count(DISTINCT e.piece_pk) AS pieces, sum(e.weight) AS weight "
               f"FROM evidence e {join} WHERE {' AND '.join(where)} GROUP BY {keys} "
               f"ORDER BY hits DESC, weight DESC, e.persona, e.grp LIMIT ?")
        args.append(int(limit))
        with self._read() as db:
            rows = db.execute(sql, args).fetchall()
        out = []
        for r in rows:
            d = {"persona": r["persona"], "group": r["grp"], "hits": r["hits"],
                 "pieces": r["pieces"], "weight": round(r["weight"], 4)}
            if by == "phrase":
                d["phrase"] = r["phrase"]
            out.append(d)
        return out

    def drivers_by_channel(self, run_id: str, target: str
                           ) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """What drives each persona other than the target, per channel, in one grouped query:
        the same rule as the reports' ``channels[].drivers`` (:mod:`audit.score.ranking`), with
        the number of pieces each cue group appears in."""
        sql = ("SELECT p.channel, e.persona, e.grp, count(DISTINCT e.piece_pk) AS pieces, "
               "sum(e.weight) AS weight FROM evidence e JOIN pieces p ON p.pk = e.piece_pk "
               "WHERE e.run_id = ? AND e.negated = 0 AND e.weight > 0 AND e.persona != ? "
               "GROUP BY p.channel, e.persona, e.grp "
               "ORDER BY p.channel, e.persona, min(e.piece_pk * 1000000 + e.pos)")  # first met
        with self._read() as db:
            rows = db.execute(sql, (run_id, target)).fetchall()
        cells: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        for r in rows:
            cells.setdefault((r["channel"], r["persona"]), {})[r["grp"]] = {
                "group": r["grp"], "pieces": r["pieces"], "weight": r["weight"]}
        return {key: [{**groups[g], "weight": round(w, 4)} for g, w in
                      top_drivers({g: row["weight"] for g, row in groups.items()})]
                for key, groups in cells.items()}

    def unread_pieces(self, run_id: str) -> list[dict[str, Any]]:
        """Client-rendered pages whose copy was not read: source and meta (with the shell's
        reason), so every report can name them rather than show a quietly low score."""
        with self._read() as db:
            return [{"source": r[0], "meta": json.loads(r[1] or "{}"), "needs_render": True}
                    for r in db.execute(
                        "SELECT source, meta FROM pieces WHERE run_id = ? AND "
                        "json_extract(meta, '$.needs_render') ORDER BY pk", (run_id,))]

    def wrong_by_channel(self, run_id: str) -> dict[str, tuple[int, int]]:
        """Per channel: (wrong-audience pieces, all pieces), in one grouped query."""
        with self._read() as db:
            return {r[0]: (int(r[1]), int(r[2])) for r in db.execute(
                "SELECT channel, sum(verdict = 'wrong-audience'), count(*) FROM pieces "
                "WHERE run_id = ? GROUP BY channel", (run_id,))}
