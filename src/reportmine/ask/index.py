"""The lemma index behind `ask`: passages as lowercase lemmas in FTS5.

Migration 4 queues every new or edited passage in `passages_lemma_pending`;
`refresh` lemmatises the queue, so ingest stays as fast as before and the
index can never silently miss a passage. Each passage is stored as its
sentences' lemmas joined by " | " (FTS5 ignores the bar), which lets the
scorer find the best sentence without lemmatising again at question time.
"""
from __future__ import annotations

import re
import sqlite3

from reportmine.errors import ReportmineError
from reportmine.progress import ProgressBar
from reportmine.store import Store
from reportmine.text import normalise_many, sentences

SENTENCE_BREAK = " | "
REFRESH_BATCH = 2000  # passages lemmatised and committed together
_TOKEN = re.compile(r"[^\W_]+")


def tokens(lemma_text: str) -> list[str]:
    """Split lemma text the way FTS5's unicode61 tokenizer does (letters and digits)."""
    return _TOKEN.findall(lemma_text.lower())


def sentence_lemmas(parts: list[str]) -> list[str]:
    """Each sentence as its lemma tokens joined by single spaces, so that
    `str.split` at question time gives exactly what `tokens` would."""
    return [" ".join(tokens(lemmas)) for lemmas in normalise_many(parts)]


def lemma_sentences(texts: list[str]) -> list[str]:
    """Each passage's index entry: its sentences' lemmas joined by the
    sentence break; all sentences go through the pipeline in one batch."""
    parts = [sentences(text) or [text] for text in texts]
    flat = iter(sentence_lemmas([s for p in parts for s in p]))
    return [SENTENCE_BREAK.join(next(flat) for _ in p) for p in parts]


def pending(store: Store) -> int:
    """How many passages wait to be indexed."""
    return store.conn.execute("SELECT count(*) FROM passages_lemma_pending").fetchone()[0]


def refresh(store: Store, bar: ProgressBar | None = None) -> int:
    """Index the passages queued when it starts, REFRESH_BATCH to a
    transaction (a whole corpus is queued after an upgrade: an interrupted
    refresh keeps the batches it finished); returns how many were added."""
    added = 0
    last = store.conn.execute("SELECT max(id) FROM passages_lemma_pending").fetchone()[0]
    while last is not None and (rows := store.conn.execute(
            """SELECT q.id, p.text FROM passages_lemma_pending q
               JOIN passages p ON p.id = q.id WHERE q.id <= ? ORDER BY q.id LIMIT ?""",
            (last, REFRESH_BATCH)).fetchall()):
        ids = [(row[0],) for row in rows]
        entries = list(zip((row[0] for row in rows), lemma_sentences([row[1] for row in rows])))
        try:
            with store.transaction() as c:
                c.executemany("DELETE FROM passages_lemma_fts WHERE rowid = ?", ids)
                c.executemany("INSERT INTO passages_lemma_fts (rowid, lemmas) VALUES (?, ?)",
                              entries)
                # only what was read: passages queued meanwhile by another writer stay queued
                c.executemany("DELETE FROM passages_lemma_pending WHERE id = ?", ids)
        except sqlite3.OperationalError as e:
            raise ReportmineError(f"cannot update the search index of {store.path}: {e}") from e
        added += len(entries)
        if bar:
            bar.step(n=len(entries))
    return added
