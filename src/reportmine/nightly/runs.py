"""The record of each nightly run: when, what happened to each file, and why.

The run's row is rewritten inside the same transaction as every report it
stores, so even a run killed half-way leaves an exact account of its work;
the next run marks such a row 'interrupted'.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from reportmine.store import Store

OUTCOMES = ("new", "updated", "duplicate", "unchanged", "quarantined", "failed")


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Event:
    """What happened to one file: an outcome of OUTCOMES, and why if it went wrong."""

    outcome: str
    name: str
    location: str
    report_id: str | None = None
    reason: str | None = None


@dataclass
class RunSummary:
    """A run's counts and notable events (everything but 'unchanged' files)."""

    run_id: int
    started_at: str
    sources: list[str]
    status: str = "running"
    finished_at: str | None = None
    error: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    events: list[Event] = field(default_factory=list)

    def add(self, event: Event) -> None:
        self.counts[event.outcome] += 1
        if event.outcome != "unchanged":
            self.events.append(event)

    def remove(self, event: Event) -> None:
        """Forget an event whose writes were rolled back."""
        self.counts[event.outcome] -= 1
        self.events = [e for e in self.events if e is not event]

    def of(self, *outcomes: str) -> list[Event]:
        return [e for e in self.events if e.outcome in outcomes]

    @property
    def report_ids(self) -> list[str]:
        """Reports this run added: new documents and new versions."""
        return [e.report_id for e in self.of("new", "updated") if e.report_id]

    def reasons(self) -> list[dict[str, Any]]:
        return [asdict(e) for e in self.of("quarantined", "failed")]

    def as_dict(self) -> dict[str, Any]:
        """The JSON document of `--summary`."""
        return {"run_id": self.run_id, "status": self.status, "started_at": self.started_at,
                "finished_at": self.finished_at, "error": self.error, "sources": self.sources,
                "counts": self.counts, "events": [asdict(e) for e in self.events]}

    def text(self) -> str:
        """The lines an operator reads in the log."""
        c = self.counts
        lines = [f"run {self.run_id} {self.status}: {c['new']} new, {c['updated']} updated, "
                 f"{c['duplicate']} duplicate, {c['unchanged']} unchanged, "
                 f"{c['quarantined']} quarantined, {c['failed']} failed"]
        lines += [f"  {e.outcome} {e.name}: {e.reason}" for e in self.of("quarantined", "failed")]
        return "\n".join(lines)


def start_run(store: Store, sources: list[str]) -> RunSummary:
    """Record a new run; runs still 'running' died without finishing (we hold the lock)."""
    summary = RunSummary(0, now(), sources)
    with store.transaction() as c:
        c.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        cur = c.execute("INSERT INTO runs (started_at, status, sources) VALUES (?, 'running', ?)",
                        (summary.started_at, json.dumps(sources)))
    summary.run_id = int(cur.lastrowid or 0)
    return summary


def save_progress(c: sqlite3.Connection, summary: RunSummary) -> None:
    """Rewrite the run's row; call inside the transaction that stores the work."""
    c.execute("""UPDATE runs SET status = ?, finished_at = ?, error = ?, counts = ?,
                 reasons = ?, report_ids = ? WHERE run_id = ?""",
              (summary.status, summary.finished_at, summary.error, json.dumps(summary.counts),
               json.dumps(summary.reasons(), ensure_ascii=False),
               json.dumps(summary.report_ids), summary.run_id))


def finish_run(store: Store, summary: RunSummary, error: str | None = None) -> None:
    summary.status = "failed" if error else "completed"
    summary.error, summary.finished_at = error, now()
    with store.transaction() as c:
        save_progress(c, summary)
