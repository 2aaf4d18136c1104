"""Answers to a question that is all filters.

"Which regional projects used theory of change since 2021?" asks nothing
beyond the reports' details: every partnership whose details match answers
it. Each is cited by the passages that show the match best: those tagged
with the asked label, else those that say the asked methodology ("theory
of change") or delivery ("online", "face to face"), else the statement of
what the project set out to do (the first passage of its goal section that
is not a table header; its longest passage if it has no goal section), so
every listed partnership still points to a page; that stand-in scores 0, as
it shows nothing of the match.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from reportmine.ask.answer import PartnershipAnswer
from reportmine.ask.query import DELIVERY_PHRASES, Filters, content_words
from reportmine.ask.retrieve import NOT_ANSWERS, Hit, filter_sql
from reportmine.store import Store

PASSAGES_SHOWN = 2
GOAL_SECTION = "section.goal"
NEWEST_FIRST = "coalesce(r.commenced, r.report_date) DESC"
BATCH = 50  # reports checked at a time for a label filter


def evidence_of(filters: Filters) -> Callable[[str], float]:
    """How much of the asked methodology and delivery a passage's lemma text
    says: the share of those two filters it shows (the methodology by all its
    words, the delivery by one of its phrases)."""
    wanted: list[Callable[[set[str], str], bool]] = []
    if filters.methodology:
        words = set(content_words(filters.methodology))
        wanted.append(lambda lemmas, _: bool(words) and words <= lemmas)
    if filters.delivery in DELIVERY_PHRASES:
        phrases = [f" {p} " for p in DELIVERY_PHRASES[filters.delivery]]
        wanted.append(lambda _, joined: any(p in joined for p in phrases))

    def shown(text: str) -> float:
        lemmas, joined = set(text.split()), f" {text} "
        return sum(test(lemmas, joined) for test in wanted) / len(wanted) if wanted else 0.0
    return shown


def matching(store: Store, filters: Filters, k: int) -> list[PartnershipAnswer]:
    """The (at most k) current partnerships whose details match `filters`,
    newest project first, each with the passages that best show the match.

    A partnership's score is 1 (it matches all the question asks); a
    passage's score is its tag score for the asked label, else how much of
    the asked methodology and delivery it says (`evidence_of`)."""
    where, params = filter_sql(filters)
    rows = store.conn.execute(
        f"""SELECT p.passage_id, p.report_id, p.page, p.text, p.kind, s.section, s.heading,
                   coalesce(r.partnership, r.file_name) AS partnership, r.region, f.lemmas,
                   (SELECT max(t.score) FROM tags t WHERE t.passage_id = p.passage_id
                    AND t.label = ? AND t.assigned) AS tag_score
            FROM passages p
            JOIN current_reports r ON r.report_id = p.report_id
            JOIN sections s ON s.report_id = p.report_id AND s.position = p.position
            JOIN passages_lemma_fts f ON f.rowid = p.id
            WHERE p.report_id IN (SELECT value FROM json_each(?))
            AND s.section NOT IN ({NOT_ANSWERS}) AND rtrim(p.text) NOT LIKE '%?'{where}
            ORDER BY {NEWEST_FIRST}, partnership, p.id""",
        [filters.label, json.dumps(_newest_matching(store, filters, k)), *params]).fetchall()
    shown_in = evidence_of(filters)
    by_report: dict[str, list[Hit]] = defaultdict(list)
    goal: dict[str, Hit] = {}  # each report's goal statement, in reading order
    for row in rows:
        score = row["tag_score"] if filters.label else shown_in(row["lemmas"])
        hit = Hit(row["passage_id"], row["report_id"], row["partnership"], row["region"],
                  row["section"], row["heading"], row["page"], row["text"], round(score, 4),
                  round(score, 4))
        by_report[row["report_id"]].append(hit)
        if row["section"] == GOAL_SECTION and row["kind"] != "header":
            goal.setdefault(row["report_id"], hit)
    answers = []
    for rid, hits in by_report.items():
        shown = sorted((h for h in hits if h.score), key=lambda h: -h.score)[:PASSAGES_SHOWN]
        chosen = shown or [goal.get(rid) or max(hits, key=lambda h: len(h.text))]
        answers.append(PartnershipAnswer(hits[0].partnership, hits[0].report_id,
                                         hits[0].region, 1.0, chosen))
    return answers


def _newest_matching(store: Store, filters: Filters, k: int) -> list[str]:
    """Ids of the k newest current reports whose details match `filters` and,
    for a label filter, that have a passage with that label assigned; read
    newest first in batches, so a label filter checks few reports' tags."""
    where, params = filter_sql(replace(filters, label=None))
    ranked = store.conn.execute(
        f"SELECT r.report_id FROM current_reports r WHERE 1{where} ORDER BY {NEWEST_FIRST}, "
        "r.partnership", params)
    out: list[str] = []
    while len(out) < k and (batch := [row[0] for row in ranked.fetchmany(BATCH)]):
        if filters.label:
            tagged = {row[0] for row in store.conn.execute(
                """SELECT DISTINCT p.report_id FROM passages p JOIN tags t
                   ON t.passage_id = p.passage_id AND t.label = ? AND t.assigned
                   WHERE p.report_id IN (SELECT value FROM json_each(?))""",
                (filters.label, json.dumps(batch)))}
            batch = [rid for rid in batch if rid in tagged]
        out.extend(batch)
    return out[:k]
