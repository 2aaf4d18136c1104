"""Shared and distinctive learning: which learning points recur across partnerships.

Reports make the same point in different words, so grouping whole documents or
clustering every sentence at once yields one giant group. Instead each learning
sentence seeds a candidate point and gathers, from every *other* partnership,
its closest sentences (at most two each) when they are close enough; candidates
are ranked by their summed closeness to each partnership that shares them,
weighted by how much seed and quotes are framed as learning, then chosen
greedily: a sentence already quoted does not seed another point, and a point
that mostly re-quotes a chosen one is dropped.

Only sentences of the sections where reports state learning are compared
(key issues, disruption, joining the dots, local reflections, transferable
learning): goals, reasons and approach describe the project, not what it
taught. Within those, the key-issues and disruption sections weigh most: they
say what was found and what changed, and on the annotated train split they hold
about four in five of the sentences that make a shared point, while
transferable-learning sentences are mostly aphorisms that echo many points.

Closeness is lexical (TF-IDF over lemmatised content words and their bigrams,
counting only terms that more than one partnership uses) times how alike the
two passages' codebook tag scores are (the same words about the same themes),
raised by up to double when the two sentences name the same codebook concepts
(the same pattern terms of the same labels, e.g. a "joint panel" under
blurring boundaries), which links points made in otherwise different words.
A sentence joins a point only when the seed is also among its own closest
sentences in the seed's partnership (mutual nearness), which keeps short,
generic sentences from collecting a quote from everyone.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from spacy.lang.en.stop_words import STOP_WORDS

from reportmine.compare.sentences import (LEARNING_SECTIONS, Sentence, current_reports,
                                          is_statement, load_sentences)
from reportmine.store import Store
from reportmine.tagging.keywords import default_matcher
from reportmine.text import lemma

MIN_SIMILARITY = 0.18
CONCEPT_WEIGHT = 1.0  # shared codebook concepts at most double lexical closeness
FINDING_SECTIONS = frozenset({"section.key_issues", "section.disruption"})
MAX_OVERLAP = 0.2  # Jaccard overlap of quotes beyond which a point repeats another
QUOTES_PER_PARTNERSHIP = 2
LEARNING_CUES = re.compile(
    r"\b(learn\w*|lesson\w*|helped|help(?:s|ing)?|enabl\w*|challeng\w*|key|transferab\w*|"
    r"recommend\w*|worked well|would advise|other areas|found that|realised|insight\w*|"
    r"important|need(?:s|ed)? to|should|reflect\w*)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass
class SharedPoint:
    """A learning point made by one or more partnerships, with the quotes that make it."""

    point: str
    labels: list[str]
    partnerships: list[str]
    report_ids: list[str]
    quotes: list[Sentence]
    score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"point": self.point, "labels": self.labels, "partnerships": self.partnerships,
                "quotes": [q.cited_quote() for q in self.quotes]}


@dataclass
class Learning:
    """Points shared by two or more partnerships, and points only one makes."""

    shared: list[SharedPoint] = field(default_factory=list)
    distinctive: list[SharedPoint] = field(default_factory=list)


def shared_learning(store: Store, report_ids: list[str] | None = None) -> list[SharedPoint]:
    """Learning points shared across partnerships of the current reports (or of
    those report ids), best first."""
    return find_learning(load_sentences(store, current_reports(store, report_ids))).shared


def framing(sentence: Sentence) -> float:
    """How much a sentence is framed as learning: a finding (key issues,
    disruption) counts double, and cue phrases add a quarter."""
    weight = 2.0 if sentence.section in FINDING_SECTIONS else 1.0
    if LEARNING_CUES.search(sentence.text):
        weight += 0.25
    return weight


def terms(text: str) -> list[str]:
    """Lemmatised content words of a sentence and their bigrams."""
    words = [w for w in (lemma(t) for t in _WORD.findall(text))
             if w not in STOP_WORDS and len(w) > 2 and not w.isdigit()]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def concepts(texts: Sequence[str]) -> list[list[str]]:
    """The codebook concepts each sentence names: the keyword matcher's
    (label, pattern term) hits, the term lemmatised so that "merged panels" and
    "merge panel" agree. Two reports can name the same concept in otherwise
    different words."""
    return [[f"{label}:{' '.join(lemma(w) for w in term.split())}"
             for label, found in hits.items() for term in found]
            for hits in default_matcher().evidence_many(texts)]


def similarity(candidates: Sequence[Sentence]) -> np.ndarray:
    """Pairwise closeness of sentences; zero between sentences of one partnership."""
    owners = np.array([s.partnership for s in candidates])
    texts = [s.text for s in candidates]
    lexical = _tfidf_cosine([Counter(terms(text)) for text in texts], owners)
    concept = _tfidf_cosine([Counter(found) for found in concepts(texts)], owners)
    sim = lexical * _thematic(candidates) * (1.0 + CONCEPT_WEIGHT * concept)
    sim[owners[:, None] == owners[None, :]] = 0.0
    return sim


def _thematic(candidates: Sequence[Sentence]) -> np.ndarray:
    """Cosine of the sentences' passage tag scores; 1 where a passage has none,
    so that words alone decide."""
    label_ids = sorted({k for s in candidates for k in s.scores})
    tags = np.array([[s.scores.get(k, 0.0) for k in label_ids] for s in candidates])
    tag_norms = np.linalg.norm(tags, axis=1)
    untagged = tag_norms == 0
    tag_norms[untagged] = 1.0
    thematic = (tags @ tags.T) / np.outer(tag_norms, tag_norms)
    thematic[untagged, :] = thematic[:, untagged] = 1.0
    return thematic


def _tfidf_cosine(bags: list[Counter[str]], owners: np.ndarray) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors (sublinear term frequency, smoothed IDF)
    over the terms that two or more partnerships use: a term only one partnership
    uses cannot link partnerships and would only dilute the vector. (Written out
    rather than taken from scikit-learn, whose import alone costs a second.)"""
    users: dict[str, set[str]] = {}
    for bag, owner in zip(bags, owners):
        for term in bag:
            users.setdefault(term, set()).add(owner)
    shared = [term for term, who in users.items() if len(who) >= 2]
    vocabulary = {term: i for i, term in enumerate(shared)}
    rows, cols, values = [], [], []
    for row, bag in enumerate(bags):
        for term, count in bag.items():
            if term in vocabulary:
                rows.append(row)
                cols.append(vocabulary[term])
                values.append(1.0 + math.log(count))
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(bags), len(vocabulary)))
    df = np.bincount(matrix.indices, minlength=len(vocabulary))
    matrix = matrix @ sparse.diags(np.log((1 + len(bags)) / (1 + df)) + 1.0)
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    return (matrix @ matrix.T).toarray() / np.outer(norms, norms)


def find_learning(sentences: Sequence[Sentence]) -> Learning:
    """Group learning sentences of different partnerships into shared points."""
    boilerplate = _boilerplate(sentences)
    candidates = [s for s in sentences if s.section in LEARNING_SECTIONS and is_statement(s)
                  and _key(s.text) not in boilerplate]
    if not candidates:
        return Learning()
    sim = similarity(candidates) if len({s.partnership for s in candidates}) > 1 else \
        np.zeros((len(candidates), len(candidates)))
    weights = np.array([framing(s) for s in candidates])
    names = sorted({s.partnership for s in candidates})
    team = np.array([names.index(s.partnership) for s in candidates])
    nearest = _nearest(sim, team)
    groups = [_gather(seed, sim, candidates, weights, nearest, team)
              for seed in range(len(candidates))]
    groups.sort(key=lambda g: (-g[0], g[1][0]))
    used: set[int] = set()
    chosen: list[set[int]] = []
    shared: list[SharedPoint] = []
    for score, members in groups:
        if len(members) < 2 or members[0] in used or _repeats(set(members), chosen):
            continue
        chosen.append(set(members))
        used.update(members)
        shared.append(_point([candidates[m] for m in members], score))
    distinctive = _distinctive(candidates, sim, weights, used)
    return Learning(shared=shared, distinctive=distinctive)


def _repeats(members: set[int], chosen: list[set[int]]) -> bool:
    """True when a candidate point mostly re-quotes one already chosen."""
    return any(len(members & c) / len(members | c) > MAX_OVERLAP for c in chosen)


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _boilerplate(sentences: Sequence[Sentence]) -> set[str]:
    """Sentences that appear word for word in two or more reports: template
    prompts and headings, not anyone's learning."""
    reports: dict[str, set[str]] = {}
    for s in sentences:
        reports.setdefault(_key(s.text), set()).add(s.report_id)
    return {key for key, ids in reports.items() if len(ids) > 1}


def _gather(seed: int, sim: np.ndarray, candidates: Sequence[Sentence],
            weights: np.ndarray, nearest: np.ndarray,
            team: np.ndarray) -> tuple[float, list[int]]:
    """The seed and, from each other partnership, the sentences it is mutually
    close to (at most two each), with a rank score: the best closeness in each
    partnership, weighted by learning framing, summed."""
    row = sim[seed]
    picked: dict[str, list[int]] = {}
    for j in np.argsort(-row):
        if row[j] < MIN_SIMILARITY:
            break
        bucket = picked.setdefault(candidates[j].partnership, [])
        if len(bucket) < QUOTES_PER_PARTNERSHIP and row[j] >= nearest[j, team[seed]]:
            bucket.append(int(j))
    best = [bucket[0] for bucket in picked.values() if bucket]
    members = [seed] + [j for bucket in picked.values() for j in bucket]
    score = weights[seed] * sum(row[j] * weights[j] for j in best)
    return float(score), members


def _nearest(sim: np.ndarray, team: np.ndarray) -> np.ndarray:
    """For each sentence and partnership, the closeness of its k-th closest sentence
    there (k = QUOTES_PER_PARTNERSHIP): a seed at least that close is mutually near."""
    out = np.zeros((sim.shape[0], team.max() + 1))
    for t in range(team.max() + 1):
        block = sim[:, team == t]
        k = min(QUOTES_PER_PARTNERSHIP, block.shape[1])
        out[:, t] = np.partition(block, -k, axis=1)[:, -k]
    return out


def _point(quotes: list[Sentence], score: float) -> SharedPoint:
    partnerships = list(dict.fromkeys(q.partnership for q in quotes))
    report_ids = list(dict.fromkeys(q.report_id for q in quotes))
    return SharedPoint(point=quotes[0].text, labels=involved_labels(quotes),
                       partnerships=partnerships, report_ids=report_ids, quotes=quotes,
                       score=round(score, 4))


def involved_labels(quotes: Sequence[Sentence]) -> list[str]:
    """Labels assigned to the quotes' passages, most often first."""
    counts: dict[str, int] = {}
    for q in quotes:
        for label in q.labels:
            counts[label] = counts.get(label, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))


def _distinctive(candidates: Sequence[Sentence], sim: np.ndarray, weights: np.ndarray,
                 used: set[int], per_partnership: int = 3) -> list[SharedPoint]:
    """Per partnership, its most learning-framed sentences that no other partnership echoes."""
    echoed = sim.max(axis=1) if len(candidates) else np.zeros(0)
    points: list[SharedPoint] = []
    by_partnership: dict[str, list[int]] = {}
    for i, s in enumerate(candidates):
        if i in used or echoed[i] >= MIN_SIMILARITY:
            continue
        by_partnership.setdefault(s.partnership, []).append(i)
    for indices in by_partnership.values():
        best = sorted(indices, key=lambda i: (-weights[i], i))[:per_partnership]
        quotes = [candidates[i] for i in best]
        points.append(_point(quotes, float(sum(weights[i] for i in best))))
    return points
