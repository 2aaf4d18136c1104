"""Taggers that score one passage against every codebook label.

Two implementations share one interface so evaluation can compare them:
`KeywordTagger` (codebook patterns only, the transparent baseline) and
`TrainedTagger` (logistic regression per label, thresholds tuned by
cross-validation on the training split). Both apply the passage-level coding
conventions, so a heading or prompt question never carries a label.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

from reportmine.tagging.codebook import COMPLEXITY_PREFIX, HOLDING, Codebook, load_codebook
from reportmine.tagging.keywords import KeywordMatcher, default_matcher, no_label_passage


MODEL_EVIDENCE = "model: "  # marks the classifier's reasons for a tag the codebook does not back


@dataclass
class Tag:
    """A label's score in [0, 1], whether it is assigned, and why."""

    label: str
    score: float
    assigned: bool
    evidence: list[str] = field(default_factory=list)

    @property
    def model_only(self) -> bool:
        """Whether nothing of the codebook (pattern, heading, convention rule)
        backs the tag: the trained classifier alone assigned it."""
        return all(e.startswith(MODEL_EVIDENCE) for e in self.evidence)


@dataclass
class PassageInput:
    """What a tagger sees of a passage: its text and where it sits, including
    the text of its neighbours in the same section ("" at a section's edge)."""

    text: str
    section: str = "section.other"
    subheading: str | None = None
    kind: str | None = None
    before: str = ""
    after: str = ""


class Tagger(Protocol):
    version: str
    codebook_version: str

    def tag(self, passages: list[PassageInput]) -> list[list[Tag]]: ...


def keyword_score(n_terms: int) -> float:
    """A score in [0, 1) from the number of distinct pattern terms found:
    one term 0.5, two 0.75, and so on."""
    return 1 - math.pow(0.5, n_terms)


def apply_conventions(tags: list[Tag], passage: PassageInput,
                      codebook: Codebook | None = None) -> list[Tag]:
    """No labels for non-substantive passages (titles read from `codebook`,
    default the project's); a complexity domain implies holding."""
    if no_label_passage(passage.text, passage.kind, codebook, passage.section):
        for t in tags:
            t.assigned = False
        return tags
    by_label = {t.label: t for t in tags}
    holding = by_label.get(HOLDING)
    domains = [t for t in tags if t.label.startswith(COMPLEXITY_PREFIX) and t.assigned]
    if holding is not None and domains:
        holding.assigned = True
        holding.score = max([holding.score] + [d.score for d in domains])
        for d in domains:
            holding.evidence += [e for e in d.evidence if e not in holding.evidence]
    return tags


class KeywordTagger:
    """Assigns a label whenever one of its codebook patterns occurs."""

    def __init__(self, codebook: Codebook | None = None) -> None:
        self.codebook = codebook or load_codebook()
        self.matcher = default_matcher() if codebook is None else KeywordMatcher(codebook)
        self.codebook_version = self.codebook.version
        self.version = f"keyword-{self.codebook.version}"

    def tag(self, passages: list[PassageInput]) -> list[list[Tag]]:
        out = []
        for p in passages:
            found = self.matcher.evidence(p.text)
            tags = [Tag(label, round(keyword_score(len(found.get(label, []))), 4),
                        bool(found.get(label)), list(found.get(label, [])))
                    for label in self.codebook.ids]
            out.append(apply_conventions(tags, p, self.codebook))
        return out
