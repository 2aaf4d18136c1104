"""The sentences a comparison may quote: verbatim, cited, with their passage's tags.

Every statement reportmine puts in a comparative summary is one of these
sentences, so output stays extractive: the text exists in a stored passage of a
current report, and carries the report, section and page to cite it by.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reportmine.store import Store
from reportmine.text import sentences as split_sentences

# Sections that describe the project rather than say what was learned from it.
NON_LEARNING_SECTIONS = frozenset({"section.details", "section.sign_off"})
LEARNING_SECTIONS = frozenset({"section.transferable_learning", "section.key_issues",
                               "section.joining_the_dots", "section.disruption",
                               "section.local_reflections"})
MIN_WORDS = 6
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")


@dataclass(frozen=True)
class Sentence:
    """One verbatim sentence of a passage, with where it sits and how it is tagged."""

    text: str
    report_id: str
    partnership: str
    region: str | None
    section: str
    heading: str
    page: int
    passage_id: str
    kind: str
    labels: tuple[str, ...]
    scores: dict[str, float] = field(default_factory=dict, compare=False, hash=False)

    def citation(self) -> dict[str, Any]:
        """The quote as the JSON output cites it."""
        return {"text": self.text, "section": self.section, "heading": self.heading,
                "page": self.page}

    def cited_quote(self) -> dict[str, Any]:
        """The quote with the partnership and report that make it."""
        return {"partnership": self.partnership, "report_id": self.report_id,
                **self.citation()}


def current_report_ids(store: Store) -> list[str]:
    """Reports an analysis may read: parsed and not superseded."""
    rows = store.conn.execute("SELECT report_id FROM current_reports ORDER BY file_name")
    return [row[0] for row in rows]


def current_reports(store: Store, report_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Current reports (optionally only those ids) in file-name order."""
    wanted = set(current_report_ids(store))
    if report_ids is not None:
        wanted &= set(report_ids)
    return [r for r in store.reports() if r["report_id"] in wanted]


def partnership_name(report: dict[str, Any]) -> str:
    """The partnership as the report names it, else its file name."""
    return report.get("partnership") or report["file_name"].rsplit(".", 1)[0]


def load_passages(store: Store, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored passages of the given reports, in reading order."""
    wanted = {r["report_id"] for r in reports}
    return [p for p in store.passages() if p["report_id"] in wanted]


def passage_sentences(passage: dict[str, Any], report: dict[str, Any]) -> list[Sentence]:
    """The sentences of one stored passage, each carrying the passage's citation and tags."""
    return [Sentence(text=text, report_id=passage["report_id"],
                     partnership=partnership_name(report), region=report.get("region"),
                     section=passage["section"], heading=passage["heading"],
                     page=passage["page"], passage_id=passage["passage_id"],
                     kind=passage["kind"], labels=tuple(passage["labels"] or ()),
                     scores=dict(passage["scores"] or {}))
            for text in split_sentences(passage["text"])]


def load_sentences(store: Store, reports: list[dict[str, Any]]) -> list[Sentence]:
    """Every sentence of the given reports' passages, with their passage's tags."""
    by_id = {r["report_id"]: r for r in reports}
    return [s for p in load_passages(store, reports)
            for s in passage_sentences(p, by_id[p["report_id"]])]


def is_statement(sentence: Sentence) -> bool:
    """A sentence that can carry a learning point: prose of a substantive section,
    long enough to say something, not a table header, a prompt question or a
    lead-in to a list ("There were three themes:")."""
    if sentence.section in NON_LEARNING_SECTIONS or sentence.kind == "header":
        return False
    if sentence.text.rstrip().endswith(("?", ":")):
        return False
    return len(_WORD.findall(sentence.text)) >= MIN_WORDS
