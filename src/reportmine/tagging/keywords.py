"""Keyword baseline: one spaCy PhraseMatcher rule per label, giving evidence spans.

No pretrained pipeline or lookup tables can be downloaded on the target
machines, so matching runs on spacy.blank("en") with a tiny suffix stripper
written into Token.norm_: "panels", "sharing" and "shared" then meet
"panel" and "share" in the patterns without a lemmatiser.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from reportmine.tagging.codebook import Codebook, load_codebook

_NO_LABEL_KINDS = {"table_header", "header", "heading"}


def stem(word: str) -> str:
    """Crude, deterministic suffix stripping (plural, -ing, -ed, final -e)."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


@Language.component("reportmine_stem")
def _stem_component(doc: Doc) -> Doc:
    for token in doc:
        token.norm_ = stem(token.text)
    return doc


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The shared blank English pipeline with the stemming component."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("reportmine_stem")
    return pipeline


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


@dataclass
class KeywordMatcher:
    """Finds each label's pattern phrases in a text (lemma-ish, case-blind)."""

    codebook: Codebook

    def __post_init__(self) -> None:
        self._matcher = PhraseMatcher(nlp().vocab, attr="NORM")
        for label in self.codebook.labels:
            self._matcher.add(label.id, list(nlp().pipe(label.patterns)))

    def evidence(self, text: str) -> dict[str, list[str]]:
        """Label id -> matched terms (as written, deduplicated, in text order)."""
        doc = nlp()(text)
        out: dict[str, list[str]] = {}
        for match_id, start, end in self._matcher(doc):
            term = re.sub(r"\s+", " ", doc[start:end].text.lower())
            terms = out.setdefault(nlp().vocab.strings[match_id], [])
            if term not in terms:
                terms.append(term)
        return out


@lru_cache(maxsize=1)
def default_matcher() -> KeywordMatcher:
    return KeywordMatcher(load_codebook())
