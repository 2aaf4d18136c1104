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

from spacy.attrs import IS_PUNCT, NORM
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from reportmine.tagging.codebook import Codebook, is_exact, load_codebook, pattern_text
from reportmine.text import nlp

_NO_LABEL_KINDS = {"table_header", "header", "heading"}
LEAD_IN_MAX_WORDS = 25  # lead-ins and prompt questions are one short line
# "Immediate reflections from the local area" is a form: its paragraphs that
# end in a question or a colon are the form's prompts, however long, and the
# local area answers in the items under them
FORM_SECTION = "section.local_reflections"


_NUMBERING = re.compile(r"^(?:\(?(?:\d+|[a-z]|[ivx]+)[.)]\s+)?(.*?)[\s.:;]*$", re.IGNORECASE)


def no_label_passage(text: str, kind: str | None = None,
                     codebook: Codebook | None = None, section: str | None = None) -> bool:
    """Coding convention: headings, sub-theme titles, lead-ins, prompt
    questions and table headers say nothing substantive, so they get no
    labels. A long paragraph that happens to end with a (rhetorical) question
    is not a prompt, except in the Immediate reflections form (FORM_SECTION);
    a passage that is only a label's name in `codebook` (default: the
    project's) such as "3. Holding complexity, uncertainty and curiosity", an
    item of a list of the themes, is a title."""
    t = text.strip()
    if kind in _NO_LABEL_KINDS or not t:
        return True
    words = len(t.split())
    prompt = t.endswith((":", ";", "?")) and (
        words <= LEAD_IN_MAX_WORDS or section == FORM_SECTION and kind == "paragraph")
    return (prompt or words <= 3
            or _NUMBERING.match(t).group(1).lower() in (codebook or load_codebook()).names)


def pattern_variants(pattern: str) -> list[str]:
    """The pattern and its plural: the lookup lemmatiser reads "meeting" as
    the verb "meet" but "meetings" as the noun "meeting", so both forms are
    needed for one pattern to match both."""
    last = pattern.rsplit(" ", 1)[-1]
    if not last[-1:].isalpha() or last.endswith("s"):
        return [pattern]
    return [pattern, pattern + "s"]


MAX_GAP = 2  # words allowed between the words of a multi-word pattern


class GappedPhrases:
    """Multi-word patterns met with up to MAX_GAP other words between their
    words ("joint panel" in "a joint exploitation panel", "share information"
    in "share relevant information"), never across punctuation. Gaps go only
    where the pattern has a space, so "co-produce" stays whole. Patterns are
    indexed by the hash of their first lemma and texts read as arrays of
    lemma hashes, so a text costs one dict lookup per token (spaCy's Matcher
    with wildcard operators was 5x slower than all tagging)."""

    def __init__(self) -> None:
        self._by_first: dict[int, list[tuple[str, tuple[tuple[int, ...], ...]]]] = {}

    def add(self, label: str, pattern: Doc) -> bool:
        """Index a pattern of several words (gap 0 included); False for a
        one-word pattern, which a PhraseMatcher finds faster."""
        words: list[tuple[int, ...]] = []
        current: list[int] = []
        for token in pattern:
            current.append(token.norm)
            if token.whitespace_:
                words.append(tuple(current))
                current = []
        if current:
            words.append(tuple(current))
        if len(words) < 2:
            return False
        self._by_first.setdefault(words[0][0], []).append((label, tuple(words)))
        return True

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(label, start, end) of every gapped match in `doc`."""
        if not len(doc):
            return []
        columns = doc.to_array([NORM, IS_PUNCT])
        norms, punct = columns[:, 0].tolist(), columns[:, 1].tolist()
        out = []
        for i, norm in enumerate(norms):
            for label, words in self._by_first.get(norm, ()):
                end = _gapped_end(norms, punct, i, words)
                if end is not None:
                    out.append((label, i, end))
        return out


def _gapped_end(norms: list[int], punct: list[int], start: int,
                words: tuple[tuple[int, ...], ...]) -> int | None:
    """Where a match of `words` starting at token `start` ends, or None."""
    pos = start + len(words[0])
    if tuple(norms[start:pos]) != words[0]:
        return None
    for word in words[1:]:
        for gap in range(MAX_GAP + 1):
            if gap and (pos + gap > len(norms) or punct[pos + gap - 1]):
                return None
            if tuple(norms[pos + gap:pos + gap + len(word)]) == word:
                pos += gap + len(word)
                break
        else:
            return None
    return pos


@dataclass
class KeywordMatcher:
    """Finds each label's name and pattern phrases in a text (lemmatised,
    case-blind); words of a multi-word pattern may stand a little apart. A
    pattern marked exact ("=places") is met by that word form only."""

    codebook: Codebook

    def __post_init__(self) -> None:
        self._matcher = PhraseMatcher(nlp().vocab, attr="NORM")
        self._exact = PhraseMatcher(nlp().vocab, attr="LOWER")
        self._gapped = GappedPhrases()
        for label in self.codebook.labels:
            exact = [pattern_text(p) for p in label.patterns if is_exact(p)]
            if exact:
                self._exact.add(label.id, list(nlp().pipe(exact)))
            variants = [v for p in (label.name, *label.patterns) if not is_exact(p)
                        for v in pattern_variants(p)]
            one_word = [doc for doc in nlp().pipe(variants) if not self._gapped.add(label.id, doc)]
            if one_word:
                self._matcher.add(label.id, one_word)

    def evidence(self, text: str) -> dict[str, list[str]]:
        """Label id -> matched terms (as written, deduplicated, in text order)."""
        return self._found(nlp()(text))

    def evidence_many(self, texts: Iterable[str]) -> list[dict[str, list[str]]]:
        """`evidence` over many texts, batched through the pipeline; a text
        that repeats (a sub-heading over many passages) is read once."""
        texts = list(texts)
        distinct = list(dict.fromkeys(texts))
        found = dict(zip(distinct, map(self._found, nlp().pipe(distinct, batch_size=256))))
        return [found[t] for t in texts]

    def evidence_in(self, doc: Doc) -> dict[str, list[str]]:
        """`evidence` of a text already run through `reportmine.text.nlp`."""
        return self._found(doc)

    def _found(self, doc: Doc) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        strings = nlp().vocab.strings
        matches = [(strings[m], start, end)
                   for m, start, end in self._matcher(doc) + self._exact(doc)]
        for label, start, end in sorted(matches + self._gapped(doc), key=lambda m: m[1:]):
            term = re.sub(r"\s+", " ", doc[start:end].text.lower())
            terms = out.setdefault(label, [])
            if term not in terms:
                terms.append(term)
        return out


@lru_cache(maxsize=1)
def default_matcher() -> KeywordMatcher:
    return KeywordMatcher(load_codebook())
