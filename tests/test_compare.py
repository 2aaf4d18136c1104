"""The comparison library: matrix, shared/distinctive/transferable learning, filters,
current reports only, and the evaluator's matching rule."""
from __future__ import annotations

import pytest

from compare_corpus import STEMS, build
from reportmine.compare import compare, shared_learning
from reportmine.compare.evaluate import GoldPoint, finds, overlaps
from reportmine.compare.sentences import Sentence
from reportmine.compare.shared import (QUOTES_PER_PARTNERSHIP, SharedPoint, find_learning,
                                       similarity)
from reportmine.corpus import Corpus
from reportmine.errors import ReportmineError
from reportmine.store import Store
from reportmine.tagging.codebook import load_codebook


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("compare") / "rm.db")


@pytest.fixture(scope="module")
def comparison(db):
    with Store.open(db, create=False) as store:
        return compare(store)


def test_matrix_has_one_row_per_report_and_a_cell_per_codebook_label(comparison):
    assert len(comparison.rows) == len(STEMS)
    for row in comparison.rows:
        assert list(row.cells) == load_codebook().ids
        for cell in row.cells.values():
            assert 0.0 <= cell.score <= 1.0
            assert len(cell.quotes) <= min(3, cell.passages)


def test_cell_quotes_come_from_passages_tagged_with_the_label(comparison):
    quoted = [(label, q) for row in comparison.rows for label, cell in row.cells.items()
              for q in cell.quotes]
    assert quoted
    assert all(label in q.labels for label, q in quoted)


def test_a_label_with_more_tagged_passages_never_scores_lower_than_an_unused_one(comparison):
    for row in comparison.rows:
        unused = [c.score for c in row.cells.values() if c.passages == 0]
        used = [c.score for c in row.cells.values() if c.passages > 0]
        assert max(unused, default=0.0) <= min(used, default=1.0)


def test_shared_points_span_partnerships_with_at_most_two_quotes_each(comparison):
    assert comparison.shared
    for point in comparison.shared:
        per = {p: sum(q.partnership == p for q in point.quotes) for p in point.partnerships}
        assert len(per) >= 2
        assert max(per.values()) <= QUOTES_PER_PARTNERSHIP
        assert point.point == point.quotes[0].text


def test_distinctive_points_belong_to_one_partnership(comparison):
    assert comparison.distinctive
    assert all(len(p.partnerships) == 1 for p in comparison.distinctive)


def test_transferable_learning_quotes_the_transferable_section_with_the_label(comparison):
    assert comparison.transferable
    for label, quotes in comparison.transferable.items():
        assert all(q.section == "section.transferable_learning" and label in q.labels
                   for q in quotes)


def test_shared_learning_alone_gives_the_same_points_as_compare(db, comparison):
    with Store.open(db, create=False) as store:
        points = shared_learning(store)
    assert [p.point for p in points] == [p.point for p in comparison.shared]


def test_shared_learning_can_be_limited_to_some_reports(db, comparison):
    two = [row.report_id for row in comparison.rows[:2]]
    with Store.open(db, create=False) as store:
        points = shared_learning(store, report_ids=two)
    assert all(set(p.report_ids) <= set(two) for p in points)


def test_label_filter_limits_columns_and_shared_points(db):
    with Store.open(db, create=False) as store:
        result = compare(store, labels=["issue.information_sharing"])
    assert result.labels == ["issue.information_sharing"]
    assert all(list(row.cells) == ["issue.information_sharing"] for row in result.rows)
    assert all("issue.information_sharing" in p.labels for p in result.shared)


def test_region_and_partnership_filters_select_reports(db, comparison):
    region = comparison.rows[0].region
    name = comparison.rows[1].partnership
    with Store.open(db, create=False) as store:
        by_region = compare(store, regions=[region.upper()])
        by_name = compare(store, partnerships=[name.split()[0].lower()])
    assert {row.region for row in by_region.rows} == {region}
    assert [row.partnership for row in by_name.rows] == [name]


def test_region_filter_reads_the_region_however_written(db, comparison):
    region = comparison.rows[0].region
    with Store.open(db, create=False) as store:
        by_region = compare(store, regions=[region.lower().replace(" ", "-")])
    assert {row.region for row in by_region.rows} == {region}


def test_unknown_label_or_empty_selection_is_an_error(db):
    with Store.open(db, create=False) as store:
        with pytest.raises(ReportmineError, match="unknown label id 'issue.nope'"):
            compare(store, labels=["issue.nope"])
        with pytest.raises(ReportmineError, match="no current report in region"):
            compare(store, regions=["Atlantis"])


def test_superseded_reports_are_left_out(db, comparison, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    old, new = comparison.rows[0].report_id, comparison.rows[1].report_id
    with Store.open(copy, create=False) as store:
        store.conn.execute("UPDATE reports SET superseded_by = ? WHERE report_id = ?", (new, old))
        result = compare(store)
    assert old not in {row.report_id for row in result.rows}
    assert all(old not in p.report_ids for p in result.shared)


def test_corpus_compare_gives_frames(db, comparison):
    result = Corpus(db).compare()
    scores = result.matrix_frame()
    assert scores.shape == (len(STEMS), len(load_codebook().ids))
    assert set(result.region_prevalence().index) == {row.region for row in comparison.rows}
    assert len(result.shared_frame()) == sum(len(p.quotes) for p in result.shared)


def test_as_dict_has_the_documented_shape(comparison):
    doc = comparison.as_dict()
    assert doc["labels"] == comparison.labels
    row = doc["partnerships"][0]
    assert {"partnership", "report_id", "region", "cells"} <= set(row)
    assert {"score", "passages", "quotes"} <= set(row["cells"][doc["labels"][0]])
    quote = doc["shared_learning"][0]["quotes"][0]
    assert {"partnership", "report_id", "text", "section", "page"} <= set(quote)
    assert {"partnership", "report_id", "quotes"} <= set(doc["distinctive_learning"][0])


def _sentence(text: str, partnership: str, scores: dict[str, float] | None = None,
              section: str = "section.transferable_learning") -> Sentence:
    return Sentence(text=text, report_id=partnership.lower(), partnership=partnership,
                    region="North", section=section,
                    heading="Transferable learning", page=2, passage_id=f"{partnership}:1",
                    kind="paragraph", labels=(), scores=scores or {})


def test_the_same_point_in_different_words_is_grouped_across_partnerships():
    sentences = [
        _sentence("The two councils merged their exploitation panels into one joint panel.", "A"),
        _sentence("Our exploitation panel is now a joint panel run with the neighbouring "
                  "council.", "B"),
        _sentence("Parents asked for a support group and it now meets every month.", "A"),
        _sentence("Licensed taxi drivers were trained to spot the signs of harm.", "B"),
        _sentence("The weather was kind to the summer fair this year in town.", "C"),
    ]
    learning = find_learning(sentences)
    assert len(learning.shared) >= 1
    top = learning.shared[0]
    assert {q.text for q in top.quotes} == {sentences[0].text, sentences[1].text}


def test_naming_the_same_codebook_concept_brings_sentences_closer():
    # Each "B" sentence shares one equally rare word with the "A" sentence;
    # only "exhaustion" is a codebook pattern term.
    a = _sentence("Practitioners told us exhaustion was the main reason workers left the team.",
                  "A")
    concept = _sentence("Leaders saw exhaustion among staff and acted on it quickly this year.",
                        "B")
    word = _sentence("Leaders saw the team move offices and acted on it quickly this year.", "B")
    sim = similarity([a, concept, word])
    assert sim[0, 1] > sim[0, 2] > 0


def test_sentences_describing_the_project_make_no_shared_point():
    sentences = [
        _sentence("The two councils merged their exploitation panels into one joint panel.", "A",
                  section="section.goal"),
        _sentence("Our exploitation panel is now a joint panel run with the neighbouring "
                  "council.", "B", section="section.approach"),
    ]
    assert find_learning(sentences).shared == []


@pytest.mark.parametrize("finding", ["parents", "volunteers"])
def test_a_key_issue_outranks_an_equally_shared_transferable_learning_aphorism(finding):
    texts = {"parents": ("Parents asked for a weekly group and the council now runs one in "
                         "the library.", "Parents asked for a weekly group and the council "
                         "now runs one at the school."),
             "volunteers": ("Volunteers wanted evening sessions so the charity opened the hall "
                            "on Tuesdays.", "Volunteers wanted evening sessions so the charity "
                            "opened the hall on Fridays.")}
    sentences = [_sentence(text, partnership, section="section.key_issues" if topic == finding
                           else "section.transferable_learning")
                 for topic, pair in texts.items() for text, partnership in zip(pair, "AB")]
    top = find_learning(sentences).shared[0]
    assert {q.text for q in top.quotes} == set(texts[finding])


def test_overlap_is_containment_or_a_run_of_five_words():
    sentence = "Partners agreed to stand down the missing panel and to make the subgroup lead."
    assert overlaps(sentence, "agreed to stand down the missing panel")
    assert overlaps("agreed to stand", sentence)
    assert not overlaps(sentence, "the missing children meeting was combined")


def _point(quotes: list[tuple[str, str]]) -> SharedPoint:
    sents = [_sentence(text, who) for who, text in quotes]
    return SharedPoint(point=sents[0].text, labels=[], partnerships=sorted({w for w, _ in quotes}),
                       report_ids=sorted({s.report_id for s in sents}), quotes=sents)


GOLD = GoldPoint(point="panels merged", quotes={"a": ["merged their exploitation panels"],
                                                "b": ["now a joint panel run with"]})


def test_a_point_is_found_by_one_entry_quoting_two_of_its_partnerships():
    entry = _point([("A", "The two councils merged their exploitation panels."),
                    ("B", "Our panel is now a joint panel run with the next council.")])
    assert finds(entry, GOLD)


def test_a_point_is_not_found_through_one_partnership_only():
    entry = _point([("A", "The two councils merged their exploitation panels."),
                    ("C", "Our panel is now a joint panel run with the next council.")])
    assert not finds(entry, GOLD)


def test_only_two_quotes_per_partnership_count():
    entry = _point([("A", "The two councils merged their exploitation panels."),
                    ("B", "Training was given to drivers across the area."),
                    ("B", "Parents meet monthly in the community centre hall."),
                    ("B", "Our panel is now a joint panel run with the next council.")])
    assert not finds(entry, GOLD)
