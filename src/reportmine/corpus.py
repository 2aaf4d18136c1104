"""The researcher's entry point: a database as pandas DataFrames.

Same columns as the exports, so a notebook and a CSV opened elsewhere agree.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from reportmine.export import COLUMNS, records
from reportmine.store import Store


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
        """One row per top-level section, in report order."""
        return self._frame("sections")

    def passages(self) -> pd.DataFrame:
        """One row per passage with partnership, region, section, page, labels, scores."""
        return self._frame("passages")
