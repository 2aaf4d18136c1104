"""Real public-sector PDFs that are not learning reports still parse cleanly."""
from __future__ import annotations

import re
from collections import Counter

import pypdfium2
import pytest

from conftest import external_pdfs, needs_shared
from reportmine.parse import parse_pdf

pytestmark = needs_shared


@pytest.fixture(scope="module", params=external_pdfs(), ids=lambda p: p.stem[:40])
def parsed(request):
    return request.param, parse_pdf(request.param)


def _words(text: str) -> Counter:
    return Counter(re.findall(r"[A-Za-z]{3,}", text))


def _raw_text(path) -> list[str]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def _recurring_margin_lines(pages: list[str]) -> set[str]:
    """First and last lines that recur on three or more pages: headers and footers."""
    counts: Counter = Counter()
    for text in pages:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        counts.update({re.sub(r"\d+", "#", ln) for ln in lines[:1] + lines[-1:]})
    return {ln for ln, n in counts.items() if n >= 3 and len(ln.split()) >= 3 and "#" not in ln}


def test_is_flagged_unknown_template(parsed):
    assert "unknown template" in parsed[1].warnings


def test_sections_come_from_its_own_headings(parsed):
    path, report = parsed
    assert all(s.id == "section.other" for s in report.sections)
    if report.n_pages >= 20:
        assert len(report.sections) >= 3


def test_no_body_text_is_lost(parsed):
    path, report = parsed
    raw = sum(_words("\n".join(_raw_text(path))).values())
    kept = [p.text for _, p in report.passages()] + [s.heading for s in report.sections]
    kept += [h for s in report.sections for h in s.subheadings] + [f.text for f in report.footnotes]
    kept.append(report.title or "")
    got = sum(_words("\n".join(kept)).values())
    assert got >= 0.95 * raw, f"kept {got} of {raw} words"


PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?", re.I)


def _page_numbers(pages: list[str]) -> set[tuple[int, str]]:
    """(page, text) of every bare page number opening or closing a page's text."""
    found = set()
    for number, text in enumerate(pages, 1):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        found |= {(number, ln) for ln in lines[:1] + lines[-1:] if PAGE_NUMBER.fullmatch(ln)}
    return found


def test_no_page_numbers_or_running_headers_in_passages(parsed):
    path, report = parsed
    raw = _raw_text(path)
    furniture = _recurring_margin_lines(raw)
    numbers = _page_numbers(raw)
    for _, p in report.passages():
        if p.kind != "cell":  # a table cell may hold the same number as the page
            assert (p.page, p.text.strip()) not in numbers, f"page number {p.text!r} on page {p.page}"
        for line in furniture:
            assert line not in p.text, line
