"""The Store: one SQLite file holding every ingested report.

Writes happen in single transactions so that a failure part-way through a
report leaves the database exactly as it was; reads return plain dicts with
JSON columns already decoded, which export, corpus and CLI share.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reportmine.errors import ReportmineError
from reportmine.model import METADATA_FIELDS, Footnote, Passage, Report
from reportmine.store.schema import migrate

_JSON_COLUMNS = ("warnings", "metadata_raw", "subheadings", "labels", "scores", "evidence",
                 "footnotes")

_REPORTS_SQL = f"""
SELECT r.report_id, r.file_name, r.sha256, r.status, r.n_pages, r.title,
       {", ".join("r." + f for f in METADATA_FIELDS)},
       r.warnings, r.metadata_raw,
       (SELECT count(*) FROM sections s WHERE s.report_id = r.report_id) AS n_sections,
       (SELECT count(*) FROM passages p WHERE p.report_id = r.report_id) AS n_passages,
       r.ingested_at
FROM reports r {{where}} ORDER BY r.file_name, r.report_id
"""

# A section carries the labels of its passages: a label is assigned when any
# passage has it, and its score is the highest passage score.
_SECTIONS_SQL = """
SELECT s.report_id, r.file_name, s.section, s.heading, s.position, s.page, s.subheadings,
       (SELECT json_group_array(label) FROM (
            SELECT t.label FROM tags t JOIN passages p ON p.passage_id = t.passage_id
            WHERE p.report_id = s.report_id AND p.position = s.position
            GROUP BY t.label HAVING max(t.assigned) ORDER BY max(t.score) DESC, t.label))
           AS labels,
       (SELECT json_group_object(label, score) FROM (
            SELECT t.label, max(t.score) AS score FROM tags t
            JOIN passages p ON p.passage_id = t.passage_id
            WHERE p.report_id = s.report_id AND p.position = s.position GROUP BY t.label))
           AS scores
FROM sections s JOIN reports r USING (report_id) {where}
ORDER BY r.file_name, s.report_id, s.position
"""

_PASSAGES_SQL = """
SELECT p.report_id, r.file_name, r.partnership, r.region, s.section, s.heading,
       p.position AS section_position,
       p.subheading, p.passage_id, p.page, p.kind, p.row, p.col AS "column", p.text,
       CASE WHEN EXISTS (SELECT 1 FROM tags t WHERE t.passage_id = p.passage_id)
            THEN (SELECT json_group_array(label) FROM (SELECT t.label FROM tags t
                  WHERE t.passage_id = p.passage_id AND t.assigned ORDER BY t.score DESC, t.label))
            ELSE p.labels END AS labels,
       CASE WHEN EXISTS (SELECT 1 FROM tags t WHERE t.passage_id = p.passage_id)
            THEN (SELECT json_group_object(t.label, t.score) FROM tags t
                  WHERE t.passage_id = p.passage_id)
            ELSE p.scores END AS scores,
       (SELECT json_group_object(t.label, json(t.evidence)) FROM tags t
        WHERE t.passage_id = p.passage_id AND t.assigned) AS evidence,
       (SELECT json_group_array(f.mark) FROM passage_footnotes pf
        JOIN footnotes f ON f.id = pf.footnote WHERE pf.passage = p.id) AS footnotes
FROM passages p
JOIN sections s ON s.report_id = p.report_id AND s.position = p.position
JOIN reports r ON r.report_id = p.report_id {where}
ORDER BY r.file_name, p.report_id, p.id
"""

_FOOTNOTES_SQL = """
SELECT f.report_id, r.file_name, f.mark, f.text, f.page
FROM footnotes f JOIN reports r USING (report_id) {where}
ORDER BY r.file_name, f.report_id, f.seq
"""


def passage_id(report_id: str, n: int) -> str:
    """Stable id of the n-th passage (1-based, reading order) of a report."""
    return f"{report_id}:{n:04d}"


class Store:
    """A reportmine database; use `Store.open(path)`."""

    BUSY_TIMEOUT_MS = 10_000  # how long to wait for another process's write to finish

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | Path, create: bool = True) -> Store:
        """Open (creating and migrating as needed) the database at `path`."""
        path = Path(path)
        if not create and not path.exists():
            raise ReportmineError(f"no database at {path} (run 'reportmine ingest' first)")
        if not path.parent.exists():
            raise ReportmineError(f"cannot create database {path}: no such directory")
        try:
            conn = sqlite3.connect(path, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute(f"PRAGMA busy_timeout = {cls.BUSY_TIMEOUT_MS}")
            migrate(conn)
        except sqlite3.DatabaseError as e:
            if "locked" in str(e):
                raise ReportmineError(
                    f"database {path} stayed locked for {cls.BUSY_TIMEOUT_MS // 1000} s: another "
                    "reportmine process is writing to it or upgrading its schema; try again when "
                    "it has finished") from e
            raise ReportmineError(f"cannot open database {path}: {e}") from e
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing writes: commit on success, roll back on any error.

        Inside another transaction this is a savepoint, so a caller can group
        several writes (a report, its tags, its run record) into one commit."""
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO nested")
                self.conn.execute("RELEASE nested")
                raise
            self.conn.execute("RELEASE nested")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- writes -----------------------------------------------------------

    def has_report(self, sha256: str) -> bool:
        """True when these bytes were stored before, parsed or quarantined."""
        row = self.conn.execute("SELECT 1 FROM reports WHERE sha256 = ?", (sha256,))
        return row.fetchone() is not None

    def save_report(self, report: Report, status: str = "ok", path: str | None = None) -> str:
        """Store a parsed report with its sections, passages and footnotes at once."""
        rid = report.report_id
        meta = report.metadata
        try:
            with self.transaction() as c:
                c.execute(
                    f"""INSERT INTO reports (report_id, sha256, file_name, status, n_pages,
                        title, {", ".join(METADATA_FIELDS)}, metadata_raw, warnings)
                        VALUES ({", ".join("?" * (8 + len(METADATA_FIELDS)))})""",
                    (rid, report.sha256, report.file_name, status, report.n_pages, report.title,
                     *(getattr(meta, f) for f in METADATA_FIELDS),
                     json.dumps(meta.raw), json.dumps(report.warnings)))
                footnote_ids = self._insert_footnotes(c, rid, report.footnotes)
                n = 0
                for position, section in enumerate(report.sections):
                    c.execute("INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?)",
                              (rid, position, section.id, section.heading, section.page,
                               json.dumps(section.subheadings)))
                    for passage in section.passages:
                        n += 1
                        self._insert_passage(c, rid, position, passage_id(rid, n), passage,
                                             footnote_ids)
                if path is not None:
                    c.execute("INSERT INTO locations (sha256, path) VALUES (?, ?)",
                              (report.sha256, path))
        except sqlite3.Error as e:
            raise ReportmineError(f"cannot store {report.file_name}: {e}") from e
        return rid

    @staticmethod
    def _insert_footnotes(c: sqlite3.Connection, rid: str,
                          footnotes: list[Footnote]) -> dict[str, list[tuple[int, int]]]:
        """Insert footnotes; return mark -> [(page, row id)] for linking passages."""
        by_mark: dict[str, list[tuple[int, int]]] = {}
        for seq, note in enumerate(footnotes):
            cur = c.execute(
                "INSERT INTO footnotes (report_id, seq, mark, text, page) VALUES (?, ?, ?, ?, ?)",
                (rid, seq, note.mark, note.text, note.page))
            by_mark.setdefault(note.mark, []).append((note.page, cur.lastrowid))
        return by_mark

    @staticmethod
    def _insert_passage(c: sqlite3.Connection, rid: str, position: int, pid: str,
                        passage: Passage, footnote_ids: dict[str, list[tuple[int, int]]]) -> None:
        cur = c.execute(
            """INSERT INTO passages (passage_id, report_id, position, page, kind, subheading,
               row, col, text, labels, scores) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (pid, rid, position, passage.page, passage.kind, passage.subheading, passage.row,
             passage.column, passage.text, json.dumps(passage.labels),
             json.dumps(passage.scores)))
        for mark in dict.fromkeys(passage.footnotes):
            candidates = footnote_ids.get(mark)
            if not candidates:
                continue  # a mark whose note was not found on the page: nothing to link
            # Marks restart on some reports: prefer the note on this page, then the
            # nearest earlier page, else the first with that mark.
            earlier = [cand for cand in candidates if cand[0] <= passage.page]
            _, fid = max(earlier) if earlier else candidates[0]
            c.execute("INSERT OR IGNORE INTO passage_footnotes VALUES (?, ?)",
                      (cur.lastrowid, fid))

    def save_quarantine(self, file_name: str, sha256: str, reason: str,
                        path: str | None = None) -> str:
        """Record bytes that could not be parsed, so they are not retried every run."""
        rid = sha256[:16]
        try:
            with self.transaction() as c:
                c.execute("""INSERT INTO reports (report_id, sha256, file_name, status, n_pages,
                             warnings) VALUES (?, ?, ?, 'quarantined', 0, ?)""",
                          (rid, sha256, file_name, json.dumps([reason])))
                if path is not None:
                    c.execute("INSERT INTO locations (sha256, path) VALUES (?, ?)",
                              (sha256, path))
        except sqlite3.IntegrityError as e:
            raise ReportmineError(f"cannot quarantine {file_name}: {e}") from e
        return rid

    def untagged_passages(self, all_passages: bool = False,
                          versions: tuple[str, str] | None = None) -> list[dict[str, Any]]:
        """Passages (with section id) lacking tags, or lacking tags of the given
        (codebook_version, model_version), or every passage with `all_passages`."""
        where, params = "", ()
        if not all_passages:
            condition, params = _lacking_tags(versions)
            where = f"WHERE {condition}"
        rows = self.conn.execute(
            f"""SELECT p.passage_id, p.report_id, p.position, p.text, p.kind, p.subheading,
                       s.section
                FROM passages p JOIN sections s
                ON s.report_id = p.report_id AND s.position = p.position {where}
                ORDER BY p.id""", params).fetchall()
        return [dict(row) for row in rows]

    def count_untagged(self) -> int:
        """How many passages have no tags at all (counted, not read)."""
        condition, params = _lacking_tags(None)
        return self.conn.execute(f"SELECT count(*) FROM passages p WHERE {condition}",
                                 params).fetchone()[0]

    def save_tags(self, tags: dict[str, list[Any]], codebook_version: str,
                  model_version: str) -> int:
        """Replace the tags of each passage id given (objects with label, score,
        assigned, evidence); one transaction, so a run is all-or-nothing."""
        with self.transaction() as c:
            for pid, items in tags.items():
                c.execute("DELETE FROM tags WHERE passage_id = ?", (pid,))
                c.executemany(
                    "INSERT INTO tags VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(pid, t.label, min(1.0, max(0.0, float(t.score))), int(t.assigned),
                      json.dumps(t.evidence, ensure_ascii=False), codebook_version,
                      model_version) for t in items])
        return len(tags)

    def add_location(self, sha256: str, path: str) -> bool:
        """Note that stored bytes were also seen at `path`; True if that is news."""
        with self.transaction() as c:
            cur = c.execute("INSERT OR IGNORE INTO locations (sha256, path) VALUES (?, ?)",
                            (sha256, path))
        return cur.rowcount == 1

    # -- reads ------------------------------------------------------------

    def _rows(self, sql: str, report_id: str | None, alias: str) -> list[dict[str, Any]]:
        where, params = ("", ()) if report_id is None else (
            f"WHERE {alias}.report_id = ?", (report_id,))
        rows = self.conn.execute(sql.format(where=where), params).fetchall()
        return [_decode(row) for row in rows]

    def reports(self, report_id: str | None = None) -> list[dict[str, Any]]:
        """One dict per report: ids, status, warnings, n_pages, codebook metadata."""
        return self._rows(_REPORTS_SQL, report_id, "r")

    def sections(self, report_id: str | None = None) -> list[dict[str, Any]]:
        """One dict per top-level section, in report order (position is 0-based)."""
        return self._rows(_SECTIONS_SQL, report_id, "s")

    def passages(self, report_id: str | None = None) -> list[dict[str, Any]]:
        """One dict per passage, with its report's partnership and region."""
        return self._rows(_PASSAGES_SQL, report_id, "p")

    def footnotes(self, report_id: str | None = None) -> list[dict[str, Any]]:
        """One dict per footnote, in the order the parser found them."""
        return self._rows(_FOOTNOTES_SQL, report_id, "f")

    def locations(self, sha256: str) -> list[str]:
        """Every path these bytes were seen at."""
        rows = self.conn.execute("SELECT path FROM locations WHERE sha256 = ? ORDER BY seen_at, rowid",
                                 (sha256,))
        return [row[0] for row in rows]

    def get_report(self, ref: str) -> dict[str, Any]:
        """The report named by its id, an id or sha256 prefix, or its file name;
        failing those, by a word in its file name or partnership ('hull')."""
        rows = self.conn.execute(
            """SELECT report_id FROM reports WHERE report_id = ? OR sha256 = ? UNION
               SELECT report_id FROM reports WHERE file_name = ? UNION
               SELECT report_id FROM reports WHERE ? <> '' AND
                      substr(sha256, 1, length(?)) = lower(?)""",
            (ref, ref, ref, ref, ref, ref)).fetchall()
        if not rows and ref.strip():
            pattern = "%" + ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = self.conn.execute(
                """SELECT report_id FROM reports WHERE file_name LIKE ? ESCAPE '\\'
                   OR partnership LIKE ? ESCAPE '\\'""", (pattern, pattern)).fetchall()
        if not rows:
            raise ReportmineError(f"unknown report '{ref}'")
        if len(rows) > 1:
            ids = ", ".join(row[0] for row in rows[:5])
            raise ReportmineError(f"'{ref}' matches {len(rows)} reports ({ids}); be more specific")
        return self.reports(rows[0][0])[0]


def _decode(row: sqlite3.Row) -> dict[str, Any]:
    out = dict(row)
    for key in _JSON_COLUMNS:
        if key in out and isinstance(out[key], str):
            out[key] = json.loads(out[key])
    return out


def _lacking_tags(versions: tuple[str, str] | None) -> tuple[str, tuple[str, ...]]:
    """SQL condition on passages p: no tags, or none of the given
    (codebook_version, model_version); with its parameters."""
    same = "" if versions is None else "AND t.codebook_version = ? AND t.model_version = ?"
    return (f"NOT EXISTS (SELECT 1 FROM tags t WHERE t.passage_id = p.passage_id {same})",
            versions or ())
