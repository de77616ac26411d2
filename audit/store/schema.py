"""The store's schema and its migrations: ``MIGRATIONS[n]`` moves a file from schema n to n + 1
(n = 0 is a new file); a store newer than this code is refused, an older one upgraded on open."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import suppress

#: Marks a SQLite file as an antipersona store ("APRS").
APPLICATION_ID = 0x41505253


_SCHEMA_V1 = """
CREATE TABLE runs (
    id        TEXT PRIMARY KEY,
    name      TEXT,
    created   TEXT NOT NULL,
    finished  TEXT,
    status    TEXT NOT NULL DEFAULT 'running'
              CHECK (status IN ('running', 'done', 'interrupted', 'failed')),
    target    TEXT NOT NULL,
    profile   TEXT NOT NULL,
    model     TEXT NOT NULL,
    sources   TEXT NOT NULL DEFAULT '[]',
    config    TEXT NOT NULL DEFAULT '{}',
    progress  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX runs_created ON runs (created);

CREATE TABLE run_personas (
    run_id   TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    pos      INTEGER NOT NULL,
    persona  TEXT NOT NULL,
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL,
    color    TEXT NOT NULL DEFAULT '',
    version  TEXT NOT NULL DEFAULT '',
    extra    TEXT,
    PRIMARY KEY (run_id, pos),
    UNIQUE (run_id, persona)
);

CREATE TABLE pieces (
    pk             INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id         TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    id             TEXT NOT NULL,
    source         TEXT NOT NULL,
    channel        TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    words          INTEGER NOT NULL DEFAULT 0,
    verdict        TEXT NOT NULL,
    persona        TEXT,
    drawn          TEXT,
    worst          REAL NOT NULL DEFAULT 0,
    reading_grade  REAL,
    cues           TEXT NOT NULL DEFAULT '',
    added          TEXT NOT NULL,
    scores         TEXT NOT NULL,
    verdict_json   TEXT NOT NULL,
    tone           TEXT NOT NULL DEFAULT '{}',
    sentences      TEXT NOT NULL DEFAULT '[]',
    meta           TEXT NOT NULL DEFAULT '{}',
    extra          TEXT,
    UNIQUE (run_id, source)
);
CREATE INDEX pieces_id ON pieces (run_id, id);
CREATE INDEX pieces_channel ON pieces (run_id, channel, verdict);
CREATE INDEX pieces_verdict ON pieces (run_id, verdict);
CREATE INDEX pieces_drawn ON pieces (run_id, drawn);
CREATE INDEX pieces_worst ON pieces (run_id, worst DESC);

CREATE TABLE scores (
    run_id    TEXT NOT NULL,
    piece_pk  INTEGER NOT NULL REFERENCES pieces (pk) ON DELETE CASCADE,
    persona   TEXT NOT NULL,
    score     REAL NOT NULL,
    PRIMARY KEY (piece_pk, persona)
) WITHOUT ROWID;
CREATE INDEX scores_persona ON scores (run_id, persona, score);

CREATE TABLE sections (
    piece_pk  INTEGER NOT NULL REFERENCES pieces (pk) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    role      TEXT NOT NULL,
    text      TEXT NOT NULL,
    PRIMARY KEY (piece_pk, pos)
) WITHOUT ROWID;

-- Note and suggestions are the same for every hit of a cue group: stored once, shared.
CREATE TABLE cue_texts (
    id       INTEGER PRIMARY KEY,
    persona  TEXT NOT NULL,
    grp      TEXT NOT NULL,
    note     TEXT NOT NULL,
    suggest  TEXT NOT NULL,
    UNIQUE (persona, grp, note, suggest)
);

CREATE TABLE evidence (
    piece_pk    INTEGER NOT NULL REFERENCES pieces (pk) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    run_id      TEXT NOT NULL,
    persona     TEXT NOT NULL,
    grp         TEXT NOT NULL,
    text        TEXT NOT NULL,
    section     TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    weight      REAL NOT NULL,
    negated     INTEGER NOT NULL DEFAULT 0,
    kind        TEXT NOT NULL DEFAULT 'cue',
    counts_for  TEXT,
    sentence    TEXT NOT NULL DEFAULT '',
    cue_id      INTEGER REFERENCES cue_texts (id),
    extra       TEXT,
    PRIMARY KEY (piece_pk, pos)
);
CREATE INDEX evidence_cues ON evidence (run_id, persona, grp);

CREATE TABLE errors (
    pk      INTEGER PRIMARY KEY,
    run_id  TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    source  TEXT NOT NULL,
    error   TEXT NOT NULL,
    kind    TEXT NOT NULL DEFAULT 'failed' CHECK (kind IN ('failed', 'skipped')),
    added   TEXT NOT NULL,
    UNIQUE (run_id, source)
);

CREATE TABLE fetch_log (
    pk            INTEGER PRIMARY KEY,
    run_id        TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    source        TEXT NOT NULL,
    url           TEXT,
    final_url     TEXT,
    status        INTEGER,
    redirects     TEXT NOT NULL DEFAULT '[]',
    content_type  TEXT,
    charset       TEXT,
    elapsed       REAL,
    attempts      INTEGER,
    error         TEXT,
    skipped       TEXT,
    logged        TEXT NOT NULL,
    extra         TEXT,
    UNIQUE (run_id, source)
);
"""

#: Full-text index over title, source and section text. Contentless (the text already lives in
#: ``pieces`` and ``sections``); rows are removed with FTS5's 'delete' command on replace.
_FTS_V1 = ("CREATE VIRTUAL TABLE piece_fts USING fts5(title, source, body, content='', "
           "tokenize='unicode61 remove_diacritics 2')")


def _migrate_to_1(db: sqlite3.Connection) -> None:
    for statement in _split_sql(_SCHEMA_V1):
        db.execute(statement)
    with suppress(sqlite3.OperationalError):  # SQLite without FTS5: search uses LIKE
        db.execute(_FTS_V1)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _split_sql(script: str) -> Iterator[str]:
    """Statements of a schema script (no semicolons inside our statements or comments)."""
    body = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("--"))
    for stmt in body.split(";"):
        if stmt.strip():
            yield stmt


#: MIGRATIONS[n] moves a store from schema n to n + 1 (n = 0 is a new file).
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_migrate_to_1]
SCHEMA_VERSION = len(MIGRATIONS)


_SCHEMA_V2 = """
-- Outcomes imported from analytics exports, joined to a run's pieces by source.
CREATE TABLE outcomes (
    run_id  TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    source  TEXT NOT NULL,
    metric  TEXT NOT NULL,
    value   REAL NOT NULL,
    file    TEXT NOT NULL,
    added   TEXT NOT NULL,
    UNIQUE (run_id, source, metric)
);

CREATE TABLE outcome_files (
    pk       INTEGER PRIMARY KEY,
    run_id   TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    file     TEXT NOT NULL,
    summary  TEXT NOT NULL DEFAULT '{}',
    added    TEXT NOT NULL
);
"""


def _migrate_to_2(db: sqlite3.Connection) -> None:
    """Schema 2: outcome tables (`antipersona outcomes add`)."""
    for statement in _split_sql(_SCHEMA_V2):
        db.execute(statement)


MIGRATIONS.append(_migrate_to_2)
SCHEMA_VERSION = len(MIGRATIONS)


_SCHEMA_V3 = """
-- What went wrong with a piece that was still analysed (an email body lost to a MIME boundary
-- mismatch): kept apart from errors, which are sources that could not be read at all.
CREATE TABLE warnings (
    pk       INTEGER PRIMARY KEY,
    run_id   TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    source   TEXT NOT NULL,
    warning  TEXT NOT NULL,
    added    TEXT NOT NULL
);
CREATE INDEX warnings_source ON warnings (run_id, source);
"""

#: Older runs stored a piece's warning as an error of its own on "<source> (body)".
_OLD_WARNING_SUFFIX = " (body)"


def _migrate_to_3(db: sqlite3.Connection) -> None:
    """Schema 3: the warnings table. The errors older runs stored for a piece's warning (on
    "<source> (body)", beside the piece itself) move there, so those runs stop counting an
    analysed piece as a failure."""
    for statement in _split_sql(_SCHEMA_V3):
        db.execute(statement)
    n = len(_OLD_WARNING_SUFFIX)
    old = (f"FROM errors e WHERE substr(e.source, -{n}) = ? AND EXISTS (SELECT 1 FROM pieces p "
           f"WHERE p.run_id = e.run_id AND p.source = substr(e.source, 1, length(e.source) - {n}))")
    db.execute(f"INSERT INTO warnings (run_id, source, warning, added) SELECT e.run_id, "
               f"substr(e.source, 1, length(e.source) - {n}), e.error, e.added {old} ORDER BY e.pk",
               (_OLD_WARNING_SUFFIX,))
    db.execute(f"DELETE FROM errors WHERE pk IN (SELECT e.pk {old})", (_OLD_WARNING_SUFFIX,))


MIGRATIONS.append(_migrate_to_3)
SCHEMA_VERSION = len(MIGRATIONS)
