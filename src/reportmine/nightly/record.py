"""Everything a nightly run writes about one file, in one transaction each.

A report, its tags, its location, the HTTP validators that led to it, the
version it replaces and the run's own counts are committed together, so a
run killed at any instant leaves either all of them or none.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TextIO

from reportmine.nightly.fetch import Validators
from reportmine.nightly.runs import Event, RunSummary, save_progress
from reportmine.nightly.sources import Item
from reportmine.nightly.tagged import TaggedReport
from reportmine.store import Store


def status_of(store: Store, sha256: str) -> str | None:
    """'ok', 'quarantined', or None for bytes never seen."""
    row = store.conn.execute("SELECT status FROM reports WHERE sha256 = ?", (sha256,)).fetchone()
    return row[0] if row else None


def cached(store: Store, url: str) -> Validators | None:
    row = store.conn.execute("SELECT sha256, etag, last_modified FROM http_cache WHERE url = ?",
                             (url,)).fetchone()
    return Validators(*row) if row else None


class Recorder:
    """Writes one file's outcome with the run's progress; logs it once committed."""

    def __init__(self, store: Store, summary: RunSummary, log: TextIO | None = None) -> None:
        self.store, self.summary, self.log = store, summary, log

    def known(self, item: Item, sha256: str, cache: Validators | None) -> Event:
        """Bytes stored before: unchanged here, a duplicate elsewhere, or a version
        that becomes current again at this location."""
        c = self.store.conn
        rid, status = c.execute("SELECT report_id, status FROM reports WHERE sha256 = ?",
                                (sha256,)).fetchone()
        seen_here = c.execute("SELECT 1 FROM locations WHERE sha256 = ? AND path = ?",
                              (sha256, item.location)).fetchone() is not None
        previous = self._head(item.location) if status == "ok" else None
        outcome = ("updated" if previous not in (None, rid) else
                   "unchanged" if seen_here else "duplicate")
        event = Event(outcome, item.name, item.location, rid)
        if outcome == "unchanged" and cache is None and (status != "ok" or previous == rid):
            self.summary.add(event)  # nothing to write: the no-op path stays cheap
            return event

        def write(c: sqlite3.Connection) -> None:
            self.store.add_location(sha256, item.location)
            if status == "ok":
                self._move_head(c, item.location, rid, previous)
        return self._commit(event, write, item, cache)

    def stored(self, item: Item, tagged: TaggedReport, cache: Validators | None,
               replaces_quarantine: bool = False) -> Event:
        """A newly parsed report with its tags; a new version if its location had one."""
        report = tagged.report
        rid = report.report_id
        previous = self._head(item.location)
        event = Event("updated" if previous else "new", item.name, item.location, rid)

        def write(c: sqlite3.Connection) -> None:
            locations = self.store.locations(report.sha256) if replaces_quarantine else []
            if replaces_quarantine:
                c.execute("DELETE FROM reports WHERE sha256 = ? AND status = 'quarantined'",
                          (report.sha256,))
            self.store.save_report(report)
            for path in [*locations, item.location]:
                self.store.add_location(report.sha256, path)
            self.store.save_tags(tagged.by_passage_id(), tagged.codebook_version,
                                 tagged.model_version)
            self._move_head(c, item.location, rid, previous)
        return self._commit(event, write, item, cache)

    def quarantined(self, item: Item, sha256: str, reason: str, cache: Validators | None,
                    already: bool = False) -> Event:
        """Bytes that cannot be parsed; recorded so they are not tried again."""
        event = Event("quarantined", item.name, item.location, sha256[:16], reason)

        def write(c: sqlite3.Connection) -> None:
            if not already:
                self.store.save_quarantine(item.name, sha256, reason)
            self.store.add_location(sha256, item.location)
        return self._commit(event, write, item, cache)

    def failed(self, name: str, location: str, reason: str) -> Event:
        """Nothing could be read (a 404, a timeout): tried again next run."""
        return self._commit(Event("failed", name, location, None, reason), lambda c: None)

    # -- helpers ----------------------------------------------------------

    def _head(self, location: str) -> str | None:
        row = self.store.conn.execute("SELECT report_id FROM location_heads WHERE location = ?",
                                      (location,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _move_head(c: sqlite3.Connection, location: str, rid: str,
                   previous: str | None) -> None:
        """Make `rid` the current version at `location`, superseding the previous one."""
        if previous == rid:
            return
        c.execute("""INSERT INTO location_heads (location, report_id) VALUES (?, ?)
                     ON CONFLICT (location) DO UPDATE SET report_id = excluded.report_id,
                     since = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')""", (location, rid))
        if previous is not None:
            c.execute("UPDATE reports SET superseded_by = ? WHERE report_id = ?", (rid, previous))
            c.execute("UPDATE reports SET superseded_by = NULL WHERE report_id = ?", (rid,))

    def _commit(self, event: Event, write: Callable[[sqlite3.Connection], None],
                item: Item | None = None, cache: Validators | None = None) -> Event:
        self.summary.add(event)
        try:
            with self.store.transaction() as c:
                write(c)
                if item is not None and cache is not None:
                    c.execute("""INSERT OR REPLACE INTO http_cache
                                 (url, etag, last_modified, sha256) VALUES (?, ?, ?, ?)""",
                              (item.location, cache.etag, cache.last_modified, cache.sha256))
                save_progress(c, self.summary)
        except BaseException:
            self.summary.remove(event)
            raise
        if self.log is not None:
            detail = event.reason or event.report_id or ""
            self.log.write(f"{event.outcome:<11} {event.location}  {detail}\n")
            self.log.flush()
        return event
