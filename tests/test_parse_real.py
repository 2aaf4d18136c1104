"""The parser on the two real published learning reports."""
from __future__ import annotations

import re

import pytest

from conftest import REAL, needs_shared
from markdown_source import normalise, sentences
from reportmine.parse import parse_pdf

pytestmark = needs_shared

EXPECTED_SECTIONS = {
    "hull": [
        "section.details", "section.reasons", "section.goal", "section.approach",
        "section.key_issues", "section.joining_the_dots", "section.transferable_learning",
        "section.disruption", "section.local_reflections", "section.sign_off",
    ],
    "hartlepool-stockton": [
        "section.details", "section.reasons", "section.goal", "section.approach",
        "section.key_issues", "section.disruption", "section.transferable_learning",
        "section.sign_off",
    ],
}
EXPECTED_METADATA = {
    "hull": dict(partnership="Hull", la_count=1, region="Yorkshire and The Humber", size="Standard",
                 methodology="Partnership", delivery="Digital", commenced="2021-07",
                 report_date="2022-05-23",
                 partner_agencies="Social Care, Police, Health and the wider Contextual Safeguarding Strategic Group"),
    "hartlepool-stockton": dict(
        partnership="Hartlepool & Stockton-On-Tees Safeguarding Children's Partnership (HSSCP)",
        la_count=2, region="North East", size="Regional", methodology="Theory of change",
        delivery="Digital delivery", commenced="2020-10", report_date="2021-09-23",
        partner_agencies="Police, health, education, voluntary sector, Children's Social Care"),
}
FOOTNOTES = {"hull": 5, "hartlepool-stockton": 5}
BACKENDS = ["pdfium", "pdfplumber"]


@pytest.fixture(scope="module", params=[(n, b) for n in EXPECTED_SECTIONS for b in BACKENDS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def parsed(request):
    name, backend = request.param
    return name, parse_pdf(REAL / f"{name}-learning-report.pdf", backend=backend)


def test_metadata_is_read_exactly(parsed):
    name, report = parsed
    for field, value in EXPECTED_METADATA[name].items():
        assert getattr(report.metadata, field) == value, field


def test_top_level_sections_found_in_order(parsed):
    name, report = parsed
    assert [s.id for s in report.sections] == EXPECTED_SECTIONS[name]


def test_follows_the_template(parsed):
    assert "unknown template" not in parsed[1].warnings


def test_every_source_sentence_is_in_exactly_one_passage(parsed):
    name, report = parsed
    texts = [normalise(p.text) for _, p in report.passages()]
    md = (REAL / "src" / f"{name}.md").read_text()
    missing, repeated = [], []
    for sentence in sentences(md):
        # A sentence must stand as a sentence, not inside another ('ownership and accountability').
        pattern = re.compile(r"(?:^|(?<=[.!?:;)'\"] ))" + re.escape(sentence) + r"(?= |$)")
        hits = sum(bool(pattern.search(t)) for t in texts)
        if hits == 0:
            missing.append(sentence)
        elif hits > 1:
            repeated.append(sentence)
    assert not missing, "\n".join(missing)
    assert not repeated, "\n".join(repeated)


def test_no_running_header_or_page_number_in_passages(parsed):
    _, report = parsed
    for _, p in report.passages():
        assert "Tackling Child Exploitation Support Programme" not in p.text
        assert not p.text.strip().isdigit()


def test_footnotes_are_separated_and_linked(parsed):
    name, report = parsed
    assert len(report.footnotes) == FOOTNOTES[name]
    notes = [normalise(f.text) for f in report.footnotes]
    for _, p in report.passages():
        assert not any(n[:40] in normalise(p.text) for n in notes)
    linked = sorted(m for _, p in report.passages() for m in p.footnotes)
    assert linked == sorted(f.mark for f in report.footnotes)


def test_change_goal_cells_keep_row_and_column():
    report = parse_pdf(REAL / "hull-learning-report.pdf")
    cells = [p for s, p in report.passages() if s.id == "section.goal" and p.kind == "cell"]
    headers = [p for s, p in report.passages() if s.id == "section.goal" and p.kind == "header"]
    assert len(headers) == 2
    assert len(cells) == 10
    assert {p.row for p in cells} == {0, 1, 2, 3, 4}
    assert cells[0].column.startswith("Agreed change goal")
    assert "Amendments should also be made" in cells[1].text
