"""The "what's new" digest: a Markdown note on a run's new reports for the programme team.

For each report the run added: partnership, region, the labels most of its
passages carry, and the learning points it shares with the corpus, either
joining a point older reports already make or starting one with the other
newcomers.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reportmine.nightly.runs import RunSummary
from reportmine.store import Store
from reportmine.tagging.codebook import load_codebook

TOP_LABELS = 3
POINTS_PER_REPORT = 5


class Point(Protocol):
    """What the digest needs of a shared learning point (reportmine.compare)."""

    point: str
    partnerships: list[str]
    report_ids: list[str]


@dataclass
class LabelStrength:
    label: str
    passages: int
    best_score: float


def strongest_labels(store: Store, report_id: str, top: int = TOP_LABELS) -> list[LabelStrength]:
    """Labels assigned to most passages of the report, ties broken by best score."""
    rows = store.conn.execute(
        """SELECT t.label, count(*) AS n, max(t.score) AS best
           FROM tags t JOIN passages p USING (passage_id)
           WHERE p.report_id = ? AND t.assigned
           GROUP BY t.label ORDER BY n DESC, best DESC, t.label LIMIT ?""",
        (report_id, top)).fetchall()
    return [LabelStrength(label, n, best) for label, n, best in rows]


def build_digest(store: Store, summary: RunSummary,
                 points: Sequence[Point] | None = None) -> str:
    """Markdown for the run; `points` are the corpus's shared learning points, if known."""
    names = {label.id: label.name for label in load_codebook().labels}
    added = summary.of("new", "updated")
    new_ids = {e.report_id for e in added}
    c = summary.counts
    lines = [f"# What's new: nightly run {summary.run_id}", "",
             f"Run started {summary.started_at}: {c['new']} new, {c['updated']} updated, "
             f"{c['duplicate']} duplicate, {c['quarantined']} quarantined, "
             f"{c['failed']} could not be fetched.", ""]
    if not added:
        lines += ["No new reports.", ""]
    for event in added:
        report = store.reports(event.report_id)[0]
        lines += _report_lines(store, report, event.outcome, names)
        if points is not None:
            lines += _point_lines(event.report_id, points, new_ids)
        lines.append("")
    problems = summary.of("quarantined", "failed")
    if problems:
        lines += ["## Not ingested", ""]
        lines += [f"- {e.name}: {e.reason}" for e in problems]
        lines.append("")
    return "\n".join(lines)


def _report_lines(store: Store, report: dict[str, Any], outcome: str,
                  names: dict[str, str]) -> list[str]:
    title = report["partnership"] or report["title"] or report["file_name"]
    lines = [f"## {title}", "",
             f"- Region: {report['region'] or 'not stated'}",
             f"- File: {report['file_name']} ({report['n_pages']} pages, "
             f"report `{report['report_id']}`)"]
    if outcome == "updated":
        old = store.conn.execute("SELECT report_id FROM reports WHERE superseded_by = ?",
                                 (report["report_id"],)).fetchall()
        lines.append("- New version of " + ", ".join(f"`{row[0]}`" for row in old))
    labels = strongest_labels(store, report["report_id"])
    lines.append("- Strongest labels: " + ("; ".join(
        f"{names.get(s.label, s.label)} ({s.passages} passages, best score {s.best_score:.2f})"
        for s in labels) or "none assigned"))
    return lines


def _point_lines(report_id: str, points: Sequence[Point], new_ids: set[str]) -> list[str]:
    """The report's shared points, best first: joined (older reports make it too) or
    started (only reports new in this run make it)."""
    mine = [p for p in points if report_id in p.report_ids]
    if not mine:
        return ["- Shared learning: none with other partnerships yet"]
    lines = [f"- Shared learning ({len(mine)} points"
             + (f", best {POINTS_PER_REPORT} shown):" if len(mine) > POINTS_PER_REPORT else "):")]
    for p in mine[:POINTS_PER_REPORT]:
        verb = "joins" if any(rid not in new_ids for rid in p.report_ids) else "starts"
        lines.append(f"  - {verb} \"{p.point}\" ({', '.join(p.partnerships)})")
    return lines


def run_digest(store: Store, summary: RunSummary) -> str:
    """The digest of a run, with the corpus's shared learning points when it added reports."""
    if not summary.report_ids:
        return build_digest(store, summary)
    from reportmine.compare.shared import shared_learning

    return build_digest(store, summary, shared_learning(store))
