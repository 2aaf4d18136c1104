"""Tidy exports of reports, sections and passages (CSV, JSON Lines, Parquet, Excel).

The column lists below are the contract of BRIEF.md that outside tools rely
on; every format writes the same columns in the same order. Lists and dicts
stay native in JSON Lines and Parquet and are JSON-encoded in CSV and Excel
cells, which hold only scalars.
"""
from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TextIO

from reportmine.errors import ReportmineError
from reportmine.files import atomic_write
from reportmine.model import METADATA_FIELDS
from reportmine.store import Store

COLUMNS: dict[str, tuple[str, ...]] = {
    "reports": ("report_id", "file_name", "sha256", "status", "n_pages", "title",
                *METADATA_FIELDS, "warnings", "metadata_raw", "n_sections", "n_passages",
                "ingested_at"),
    "sections": ("report_id", "file_name", "section", "heading", "position", "page",
                 "subheadings", "labels", "scores"),
    "passages": ("report_id", "file_name", "partnership", "region", "section", "heading",
                 "subheading", "passage_id", "page", "kind", "row", "column", "text",
                 "labels", "scores", "evidence", "footnotes"),
}
KINDS = tuple(COLUMNS)
FORMATS = ("csv", "jsonl", "parquet", "xlsx")
_INT_COLUMNS = {"n_pages", "la_count", "n_sections", "n_passages", "position", "page", "row"}
_LIST_COLUMNS = {"warnings", "labels", "subheadings", "footnotes"}


def records(store: Store, kind: str) -> list[dict[str, Any]]:
    """Rows of one kind with exactly the contract's columns, in order."""
    if kind not in COLUMNS:
        raise ReportmineError(f"unknown export '{kind}' (choose from {', '.join(KINDS)})")
    rows = getattr(store, kind)()
    return [{col: row.get(col) for col in COLUMNS[kind]} for row in rows]


def export(store: Store, kind: str, fmt: str, out: Path | None = None,
           stdout: TextIO | None = None) -> int:
    """Write one kind of rows in one format to `out` (or stdout); return the row count."""
    if fmt not in FORMATS:
        raise ReportmineError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
    rows = records(store, kind)
    if out is None:
        if fmt in ("parquet", "xlsx"):
            raise ReportmineError(f"--format {fmt} is binary: give an output file with -o")
        _WRITERS[fmt](rows, kind, stdout or sys.stdout)
        return len(rows)
    binary = fmt in ("parquet", "xlsx")
    with atomic_write(out, binary) as handle:
        _WRITERS[fmt](rows, kind, handle)
    return len(rows)


def _cell(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_csv(rows: list[dict[str, Any]], kind: str, out: IO[Any]) -> None:
    writer = csv.writer(out)
    writer.writerow(COLUMNS[kind])
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row.values()])


def _write_jsonl(rows: list[dict[str, Any]], kind: str, out: IO[Any]) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _arrow_type(column: str) -> Any:
    import pyarrow as pa

    if column in _INT_COLUMNS:
        return pa.int64()
    if column in _LIST_COLUMNS:
        return pa.list_(pa.string())
    if column == "scores":
        return pa.map_(pa.string(), pa.float64())
    if column == "metadata_raw":
        return pa.map_(pa.string(), pa.string())
    if column == "evidence":
        return pa.map_(pa.string(), pa.list_(pa.string()))
    return pa.string()


def _write_parquet(rows: list[dict[str, Any]], kind: str, out: IO[Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = []
    for col in COLUMNS[kind]:
        values, arrow_type = [row[col] for row in rows], _arrow_type(col)
        if pa.types.is_map(arrow_type):  # pyarrow builds maps from (key, value) pairs
            values = [None if v is None else list(v.items()) for v in values]
        arrays.append(pa.array(values, type=arrow_type))
    pq.write_table(pa.Table.from_arrays(arrays, names=list(COLUMNS[kind])), out)


def _write_xlsx(rows: list[dict[str, Any]], kind: str, out: IO[Any]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    sheet.append(list(COLUMNS[kind]))
    for row in rows:
        cells = [_cell(v) for v in row.values()]
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c
                      for c in cells])
    book.save(out)


_WRITERS: dict[str, Callable[[list[dict[str, Any]], str, IO[Any]], None]] = {
    "csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet, "xlsx": _write_xlsx,
}
