"""PDFs that are odd but valid parse; broken ones fail with one clear reason."""
from __future__ import annotations

import re

import pytest

from pdf_factory import make_pdf, owner_password_only, user_password
from reportmine.errors import ParseError
from reportmine.parse import parse_pdf
from reportmine.parse.metadata import field_for_label

TEXT = [["Introduction", "This paragraph is the body text of a short document.",
         "It runs to a second line so that it reads as prose."]]


def test_password_protected_pdf_is_refused_with_reason(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", TEXT, encrypt=user_password())
    with pytest.raises(ParseError, match="password"):
        parse_pdf(path)


def test_owner_password_only_pdf_parses(tmp_path):
    path = make_pdf(tmp_path / "owner.pdf", TEXT, encrypt=owner_password_only())
    report = parse_pdf(path)
    assert any("body text" in p.text for _, p in report.passages())


def test_pdf_without_text_layer_is_flagged(tmp_path):
    report = parse_pdf(make_pdf(tmp_path / "scan.pdf", [[], []]))
    assert report.warnings == ["no text layer"]
    assert report.n_pages == 2 and not list(report.passages())


def test_rotated_page_keeps_its_text(tmp_path):
    report = parse_pdf(make_pdf(tmp_path / "rotated.pdf", TEXT, rotate=90))
    assert any("body text" in p.text for _, p in report.passages())


def test_odd_unicode_in_document_info_is_harmless(tmp_path):
    path = make_pdf(tmp_path / "info.pdf", TEXT, title="Rapport \u2028 \ud7ff 🚸 \x00x")
    assert any("body text" in p.text for _, p in parse_pdf(path).passages())


def test_four_hundred_pages_parse(tmp_path):
    pages = [[f"Chapter {n}", f"Page {n} says something of its own, number {n * 7}."] for n in range(400)]
    report = parse_pdf(make_pdf(tmp_path / "long.pdf", pages))
    assert report.n_pages == 400
    assert sum(1 for _, p in report.passages() if "says something" in p.text) == 400


def test_truncated_pdf_fails_with_one_line_reason(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", TEXT).read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(good[:300])
    with pytest.raises(ParseError) as failure:
        parse_pdf(broken)
    assert "\n" not in str(failure.value)


def test_html_page_named_pdf_is_not_a_pdf(tmp_path):
    path = tmp_path / "error.pdf"
    path.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>")
    with pytest.raises(ParseError, match="not a PDF"):
        parse_pdf(path)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        parse_pdf(path)


def _long_table_pdf(path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    rows = [["Change goal", "What needs to change"]] + [
        [f"Goal {i} about sharing information earlier", f"Change {i} in how panels meet"]
        for i in range(1, 70)]
    table = Table(rows, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(
        [Paragraph("Overall goal of BSP", styles["Heading1"]), table])


def test_header_row_repeated_after_a_page_break_is_not_read_as_a_continued_row(tmp_path):
    _long_table_pdf(tmp_path / "t.pdf")
    report = parse_pdf(tmp_path / "t.pdf")
    texts = [p.text for _, p in report.passages()]
    assert report.n_pages >= 2
    rows = [t for t in texts if re.match(r"(Goal|Change) \d", t)]
    assert len(rows) == 2 * 69
    assert not [t for t in rows if "Change goal" in t or "What needs to change" in t]
    assert any(t.endswith("Goal 69 about sharing information earlier") for t in texts)


@pytest.mark.parametrize("label, field", [
    ("Area:", "partnership"), ("Name of local area", "partnership"),
    ("Number of local authority areas", "la_count"), ("Kick-off:", "commenced"),
    ("Project start", "commenced"), ("Reasons why the local area requested support", "reasons")])
def test_details_row_label_names_its_metadata_field(label, field):
    assert field_for_label(label) == field
