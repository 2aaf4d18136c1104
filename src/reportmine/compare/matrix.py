"""The framework matrix: how strongly each partnership's report engages each label.

A cell's score is the summed tag score of the passages the label is assigned
to, as a fraction of FULL_ENGAGEMENT passages (capped at 1): one passing
passage scores low, a theme the report returns to again and again scores near
1. `passages` counts those passages; the quotes come from the strongest ones.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportmine.compare.sentences import Sentence, is_statement, partnership_name, passage_sentences

FULL_ENGAGEMENT = 5.0  # passages' worth of tag score that counts as full engagement
QUOTES_PER_CELL = 3


@dataclass
class Cell:
    """One partnership's engagement with one label."""

    score: float
    passages: int
    quotes: list[Sentence] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "passages": self.passages,
                "quotes": [q.citation() for q in self.quotes]}


@dataclass
class PartnershipRow:
    """A partnership (one current report) and its cells, by label id."""

    partnership: str
    report_id: str
    region: str | None
    cells: dict[str, Cell]
    n_passages: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"partnership": self.partnership, "report_id": self.report_id,
                "region": self.region,
                "cells": {label: cell.as_dict() for label, cell in self.cells.items()}}


def build_matrix(reports: Sequence[dict[str, Any]], passages: Sequence[dict[str, Any]],
                 labels: Sequence[str]) -> list[PartnershipRow]:
    """One row per report, one cell per label."""
    by_report: dict[str, list[dict[str, Any]]] = {r["report_id"]: [] for r in reports}
    for passage in passages:
        if passage["report_id"] in by_report:
            by_report[passage["report_id"]].append(passage)
    return [PartnershipRow(partnership=partnership_name(report), report_id=report["report_id"],
                           region=report.get("region"),
                           cells={label: _cell(report, by_report[report["report_id"]], label)
                                  for label in labels},
                           n_passages=len(by_report[report["report_id"]]))
            for report in reports]


def _cell(report: dict[str, Any], passages: list[dict[str, Any]], label: str) -> Cell:
    ranked = sorted(passages, key=lambda p: -float((p["scores"] or {}).get(label, 0.0)))
    assigned = [p for p in ranked if label in (p["labels"] or ())]
    total = sum(float((p["scores"] or {}).get(label, 0.0)) for p in assigned)
    score = round(min(1.0, total / FULL_ENGAGEMENT), 3)
    quotes: list[Sentence] = []
    for passage in assigned:
        statements = [s for s in passage_sentences(passage, report) if is_statement(s)]
        if statements:
            quotes.append(statements[0])
        if len(quotes) == QUOTES_PER_CELL:
            break
    return Cell(score=score, passages=len(assigned), quotes=quotes)
