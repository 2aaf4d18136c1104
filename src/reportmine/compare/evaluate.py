"""Score shared learning against the gold cross-partnership learning points.

The rule is the issue's: a gold point is found when ONE of the first `top`
entries names at least two of the point's partnerships with quotes that are the
point's sentences or overlap them, counting at most two quotes per partnership
in an entry (so a giant entry quoting everything finds nothing). Gold points
are restricted to the chosen split's reports present in the database and kept
when at least two of their partnerships remain.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportmine.compare.shared import SharedPoint, shared_learning
from reportmine.errors import ReportmineError
from reportmine.gold import stem, stored_reports, words
from reportmine.store import Store

SPLITS = {"test+real": ("test", "real"), "test": ("test",), "real": ("real",),
          "train": ("train",), "all": ("train", "test", "real")}
QUOTES_COUNTED = 2
MIN_RUN = 5  # words in common, in a row, for two quotes to overlap


def overlaps(quote: str, gold: str) -> bool:
    """True when the quote is the gold text, contains it, lies inside it, or
    shares a run of words with it (MIN_RUN words, or all of the shorter)."""
    a, b = words(quote), words(gold)
    if not a or not b:
        return False
    need = min(MIN_RUN, len(a), len(b))
    grams = {tuple(a[i:i + need]) for i in range(len(a) - need + 1)}
    return any(tuple(b[i:i + need]) in grams for i in range(len(b) - need + 1))


@dataclass
class GoldPoint:
    """A gold learning point: its description and quotes by report id."""

    point: str
    quotes: dict[str, list[str]]


@dataclass
class CompareEvaluation:
    split: str
    top: int
    found: list[str]
    missed: list[str]
    genuine_top10: int
    n_top10: int
    n_entries: int
    reports: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        total = len(self.found) + len(self.missed)
        return len(self.found) / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"split": self.split, "top": self.top, "reports": self.reports,
                "n_points": len(self.found) + len(self.missed), "n_found": len(self.found),
                "recall": round(self.recall, 4), "found": self.found, "missed": self.missed,
                "n_entries": self.n_entries, "genuine_in_top10": self.genuine_top10,
                "n_top10": self.n_top10}

    def text(self) -> str:
        n = len(self.found) + len(self.missed)
        lines = [f"split: {self.split}  reports: {len(self.reports)}  "
                 f"shared-learning entries: {self.n_entries}",
                 f"recall in top {self.top}: {len(self.found)}/{n} = {self.recall:.1%}",
                 f"genuine shared points in top 10: {self.genuine_top10}/{self.n_top10}"]
        lines += [f"  found:  {p}" for p in self.found]
        lines += [f"  missed: {p}" for p in self.missed]
        return "\n".join(lines)


def gold_points(gold: dict[str, Any], stem_to_report: dict[str, str],
                split: str) -> list[GoldPoint]:
    """Gold points restricted to reports of the split present, with >= 2 left."""
    splits = SPLITS[split]
    in_split = {stem(r) for r in gold["reports"] if r.get("split") in splits}
    points = []
    for item in gold.get("shared_learning", []):
        quotes: dict[str, list[str]] = {}
        for q in item["quotes"]:
            if q["file_stem"] in in_split and q["file_stem"] in stem_to_report:
                quotes.setdefault(stem_to_report[q["file_stem"]], []).append(q["text"])
        if len(quotes) >= 2:
            points.append(GoldPoint(point=item["point"], quotes=quotes))
    return points


def finds(entry: SharedPoint, point: GoldPoint) -> bool:
    """True when the entry quotes at least two of the point's partnerships with
    the point's sentences (first two quotes of each partnership only)."""
    counted: dict[str, list[str]] = {}
    for q in entry.quotes:
        bucket = counted.setdefault(q.report_id, [])
        if len(bucket) < QUOTES_COUNTED:
            bucket.append(q.text)
    hits = sum(1 for rid, texts in counted.items()
               if any(overlaps(t, g) for t in texts for g in point.quotes.get(rid, [])))
    return hits >= 2


def score_entries(entries: Sequence[SharedPoint], points: Sequence[GoldPoint], split: str,
                  top: int) -> CompareEvaluation:
    head = list(entries[:top])
    found = [p.point for p in points if any(finds(e, p) for e in head)]
    missed = [p.point for p in points if p.point not in found]
    first10 = list(entries[:10])
    genuine = sum(1 for e in first10 if any(finds(e, p) for p in points))
    return CompareEvaluation(split=split, top=top, found=found, missed=missed,
                             genuine_top10=genuine, n_top10=len(first10),
                             n_entries=len(entries))


def evaluate(store: Store, gold: dict[str, Any], split: str = "test+real",
             top: int = 20) -> CompareEvaluation:
    """Shared learning over the split's reports in the database, against the gold points."""
    splits = SPLITS[split]
    stem_to_report = stored_reports(store, gold, splits)
    if not stem_to_report:
        raise ReportmineError(f"none of the gold '{split}' reports is in the database")
    points = gold_points(gold, stem_to_report, split)
    entries = shared_learning(store, report_ids=list(stem_to_report.values()))
    result = score_entries(entries, points, split, top)
    result.reports = sorted(stem_to_report)
    return result
