"""An answer: passages grouped by partnership, or a plain 'nothing answers'.

Partnerships are ranked by evidence: their best passage, plus a little for
each of their next best (a report that speaks to the question in several
places is likelier to answer it than one with a single chance match). A
partnership answers when that evidence is close enough to the best
partnership's (every hit already covers enough of the question's own words;
label tags only rank), otherwise weak matches would pad every answer. A
question whose content the corpus mostly never mentions, or whose best match
is weak, gets no answer at all.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from reportmine.ask.query import Filters, as_written, coordinated
from reportmine.ask.retrieve import Concept, Hit
from reportmine.text import only_a_verb

RELATIVE_TO_BEST = 0.65  # a partnership's evidence against the best partnership's
SUPPORTING_PASSAGES = 2  # next-best passages that add to a partnership's evidence
SUPPORTING_WEIGHT = 0.1  # ... each at this share of its score
MIN_BEST_SCORE = 0.5     # below this even the best match is a weak one: abstain
UNKNOWN_SHARE = 0.5      # the corpus never uses this share of the question's content: abstain
MAX_PASSAGES = 3
PASSAGE_RELATIVE = 0.8   # further passages must score this close to the partnership's best
OTHER_SECTIONS_DISCOUNT = 0.65  # ordering within a partnership: evidence sections first


@dataclass
class PartnershipAnswer:
    partnership: str
    report_id: str
    region: str | None
    score: float
    passages: list[Hit]

    def as_dict(self) -> dict[str, Any]:
        return {"partnership": self.partnership, "report_id": self.report_id,
                "region": self.region, "score": self.score,
                "passages": [{"passage_id": h.passage_id, "text": h.text, "section": h.section,
                              "page": h.page, "score": h.score} for h in self.passages]}


@dataclass
class Answer:
    question: str
    filters: Filters
    answers: list[PartnershipAnswer] = field(default_factory=list)
    # words of the question no stored passage uses, so a reader knows the
    # answers (or their absence) rest on the rest of the question
    absent_words: list[str] = field(default_factory=list)
    # the question asked nothing beyond its filters: the answers are the
    # partnerships whose details match them (listing.py)
    filters_only: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "filters": self.filters.as_dict(),
                "answers": [a.as_dict() for a in self.answers],
                "absent_words": self.absent_words, "filters_only": self.filters_only}

    ROW_COLUMNS = ("rank", "partnership", "report_id", "region", "partnership_score",
                   "passage_id", "section", "page", "score", "text")

    def rows(self) -> list[dict[str, Any]]:
        """One flat record per cited passage, partnership rank first (for DataFrames)."""
        return [{"rank": rank, "partnership": a.partnership, "report_id": a.report_id,
                 "region": a.region, "partnership_score": a.score, "passage_id": h.passage_id,
                 "section": h.section, "page": h.page, "score": h.score, "text": h.text}
                for rank, a in enumerate(self.answers, start=1) for h in a.passages]

    def text(self, markdown: bool = False) -> str:
        """Readable answer: a header per partnership, passages cited [section, p N]."""
        quoted = ", ".join(f"'{w}'" for w in self.absent_words)
        unused = f"report uses the word{'s' * (len(self.absent_words) > 1)} {quoted}"
        if not self.answers and self.filters_only:
            return f"No current report's details match {_describe(self.filters)}."
        if not self.answers:
            reasons = [f"filters: {_describe(self.filters)}"] if self.filters.as_dict() else []
            reasons += [f"no {unused}"] if self.absent_words else []
            why = f" ({'; '.join(reasons)})" if reasons else ""
            return f"No passage in the corpus answers this question{why}."
        lines: list[str] = []
        if markdown:
            lines += [f"# {self.question}", ""]
        note = ""
        if self.filters_only:
            note = (f"Every partnership whose details match {_describe(self.filters)}, "
                    "newest project first; the question asks nothing else.")
        elif self.absent_words:
            note = f"No {unused}: these passages answer the rest of the question."
        if note:
            lines += [f"*{note}*" if markdown else note, ""]
        for a in self.answers:
            where = f" ({a.region})" if a.region else ""
            lines.append(f"## {a.partnership}{where}" if markdown
                         else f"{a.partnership}{where}  score {a.score:.2f}")
            for h in a.passages:
                cite = f"[{h.section.removeprefix('section.')}, p {h.page}]"
                if markdown:
                    lines.append(f"- {h.text} *{cite}*")
                else:
                    lines.append(textwrap.fill(f"{h.text} {cite}", width=100,
                                               initial_indent="  - ", subsequent_indent="    "))
            lines.append("")
        return "\n".join(lines).rstrip()


def _describe(filters: Filters) -> str:
    return ", ".join(f"{k}={' or '.join(v) if isinstance(v, tuple) else v}"
                     for k, v in filters.as_dict().items())


def _shown_score(hit: Hit, evidence: frozenset[str]) -> float:
    return hit.score if hit.section in evidence else OTHER_SECTIONS_DISCOUNT * hit.score


def unanswerable(found: list[Concept], lemmas: list[str]) -> bool:
    """True when most of what the question is about is in no passage at all
    ("Which areas discussed climate change?": 'change' alone must not
    produce an answer). Only its topic counts: not words that can only be
    verbs ('discuss', 'learn': what areas did, not what about; unless the
    question has nothing else, "Which areas merged?"), nor an
    unknown word listed beside a known one ('parents and carers' is answered
    by what reports say about parents)."""
    if all(c.doc_freq for c in found):
        return not found  # nothing unknown: no need to load the verb lexicon
    known = {c.term for c in found if c.doc_freq}
    beside = coordinated(lemmas)
    topic = [c for c in found if not only_a_verb(c.term)
             and (c.doc_freq or not beside.get(c.term, set()) & known)] or found
    total = sum(c.weight for c in topic)
    unknown = sum(c.weight for c in topic if not c.doc_freq)
    return not total or unknown >= UNKNOWN_SHARE * total


def absent_words(found: list[Concept], question: str) -> list[str]:
    """The question's words (as written) that no stored passage uses, each
    item of an "A, B or C" list on its own; a word the question wrote as an
    acronym (the word is one of its forms: "violence" of "VRU") as the acronym."""
    return list(dict.fromkeys(as_written(question, w.term, w.forms)
                              for c in found for w in c.words() if not w.doc_freq))


def evidence_score(report_hits: list[Hit]) -> float:
    """A partnership's evidence in [0, 1]: its best passage's score plus
    SUPPORTING_WEIGHT of each of its next SUPPORTING_PASSAGES (hits best first)."""
    extra = sum(h.score for h in report_hits[1:1 + SUPPORTING_PASSAGES])
    return round((report_hits[0].score + SUPPORTING_WEIGHT * extra)
                 / (1 + SUPPORTING_WEIGHT * SUPPORTING_PASSAGES), 4)


def group(hits: list[Hit], k: int, evidence: frozenset[str] = frozenset(),
          every: bool = False) -> list[PartnershipAnswer]:
    """Best passages per report for the qualifying reports, best report first.

    Within a partnership, passages of the `evidence` sections (where a report
    says what changed) are shown first unless they score under
    OTHER_SECTIONS_DISCOUNT of another passage; the partnership's own score
    is its evidence (`evidence_score`). With `every` (the question named the
    partnerships it wants), each report with a hit qualifies, however far
    behind the best."""
    by_report: dict[str, list[Hit]] = {}
    for hit in hits:  # hits come best first
        by_report.setdefault(hit.report_id, []).append(hit)
    if not by_report:
        return []
    if max(h[0].score for h in by_report.values()) < MIN_BEST_SCORE:
        return []
    weight = {rid: evidence_score(report_hits) for rid, report_hits in by_report.items()}
    top = max(weight.values())
    answers = []
    for rid, report_hits in by_report.items():
        if weight[rid] < RELATIVE_TO_BEST * top and not every:
            continue
        best = report_hits[0]
        shown = sorted(report_hits, key=lambda h: -_shown_score(h, evidence))
        chosen = shown[:1] + [h for h in shown[1:]
                              if h.score >= PASSAGE_RELATIVE * best.score][:MAX_PASSAGES - 1]
        answers.append(PartnershipAnswer(best.partnership, best.report_id, best.region,
                                         weight[rid], chosen))
    answers.sort(key=lambda a: (-a.score, a.partnership))
    return answers[:k]
