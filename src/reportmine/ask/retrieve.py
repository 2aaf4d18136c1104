"""Find and score the passages that answer a query.

Two stages keep questions fast on large corpora. First the lemma index's
postings of the question's rarer words give candidates, ranked by the summed
IDF of the words they hold (BM25's ranking without term-frequency or length
terms: in a passage of a few sentences one mention is as good as three), and
filters and `current_reports` cut that ranking down to a shortlist. Then each
shortlisted passage is scored by how much of the question it covers: each
question word is a *concept* weighted by its IDF (saturated, so one word found
almost nowhere cannot outweigh the rest), met by the word itself or a form
sharing its stem ("exhausted" / "exhaustion"), or in part by another codebook
pattern of a label the word evokes in the question ("merged" / "joint panel"),
or mostly by the passage's tag of a question label whose name holds the word
("delivery" / a passage tagged "Covid-19 and digital delivery" that says
"every session was held online"). Coverage is taken in the best sentence and
over the whole passage, tags of the question's labels also add a little to the
score, and a section prior prefers what a report did and found over its aims.
Coverage is a fraction of what the question asks, so one threshold serves
short and long questions alike.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from reportmine.ask.expand import evoked_patterns, named_labels
from reportmine.ask.index import SENTENCE_BREAK
from reportmine.ask.query import NUMBER_WORDS, Filters, Query
from reportmine.store import Store

SHORTLIST = 200
MIN_COVERAGE = 0.3    # share of the question's content (IDF-weighted) a hit must hold
CANDIDATE_SHARE = 0.05  # postings read for candidates, as a share of all passages
MIN_CANDIDATE_READS = 2000  # ... but never fewer postings than this
FILTER_MARGIN = 1.1   # extra candidates read per filter batch, over what the pass rate predicts
MIN_PASS_RATE = 0.02  # never plan for fewer than this share of candidates passing the filters
RARE_SHARE = 0.02     # words rarer than this share all weigh the same
STEM_MIN = 5          # forms share a stem when one extends the other by <= STEM_SLACK letters
STEM_SLACK = 4
# ... and the extension is an English suffix ("exhaust-ion", "merge-r"): not
# "stand-ard", "author-ity", "partner-ship", "extra-ct", "guard-ian"
SUFFIXES = frozenset("""s es d ed r er ers ing ings ion ions ment ive ness al ally ly y
en ual ful""".split())
EVOKED_CREDIT = 0.3   # share of a concept's weight earned by a sibling codebook pattern
LABEL_CREDIT = 0.8    # ... by a tag of a question label whose name holds the word
# Sections that never answer a question: the details table and the signature lines.
NOT_ANSWERS = "'section.details', 'section.sign_off'"
# What a report did and found (approach, key issues, disruption) answers "which
# areas did X" better than its aims, context, general lessons or prompts; general
# lessons count in full when the question asks what was learned.
SECTION_PRIOR = {"section.goal": 0.7, "section.reasons": 0.7,
                 "section.transferable_learning": 0.8, "section.joining_the_dots": 0.8,
                 "section.local_reflections": 0.8}
LEARNING_SECTIONS = ("section.transferable_learning", "section.joining_the_dots")
EVIDENCE_SECTION = "section.disruption"  # "emerging evidence of how the project disrupted"
LEARNING_WORDS = frozenset({"learn", "learning", "lesson"})
# The best sentence and the whole passage count alike: weighting the sentence
# more let one dense sentence of a long paragraph carry a partnership that
# says little else about the question (measured on the training reports).
WEIGHTS = {"sentence": 0.45, "passage": 0.45, "label": 0.1}


@dataclass
class Hit:
    """One scored passage with what the answer shows of it."""

    passage_id: str
    report_id: str
    partnership: str
    region: str | None
    section: str
    heading: str
    page: int
    text: str
    score: float
    coverage: float


@dataclass(frozen=True)
class Concept:
    """One content word of the question and what counts as meeting it."""

    term: str
    forms: frozenset[str]
    weight: float
    doc_freq: int
    evoked_words: frozenset[str] = frozenset()
    # multi-word sibling patterns by first word, each as " w1 w2 " for substring tests
    evoked_phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    members: tuple[Concept, ...] = ()  # alternatives, when this concept is an "or" list
    parts: tuple[Concept, ...] = ()  # the words of one multi-word list item, all needed
    partial: bool = False  # ... or each earning its share (the words of an acronym)
    named: frozenset[str] = frozenset()  # the question's labels whose name holds the word

    @classmethod
    def make(cls, term: str, forms: frozenset[str], weight: float, doc_freq: int,
             evoked: tuple[tuple[str, ...], ...],
             named: frozenset[str] = frozenset()) -> Concept:
        phrases: dict[str, list[str]] = {}
        for pattern in evoked:
            if len(pattern) > 1:
                phrases.setdefault(pattern[0], []).append(f" {' '.join(pattern)} ")
        return cls(term, forms, weight, doc_freq,
                   frozenset(p[0] for p in evoked if len(p) == 1),
                   {k: tuple(v) for k, v in phrases.items()}, named=named)

    @classmethod
    def either(cls, members: list[Concept]) -> Concept:
        """One concept met by any of `members` (the items of an "A, B or C" list),
        worth as much as its rarest member, credited by the best member met."""
        return cls("|".join(m.term for m in members),
                   frozenset().union(*(m.forms for m in members)),
                   max(m.weight for m in members), sum(m.doc_freq for m in members),
                   members=tuple(members))

    @classmethod
    def all_of(cls, parts: list[Concept]) -> Concept:
        """One item of several words ("faith groups"): met only where all are."""
        return cls(" ".join(p.term for p in parts), frozenset().union(*(p.forms for p in parts)),
                   max(p.weight for p in parts), min(p.doc_freq for p in parts),
                   parts=tuple(parts))

    @classmethod
    def unit(cls, parts: list[Concept]) -> Concept:
        """One concept of words naming one thing ("violence reduction unit"),
        worth as much as its rarest word, credited by the share of its weight met."""
        return replace(cls.all_of(parts), doc_freq=sum(p.doc_freq for p in parts), partial=True)

    def words(self) -> tuple[Concept, ...]:
        """The single-word concepts this one is made of (itself, if one)."""
        return tuple(w for c in (self.members or self.parts) for w in c.words()) or (self,)

    def credit(self, words: set[str], joined: str, tagged: frozenset[str] = frozenset()
               ) -> float:
        """Full weight for the word or a form of it; most for a tag (in
        `tagged`) of a label the word names, part for a sibling pattern. A
        list earns what its best item earns, an item of several words the
        share its least-met word earns, a unit the share of its words' weight met."""
        if self.partial:
            return self.weight * (sum(p.credit(words, joined, tagged) for p in self.parts)
                                  / sum(p.weight for p in self.parts))
        if self.parts:
            return self.weight * min(p.credit(words, joined, tagged) / p.weight
                                     for p in self.parts)
        if self.members:
            return max(m.credit(words, joined, tagged) for m in self.members)
        if not words.isdisjoint(self.forms):
            return self.weight
        if not self.named.isdisjoint(tagged):
            return LABEL_CREDIT * self.weight
        if not words.isdisjoint(self.evoked_words) or any(
                phrase in joined for first in words.intersection(self.evoked_phrases)
                for phrase in self.evoked_phrases[first]):
            return EVOKED_CREDIT * self.weight
        return 0.0


def concepts(store: Store, query: Query, labels: list[str]) -> list[Concept]:
    """The question's content words with their corpus forms and weights."""
    n = _passage_count(store)
    cap = _idf(n, max(1.0, RARE_SHARE * n))
    single = {}
    for term in query.terms:
        extra = query.extra_forms.get(term, ())
        forms = _forms(store, term)
        for other in extra:
            forms.update(_forms(store, other))
        if term in NUMBER_WORDS:  # the question's "eighteen" became "18"; reports use both
            forms.update(_forms(store, NUMBER_WORDS[term], stemmed=False))
        if term.isdigit():  # ... and "under-18s"
            forms.update(_forms(store, term + "s"))
        df = max(forms.values(), default=0)
        single[term] = Concept.make(term, frozenset(forms) | {term, *extra},  # extra even unused
                                    min(cap, _idf(n, df)), df,
                                    evoked_patterns(term, query.lemmas, labels),
                                    named_labels(term, labels))
    for unit in query.units:
        parts = [single[t] for t in unit if t in single]
        if len(parts) > 1:
            whole = Concept.unit(parts)
            single.update((p.term, whole) for p in parts)
    merged: dict[str, Concept] = {}
    for group in query.alternatives:
        members = []
        for item in group:
            parts = _distinct(single[t] for t in item if t in single and t not in merged)
            if parts:
                members.append(parts[0] if len(parts) == 1 else Concept.all_of(parts))
        if len(members) > 1:
            either = Concept.either(members)
            merged.update((w.term, either) for w in either.words())
    return _distinct(merged.get(t, single[t]) for t in query.terms)


def _distinct(found: Iterable[Concept]) -> list[Concept]:
    """Each concept once, in order (a unit or a list stands for several terms)."""
    return list({id(c): c for c in found}.values())


def _idf(n: int, df: float) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def used(store: Store, term: str) -> bool:
    """Whether some indexed passage has the term or a form sharing its stem
    (the exact word first: one posting read, where counting forms reads all)."""
    found = store.conn.execute(
        "SELECT 1 FROM passages_lemma_fts WHERE passages_lemma_fts MATCH ? LIMIT 1",
        (_match_expression([term]),)).fetchone()
    return found is not None or bool(_forms(store, term))


def _forms(store: Store, term: str, stemmed: bool = True) -> dict[str, int]:
    """Indexed words sharing the term's stem, with their document frequencies
    (only the term itself when not `stemmed`: "eight" is no form of "eighteen")."""
    conn = store.conn
    if len(term) < STEM_MIN or not stemmed:
        rows = conn.execute("SELECT term, doc FROM passages_lemma_vocab WHERE term = ?", (term,))
        return dict(rows.fetchall())
    shorter = [term[:i] for i in range(max(STEM_MIN, len(term) - STEM_SLACK), len(term))]
    rows = conn.execute(
        """SELECT term, doc FROM passages_lemma_vocab WHERE term >= ? AND term < ?
           UNION SELECT term, doc FROM passages_lemma_vocab
           WHERE term IN (SELECT value FROM json_each(?))""",
        (term, term + "\uffff", json.dumps(shorter))).fetchall()
    return {w: d for w, d in rows
            if w == term or (len(w) - len(term) <= STEM_SLACK and _suffix(w, term) in SUFFIXES)}


def _suffix(one: str, other: str) -> str:
    """What the longer of two words adds to the shorter (they share a prefix)."""
    return one[len(other):] if len(one) > len(other) else other[len(one):]


def _match_expression(words: list[str]) -> str:
    """An FTS5 query that can only mean 'any of these words': each word is
    quoted (quotes doubled) and joined by OR, so no user text is FTS syntax."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def filter_sql(filters: Filters) -> tuple[str, list[Any]]:
    """SQL conditions on reports r and passages p, with bound parameters only."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.region:  # "North-East" in a report's details is the North East
        clauses.append("lower(replace(r.region, '-', ' ')) = lower(?)")
        params.append(filters.region)
    if filters.size:
        clauses.append("lower(r.size) = lower(?)")
        params.append(filters.size)
    named = [filters.partnership] if filters.partnership else list(filters.partnerships or ())
    for column, wanted in (("methodology", [filters.methodology]),
                           ("delivery", [filters.delivery]), ("partnership", named)):
        values = [v for v in wanted if v]  # any of them, as part of the column's text
        if values:
            clauses.append("(" + " OR ".join(
                [f"instr(lower(coalesce(r.{column}, '')), lower(?)) > 0"] * len(values)) + ")")
            params.extend(values)
    if filters.since is not None:
        clauses.append("CAST(substr(coalesce(r.commenced, r.report_date), 1, 4) AS INTEGER) >= ?")
        params.append(filters.since)
    if filters.label:
        clauses.append("EXISTS (SELECT 1 FROM tags t WHERE t.passage_id = p.passage_id "
                       "AND t.label = ? AND t.assigned)")
        params.append(filters.label)
    return "".join(f" AND {c}" for c in clauses), params


def shortlist(store: Store, query: Query, found: list[Concept]) -> list[int]:
    """Row ids of the passages most worth scoring, from current reports that
    pass the filters, never prompt questions, details or signatures.

    Candidates are read from the postings of the question's rarest words, up
    to a budget of CANDIDATE_SHARE of all passages (MIN_CANDIDATE_READS at
    least), and ranked by the weight of the words they hold; filters are
    checked in batches down that ranking, each sized by the share of
    candidates that passed so far, so restrictive filters cost more reads but
    never lose answers above the budget.
    """
    conn = store.conn
    budget = max(MIN_CANDIDATE_READS, CANDIDATE_SHARE * _passage_count(store))
    chosen: list[Concept] = []
    for concept in sorted((c for c in found if c.doc_freq), key=lambda c: c.doc_freq):
        if chosen and sum(c.doc_freq for c in chosen) + concept.doc_freq > budget:
            break
        chosen.append(concept)
    if not chosen:
        return []
    # A question of common words only reads the first `budget` postings of the rarest.
    postings = " UNION ALL ".join(
        "SELECT * FROM (SELECT rowid AS id, ? AS weight FROM passages_lemma_fts "
        "WHERE passages_lemma_fts MATCH ? LIMIT ?)" for _ in chosen)
    ranked = conn.execute(
        f"SELECT id FROM ({postings}) GROUP BY id ORDER BY sum(weight) DESC, id",
        [value for c in chosen
         for value in (c.weight, _match_expression(sorted(c.forms)), int(budget))])
    where, params = filter_sql(query.filters)
    out: list[int] = []
    read = 0
    while len(out) < SHORTLIST and (batch := [row[0] for row in ranked.fetchmany(
            _batch_size(SHORTLIST - len(out), len(out) / read if read else 1.0))]):
        read += len(batch)
        kept = {row[0] for row in conn.execute(
            f"""SELECT p.id FROM passages p
                JOIN current_reports r ON r.report_id = p.report_id
                JOIN sections s ON s.report_id = p.report_id AND s.position = p.position
                WHERE p.id IN (SELECT value FROM json_each(?))
                AND s.section NOT IN ({NOT_ANSWERS}) AND rtrim(p.text) NOT LIKE '%?'{where}""",
            [json.dumps(batch), *params])}
        out.extend(rowid for rowid in batch if rowid in kept)
    return out[:SHORTLIST]


def _batch_size(wanted: int, pass_rate: float) -> int:
    """Candidates to check next: enough for `wanted` at the pass rate seen so
    far, and few more, since on a cold disk each one is a random page read."""
    return math.ceil(FILTER_MARGIN * wanted / max(pass_rate, MIN_PASS_RATE))


def _passage_count(store: Store) -> int:
    """Number of passages, read as the largest row id (O(log n), not a scan)."""
    return store.conn.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0]


def credits(sentence: list[str], found: list[Concept],
            tagged: frozenset[str] = frozenset()) -> list[float]:
    """Weight each concept earns in a token sequence (of a passage assigned
    the labels `tagged`): fully, through a label tag or a sibling pattern."""
    words, joined = set(sentence), f" {' '.join(sentence)} "
    return [c.credit(words, joined, tagged) for c in found]


def _label_tags(store: Store, rowids: list[int], labels: list[str]
                ) -> dict[int, list[tuple[str, float, int]]]:
    """The tags of the question's labels on these passages, by passage row id."""
    found: dict[int, list[tuple[str, float, int]]] = {}
    if labels:
        for rowid, label, score_, assigned in store.conn.execute(
                """SELECT p.id, t.label, t.score, t.assigned FROM passages p
                   JOIN tags t ON t.passage_id = p.passage_id
                   WHERE p.id IN (SELECT value FROM json_each(?))
                   AND t.label IN (SELECT value FROM json_each(?))""",
                (json.dumps(rowids), json.dumps(labels))):
            found.setdefault(rowid, []).append((label, score_, assigned))
    return found


def _shown(store: Store, rowids: list[int]) -> list[Any]:
    """What a hit shows of these passages: only read for the passages that scored."""
    return store.conn.execute(
        """SELECT p.id, p.passage_id, p.report_id, p.page, p.text, s.section, s.heading,
                  coalesce(r.partnership, r.file_name) AS partnership, r.region
           FROM passages p JOIN sections s ON s.report_id = p.report_id AND s.position = p.position
           JOIN reports r ON r.report_id = p.report_id
           WHERE p.id IN (SELECT value FROM json_each(?))""", (json.dumps(rowids),)).fetchall()


def evidence_sections(query: Query) -> frozenset[str]:
    """Where a report says what changed (and what was learned, if asked)."""
    if LEARNING_WORDS & set(query.lemmas):
        return frozenset((EVIDENCE_SECTION, *LEARNING_SECTIONS))
    return frozenset((EVIDENCE_SECTION,))


def section_prior(section: str, query: Query) -> float:
    """How likely a passage of this section is to answer, before reading it."""
    if section in LEARNING_SECTIONS and LEARNING_WORDS & set(query.lemmas):
        return 1.0
    return SECTION_PRIOR.get(section, 1.0)


def score(store: Store, rowids: list[int], query: Query, found: list[Concept],
          labels: list[str]) -> list[Hit]:
    """Score shortlisted passages covering enough of the question; best first."""
    if not rowids:
        return []
    rows = store.conn.execute(
        """SELECT rowid, lemmas FROM passages_lemma_fts
           WHERE rowid IN (SELECT value FROM json_each(?))""", (json.dumps(rowids),)).fetchall()
    tags = _label_tags(store, rowids, labels)
    total = sum(c.weight for c in found) or 1.0
    scored = {}
    for row in rows:
        sentences = [s.split() for s in row["lemmas"].split(SENTENCE_BREAK)]
        label_tags = tags.get(row["rowid"], [])
        tagged = frozenset(label for label, _, assigned in label_tags if assigned)
        earned = credits([w for s in sentences for w in s], found, tagged)
        whole = sum(earned) / total
        if whole < MIN_COVERAGE:
            continue
        # a sentence can only meet what its passage meets, so only those are tested
        met = [c for c, weight in zip(found, earned) if weight]
        best_sentence = whole if len(sentences) == 1 else max(
            sum(credits(s, met, tagged)) for s in sentences) / total
        scored[row["rowid"]] = (WEIGHTS["sentence"] * best_sentence + WEIGHTS["passage"] * whole
                                + WEIGHTS["label"] * max((t[1] for t in label_tags), default=0.0),
                                whole)
    hits = []
    for row in _shown(store, list(scored)):  # the section prior once the section is read
        value, whole = scored[row["id"]]
        hits.append(Hit(row["passage_id"], row["report_id"], row["partnership"], row["region"],
                        row["section"], row["heading"], row["page"], row["text"],
                        round(value * section_prior(row["section"], query), 4), round(whole, 4)))
    hits.sort(key=lambda h: (-h.score, h.passage_id))
    return hits
