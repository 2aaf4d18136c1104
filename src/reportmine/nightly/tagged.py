"""A parsed report together with its tags, ready to be stored in one transaction.

Tags are computed before the report is written, so the transaction that
stores the report also stores its tags and no reader ever sees one without
the other. The tagger (and spaCy under it) is loaded only when a run has a
report to tag: a night with nothing new never pays for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportmine.errors import ReportmineError
from reportmine.model import Report
from reportmine.store.db import passage_id

if TYPE_CHECKING:
    from reportmine.tagging.tagger import Tag, Tagger


@dataclass
class TaggedReport:
    """A parsed report and the tags of its passages, in reading order."""

    report: Report
    tags: list[list[Tag]]
    model_version: str
    codebook_version: str

    def by_passage_id(self) -> dict[str, list[Tag]]:
        """The tags keyed by the ids the passages get once the report is stored."""
        rid = self.report.report_id
        return {passage_id(rid, n): tags for n, tags in enumerate(self.tags, start=1)}


class LazyTagger:
    """Tags reports with the tagger of `kind` ('auto', 'keyword', 'trained'),
    loaded on first use."""

    def __init__(self, kind: str) -> None:
        if kind == "trained":  # fail before the run, not at its first report
            from reportmine.tagging.run import default_model_path

            if not default_model_path().exists():
                raise ReportmineError(f"no trained model at {default_model_path()} "
                                      "(run 'reportmine train' or use --model keyword)")
        self.kind = kind
        self.tagger: Tagger | None = None

    def tag(self, report: Report) -> TaggedReport:
        """Tag every passage, presented as `reportmine tag` presents stored ones."""
        from reportmine.tagging.context import with_neighbours
        from reportmine.tagging.run import load_tagger

        if self.tagger is None:
            self.tagger = load_tagger(self.kind)
        rows = [{"report_id": report.report_id, "position": position, "text": p.text,
                 "kind": p.kind, "subheading": p.subheading, "section": section.id}
                for position, section in enumerate(report.sections) for p in section.passages]
        tags = self.tagger.tag(with_neighbours(rows)) if rows else []
        return TaggedReport(report, tags, self.tagger.version, self.tagger.codebook_version)
