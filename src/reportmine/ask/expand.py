"""The codebook as a thesaurus: question words -> labels -> sibling patterns.

A question saying "merged" and "panel" evokes the labels whose patterns hold
those words (blurring boundaries, governance); passages tagged with them get
a small boost, and a passage without the word "merged" but with another
pattern of the same label ("joint panel") earns part of that word's weight,
so an answer worded differently is still found. A question word that is
part of a label's own name ("delivery" in "Covid-19 and digital delivery")
stands for the label itself: a passage the tagger gave that label is about it,
whatever its wording.
"""
from __future__ import annotations

from functools import lru_cache

from reportmine.ask.index import tokens
from reportmine.tagging.codebook import load_codebook, pattern_text
from reportmine.text import normalise

Pattern = tuple[str, ...]


def _lemma_tokens(phrase: str) -> Pattern:
    """A codebook phrase (a label's name or pattern) as the index's lemma tokens."""
    return tuple(tokens(normalise(pattern_text(phrase))))


@lru_cache(maxsize=1)
def label_patterns() -> dict[str, tuple[Pattern, ...]]:
    """Every codebook label's name and patterns as lemma-token sequences."""
    out = {}
    for label in load_codebook().labels:
        phrases = [_lemma_tokens(p) for p in (label.name, *label.patterns)]
        out[label.id] = tuple(dict.fromkeys(p for p in phrases if p))
    return out


@lru_cache(maxsize=1)
def label_name_words() -> dict[str, frozenset[str]]:
    """Every codebook label's name as a set of lemmas."""
    return {label.id: frozenset(_lemma_tokens(label.name)) for label in load_codebook().labels}


def named_labels(term: str, labels: list[str]) -> frozenset[str]:
    """The labels among `labels` (the question's) whose name holds `term`."""
    names = label_name_words()
    return frozenset(label for label in labels if term in names[label])


def _contains(seq: list[str], part: Pattern) -> bool:
    n = len(part)
    return any(tuple(seq[i:i + n]) == part for i in range(len(seq) - n + 1))


def question_labels(lemmas: list[str], terms: list[str]) -> list[str]:
    """Labels with a pattern in the question that uses at least one search term
    (so "which areas" alone never maps to anything)."""
    wanted = set(terms)
    return [label for label, patterns in label_patterns().items()
            if any(wanted & set(p) and _contains(lemmas, p) for p in patterns)]


def evoked_patterns(term: str, lemmas: list[str], labels: list[str]) -> tuple[Pattern, ...]:
    """The other patterns of the labels that `term` evokes in this question."""
    table = label_patterns()
    out: dict[Pattern, None] = {}
    for label in labels:
        patterns = table[label]
        if any(term in p and _contains(lemmas, p) for p in patterns):
            out.update((p, None) for p in patterns if term not in p)
    return tuple(out)
