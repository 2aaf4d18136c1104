"""The parser against the annotated sample corpus, and the same reports in other layouts."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from markdown_source import normalise, without_enumerator
from reportmine.parse import parse_pdf
from reportmine.parse.metadata import normalise_date

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLD = json.loads((CORPUS / "gold.json").read_text())
SAMPLES = [r for r in GOLD["reports"] if (CORPUS / f"{r['file_stem']}.pdf").exists()]


@pytest.fixture(scope="module", params=SAMPLES, ids=lambda r: r["file_stem"])
def case(request):
    gold = request.param
    return gold, parse_pdf(CORPUS / f"{gold['file_stem']}.pdf")


def _sentence_in(text: str, passages: list[str]) -> int:
    return sum(text == p for p in passages)


def test_sections_match_gold_in_order(case):
    gold, report = case
    assert [s.id for s in report.sections] == [s["id"] for s in gold["sections"]]


def test_metadata_matches_gold(case):
    gold, report = case
    meta = gold["metadata"]
    for field in ("partnership", "region", "size", "methodology", "delivery"):
        assert getattr(report.metadata, field) == meta[field], field
    assert report.metadata.la_count == meta["la_count"]
    assert report.metadata.commenced == normalise_date(meta["commenced"])
    assert report.metadata.report_date == normalise_date(meta["report_date"])


def test_every_gold_passage_is_one_parsed_passage(case):
    gold, report = case
    parsed = [without_enumerator(p.text) for _, p in report.passages()]
    missing = [p["text"] for p in gold["passages"]
               if _sentence_in(without_enumerator(p["text"]), parsed) != 1]
    assert not missing, "\n".join(missing)


def test_footnotes_are_apart_from_passages(case):
    gold, report = case
    assert len(report.footnotes) == len(gold["footnotes"])
    for _, p in report.passages():
        assert not any(normalise(f)[:50] in normalise(p.text) for f in gold["footnotes"])


def _renderer():
    spec = importlib.util.spec_from_file_location("render", CORPUS / "tools" / "render.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(CORPUS / "tools"))
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("layout", ["A", "B", "C"])
@pytest.mark.parametrize("stem", ["lindmoor-corbeck", "kestermoor", "brindley-moss"])
def test_same_report_in_another_layout_parses_the_same(stem, layout, tmp_path):
    pytest.importorskip("reportlab")
    render = _renderer()
    out, _ = render.render(CORPUS / "sources" / f"{stem}.md", tmp_path, layout=layout)
    gold = next(r for r in GOLD["reports"] if r["file_stem"] == stem)
    report = parse_pdf(out)
    # Layout B sets every heading level alike, so a lone extra section and a
    # lone sub-heading cannot be told apart there; the template's sections can.
    def template_ids(ids):
        return [i for i in ids if i != "section.other"]
    assert template_ids(s.id for s in report.sections) == template_ids(s["id"] for s in gold["sections"])
    parsed = [without_enumerator(p.text) for _, p in report.passages()]
    missing = [p["text"] for p in gold["passages"]
               if _sentence_in(without_enumerator(p["text"]), parsed) != 1]
    assert not missing, "\n".join(missing)


def test_sub_headings_set_like_section_headings_stay_inside_their_section(tmp_path):
    """Layout B sets sub-headings exactly like section headings; a run of them
    under one template section is that section's sub-themes, not new sections."""
    pytest.importorskip("reportlab")
    out, _ = _renderer().render(CORPUS / "sources" / "hexley-dunmoor.md", tmp_path, layout="B")
    gold = next(r for r in GOLD["reports"] if r["file_stem"] == "hexley-dunmoor")
    report = parse_pdf(out)
    assert [s.id for s in report.sections] == [s["id"] for s in gold["sections"]]
    assert any(p.subheading for _, p in report.passages())
