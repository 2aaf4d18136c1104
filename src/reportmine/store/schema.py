"""The database schema as an ordered list of migrations.

`PRAGMA user_version` records how many migrations a database has had, so a
database made by an older reportmine is upgraded in place and never rebuilt.
Append new migrations; never edit one that has shipped.
"""
from __future__ import annotations

import sqlite3

from reportmine.errors import ReportmineError

MIGRATIONS: list[str] = [
    # 1: reports, their sections, passages, footnotes and full-text search.
    """
    CREATE TABLE reports (
        report_id        TEXT PRIMARY KEY,
        sha256           TEXT NOT NULL UNIQUE,
        file_name        TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('ok', 'quarantined')),
        n_pages          INTEGER NOT NULL DEFAULT 0,
        title            TEXT,
        partnership      TEXT,
        partner_agencies TEXT,
        la_count         INTEGER,
        region           TEXT,
        size             TEXT,
        methodology      TEXT,
        delivery         TEXT,
        commenced        TEXT,
        report_date      TEXT,
        metadata_raw     TEXT NOT NULL DEFAULT '{}',
        warnings         TEXT NOT NULL DEFAULT '[]',
        ingested_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE locations (
        sha256   TEXT NOT NULL REFERENCES reports (sha256) ON DELETE CASCADE,
        path     TEXT NOT NULL,
        seen_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        PRIMARY KEY (sha256, path)
    );
    CREATE TABLE sections (
        report_id   TEXT NOT NULL REFERENCES reports (report_id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        section     TEXT NOT NULL CHECK (section LIKE 'section.%'),
        heading     TEXT NOT NULL,
        page        INTEGER NOT NULL,
        subheadings TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (report_id, position)
    );
    CREATE TABLE passages (
        id          INTEGER PRIMARY KEY,
        passage_id  TEXT NOT NULL UNIQUE,
        report_id   TEXT NOT NULL,
        position    INTEGER NOT NULL,
        page        INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        subheading  TEXT,
        row         INTEGER,
        col         TEXT,
        text        TEXT NOT NULL,
        labels      TEXT NOT NULL DEFAULT '[]',
        scores      TEXT NOT NULL DEFAULT '{}',
        FOREIGN KEY (report_id, position)
            REFERENCES sections (report_id, position) ON DELETE CASCADE
    );
    CREATE INDEX passages_report ON passages (report_id, position);
    CREATE TABLE footnotes (
        id         INTEGER PRIMARY KEY,
        report_id  TEXT NOT NULL REFERENCES reports (report_id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        mark       TEXT NOT NULL,
        text       TEXT NOT NULL,
        page       INTEGER NOT NULL,
        UNIQUE (report_id, seq)
    );
    CREATE TABLE passage_footnotes (
        passage  INTEGER NOT NULL REFERENCES passages (id) ON DELETE CASCADE,
        footnote INTEGER NOT NULL REFERENCES footnotes (id) ON DELETE CASCADE,
        PRIMARY KEY (passage, footnote)
    );
    CREATE VIRTUAL TABLE passages_fts USING fts5 (
        text, content='passages', content_rowid='id'
    );
    CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts (passages_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
    END;
    CREATE TRIGGER passages_au AFTER UPDATE OF text ON passages BEGIN
        INSERT INTO passages_fts (passages_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO passages_fts (rowid, text) VALUES (new.id, new.text);
    END;
    """,
    # 2: one row per (passage, label): every label's score, whether it is assigned,
    # the evidence, and which codebook and model produced it.
    """
    CREATE TABLE tags (
        passage_id       TEXT NOT NULL REFERENCES passages (passage_id) ON DELETE CASCADE,
        label            TEXT NOT NULL,
        score            REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
        assigned         INTEGER NOT NULL DEFAULT 0,
        evidence         TEXT NOT NULL DEFAULT '[]',
        codebook_version TEXT NOT NULL,
        model_version    TEXT NOT NULL,
        PRIMARY KEY (passage_id, label)
    );
    """,
    # 3: a report replaced by a newer version of the same document keeps its rows
    # but points at its successor; analyses read `current_reports` only.
    """
    ALTER TABLE reports ADD COLUMN superseded_by TEXT REFERENCES reports (report_id);
    CREATE VIEW current_reports AS
        SELECT * FROM reports WHERE status = 'ok' AND superseded_by IS NULL;
    """,
    # 4: passages as lowercase lemmas, one sentence per '|', for `reportmine ask`.
    # Lemmatising needs Python, so triggers only queue new or edited passages in
    # passages_lemma_pending; reportmine.ask.index fills the index from the queue.
    """
    CREATE VIRTUAL TABLE passages_lemma_fts USING fts5 (lemmas);
    CREATE VIRTUAL TABLE passages_lemma_vocab USING fts5vocab (passages_lemma_fts, 'row');
    CREATE TABLE passages_lemma_pending (id INTEGER PRIMARY KEY);
    INSERT INTO passages_lemma_pending (id) SELECT id FROM passages;
    CREATE TRIGGER passages_lemma_ai AFTER INSERT ON passages BEGIN
        INSERT OR IGNORE INTO passages_lemma_pending (id) VALUES (new.id);
    END;
    CREATE TRIGGER passages_lemma_ad AFTER DELETE ON passages BEGIN
        DELETE FROM passages_lemma_fts WHERE rowid = old.id;
        DELETE FROM passages_lemma_pending WHERE id = old.id;
    END;
    CREATE TRIGGER passages_lemma_au AFTER UPDATE OF text ON passages BEGIN
        DELETE FROM passages_lemma_fts WHERE rowid = old.id;
        INSERT OR IGNORE INTO passages_lemma_pending (id) VALUES (new.id);
    END;
    """,
    # 5: nightly ingestion: one row per run with its counts and reasons, the HTTP
    # validators of each downloaded URL (conditional requests), and the report
    # currently published at each location, whose change of bytes is a new version.
    """
    CREATE TABLE runs (
        run_id      INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        finished_at TEXT,
        status      TEXT NOT NULL
                    CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        sources     TEXT NOT NULL DEFAULT '[]',
        counts      TEXT NOT NULL DEFAULT '{}',
        reasons     TEXT NOT NULL DEFAULT '[]',
        report_ids  TEXT NOT NULL DEFAULT '[]',
        error       TEXT
    );
    CREATE TABLE http_cache (
        url           TEXT PRIMARY KEY,
        etag          TEXT,
        last_modified TEXT,
        sha256        TEXT NOT NULL,
        fetched_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE TABLE location_heads (
        location  TEXT PRIMARY KEY,
        report_id TEXT NOT NULL REFERENCES reports (report_id) ON DELETE CASCADE,
        since     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    """,
    # 6: tags stored in their key's order (WITHOUT ROWID). Every read of tags goes by
    # passage, so one B-tree seek now finds a passage's tags (it was an index seek and
    # then a table read per label: ask's cost on a cold disk), and the key is stored
    # once instead of twice (a third off the 10,000-report benchmark's database).
    """
    CREATE TABLE tags_by_passage (
        passage_id       TEXT NOT NULL REFERENCES passages (passage_id) ON DELETE CASCADE,
        label            TEXT NOT NULL,
        score            REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
        assigned         INTEGER NOT NULL DEFAULT 0,
        evidence         TEXT NOT NULL DEFAULT '[]',
        codebook_version TEXT NOT NULL,
        model_version    TEXT NOT NULL,
        PRIMARY KEY (passage_id, label)
    ) WITHOUT ROWID;
    INSERT INTO tags_by_passage SELECT passage_id, label, score, assigned, evidence,
        codebook_version, model_version FROM tags ORDER BY passage_id, label;
    DROP TABLE tags;
    ALTER TABLE tags_by_passage RENAME TO tags;
    """,
    # 7: the lemma index is rebuilt, every passage queued again: reportmine.text
    # now reads "does" as "do" and "can't" / "won't" as "can not" / "will not"
    # (it had "doe", "ca", "wo"), and questions are lemmatised the same way.
    """
    INSERT OR IGNORE INTO passages_lemma_pending (id) SELECT id FROM passages;
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the migrations a database lacks, each in its own transaction.

    Returns the resulting schema version. A database newer than this code is
    refused rather than half-understood.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise ReportmineError(
            f"database schema version {version} is newer than this reportmine "
            f"understands ({len(MIGRATIONS)}); upgrade reportmine")
    for number in range(version + 1, len(MIGRATIONS) + 1):
        apply_migration(conn, number)
    return len(MIGRATIONS)


def apply_migration(conn: sqlite3.Connection, number: int) -> None:
    """Apply migration `number` in one write transaction, unless the database
    already has it: two processes opening an old database at once both see it
    lacking, and the second must not re-run what the first applied while it
    waited for the lock."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("PRAGMA user_version").fetchone()[0] < number:
            for statement in _statements(MIGRATIONS[number - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """The statements of a script, one by one (executescript would commit the
    transaction holding the lock); a trigger's body stays whole."""
    out, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    return [s for s in out if s != ";"]
