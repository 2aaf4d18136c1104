"""PDFium is the default backend because it yields the same reports as pdfplumber."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import real_pdfs
from reportmine.parse import parse_pdf

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PDFS = sorted(CORPUS.glob("*.pdf")) + real_pdfs()


def _shape(report):
    return (
        report.metadata,
        [(s.id, s.heading, s.page, s.subheadings) for s in report.sections],
        [(p.text, p.page, p.kind, p.row, p.column, p.footnotes) for _, p in report.passages()],
        [(f.mark, f.text, f.page) for f in report.footnotes],
        report.warnings,
    )


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.stem)
def test_pdfium_and_pdfplumber_give_the_same_report(path):
    assert _shape(parse_pdf(path, backend="pdfium")) == _shape(parse_pdf(path, backend="pdfplumber"))
