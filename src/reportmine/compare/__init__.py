"""Comparative summaries across partnerships: the framework matrix, shared,
distinctive and transferable learning, every quote verbatim and cited.

`compare(store, ...)` builds the whole `Comparison`; `shared_learning(store)`
gives the recurring learning points on their own (the nightly digest uses it to
say which points a new report joins or starts).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportmine.compare.matrix import PartnershipRow, build_matrix
from reportmine.compare.sentences import (Sentence, current_reports, load_passages,
                                          partnership_name, passage_sentences)
from reportmine.compare.shared import SharedPoint, find_learning, shared_learning
from reportmine.compare.transfer import transferable_learning
from reportmine.errors import ReportmineError
from reportmine.regions import canonical_region
from reportmine.store import Store
from reportmine.tagging.codebook import load_codebook

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Comparison", "SharedPoint", "compare", "shared_learning"]

_PARTNERSHIP_SUFFIX = re.compile(
    r"\s*(children'?s\s+)?safeguarding\s+(children'?s?\s+)?partnership\b.*$", re.IGNORECASE)


def short_name(partnership: str) -> str:
    """'Carnbury and the Moors Safeguarding Partnership' -> 'Carnbury and the Moors',
    for chart axes and table headers."""
    return _PARTNERSHIP_SUFFIX.sub("", partnership).strip() or partnership


@dataclass
class Comparison:
    """Everything `reportmine compare` shows, as data."""

    labels: list[str]
    label_names: dict[str, str]
    rows: list[PartnershipRow]
    shared: list[SharedPoint]
    distinctive: list[SharedPoint]
    transferable: dict[str, list[Sentence]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The `compare --format json` document."""
        return {
            "labels": self.labels,
            "partnerships": [row.as_dict() for row in self.rows],
            "shared_learning": [point.as_dict() for point in self.shared],
            "distinctive_learning": [
                {"partnership": p.partnerships[0], "report_id": p.report_ids[0],
                 "quotes": [q.citation() for q in p.quotes]} for p in self.distinctive],
            "transferable_learning": {
                label: [q.cited_quote() for q in quotes]
                for label, quotes in self.transferable.items()},
        }

    def matrix_frame(self, value: str = "score") -> pd.DataFrame:
        """Partnerships × labels of cell `score` or `passages`."""
        import pandas as pd

        return pd.DataFrame(
            [[getattr(row.cells[label], value) for label in self.labels] for row in self.rows],
            index=pd.Index([row.partnership for row in self.rows], name="partnership"),
            columns=pd.Index(self.labels, name="label"))

    def region_prevalence(self) -> pd.DataFrame:
        """Regions × labels: the share of passages tagged with the label, averaged
        over the region's partnerships (how much of their reports the theme fills)."""
        import pandas as pd

        counts = self.matrix_frame("passages")
        totals = pd.Series([max(row.n_passages, 1) for row in self.rows], index=counts.index)
        regions = [row.region or "(no region)" for row in self.rows]
        share = counts.div(totals, axis=0)
        return share.groupby(pd.Index(regions, name="region")).mean().astype(float)

    def shared_frame(self) -> pd.DataFrame:
        """One row per quote of each shared learning point, ranked."""
        import pandas as pd

        return pd.DataFrame(
            [{"rank": rank, "point": p.point, "labels": ", ".join(p.labels),
              "n_partnerships": len(p.partnerships), **q.cited_quote()}
             for rank, p in enumerate(self.shared, start=1) for q in p.quotes],
            columns=["rank", "point", "labels", "n_partnerships", "partnership", "report_id",
                     "text", "section", "heading", "page"])


def compare(store: Store, labels: Sequence[str] | None = None,
            regions: Sequence[str] | None = None,
            partnerships: Sequence[str] | None = None) -> Comparison:
    """Compare the current reports (optionally of some regions or partnerships)
    on all codebook labels or the ones given."""
    codebook = load_codebook()
    names = {label.id: label.name for label in codebook.labels}
    unknown = [label for label in labels or () if label not in names]
    if unknown:
        raise ReportmineError(f"unknown label id '{unknown[0]}' (see CODEBOOK.md for the ids)")
    chosen_labels = list(dict.fromkeys(labels)) if labels else codebook.ids
    reports = _select(current_reports(store), regions, partnerships)
    passages = load_passages(store, reports)
    by_id = {r["report_id"]: r for r in reports}
    sentences = [s for p in passages for s in passage_sentences(p, by_id[p["report_id"]])]
    learning = find_learning(sentences)
    wanted = set(chosen_labels)
    shared = [p for p in learning.shared if not labels or wanted & set(p.labels)]
    return Comparison(labels=chosen_labels, label_names={k: names[k] for k in chosen_labels},
                      rows=build_matrix(reports, passages, chosen_labels), shared=shared,
                      distinctive=learning.distinctive,
                      transferable=transferable_learning(sentences, chosen_labels))


def _select(reports: list[dict[str, Any]], regions: Sequence[str] | None,
            partnerships: Sequence[str] | None) -> list[dict[str, Any]]:
    """Reports in any of the regions and matching any of the partnership names
    (case-insensitive; a partnership matches by part of its name or its report id)."""
    if not reports:
        raise ReportmineError("no current reports to compare (run 'reportmine ingest' first)")
    if regions:
        wanted = {canonical_region(r).casefold() for r in regions}
        reports = [r for r in reports
                   if canonical_region(r.get("region") or "").casefold() in wanted]
        if not reports:
            raise ReportmineError(f"no current report in region {', '.join(regions)}")
    if partnerships:
        needles = [p.casefold() for p in partnerships]
        reports = [r for r in reports
                   if any(n in partnership_name(r).casefold() or n == r["report_id"]
                          for n in needles)]
        if not reports:
            raise ReportmineError(f"no current report of partnership {', '.join(partnerships)}")
    return reports
