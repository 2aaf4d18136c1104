"""Text normalisation shared by tagging, search and comparison: lowercase lemmas.

One blank English pipeline (no pretrained model can be downloaded on the
target machines) with spaCy's lookup lemmatiser from `spacy-lookups-data`.
The lemma is looked up on the lowercased word and written into `Token.norm_`,
so a PhraseMatcher on NORM, an FTS5 index and a TF-IDF vectoriser all see
"Panels were merged" as "panel be merge".
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, NORM, ORTH
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.tokens import Doc
from spacy.vocab import Vocab

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
# Where the lookup table is wrong about a function word: it reads "does" as
# the plural of "doe", and the tokenizer's halves of "can't", "won't",
# "shan't", "they're" as words of their own ("ca", "wo", "sha", "'re"); it
# reads "ai" (of "ain't") as "have", which would turn "AI" into "have"; and
# "'s" is possessive far more often than "is"/"has" in report prose.
_FUNCTION_LEMMAS = {"does": "do", "ca": "can", "wo": "will", "sha": "shall", "'re": "be",
                    "ai": "ai", "'s": "'s"}


@lru_cache(maxsize=1)
def _lemma_table() -> Table:
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


@lru_cache(maxsize=None)
def lemma(word: str) -> str:
    """The lowercase lemma of one word ("Partnerships" -> "partnership");
    cached, since report prose repeats a small vocabulary and the lookup
    table is slow to query."""
    w = word.lower().translate(_APOSTROPHES)
    return _FUNCTION_LEMMAS.get(w) or _lemma_table().get(w, w)


@lru_cache(maxsize=1)
def _verb_only_lemmas() -> frozenset[str]:
    index = load_lookups("en", ["lemma_index"]).get_table("lemma_index")
    return frozenset(index["verb"]).difference(index["noun"], index["adj"], index["adv"])


def only_a_verb(word_lemma: str) -> bool:
    """Whether the lexicon (WordNet's lemma index, from `spacy-lookups-data`)
    knows the lemma only as a verb ("discuss", "merge"; not "change" or
    "share"): such a word says what was done, never what it was done about."""
    return word_lemma in _verb_only_lemmas()


class _LemmaWriter:
    """Writes each token's lemma into NORM through arrays, with a cache from
    this pipeline's word hashes to lemma hashes: tagging and indexing read
    every passage, and setting `Token.norm_` token by token cost a fifth of
    tagging time. One per pipeline, since the hashes live in its vocab."""

    def __init__(self, vocab: Vocab) -> None:
        self.strings = vocab.strings
        self.known: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        norms = []
        for word in doc.to_array(ORTH).tolist():
            norm = self.known.get(word)
            if norm is None:
                norm = self.known[word] = self.strings.add(lemma(self.strings[word]))
            norms.append(norm)
        doc.from_array([NORM], np.array(norms, dtype=np.uint64).reshape(-1, 1))
        return doc


@Language.factory("reportmine_lemma")
def _lemma_writer(nlp: Language, name: str) -> _LemmaWriter:
    return _LemmaWriter(nlp.vocab)


@lru_cache(maxsize=1)
def nlp() -> Language:
    """The shared pipeline: tokenizer, then lowercase lemmas in `Token.norm_`."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("reportmine_lemma")
    return pipeline


def doc_words(doc: Doc) -> list[tuple[str, int, int]]:
    """A `nlp()` doc's words (punctuation and spaces dropped) as (lemma,
    start, end), the offsets into its text; read through arrays, since
    Token objects are slow to make."""
    if not len(doc):
        return []
    strings = doc.vocab.strings
    return [(strings[norm], idx, idx + length) for norm, idx, length, punct, space
            in doc.to_array([NORM, IDX, LENGTH, IS_PUNCT, IS_SPACE]).tolist()
            if not (punct or space)]


def doc_lemmas(doc: Doc) -> str:
    """A `nlp()` doc's word lemmas, space-separated (punctuation dropped)."""
    return " ".join(word for word, _, _ in doc_words(doc))


def normalise(text: str) -> str:
    """`text` as space-separated lowercase lemmas, for indexes and vectorisers."""
    return doc_lemmas(nlp()(text))


def normalise_many(texts: Iterable[str], batch_size: int = 256) -> Iterator[str]:
    """`normalise` over many texts, batched through the pipeline."""
    for doc in nlp().pipe(texts, batch_size=batch_size):
        yield doc_lemmas(doc)


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(\s+)(?=[\"'\u201c\u2018(]*[A-Z0-9])")


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "no.", "dr.", "mr.", "mrs.", "ms.",
                  "st.", "approx.", "incl.", "fig.")


def sentences(text: str) -> list[str]:
    """Split a passage into sentences, verbatim (no text is added or dropped
    except the whitespace between sentences); "e.g. The" does not split."""
    out: list[str] = []
    cuts = [m.span(1) for m in _SENTENCE_END.finditer(text)]
    starts = [0] + [end for _, end in cuts]
    ends = [start for start, _ in cuts] + [len(text)]
    for part in (text[a:b].strip() for a, b in zip(starts, ends)):
        if not part:
            continue
        if out and out[-1].lower().endswith(_ABBREVIATIONS):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out
