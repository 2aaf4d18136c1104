"""Keyword baseline: one spaCy PhraseMatcher rule per label, giving evidence spans.

Patterns and passages go through the same shared pipeline (`reportmine.text`:
spacy.blank("en") with lowercase lookup lemmas in Token.norm_), and the
matcher compares NORM, so "panels were merged" meets the pattern "merge
panel" and "sharing information" meets "share information".
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from reportmine.tagging.codebook import Codebook, load_codebook
from reportmine.text import nlp

_NO_LABEL_KINDS = {"table_header", "header", "heading"}


def no_label_passage(text: str, kind: str | None = None) -> bool:
    """Coding convention: headings, lead-ins, prompt questions and table
    headers say nothing substantive, so they get no labels."""
    t = text.strip()
    if kind in _NO_LABEL_KINDS or not t:
        return True
    if t.endswith("?"):
        return True
    words = len(t.split())
    return t.endswith(":") and words <= 25 or words <= 3


def pattern_variants(pattern: str) -> list[str]:
    """The pattern and its plural: the lookup lemmatiser reads "meeting" as
    the verb "meet" but "meetings" as the noun "meeting", so both forms are
    needed for one pattern to match both."""
    last = pattern.rsplit(" ", 1)[-1]
    if not last[-1:].isalpha() or last.endswith("s"):
        return [pattern]
    return [pattern, pattern + "s"]


@dataclass
class KeywordMatcher:
    """Finds each label's name and pattern phrases in a text (lemmatised, case-blind)."""

    codebook: Codebook

    def __post_init__(self) -> None:
        self._matcher = PhraseMatcher(nlp().vocab, attr="NORM")
        for label in self.codebook.labels:
            variants = [v for p in (label.name, *label.patterns) for v in pattern_variants(p)]
            self._matcher.add(label.id, list(nlp().pipe(variants)))

    def evidence(self, text: str) -> dict[str, list[str]]:
        """Label id -> matched terms (as written, deduplicated, in text order)."""
        return self._found(nlp()(text))

    def evidence_many(self, texts: Iterable[str]) -> list[dict[str, list[str]]]:
        """`evidence` over many texts, batched through the pipeline."""
        return [self._found(doc) for doc in nlp().pipe(texts, batch_size=256)]

    def evidence_in(self, doc: Doc) -> dict[str, list[str]]:
        """`evidence` of a text already run through `reportmine.text.nlp`."""
        return self._found(doc)

    def _found(self, doc: Doc) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for match_id, start, end in sorted(self._matcher(doc), key=lambda m: m[1]):
            term = re.sub(r"\s+", " ", doc[start:end].text.lower())
            terms = out.setdefault(nlp().vocab.strings[match_id], [])
            if term not in terms:
                terms.append(term)
        return out


@lru_cache(maxsize=1)
def default_matcher() -> KeywordMatcher:
    return KeywordMatcher(load_codebook())
