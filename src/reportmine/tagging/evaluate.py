"""Evaluate a tagger against the gold annotations, on passages as parsed.

Gold passages are matched to stored passages by normalised text (exact, else
the shortest stored passage containing it), so the
score reflects the whole pipeline (parser sections and splits included); a
gold passage the parser did not reproduce counts as predicted with no
labels rather than being dropped, which would flatter the figures. A few
hundred passages leave micro-F1 uncertain by several points, so it comes
with a bootstrap interval (passages resampled with replacement).
"""
from __future__ import annotations

import dataclasses
import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reportmine.bootstrap import LEVEL, interval, micro_f1
from reportmine.errors import ReportmineError
from reportmine.gold import file_name, squash, stem, stored_reports
from reportmine.store import Store
from reportmine.tagging.codebook import load_codebook, with_implied
from reportmine.tagging.context import with_neighbours
from reportmine.tagging.tagger import Tag, Tagger

MACRO_MIN_SUPPORT = 5


@dataclass
class PassageError:
    """A gold passage tagged differently from its gold labels: the gold labels
    it missed and the labels assigned beyond them (label, score, evidence)."""

    report: str
    page: int | None  # None: the parser did not reproduce the passage
    section: str
    text: str
    missed: list[dict[str, Any]]
    extra: list[dict[str, Any]]


@dataclass
class Evaluation:
    per_label: dict[str, dict[str, float]]
    micro: dict[str, float]
    macro: dict[str, float]
    n_gold: int
    n_matched: int
    reports: list[str] = field(default_factory=list)
    micro_f1_interval: tuple[float, float] = (0.0, 0.0)
    # precision and count of the assigned tags the codebook backs, and of those
    # the model alone assigned: how far each kind of tag can be trusted
    by_evidence: dict[str, dict[str, float | None]] = field(default_factory=dict)
    # the gold passages whose labels the tagger got wrong, in report order
    errors: list[PassageError] = field(default_factory=list)

    def as_dict(self, errors: bool = False) -> dict[str, Any]:
        out = {"reports": self.reports, "n_gold_passages": self.n_gold,
               "n_matched": self.n_matched, "micro": self.micro, "macro": self.macro,
               "micro_f1_interval": list(self.micro_f1_interval),
               "interval_level": LEVEL,
               "macro_min_support": MACRO_MIN_SUPPORT, "per_label": self.per_label,
               "by_evidence": self.by_evidence}
        return {**out, "errors": [dataclasses.asdict(e) for e in self.errors]} if errors else out

    def error_text(self) -> str:
        """Each wrongly tagged gold passage with what was missed and what was
        assigned beyond the gold labels, with scores and evidence."""
        lines = [f"{len(self.errors)} of {self.n_gold} gold passages tagged differently "
                 "from the gold labels:"]
        for e in self.errors:
            where = f"p{e.page}" if e.page is not None else "not found in the stored passages"
            lines += ["", f"{e.report} {where} [{e.section}]", textwrap.fill(
                e.text, 96, initial_indent="  ", subsequent_indent="  ", max_lines=3)]
            lines += [f"  missed {t['label']} {t['score']:.2f}" for t in e.missed]
            lines += [textwrap.fill(f"  extra  {t['label']} {t['score']:.2f}: "
                                    f"{', '.join(t['evidence'])}", 96, subsequent_indent=" " * 9)
                      for t in e.extra]
        return "\n".join(lines)

    def text(self) -> str:
        lines = [f"reports: {len(self.reports)}  gold passages: {self.n_gold}  "
                 f"matched to stored: {self.n_matched}",
                 f"{'label':42} {'prec':>6} {'rec':>6} {'f1':>6} {'support':>8}"]
        for label, m in self.per_label.items():
            lines.append(f"{label:42} {m['precision']:6.3f} {m['recall']:6.3f} "
                         f"{m['f1']:6.3f} {int(m['support']):8d}")
        for name, m in (("micro", self.micro), (f"macro (support>={MACRO_MIN_SUPPORT})",
                                                  self.macro)):
            lines.append(f"{name:42} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}")
        low, high = self.micro_f1_interval
        lines.append(f"micro-F1 {LEVEL:.0%} interval (bootstrap over {self.n_gold} passages): "
                     f"{low:.3f}-{high:.3f}")
        lines.append(f"assigned tags backed by the codebook: {self.evidence_precision('codebook')}; "
                     f"by the model alone: {self.evidence_precision('model')}")
        return "\n".join(lines)

    def evidence_precision(self, source: str) -> str:
        """"precision 0.689 (212 tags)" for one kind of evidence ('codebook' or 'model')."""
        m = self.by_evidence[source]
        shown = "-" if m["precision"] is None else f"{m['precision']:.3f}"
        return f"precision {shown} ({m['tags']} tags)"


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "support": tp + fn}


def _match(norm: str, by_text: dict[str, int]) -> int | None:
    """Exact normalised text, else the shortest stored passage containing the gold
    text (the parser merged it with a neighbour or kept a list number)."""
    if norm in by_text:
        return by_text[norm]
    containing = [k for k in by_text if norm in k] if len(norm) >= 20 else []
    return by_text[min(containing, key=len)] if containing else None


@dataclass
class Scored:
    """One gold passage and the tags a tagger gave it ({} when the parser did
    not reproduce the passage), with where it sits for the error list."""

    truth: set[str]
    tags: dict[str, Tag]
    report: str
    page: int | None
    section: str
    text: str


def evaluate(store: Store, gold: dict[str, Any], tagger: Tagger, split: str = "test") -> Evaluation:
    """Per-label, micro and macro precision/recall/F1 on one split, several
    joined by "+" ("test+real": every held-out report, pooled) or "all"."""
    ids = load_codebook().ids
    wanted = set(split.split("+"))
    reports = [r for r in gold["reports"] if split == "all" or r.get("split") in wanted]
    if not reports:
        raise ReportmineError(f"the gold file has no reports in split '{split}'")
    if not any(r.get("passages") for r in reports):
        raise ReportmineError(f"the gold reports in split '{split}' have no passages to score")
    stored = stored_reports(store, gold)
    missing = [file_name(r) for r in reports if stem(r) not in stored]
    if missing:
        raise ReportmineError(f"gold reports not ingested: {', '.join(missing[:5])} "
                              "(run 'reportmine ingest' on them first)")
    scored: list[Scored] = []
    for report in reports:
        rows = store.passages(stored[stem(report)])
        rows = [{**row, "position": row["section_position"]} for row in rows]
        by_text: dict[str, int] = {}
        for i, row in enumerate(rows):
            by_text.setdefault(squash(row["text"]), i)
        predicted = tagger.tag(with_neighbours(rows))
        for g in report.get("passages") or []:
            if not squash(g["text"]):
                continue
            m = _match(squash(g["text"]), by_text)
            scored.append(Scored(
                set(with_implied(g.get("labels") or [])) & set(ids),
                {t.label: t for t in predicted[m]} if m is not None else {},
                file_name(report), rows[m]["page"] if m is not None else None,
                rows[m]["section"] if m is not None else g.get("section") or "", g["text"]))
    return score(scored, [file_name(r) for r in reports])


def score(scored: list[Scored], reports: list[str]) -> Evaluation:
    """The figures of an `Evaluation` from gold passages and their tags; a
    passage counts as matched to a stored one when it has tags."""
    ids = load_codebook().ids
    counts = {label: [0, 0, 0] for label in ids}  # tp, fp, fn
    sources = {"codebook": [0, 0], "model": [0, 0]}  # assigned tags: correct, all
    per_passage: list[tuple[int, int, int]] = []
    errors: list[PassageError] = []
    for s in scored:
        pred = {label for label, t in s.tags.items() if t.assigned}
        for label in pred:
            source = sources["model" if s.tags[label].model_only else "codebook"]
            source[0] += label in s.truth
            source[1] += 1
        if pred != s.truth:
            errors.append(PassageError(
                s.report, s.page, s.section, s.text,
                [{"label": label, "score": s.tags[label].score if label in s.tags else 0.0}
                 for label in sorted(s.truth - pred)],
                [{"label": label, "score": s.tags[label].score, "evidence": s.tags[label].evidence}
                 for label in sorted(pred - s.truth)]))
        per_passage.append((len(pred & s.truth), len(pred - s.truth), len(s.truth - pred)))
        for label in ids:
            c = counts[label]
            c[0] += label in pred and label in s.truth
            c[1] += label in pred and label not in s.truth
            c[2] += label not in pred and label in s.truth
    per_label = {label: _prf(*c) for label, c in counts.items()}
    micro = _prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    macro_labels = [m for m in per_label.values() if m["support"] >= MACRO_MIN_SUPPORT]
    macro = {k: round(sum(m[k] for m in macro_labels) / len(macro_labels), 4) if macro_labels
             else 0.0 for k in ("precision", "recall", "f1")}
    macro["n_labels"] = len(macro_labels)
    by_evidence = {name: {"precision": round(right / n, 4) if n else None, "tags": n}
                   for name, (right, n) in sources.items()}
    return Evaluation(per_label, micro, macro, len(scored), sum(bool(s.tags) for s in scored),
                      reports, interval(np.array(per_passage).reshape(-1, 3), micro_f1),
                      by_evidence, errors)
