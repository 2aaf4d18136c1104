"""Where a passage sits, as evidence: its heading and its neighbours.

Coders read a passage in context. Text under a sub-heading such as "Blurring
boundaries" (in a Joining the Dots section) or "1. Information sharing:" is
about what the heading names, and a passage that opens with a short run-in
heading ("Leading with care. The young adults' group ...") says so itself.
Neighbouring passages in the same section often continue the same topic.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from spacy.tokens import Doc

from reportmine.tagging.conventions import default_conventions
from reportmine.tagging.keywords import KeywordMatcher, default_matcher
from reportmine.tagging.tagger import PassageInput
from reportmine.text import doc_lemmas, nlp, sentences

RUN_IN_MAX_WORDS = 6


def run_in_heading(text: str) -> str:
    """The passage's opening sentence when it is a short run-in heading
    ("Care for the carers."), else ""."""
    parts = sentences(text)
    if len(parts) < 2 or len(parts[0].split()) > RUN_IN_MAX_WORDS:
        return ""
    return parts[0]


def heading_of(passage: PassageInput) -> str:
    """Everything that heads the passage: its sub-heading and any run-in heading."""
    return " ".join(h for h in (passage.subheading or "", run_in_heading(passage.text)) if h)


@dataclass
class PassageEvidence:
    """Codebook pattern hits (label id -> terms) in the passage, its heading
    and its neighbours in the same section, the passage as lemmas, and the
    coding-convention situations found in the passage (label id -> rules);
    also the passage's pipeline doc, so evidence can be quoted from it
    without reading the text again."""

    text: dict[str, list[str]] = field(default_factory=dict)
    heading: dict[str, list[str]] = field(default_factory=dict)
    neighbours: dict[str, list[str]] = field(default_factory=dict)
    lemmas: str = ""
    rules: dict[str, list[str]] = field(default_factory=dict)
    doc: Doc | None = field(default=None, repr=False, compare=False)


def gather_evidence(passages: Sequence[PassageInput],
                    matcher: KeywordMatcher | None = None) -> list[PassageEvidence]:
    """Pattern and convention hits for many passages from one pass of the
    pipeline; each distinct text is read once (a passage's neighbours are
    usually other passages of the same batch)."""
    m = matcher or default_matcher()
    conventions = default_conventions()
    texts = list(dict.fromkeys(t for p in passages for t in (p.text, p.before, p.after)))
    docs = list(nlp().pipe(texts, batch_size=256))
    found = dict(zip(texts, (m.evidence_in(doc) for doc in docs)))
    rules = dict(zip(texts, conventions.evidence_many(texts, docs)))
    doc_of = dict(zip(texts, docs))
    heading = m.evidence_many(heading_of(p) for p in passages)
    return [PassageEvidence(found[p.text], h, _merged(found[p.before], found[p.after]),
                            doc_lemmas(doc_of[p.text]), rules[p.text], doc_of[p.text])
            for p, h in zip(passages, heading)]


def _merged(a: dict[str, list[str]], b: dict[str, list[str]]) -> dict[str, list[str]]:
    return {label: list(dict.fromkeys(a.get(label, []) + b.get(label, [])))
            for label in {**a, **b}}


def with_neighbours(rows: Sequence[dict[str, Any]]) -> list[PassageInput]:
    """Passage inputs from rows in reading order, each knowing the text of the
    passages before and after it in the same section of the same report
    (rows carry text, section, subheading, kind, report_id and position)."""
    out: list[PassageInput] = []
    for _, group in groupby(rows, key=lambda r: (r.get("report_id"), r.get("position"))):
        block = list(group)
        for i, row in enumerate(block):
            out.append(PassageInput(
                row["text"], row.get("section") or "section.other", row.get("subheading"),
                row.get("kind"),
                before=block[i - 1]["text"] if i > 0 else "",
                after=block[i + 1]["text"] if i + 1 < len(block) else ""))
    return out
