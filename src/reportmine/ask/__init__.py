"""Cross-area questions: `ask(store, question)` -> passages grouped by partnership.

Lexical only: a lemma index (index.py), question words and filters (query.py),
British spellings of American-spelt words the reports never use (spelling.py),
acronyms and their words as alternatives (acronyms.py),
the codebook as thesaurus (expand.py), IDF-weighted retrieval and coverage
scoring (retrieve.py), grouping and abstaining (answer.py), and the
partnerships a question of filters alone asks for (listing.py). No model is
needed; reranking with MiniLM sentence embeddings was measured and did not
help (see README), so it is not part of the path.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from reportmine.ask.acronyms import with_acronyms
from reportmine.ask.answer import Answer, PartnershipAnswer, absent_words, group, unanswerable
from reportmine.ask.expand import question_labels
from reportmine.ask.index import refresh
from reportmine.ask.listing import matching
from reportmine.ask.query import Filters, Query, parse_question
from reportmine.ask.retrieve import Concept, Hit, concepts, evidence_sections, score, shortlist, used
from reportmine.ask.spelling import respelt
from reportmine.errors import ReportmineError
from reportmine.regions import REGIONS, canonical_region
from reportmine.store import Store
from reportmine.tagging.codebook import load_codebook

DEFAULT_K = 20

__all__ = ["Answer", "Hit", "PartnershipAnswer", "Query", "ask", "DEFAULT_K"]


def ask(store: Store, question: str, region: str | None = None, label: str | None = None,
        partnership: str | None = None, since: int | None = None,
        k: int = DEFAULT_K) -> Answer:
    """Answer `question` from the current reports in `store`, at most `k` partnerships."""
    if label is not None and label not in load_codebook().ids:
        raise ReportmineError(f"unknown label '{label}' (see CODEBOOK.md for label ids)")
    if k < 1:
        raise ReportmineError(f"k must be at least 1, not {k}")
    if region is not None:
        region = _known_region(store, region)
    refresh(store)
    query = parse_question(question, lambda words: _names_partnership(store, words),
                           region=region, label=label, partnership=partnership, since=since)
    query = with_acronyms(respelt(query, lambda term: used(store, term)))
    if not query.terms and query.filters.as_dict():
        return Answer(question, query.filters, matching(store, query.filters, k),
                      filters_only=True)
    labels = question_labels(query.lemmas, query.terms)
    if label is not None and label not in labels:
        labels.append(label)
    found = concepts(store, query, labels)
    absent = absent_words(found, question)
    if unanswerable(found, query.lemmas):
        return Answer(question, query.filters, absent_words=absent)
    hits = score(store, shortlist(store, query, found), query, found, labels)
    answers = group(hits, k, evidence_sections(query), every=bool(query.filters.partnerships))
    if not answers and hits and query.filters.as_dict():
        answers = _shown_unfiltered(store, query, found, labels, hits, k)
    return Answer(question, query.filters, answers, absent)


def _shown_unfiltered(store: Store, query: Query, found: list[Concept], labels: list[str],
                      hits: list[Hit], k: int) -> list[PartnershipAnswer]:
    """The answers the question gets without its filters, among the reports
    the filters keep (those of `hits`). Whether any match is strong enough is
    judged against the whole corpus: otherwise a filter could turn a
    partnership listed in the unfiltered answer into "nothing answers"."""
    everywhere = replace(query, filters=Filters())
    every_hit = score(store, shortlist(store, everywhere, found), everywhere, found, labels)
    kept = {hit.report_id for hit in hits}
    return [answer for answer in group(every_hit, len(every_hit), evidence_sections(everywhere))
            if answer.report_id in kept][:k]


def _known_region(store: Store, region: str) -> str:
    """The region as filters compare it: one of the English regions, however
    written, or a region some stored report gives; else a clear error."""
    name = canonical_region(region)
    stored = {row[0] for row in store.conn.execute(
        "SELECT DISTINCT region FROM current_reports WHERE region IS NOT NULL")}
    if name in REGIONS.values() or name.casefold() in {r.casefold() for r in stored}:
        return name
    raise ReportmineError(f"unknown region '{region}' (regions: "
                          f"{', '.join(sorted(set(REGIONS.values()) | stored))})")


def _names_partnership(store: Store, words: Sequence[str]) -> bool:
    """Whether some current report's partnership name has all of `words`,
    each as a whole word or a part of a hyphenated one ("Stockton" of
    "Stockton-on-Tees")."""
    wanted = {w.lower() for w in words}
    if not wanted:
        return False
    rows = store.conn.execute(
        "SELECT DISTINCT partnership FROM current_reports WHERE instr(lower(partnership), ?) > 0",
        (min(wanted, key=len),))
    return any(wanted <= _name_words(name) for (name,) in rows)


def _name_words(name: str) -> set[str]:
    whole = re.findall(r"[\w&'’-]+", name.lower())
    return {*whole, *(part for w in whole for part in w.split("-"))}
