"""The codebook copy, the keyword matcher, conventions and the training data guard."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from reportmine.tagging.codebook import HOLDING, Codebook, Label, load_codebook, with_implied
from reportmine.tagging.context import (PassageEvidence, gather_evidence, heading_of,
                                        run_in_heading, with_neighbours)
from reportmine.tagging.conventions import default_conventions
from reportmine.tagging.keywords import KeywordMatcher, default_matcher
from reportmine.tagging.model import (EXTRA_WEIGHT, HEADING_RULE_SCORE, PRIOR_RELIABILITY,
                                      THRESHOLD_OWN_SHARE, TermReliability, TrainedTagger,
                                      TrainingData,
                                      _thresholds, as_written, blend, leave_one_report_out,
                                      supplementary_cv, supplementary_set, train, training_set)
from reportmine.tagging import model as model_module
from reportmine.tagging.tagger import (MODEL_EVIDENCE, KeywordTagger, PassageInput, Tag,
                                       apply_conventions)
from reportmine.errors import ReportmineError
from reportmine.text import nlp, normalise

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK_MD = ROOT.parent / "shared" / "CODEBOOK.md"
GOLD = ROOT / "corpus" / "gold.json"
MODEL = ROOT / "models" / "tagger.pkl"


@pytest.mark.skipif(not CODEBOOK_MD.exists(), reason="../shared is absent")
def test_codebook_yaml_has_every_codebook_md_label():
    ids = set(re.findall(r"^\| `((?:jtd|issue)\.[a-z_.]+)`", CODEBOOK_MD.read_text(), re.M))
    codebook = load_codebook()
    assert len(ids) == 22 and set(codebook.ids) == ids
    assert all(label.patterns and label.definition for label in codebook.labels)


def test_every_codebook_label_has_an_example_passage():
    assert all(label.examples for label in load_codebook().labels)


def test_a_codebook_label_missing_a_required_field_is_named_in_the_error(tmp_path):
    edited = tmp_path / "codebook.yaml"
    edited.write_text("version: '2'\nlabels:\n  - id: issue.online_harm\n"
                      "    name: Online harm\n    patterns: [social media]\n")
    with pytest.raises(ReportmineError, match="label issue.online_harm has no 'definition'"):
        load_codebook(str(edited))


def _situations(text: str) -> list[str]:
    return [s.name for s in default_conventions().situations_in(nlp()(text))]


def test_convention_situation_is_found_when_its_concepts_share_a_sentence():
    assert _situations("The two boroughs now run a joint panel with their neighbouring "
                       "authority.") == ["panel merged or joint with a neighbouring area"]


def test_convention_situation_needs_its_concepts_in_one_sentence():
    assert _situations("The panel met monthly. It was a joint effort. "
                       "The neighbouring area was busy.") == []


def test_convention_rule_assigns_its_label_bundle_with_evidence():
    [evidence] = gather_evidence([PassageInput(
        "Team managers said staff were exhausted after a year of lockdown casework.")])
    rule = "rule: staff exhaustion or burnout"
    assert evidence.rules == {"issue.workforce": [rule], "jtd.leading_with_care": [rule]}


@pytest.mark.parametrize("text, situations", [
    pytest.param("The data workshops and reflective sessions were run jointly with the "
                 "neighbouring borough.", [],
                 id="a partnership's reflective session is not staff supervision"),
    pytest.param("Practitioners now have a monthly reflective space after difficult cases.",
                 ["staff reflecting together"],
                 id="staff given reflective space is the supervision convention"),
    pytest.param("The aim was to understand the data and performance picture across the city.",
                 [], id="naming performance data to understand it is not monitoring rather "
                        "than asking"),
    pytest.param("The figures are now used to ask questions, not only to report performance.",
                 ["monitoring rather than asking questions"],
                 id="data used to ask questions, not to report performance, is the convention"),
    pytest.param("Care leavers need support to plan education or training and its effect on "
                 "their housing.", [],
                 id="young people's education and training near housing is not partners trained"),
    pytest.param("They made a business case to involve more partners in reviewing the "
                 "information security approach.", [],
                 id="a business case or information security is not a non-traditional partner"),
])
def test_conventions_find_the_situation_the_codebook_means(text, situations):
    assert _situations(text) == situations


def test_housing_staff_given_training_is_the_partners_trained_convention():
    assert "non-traditional partners trained" in _situations(
        "The district councils commissioned training for their housing and leisure staff.")


def test_keyword_matcher_matches_patterns_as_lemmas():
    found = default_matcher().evidence(
        "The panels were merged, and agencies were sharing information under GDPR.")
    assert found["issue.information_sharing"] == ["sharing information", "gdpr"]
    assert "merged" in found["jtd.blurring_boundaries"]  # pattern "merge"


def test_pattern_matches_its_plural_too():
    codebook = Codebook("test", (Label("x.meeting", "Test label", "about board meetings",
                                       patterns=("board meeting",)),))
    found = KeywordMatcher(codebook).evidence("Two board meetings and one board meeting.")
    assert found == {"x.meeting": ["board meetings", "board meeting"]}


def _one_pattern_matcher(pattern: str) -> KeywordMatcher:
    return KeywordMatcher(Codebook("test", (Label("x.t", "Test label", "test",
                                                  patterns=(pattern,)),)))


def test_multi_word_pattern_matches_with_a_few_words_between():
    found = _one_pattern_matcher("joint panel").evidence(
        "They now hold a joint exploitation panel.")
    assert found == {"x.t": ["joint exploitation panel"]}


def test_multi_word_pattern_does_not_match_across_punctuation_or_a_long_gap():
    matcher = _one_pattern_matcher("joint panel")
    assert matcher.evidence("It was joint work; the panel met.") == {}
    assert matcher.evidence("A joint review of how the old panel met.") == {}


def test_hyphenated_pattern_is_not_split_by_gaps():
    assert _one_pattern_matcher("co-produce").evidence("co - the produce") == {}


def test_exact_pattern_meets_its_word_form_only():
    matcher = _one_pattern_matcher("=places")
    assert matcher.evidence("Young people meet in Places the police rarely visit.") == {
        "x.t": ["places"]}
    assert matcher.evidence("The review took place after children were placed here.") == {}
    assert _one_pattern_matcher("places").evidence("The review took place.") == {
        "x.t": ["place"]}  # unmarked patterns match every form of the lemma


def test_term_reliability_trusts_terms_that_came_with_the_label_in_training():
    label = "issue.contextual_safeguarding"
    evidence = ([PassageEvidence(text={label: ["place"]})] * 8
                + [PassageEvidence(text={label: ["extra-familial"]})] * 3)
    y = np.array([[i == 0] for i in range(8)] + [[True]] * 3)
    table = TermReliability.fit(evidence, y, [label], np.ones(11, dtype=bool))
    generic, specific = table.score(label, ["place"]), table.score(label, ["extra-familial"])
    assert generic < 0.5 < specific
    assert table.score(label, ["unseen term"]) == PRIOR_RELIABILITY
    assert table.score(label, ["place", "extra-familial"]) > specific  # noisy-OR


def test_a_training_passages_keyword_score_comes_from_the_other_reports():
    label = "issue.contextual_safeguarding"
    data = TrainingData([PassageInput("Police mapped the hotspot by the station."),
                         PassageInput("The hotspot list was shared with schools.")],
                        [PassageEvidence(text={label: ["hotspot"]})] * 2,
                        np.array([[True], [False]]), ["one.pdf", "two.pdf"], [label])
    scores = TermReliability.cross_fitted(data)
    # the positive passage reads "hotspot" as its one negative use in the other
    # report, smoothed: (0 + 1) / (1 + 2); the negative, as (1 + 1) / (1 + 2)
    assert scores[:, 0] == pytest.approx([1 / 3, 2 / 3])


def test_model_ngram_evidence_is_quoted_as_written_in_the_passage():
    text = "Partners now bring them together every month."
    assert as_written(text, nlp()(text), ["bring together", "partner", "panel"]) == [
        "bring them together", "Partners", "panel"]  # "panel" is not in the text


def test_short_opening_sentence_is_a_run_in_heading():
    assert run_in_heading("Blurring boundaries. The work crossed the county border.") == \
        "Blurring boundaries."
    assert run_in_heading("The partnership merged its two panels into one. It worked.") == ""
    assert heading_of(PassageInput("Care for the carers. Staff were tired.",
                                   subheading="2. Workforce:")) == \
        "2. Workforce: Care for the carers."


def test_neighbours_are_the_passages_around_it_in_the_same_section():
    rows = [{"report_id": "r", "position": pos, "section": sec, "text": text}
            for pos, sec, text in ((0, "section.goal", "a"), (0, "section.goal", "b"),
                                   (1, "section.approach", "c"))]
    inputs = with_neighbours(rows)
    assert [(p.before, p.after) for p in inputs] == [("", "b"), ("a", ""), ("", "")]


def test_evidence_is_gathered_from_heading_and_neighbours():
    [evidence] = gather_evidence([PassageInput(
        "The work went well.", subheading="Blurring boundaries",
        after="Health colleagues worried about GDPR.")])
    assert evidence.text == {}
    assert "blurring boundaries" in evidence.heading["jtd.blurring_boundaries"]
    assert evidence.neighbours["issue.information_sharing"] == ["gdpr"]
    assert evidence.lemmas == normalise("The work went well.")


def test_blend_weighs_model_and_keywords_and_heading_rule_lifts_score():
    labels = ["issue.information_sharing", "issue.workforce"]
    evidence = [PassageEvidence(text={"issue.information_sharing": ["gdpr"]},
                                heading={"issue.workforce": ["training"]})]
    scores, rule = blend(np.array([[0.2, 0.1]]), TermReliability({}).scores(evidence, labels),
                         evidence, labels, alpha=0.5)
    assert scores[0, 0] == pytest.approx(0.5 * 0.2 + 0.5 * 0.5)
    assert scores[0, 1] == HEADING_RULE_SCORE and rule.tolist() == [[False, True]]


def test_label_threshold_lies_halfway_between_its_own_best_and_the_shared_best():
    # a's hits score 0.55-0.6 and its misses 0.4-0.45: its own best threshold is 0.5;
    # b's hits score 0.25-0.3 and its misses 0.1: its own best, and the best for both, is 0.15
    scores = np.array([[0.6, 0.1], [0.55, 0.1], [0.45, 0.25], [0.4, 0.3]])
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], bool)
    thresholds, _ = _thresholds(scores, np.zeros_like(y), y, ["a", "b"], np.ones(4, bool))
    assert thresholds == pytest.approx({"a": THRESHOLD_OWN_SHARE * 0.5
                                        + (1 - THRESHOLD_OWN_SHARE) * 0.15, "b": 0.15})


def test_complexity_domain_implies_holding_complexity():
    labels = load_codebook().ids
    tags = [Tag(label, 0.9 if label == "jtd.complexity.local_need" else 0.1,
                label == "jtd.complexity.local_need") for label in labels]
    out = apply_conventions(tags, PassageInput("A home-grown model built on local need."))
    assigned = {t.label for t in out if t.assigned}
    assert assigned == {"jtd.complexity.local_need", HOLDING}
    assert with_implied(["jtd.complexity.purpose_over_pace"])[-1] == HOLDING


def test_prompt_questions_and_lead_ins_get_no_labels():
    tagger = KeywordTagger()
    for text in ("What has the partnership learnt about sharing information?",
                 "The work had four strands:"):
        assert not any(t.assigned for t in tagger.tag([PassageInput(text)])[0])


def test_list_item_that_only_names_a_theme_is_a_title_with_no_labels():
    tagger = KeywordTagger()
    for text in ("3. Holding complexity, uncertainty and curiosity", "(b) Partnership working:"):
        assert not any(t.assigned for t in tagger.tag([PassageInput(text)])[0])
    named = "Partnership working between police and schools grew stronger this year."
    assert any(t.assigned for t in tagger.tag([PassageInput(named)])[0])


def test_titles_are_read_from_the_taggers_own_codebook():
    harbour = Codebook("test", (Label("x.port", "Harbour work safety", "ports",
                                      patterns=("harbour", "curiosity")),))
    tagger = KeywordTagger(harbour)
    assert not tagger.tag([PassageInput("2. Harbour work safety")])[0][0].assigned
    # a name of the project's codebook, but not of this one: an ordinary passage here
    assert tagger.tag([PassageInput("3. Holding complexity, uncertainty and curiosity")])[0][0].assigned


def test_long_paragraph_ending_with_a_question_is_still_tagged():
    text = ("The police, schools and children's social care now share information every week "
            "through the locality panels, and practitioners say they see the whole child "
            "for the first time. But who will chair the panels once the funding ends?")
    tags = KeywordTagger().tag([PassageInput(text)])[0]
    assert {t.label for t in tags if t.assigned} >= {"issue.information_sharing"}


def test_a_long_prompt_of_the_immediate_reflections_form_gets_no_labels():
    prompt = ("Please say whether the partnership agrees that this report, including its "
              "notes on the risk assessment tool and the tick box scoring, may be shared "
              "with other local areas:")
    tagger = KeywordTagger()
    in_form = PassageInput(prompt, section="section.local_reflections", kind="paragraph")
    assert not any(t.assigned for t in tagger.tag([in_form])[0])
    elsewhere = PassageInput(prompt, section="section.key_issues", kind="paragraph")
    assert any(t.assigned for t in tagger.tag([elsewhere])[0])


def test_model_trained_without_real_data():
    gold = {"reports": [
        {"file_name": f"{split}.pdf", "split": split,
         "passages": [{"section": "section.goal", "text": f"{split} text", "labels": []}]}
        for split in ("train", "test", "real")]}
    passages, _, groups = training_set(gold)
    assert groups == ["train.pdf"] and [p.text for p in passages] == ["train text"]
    _, _, groups = training_set(gold, ("train", "test"))
    assert groups == ["train.pdf", "test.pdf"]
    with pytest.raises(ReportmineError):
        training_set(gold, ("train", "real"))
    if MODEL.exists() and GOLD.exists():  # the shipped model says what it was trained on
        splits = {r["file_name"]: r["split"] for r in json.loads(GOLD.read_text())["reports"]}
        trained_on = TrainedTagger.load(MODEL).info["train_reports"]
        assert trained_on and all(splits[name] != "real" for name in trained_on)


@pytest.fixture(scope="module")
def trained() -> TrainedTagger:
    if not MODEL.exists():
        pytest.skip("models/tagger.pkl is absent (run 'reportmine train')")
    return TrainedTagger.load(MODEL)


def test_subheading_naming_a_theme_assigns_it_with_evidence(trained):
    passage = PassageInput("The work went well and people were pleased with it.",
                           section="section.joining_the_dots", subheading="Blurring boundaries")
    tags = {t.label: t for t in trained.tag([passage])[0]}
    assert tags["jtd.blurring_boundaries"].assigned
    assert tags["jtd.blurring_boundaries"].score >= HEADING_RULE_SCORE
    assert "heading: blurring boundaries" in tags["jtd.blurring_boundaries"].evidence


def test_trained_tags_have_scores_in_unit_range_and_evidence_when_assigned(trained):
    gold = json.loads(GOLD.read_text())
    passages, _, _ = training_set(gold)
    tags = [t for passage_tags in trained.tag(passages[:60]) for t in passage_tags]
    assert all(0.0 <= t.score <= 1.0 for t in tags)
    assigned = [t for t in tags if t.assigned]
    assert assigned and all(t.evidence for t in assigned)


def test_tags_the_codebook_does_not_back_are_marked_as_the_models_alone(trained):
    gold = json.loads(GOLD.read_text())
    gold["reports"] = [r for r in gold["reports"] if r.get("split") == "test"]
    passages, _, _ = training_set(gold, ("test",))
    matcher = default_matcher()
    model_only = [(p, t) for p, tags in zip(passages, trained.tag(passages))
                  for t in tags if t.assigned and t.model_only]
    assert model_only and all(e.startswith(MODEL_EVIDENCE) for _, t in model_only
                              for e in t.evidence)
    assert not any(t.label in matcher.evidence(p.text) for p, t in model_only)


@pytest.fixture(scope="module")
def model_only_tags(trained) -> list[tuple[PassageInput, PassageEvidence, Tag]]:
    """Tags of the test split's passages that the model alone assigned."""
    gold = json.loads(GOLD.read_text())
    passages, _, _ = training_set(gold, ("test",))
    return [(p, e, t) for p, e, tags in zip(passages, gather_evidence(passages),
                                            trained.tag(passages))
            for t in tags if t.assigned and t.model_only]


def test_model_evidence_names_only_what_is_in_the_passage(model_only_tags):
    def traceable(p: PassageInput, e: PassageEvidence, label: str, reason: str) -> bool:
        kind, _, found = reason.rpartition(": ")
        if reason.startswith("in "):
            return reason == f"in {p.section}"
        if kind.endswith(" terms"):
            return set(found.split(", ")) <= set(e.text[kind.removesuffix(" terms")])
        if kind == "neighbours":
            return set(found.split(", ")) <= set(e.neighbours[label])
        words = found.split(", ") if kind else [reason]
        return all(normalise(w) in normalise(p.text) for w in words)

    assert model_only_tags
    for p, e, tag in model_only_tags:
        for item in tag.evidence:
            assert traceable(p, e, tag.label, item.removeprefix(MODEL_EVIDENCE)), (p.text, item)


def test_model_evidence_names_closeness_and_other_labels_hits_not_only_ngrams(model_only_tags):
    reasons = [item for _, _, t in model_only_tags for item in t.evidence]
    assert any(r.startswith(MODEL_EVIDENCE + "close to its codebook description: ")
               for r in reasons)
    assert any(" terms: " in r for r in reasons)


def test_a_model_saved_after_tagging_leaves_its_evidence_tables_out(trained, tmp_path):
    trained.tag([PassageInput("Staff rotas were redrawn after the review.")])
    trained.save(tmp_path / "tagger.pkl")
    assert "_explained" not in TrainedTagger.load(tmp_path / "tagger.pkl").__dict__


def test_a_tag_is_the_models_alone_only_when_all_its_evidence_is():
    assert Tag("issue.workforce", 0.6, True, ["model: staff rota"]).model_only
    assert not Tag("issue.workforce", 0.6, True, ["training", "model: staff rota"]).model_only


def test_model_trained_on_another_codebook_version_is_refused(trained, tmp_path):
    stale = tmp_path / "stale.pkl"
    trained.codebook_version = "0.9"
    try:
        trained.save(stale)
    finally:
        trained.codebook_version = load_codebook().version
    with pytest.raises(ReportmineError, match="trained on codebook 0.9.*reportmine train"):
        TrainedTagger.load(stale)


def test_convention_rule_lifts_score_whatever_the_model_says():
    labels = ["issue.transitions"]
    evidence = [PassageEvidence(rules={"issue.transitions": ["rule: transition to adult services"]})]
    scores, rule = blend(np.array([[0.0]]), TermReliability({}).scores(evidence, labels),
                         evidence, labels)
    assert scores[0, 0] == HEADING_RULE_SCORE and rule.tolist() == [[True]]


def test_trained_tagger_gives_rule_evidence_for_a_convention(trained):
    passage = PassageInput("Reflective supervision is now offered to every practitioner "
                           "in the exploitation team.", section="section.disruption")
    tags = {t.label: t for t in trained.tag([passage])[0]}
    for label in ("issue.workforce", "jtd.leading_with_care"):
        assert tags[label].assigned
        assert "rule: reflective supervision" in tags[label].evidence


def _tiny_passage(i: int) -> dict:
    if i % 2:
        return {"section": "section.approach", "labels": ["issue.information_sharing"],
                "text": f"Agencies number {i} could not share information under GDPR."}
    return {"section": "section.approach", "labels": ["issue.covid_digital"],
            "text": f"Lockdown number {i} moved the sessions online for months."}


TINY_GOLD = {"reports": [{"file_name": f"r{n}.pdf", "split": split,
                          "passages": [_tiny_passage(i) for i in range(6)]}
                         for n, split in enumerate(("train", "train", "test", "real"))]}
TINY_EXTRA = {"reports": [{"file_name": "guidance.pdf", "split": "external", "passages": [
    {"text": f"Vaccination clinic {i} moved online during lockdown.", "labels": ["issue.covid_digital"],
     "section": "section.other"} for i in range(2)]}]}


def test_supplementary_passages_join_the_fit_at_their_weight_without_neighbours():
    extra = supplementary_set(TINY_EXTRA)
    assert extra.weights.tolist() == [EXTRA_WEIGHT, EXTRA_WEIGHT]
    assert all(p.before == p.after == "" for p in extra.passages)
    model = train(TINY_GOLD, ("train",), TINY_EXTRA)
    assert model.info["n_extra_passages"] == 2 and model.info["extra_documents"] == ["guidance.pdf"]
    assert "vaccination" in model.features.text_vec.vocabulary_  # a word only they use


def test_supplementary_documents_are_never_scored_as_held_out_reports():
    cv = leave_one_report_out(TINY_GOLD, ("train", "test"), TINY_EXTRA)
    assert set(cv.per_report_micro) == {"r0.pdf", "r1.pdf", "r2.pdf"}


TWO_DOCUMENTS = {"reports": [{"file_name": f"doc{d}.pdf", "split": "external", "passages": [
    {"text": f"Clinic {d}{i} moved online during lockdown.",
     "labels": ["issue.covid_digital"], "section": "section.other"} for i in range(3)]}
    for d in range(2)]}


def test_supplementary_cv_scores_each_document_with_a_model_fitted_without_it(monkeypatch):
    model = train(TINY_GOLD, ("train",), TWO_DOCUMENTS)
    fitted_on, fit = [], model_module._fit
    monkeypatch.setattr(model_module, "_fit", lambda data, unseen=(): (
        fitted_on.append({p.text for p in data.passages}), fit(data, unseen))[1])
    cv = supplementary_cv(model, TINY_GOLD, TWO_DOCUMENTS)
    documents = [{p["text"] for p in doc["passages"]} for doc in TWO_DOCUMENTS["reports"]]
    assert cv.trained.n_gold == 6 and cv.trained.reports == ["doc0.pdf", "doc1.pdf"]
    assert sorted(len(texts & documents[0]) for texts in fitted_on) == [0, 3]
    assert all(not (documents[0] <= texts and documents[1] <= texts) for texts in fitted_on)


def test_supplementary_cv_scores_the_codebook_patterns_alone_beside_the_model():
    model = train(TINY_GOLD, ("train",), TWO_DOCUMENTS)
    cv = supplementary_cv(model, TINY_GOLD, TWO_DOCUMENTS)
    assert cv.keyword.by_evidence["model"]["tags"] == 0
    assert cv.keyword.micro["f1"] == 1.0  # "online" and "lockdown" are covid_digital patterns


def test_leave_one_report_out_scores_every_report_of_the_training_splits():
    cv = leave_one_report_out(TINY_GOLD, ("train", "test"))
    assert cv.n_reports == 3 and set(cv.per_report_micro) == {"r0.pdf", "r1.pdf", "r2.pdf"}
    assert cv.macro_f1 == 1.0  # both labels found in every held-out report

