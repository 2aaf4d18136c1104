"""Text set in columns is read column by column; side-by-side items are not."""
from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

from reportmine.parse import parse_pdf

TITLE = "Learning from a review set in two columns across the page"
TOPICS = ["referrals", "supervision", "housing", "schooling", "health visits", "escalation"]
PARAGRAPHS = [
    f"Practitioners described how {topic} worked in this case. "
    f"The review found that {topic} was discussed at several meetings, but decisions "
    f"about {topic} were not always recorded or shared with the family. "
    f"Agencies agreed that clearer ownership of {topic} would have helped the child."
    for topic in TOPICS
]
CLOSING = ("This closing paragraph runs across the full width of the page, below both "
           "columns, and is read only after the second column has ended.")


def _columns_pdf(path, n_columns: int):
    """A title across the page, PARAGRAPHS set in n columns, CLOSING across the page."""
    width, height = A4
    margin, gutter = 50, 30
    column = (width - 2 * margin - gutter * (n_columns - 1)) / n_columns
    frames = [Frame(margin, height - 110, width - 2 * margin, 60, id="title")]
    frames += [Frame(margin + i * (column + gutter), 200, column, height - 320, id=f"column{i}")
               for i in range(n_columns)]
    frames += [Frame(margin, 60, width - 2 * margin, 130, id="closing")]
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1,
                          pageTemplates=[PageTemplate(frames=frames)])
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14, spaceAfter=9)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=18, leading=22)
    story = [Paragraph(TITLE, title), FrameBreak()]
    per_column = len(PARAGRAPHS) // n_columns
    for start in range(0, len(PARAGRAPHS), per_column):
        story += [Paragraph(text, body) for text in PARAGRAPHS[start:start + per_column]]
        story.append(FrameBreak())
    story.append(Paragraph(CLOSING, body))
    doc.build(story)
    return path


@pytest.fixture(scope="module")
def two_column_report(tmp_path_factory):
    return parse_pdf(_columns_pdf(tmp_path_factory.mktemp("columns") / "two-column.pdf", 2))


def test_two_column_page_reads_each_paragraph_whole(two_column_report):
    texts = [p.text for _, p in two_column_report.passages()]
    for paragraph in PARAGRAPHS:
        assert paragraph in texts


def test_two_column_page_reads_left_column_before_right(two_column_report):
    texts = [p.text for _, p in two_column_report.passages()]
    assert texts == PARAGRAPHS + [CLOSING]


def test_title_across_both_columns_stays_the_title(two_column_report):
    assert two_column_report.title == TITLE


def test_three_column_page_reads_column_by_column(tmp_path):
    # Order only: in a column this narrow a ragged line ending a sentence
    # may still be read as a paragraph's end.
    report = parse_pdf(_columns_pdf(tmp_path / "three-column.pdf", 3))
    assert " ".join(p.text for _, p in report.passages()) == " ".join(PARAGRAPHS + [CLOSING])


def _side_by_side_pdf(path, rows: list[tuple[str, str]]):
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    for i, (left, right) in enumerate(rows):
        y = A4[1] - 100 - 16 * i
        c.drawString(72, y, left)
        c.drawString(260, y, right)
    c.showPage()
    c.save()
    return path


LABEL_VALUES = [
    ("Partnership", "Northshire Safeguarding Children Partnership"),
    ("Local authorities", "Northshire County Council and Eastvale Borough"),
    ("Region", "North East of England, across two council areas"),
    ("Review type", "Local child safeguarding practice review"),
    ("Date of publication", "The twelfth of March, two thousand and twenty four"),
    ("Independent author", "A reviewer commissioned by the partnership board"),
    ("Period under review", "From the child's birth to the incident in spring"),
]
CONTACTS = [
    ("Children's services", "Health partners"),
    ("1 High Street", "2 Hospital Road"),
    ("Northtown NT1 1AA", "Northtown NT2 2BB"),
]


@pytest.mark.parametrize("rows", [LABEL_VALUES, CONTACTS], ids=["label-value", "two-short-items"])
def test_side_by_side_items_keep_row_order(tmp_path, rows):
    report = parse_pdf(_side_by_side_pdf(tmp_path / "pairs.pdf", rows))
    text = " ".join(p.text for _, p in report.passages())
    if report.title:
        text = f"{report.title} {text}"
    assert text.split() == " ".join(f"{left} {right}" for left, right in rows).split()
