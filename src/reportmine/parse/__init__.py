"""PDF → Report: the parsing pipeline.

Each step is a small function over plain data (layout → lines → furniture
removed → footnotes apart → reading order → headings → sections → passages),
so a step can be tested, or swapped, alone.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from os import PathLike
from pathlib import Path

from ..errors import ParseError
from ..layout import load_layout
from ..layout.model import DocumentLayout
from ..model import Report
from .columns import reading_order
from .footnotes import split_footnotes, strip_marks
from .furniture import remove_furniture
from .lines import Line, body_size, build_lines, line_pitch
from .metadata import build_metadata
from .orientation import upright
from .structure import SIGN_OFF, Context, assemble
from .tables import fill_tables, find_tables

DEFAULT_BACKEND = "pdfium"


def parse_pdf(path: str | PathLike, backend: str | None = None) -> Report:
    """Parse one PDF file into a structured Report."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ParseError(f"cannot read file: {e.strerror or e}") from e
    if not data:
        raise ParseError("empty file")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ParseError("not a PDF (no %PDF header)")
    try:
        layout = load_layout(path, backend or DEFAULT_BACKEND)
    except ValueError:
        raise
    except Exception as e:  # backends raise their own error types for broken files
        raise ParseError(_reason(e)) from e
    return parse_layout(layout, path.name, hashlib.sha256(data).hexdigest())


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "password" in text.lower():
        return "password-protected PDF"
    return f"unreadable PDF: {text}"[:200]


def parse_layout(layout: DocumentLayout, file_name: str, sha256: str) -> Report:
    """Turn an extracted layout into a Report."""
    report = Report(file_name=file_name, sha256=sha256, n_pages=layout.n_pages)
    if not any(p.words for p in layout.pages):
        report.warnings.append("no text layer")
        return report
    page_lines: list[list[Line]] = []
    page_tables = []
    layout = replace(layout, pages=[upright(p) for p in layout.pages])
    for page in layout.pages:
        tables = find_tables(page.rules, page.number)
        rest = fill_tables(tables, page.words, page.number)
        page_lines.append(build_lines(rest, page.number))
        page_tables.append(tables)
    all_lines = [ln for lines in page_lines for ln in lines]
    body = body_size(all_lines)
    page_lines = remove_furniture(page_lines, layout)

    items: list = []
    for lines, tables in zip(page_lines, page_tables):
        lines, notes = split_footnotes(lines, body)
        report.footnotes.extend(notes)
        for table in tables:
            for row in table.rows:
                for cell in row:
                    cell.lines = [strip_marks(ln) for ln in cell.lines]
        items.extend(reading_order([strip_marks(ln) for ln in lines], tables))

    flow = [ln for ln in items if isinstance(ln, Line)]
    ctx = Context(body=body, pitch=line_pitch(flow), vocabulary=_vocabulary(all_lines))
    sections, title, details, endnotes, is_template = assemble(items, ctx)
    report.footnotes.extend(endnotes)
    report.sections = sections
    report.title = title
    signed = next((ln.text for ln in flow if SIGN_OFF.match(ln.text) and ln.text.lower().startswith("date")), None)
    signed_date = signed.split(":", 1)[1].strip() if signed else None
    report.metadata = build_metadata(details.raw if details else {}, signed_date)
    if not is_template:
        report.warnings.append("unknown template")
    return report


def _vocabulary(lines: list[Line]) -> set[str]:
    """Every word of the document, lower-cased: evidence for de-hyphenation."""
    return {m.lower() for ln in lines for w in ln.words for m in re.findall(r"\w+", w.text)}
