"""Score `ask` against the gold questions of corpus/gold.json.

Gold partnerships are restricted to reports present in the database, so a
database of the held-out reports gives held-out figures. Micro-averaged over
questions: partnership recall and precision, and the share of answered gold
(question, partnership) pairs whose top passage holds a gold quote (compared
on lowercase alphanumerics, or 80% of the quote's words), with bootstrap
intervals over questions (a few dozen pairs move a figure by several points).
Questions whose partnerships are all absent should be abstained on and are
counted apart. With `paraphrased`, each question is asked as its
paraphrases word it instead (same answers expected): the gold questions
share one phrasing ("Which areas ...?"), so this measures how much the
figures owe to it.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reportmine.ask import DEFAULT_K, ask
from reportmine.bootstrap import LEVEL, interval, ratio
from reportmine.errors import ReportmineError
from reportmine.gold import squash, stem, stored_reports, words
from reportmine.store import Store

QUOTE_WORD_SHARE = 0.8
# a gold question's "filters" are ask's keyword arguments other than k
ASK_FILTERS = tuple(name for name, p in inspect.signature(ask).parameters.items()
                    if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is None)


def holds_quote(passage: str, quote: str) -> bool:
    """The passage contains the quote, allowing for quote, dash and space changes."""
    if squash(quote) in squash(passage):
        return True
    quoted = set(words(quote))
    return bool(quoted) and len(quoted & set(words(passage))) >= QUOTE_WORD_SHARE * len(quoted)


@dataclass
class QuestionResult:
    question: str
    gold: list[str]
    predicted: list[str]
    top_passage_hits: int

    @property
    def correct(self) -> int:
        return len(set(self.gold) & set(self.predicted))


@dataclass
class AskEvaluation:
    questions: list[QuestionResult] = field(default_factory=list)
    abstain: list[QuestionResult] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        counts = np.array([(q.correct, len(q.predicted), len(q.gold), q.top_passage_hits)
                           for q in self.questions]).reshape(-1, 4)
        correct, predicted, gold, tops = (int(n) for n in counts.sum(axis=0))
        return {"recall": round(correct / gold, 4) if gold else 0.0,
                "precision": round(correct / predicted, 4) if predicted else 0.0,
                "top_passage": round(tops / correct, 4) if correct else 0.0,
                "abstained": sum(not q.predicted for q in self.abstain),
                # partnerships named for those questions: every one a wrong answer
                "named_when_none_answers": sum(len(q.predicted) for q in self.abstain),
                "recall_interval": interval(counts, lambda t: ratio(t[:, 0], t[:, 2])),
                "precision_interval": interval(counts, lambda t: ratio(t[:, 0], t[:, 1])),
                "interval_level": LEVEL}

    def as_dict(self) -> dict[str, Any]:
        return {**self.metrics(), "n_questions": len(self.questions),
                "n_should_abstain": len(self.abstain),
                "questions": [q.__dict__ for q in self.questions],
                "should_abstain": [q.__dict__ for q in self.abstain]}

    def text(self) -> str:
        m = self.metrics()
        lines = [f"questions: {len(self.questions)}  partnership recall {m['recall']:.3f}  "
                 f"precision {m['precision']:.3f}  top passage answers {m['top_passage']:.3f}",
                 f"{LEVEL:.0%} intervals (bootstrap over questions): recall "
                 f"{m['recall_interval'][0]:.3f}-{m['recall_interval'][1]:.3f}, precision "
                 f"{m['precision_interval'][0]:.3f}-{m['precision_interval'][1]:.3f}",
                 f"questions with no partnership in the database: {len(self.abstain)}, "
                 f"abstained on {m['abstained']}"
                 + (f" (the others named {m['named_when_none_answers']} partnerships)"
                    if m["named_when_none_answers"] else "")]
        for q in self.questions:
            missed = sorted(set(q.gold) - set(q.predicted))
            extra = sorted(set(q.predicted) - set(q.gold))
            lines.append(f"- {q.question}\n    found {q.correct}/{len(q.gold)}, "
                         f"top passage {q.top_passage_hits}/{q.correct}"
                         + (f"; missed {', '.join(missed)}" if missed else "")
                         + (f"; extra {', '.join(extra)}" if extra else ""))
        return "\n".join(lines)


def evaluate(store: Store, gold: dict[str, Any], k: int = DEFAULT_K,
             paraphrased: bool = False) -> AskEvaluation:
    """Ask every gold question (or each of its paraphrases) and compare with
    its partnerships and quotes."""
    stem_of_name = {(r.get("metadata") or {}).get("partnership"): stem(r)
                    for r in gold.get("reports", [])}
    present = stored_reports(store, gold)
    if not present or not gold.get("questions"):
        raise ReportmineError("no gold question's reports are in the database")
    asked = [(item, q) for item in gold["questions"]
             for q in (item.get("paraphrases") or [] if paraphrased else [item["q"]])]
    if not asked:
        raise ReportmineError("no gold question has paraphrases")
    stem_of_report = {rid: stem for stem, rid in present.items()}
    result = AskEvaluation()
    for item, question in asked:
        wanted = sorted({_stem_named(p, stem_of_name, item) for p in item["partnerships"]}
                        & set(present))
        answer = ask(store, question, k=k, **_filters(item))
        predicted = [stem_of_report.get(a.report_id, a.report_id) for a in answer.answers]
        quotes = [q for q in item.get("quotes", []) if q["file_stem"] in wanted]
        tops = sum(
            1 for a in answer.answers
            if stem_of_report.get(a.report_id) in wanted and any(
                holds_quote(a.passages[0].text, q["text"]) for q in quotes
                if q["file_stem"] == stem_of_report[a.report_id]))
        record = QuestionResult(question, wanted, predicted, tops)
        (result.questions if wanted else result.abstain).append(record)
    return result


def _stem_named(partnership: str, stem_of_name: dict[Any, str], item: dict[str, Any]) -> str:
    """The gold report of a partnership a question names; a name no gold
    report's metadata carries is a mistake in the gold file, not a miss."""
    if partnership not in stem_of_name:
        raise ReportmineError(f"gold question '{item['q']}' names partnership '{partnership}', "
                              "which no gold report's metadata.partnership has")
    return stem_of_name[partnership]


def _filters(item: dict[str, Any]) -> dict[str, Any]:
    """A gold question's filters, as `ask` keyword arguments."""
    filters = item.get("filters") or {}
    unknown = sorted(set(filters) - set(ASK_FILTERS))
    if unknown:
        raise ReportmineError(f"gold question '{item['q']}' has unknown filter(s) "
                              f"{', '.join(unknown)} (known: {', '.join(ASK_FILTERS)})")
    return filters
