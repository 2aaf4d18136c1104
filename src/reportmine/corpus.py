"""The researcher's entry point: a database as pandas DataFrames.

Same columns as the exports, so a notebook and a CSV opened elsewhere agree.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from reportmine.export import COLUMNS, records
from reportmine.store import Store

if TYPE_CHECKING:
    from reportmine.compare import Comparison


class Corpus:
    """Read-only view of a reportmine database."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)

    def _frame(self, kind: str) -> pd.DataFrame:
        with Store.open(self.db_path, create=False) as store:
            return pd.DataFrame(records(store, kind), columns=list(COLUMNS[kind]))

    def reports(self) -> pd.DataFrame:
        """One row per report: ids, status, warnings, pages and codebook metadata."""
        frame = self._frame("reports")
        frame["la_count"] = frame["la_count"].astype("Int64")
        return frame

    def sections(self) -> pd.DataFrame:
        """One row per top-level section, in report order, with the labels of its passages."""
        return self._frame("sections")

    def passages(self) -> pd.DataFrame:
        """One row per passage with partnership, region, section, page, labels, scores."""
        return self._frame("passages")

    def ask(self, question: str, region: str | None = None, label: str | None = None,
            partnership: str | None = None, since: int | None = None,
            k: int | None = None) -> pd.DataFrame:
        """A cross-area question's answer: one row per cited passage, partnerships
        ranked best first; no rows when nothing in the corpus answers. The
        question's words no report uses are in `.attrs["absent_words"]`, and
        `.attrs["filters_only"]` says the question was filters alone (the rows
        are the partnerships whose details match)."""
        from reportmine.ask import DEFAULT_K, Answer, ask

        with Store.open(self.db_path, create=False) as store:
            answer = ask(store, question, region=region, label=label,
                         partnership=partnership, since=since, k=k or DEFAULT_K)
        frame = pd.DataFrame(answer.rows(), columns=list(Answer.ROW_COLUMNS))
        frame.attrs["absent_words"] = answer.absent_words
        frame.attrs["filters_only"] = answer.filters_only
        return frame

    def compare(self, labels: list[str] | None = None, regions: list[str] | None = None,
                partnerships: list[str] | None = None) -> Comparison:
        """The comparative summary as data: `.matrix_frame()`, `.region_prevalence()`,
        `.shared_frame()` give DataFrames, `.as_dict()` the JSON document."""
        from reportmine.compare import compare

        with Store.open(self.db_path, create=False) as store:
            return compare(store, labels=labels, regions=regions, partnerships=partnerships)
