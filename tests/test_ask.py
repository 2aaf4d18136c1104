"""`reportmine.ask`: question parsing, retrieval, grouping and abstaining."""
from __future__ import annotations

import pytest

from ask_corpus import AMBERLEY, CORRIE, DUNMORE, LATER, MERGER, build, one_passage, report
from reportmine.ask import Hit, ask, index, retrieve
from reportmine.ask.answer import MIN_BEST_SCORE, group
from reportmine.ask.query import coordinated, parse_question
from reportmine.ask.spelling import british, respelt
from reportmine.corpus import Corpus
from reportmine.errors import ReportmineError
from reportmine.model import Passage
from reportmine.store import Store
from reportmine.tagging.tagger import Tag

MERGER_QUESTION = "Which areas merged their exploitation panel with a neighbour?"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = build(tmp_path_factory.mktemp("ask") / "rm.db")
    with Store.open(path) as s:
        yield s


def test_region_in_question_becomes_filter_not_search_word():
    query = parse_question("What did partnerships in the North East say about young "
                           "people's voice?")
    assert query.filters.region == "North East"
    assert "north" not in query.terms and "east" not in query.terms
    assert {"young", "voice"} <= set(query.terms)


def test_size_methodology_delivery_and_year_in_question_become_filters():
    query = parse_question("Which regional projects using theory of change and delivered "
                           "online since 2021 worked on transitions?")
    assert query.filters.as_dict() == {"size": "Regional", "methodology": "theory of change",
                                       "delivery": "digital", "since": 2021}
    assert query.terms == ["work", "transition"]


def test_region_written_with_a_hyphen_or_in_part_is_still_a_filter():
    for question, region in (("What did partnerships in the north-east learn about panels?",
                              "North East"),
                             ("What did the South-West areas learn about panels?", "South West"),
                             ("What did areas in the Humber learn about panels?",
                              "Yorkshire and The Humber")):
        query = parse_question(question)
        assert query.filters.region == region and query.terms == ["panel"]


def test_other_spellings_of_a_methodology_are_the_same_filter():
    for question in ("Which projects used appreciative enquiry?",
                     "Which projects used Appreciative Inquiry?"):
        assert parse_question(question).filters.methodology == "appreciative inquiry"
    assert parse_question("Which projects using coproduction worked on voice?"
                          ).filters.methodology == "co-production"


def test_delivery_as_topic_is_not_a_filter():
    query = parse_question("How did online delivery affect the projects?")
    assert query.filters.delivery is None
    assert "online" in query.terms


def test_a_request_verb_opening_the_question_is_not_its_topic():
    assert parse_question("List the small projects since 2022").terms == []
    assert parse_question("Show me where young people wrote the strategy").terms == [
        "young", "people", "write", "strategy"]
    assert "list" in parse_question("Which areas kept a list of children at risk?").terms


def test_asking_for_evidence_or_examples_is_not_the_topic():
    assert parse_question("Find evidence of young people writing the strategy").terms == [
        "young", "people", "write", "strategy"]
    assert parse_question("Show me any examples of peer mentoring").terms == ["peer", "mentor"]
    assert parse_question("What evidence of impact did areas find?").terms == [
        "evidence", "impact"]


def test_words_about_what_reports_say_are_not_the_topic():
    for question in ("Are there any reports that mention merging panels?",
                     "In which reports is merging panels discussed?",
                     "Summarise what the reports note about merging panels",
                     "Is there evidence that areas merged panels?",
                     "What were the key findings on merging panels?",
                     "What steps did areas take to merge panels?"):
        assert parse_question(question).terms == ["merge", "panel"]


def test_does_and_contracted_negatives_are_not_topic_words():
    # the lookup table alone reads "does" as the plural of "doe" and "can't" as "ca not"
    assert parse_question("How does online delivery affect the projects?").terms == \
        parse_question("How did online delivery affect the projects?").terms
    assert parse_question("Why can't or won't partners share data?").terms == ["partner", "share",
                                                                             "datum"]


def test_function_words_are_not_topic_words():
    assert parse_question("Which areas saw exploitation around ports, although perhaps rarely "
                          "towards the coast?").terms == ["exploitation", "port", "rarely", "coast"]


def test_the_effect_of_something_asks_about_that_thing():
    for question in ("How did the pandemic affect the work?", "What was the impact of the "
                     "pandemic?", "What effect did the pandemic have?",
                     "What impact did the pandemic have on the work?"):
        assert parse_question(question).terms in (["pandemic"], ["pandemic", "work"])
    assert parse_question("What evidence of impact did areas find?").terms == [
        "evidence", "impact"]


def test_what_the_asker_says_of_themselves_is_not_the_topic():
    for question in ("I'm interested in peer mentoring", "I would like to know about peer "
                     "mentoring", "I want to find out about peer mentoring"):
        assert parse_question(question).terms == ["peer", "mentor"]
    assert parse_question("What did they want to guard against?").terms == ["want", "guard"]


def test_a_number_meets_its_plural(tmp_path):
    assert parse_question("Which areas worked with under-18s?").terms == ["work", "18"]
    plural = one_passage("Ashby Partnership", "section.disruption",
                         "Adult services now review every case of the over-18s on the list.")
    other = one_passage("Corby Partnership", "section.disruption",
                        "Schools now share attendance data with the exploitation team.")
    with Store.open(build(tmp_path / "rm.db", [plural, other])) as s:
        answer = ask(s, "Which adult services review cases after 18?")
    assert [a.partnership for a in answer.answers] == ["Ashby Partnership"]


def test_a_number_word_is_not_met_by_a_shorter_number(tmp_path):
    eight = one_passage("Ashby Partnership", "section.approach",
                        "Eight online conversations with young people shaped the support offer.")
    eighteen = one_passage("Corby Partnership", "section.disruption",
                           "Support for young people now continues after they turn eighteen.")
    other = one_passage("Dover Partnership", "section.disruption", "The panel meets monthly.")
    with Store.open(build(tmp_path / "rm.db", [eight, eighteen, other])) as s:
        answer = ask(s, "What support do young people get after they turn eighteen?")
    assert [a.partnership for a in answer.answers] == ["Corby Partnership"]


def test_a_word_meets_its_forms_with_an_english_suffix(tmp_path):
    exhaustion = one_passage("Ashby Partnership", "section.key_issues",
                             "Exhaustion among staff was high.")
    others = [one_passage(name, "section.disruption", text) for name, text in
              [("Dover Partnership", "Staff review cases at the panel."),
               ("Ely Partnership", "Schools share data with staff.")]]
    with Store.open(build(tmp_path / "rm.db", [exhaustion, *others])) as s:
        answer = ask(s, "Where were staff exhausted?")
    assert [a.partnership for a in answer.answers] == ["Ashby Partnership"]


def test_a_longer_word_a_question_word_begins_does_not_meet_it(tmp_path):
    stood = one_passage("Ashby Partnership", "section.disruption", "Partners stood down two meetings.")
    standard = one_passage("Corby Partnership", "section.disruption",
                           "The standard meetings were wound down.")
    others = [one_passage(name, "section.disruption", text) for name, text in
              [("Dover Partnership", "The panel reviews cases."),
               ("Ely Partnership", "Schools share data.")]]
    with Store.open(build(tmp_path / "rm.db", [stood, standard, *others])) as s:
        answer = ask(s, "Which partnerships stood down meetings?")
    assert [a.partnership for a in answer.answers] == ["Ashby Partnership"]


def test_a_quoted_word_no_report_uses_is_named_without_its_quotes(store):
    answer = ask(store, "Which areas merged their exploitation panel over 'adultification'?")
    assert answer.absent_words == ["adultification"]


def test_the_role_a_question_asks_about_is_not_its_topic():
    assert parse_question("What role did the police play in panels?").terms == ["police",
                                                                                "panel"]
    assert parse_question("What was the role of the chair?").terms == ["role", "chair"]


def test_the_relation_between_two_topics_is_not_a_topic():
    assert parse_question("Where was exploitation tied to the night-time economy?").terms == [
        "exploitation", "night", "time", "economy"]
    assert parse_question("Which areas are linked with schools?").terms == ["school"]
    assert "link" in parse_question("Which areas built links with schools?").terms


def test_which_local_authorities_asks_for_areas_not_about_authorities():
    assert parse_question("Which local authorities merged panels?").terms == ["merge", "panel"]
    assert "authority" in parse_question("Which areas briefed the local authority "
                                         "designated officer?").terms


def _names_of(*names: str):
    """A stand-in for the store: whether one of `names` has all the words."""
    stored = [set(name.lower().replace("-", " ").split()) for name in names]
    return lambda words: any({w.lower() for w in words} <= name for name in stored)


def test_name_after_a_request_verb_still_names_a_partnership():
    query = parse_question("Show Hull's work on data", _names_of("Hull"))
    assert query.filters.partnership == "Hull" and query.terms == ["work", "datum"]


def test_items_of_an_or_list_are_alternatives():
    query = parse_question("Which areas trained housing, transport or leisure staff?")
    assert query.alternatives == [[["house"], ["transport"], ["leisure"]]]
    assert {"train", "staff"} <= set(query.terms)


def test_an_or_list_item_of_several_words_is_kept_whole():
    query = parse_question("Which areas worked with parents, faith groups or community "
                           "organisations?")
    assert query.alternatives == [[["parent"], ["faith", "group"], ["community", "organisation"]]]


def test_one_item_of_an_or_list_is_enough(store):
    answer = ask(store, "Which areas merged, fused or amalgamated their panels?")
    assert {a.partnership for a in answer.answers} == {AMBERLEY.metadata.partnership,
                                                       DUNMORE.metadata.partnership}


def test_words_joined_by_and_or_or_are_listed_beside_each_other():
    lemmas = parse_question("How did areas hear from parents and carers or staff?").lemmas
    assert coordinated(lemmas) == {"parent": {"carer"}, "carer": {"parent", "staff"},
                                   "staff": {"carer"}}


def test_capitalised_partnership_name_becomes_filter():
    query = parse_question("What did Dunmore learn about supervision?",
                           _names_of(DUNMORE.metadata.partnership))
    assert query.filters.partnership == "Dunmore"
    assert query.terms == ["supervision"]


def test_a_partnership_named_in_several_words_leaves_none_of_them_to_search():
    named = _names_of("Hartlepool & Stockton-on-Tees Safeguarding Children's Partnership")
    for question in ("What did Hartlepool and Stockton learn about data?",
                     "What did Hartlepool & Stockton-on-Tees say about data?"):
        query = parse_question(question, named)
        assert query.filters.partnership == "Hartlepool" and query.terms == ["datum"]


def test_a_question_naming_several_partnerships_keeps_any_of_them():
    named = _names_of("Hull", "Hartlepool & Stockton-on-Tees Safeguarding Children's Partnership")
    query = parse_question("What did Hull and Hartlepool say about data?", named)
    assert query.filters.partnerships == ("Hull", "Hartlepool") and query.terms == ["datum"]
    assert parse_question("How does Hull compare with Hartlepool on data?", named).terms == [
        "datum"]


def test_partnership_flag_overrides_partnerships_the_question_names():
    named = _names_of("Hull", "Hartlepool")
    query = parse_question("What did Hull and Hartlepool say?", named, partnership="Hull")
    assert query.filters.as_dict() == {"partnership": "Hull"}


def test_a_partnership_named_first_in_the_question_is_still_a_filter():
    query = parse_question("Hull: what did they learn about data?", _names_of("Hull"))
    assert query.filters.partnership == "Hull" and query.terms == ["datum"]


def test_a_region_that_begins_a_partnership_name_is_not_a_region_filter():
    named = _names_of("North East Lincolnshire Safeguarding Children Partnership")
    query = parse_question("What did North East Lincolnshire learn about panels?", named)
    assert query.filters.region is None
    assert query.filters.partnership == "Lincolnshire" and query.terms == ["panel"]
    query = parse_question("What did partnerships in the North East learn about panels?", named)
    assert query.filters.region == "North East" and query.filters.partnership is None


def test_a_very_long_question_is_read_up_to_a_whole_word():
    query = parse_question("panel " * 3000)
    assert query.terms == ["panel"]


def test_flags_override_the_question():
    query = parse_question("What happened in London?", region="North East")
    assert query.filters.region == "North East"


def test_answers_are_grouped_by_partnership_with_section_and_page(store):
    answer = ask(store, MERGER_QUESTION)
    names = [a.partnership for a in answer.answers]
    assert sorted(names) == sorted([AMBERLEY.metadata.partnership,
                                    DUNMORE.metadata.partnership])
    amberley = next(a for a in answer.answers if a.partnership.startswith("Amberley"))
    top = amberley.passages[0]
    assert (top.text, top.section, top.page) == (MERGER, "section.disruption", 3)
    assert [a.score for a in answer.answers] == sorted((a.score for a in answer.answers),
                                                       reverse=True)


def test_prompt_questions_in_reports_are_never_answers(store):
    answer = ask(store, "Any reflections on the exploitation panel?")
    texts = [p.text for a in answer.answers for p in a.passages]
    assert all(not t.endswith("?") for t in texts)


def test_region_flag_keeps_only_that_region(store):
    answer = ask(store, MERGER_QUESTION, region="Yorkshire and The Humber")
    assert [a.partnership for a in answer.answers] == [DUNMORE.metadata.partnership]


def test_restrictive_filter_finds_answers_ranked_below_many_that_fail_it(tmp_path, monkeypatch):
    monkeypatch.setattr(retrieve, "SHORTLIST", 2)  # filter batches of a few candidates
    others = [report(f"Copy{i} Safeguarding Partnership", "London", "Small", "Peer review",
                     "Digital", "2021-01", {"section.disruption": [
                         "We merged our exploitation panel with a neighbouring one."]})
              for i in range(12)]  # stored first, so ranked first among equals
    with Store.open(build(tmp_path / "rm.db", [*others, DUNMORE])) as s:
        answer = ask(s, MERGER_QUESTION, region="Yorkshire and The Humber")
    assert [a.partnership for a in answer.answers] == [DUNMORE.metadata.partnership]


def test_filter_batches_grow_as_the_pass_rate_falls():
    assert retrieve._batch_size(100, 1.0) < retrieve._batch_size(100, 0.5) \
        < retrieve._batch_size(100, 0.0)


def test_after_a_year_means_from_the_next_year():
    assert parse_question("Which projects after 2020 worked on panels?").filters.since == 2021
    assert parse_question("Which projects from 2020 worked on panels?").filters.since == 2020


def test_since_keeps_projects_commenced_that_year_or_later(store):
    answer = ask(store, MERGER_QUESTION + " since 2022")
    assert answer.filters.since == 2022
    assert [a.partnership for a in answer.answers] == [DUNMORE.metadata.partnership]


def test_label_filter_needs_an_assigned_tag(store):
    assert ask(store, MERGER_QUESTION, label="issue.transitions").answers == []


def test_region_a_report_writes_with_a_hyphen_matches_the_region(tmp_path):
    hyphenated = one_passage("Ormley Partnership", "section.disruption", "Ormley merged its "
                             "exploitation panel with the neighbouring Westby panel in 2021.")
    hyphenated.metadata.region = "North-East"
    with Store.open(build(tmp_path / "rm.db", [AMBERLEY, CORRIE, DUNMORE, hyphenated])) as s:
        answer = ask(s, MERGER_QUESTION, region="North East")
    assert "Ormley Partnership" in {a.partnership for a in answer.answers}


def test_unknown_label_is_an_error(store):
    with pytest.raises(ReportmineError, match="unknown label"):
        ask(store, MERGER_QUESTION, label="issue.nonsense")


def test_american_spellings_have_british_candidates():
    for us, uk in (("organization", "organisation"), ("behavioral", "behavioural"),
                   ("center", "centre"), ("analyze", "analyse"), ("defense", "defence"),
                   ("counselor", "counsellor"), ("program", "programme")):
        assert uk in british(us)


def test_only_words_the_corpus_never_uses_are_respelt():
    query = parse_question("Which community organizations and centers did the meter count?")
    uk = {"organisation", "centre", "community", "meter", "count"}
    fixed = respelt(query, lambda word: word in uk)
    assert fixed.terms == ["community", "organisation", "centre", "meter", "count"]
    assert "organisation" in fixed.lemmas and "organization" not in fixed.lemmas


def test_question_in_american_spelling_gets_the_british_spelt_answers(store):
    american = ask(store, MERGER_QUESTION.replace("neighbour", "neighbor"))
    assert american.absent_words == []
    assert [a.partnership for a in american.answers] == [
        a.partnership for a in ask(store, MERGER_QUESTION).answers]


def test_question_nothing_answers_gets_no_partnerships(store):
    answer = ask(store, "What did areas learn about Martian invasion?")
    assert answer.answers == []
    assert answer.text().startswith("No passage in the corpus answers this question")
    assert "\n" not in answer.text()


def test_question_met_by_halves_in_different_reports_gets_no_partnerships(store):
    # 'strategy' is in one report's passage, 'hospital trust' in another's: none answers
    assert ask(store, "Which areas wrote a strategy for the hospital trust?").answers == []


def test_answer_names_the_question_words_no_report_uses(store):
    answer = ask(store, "How was group reflective supervision for exhausted staff introduced in prisons?")
    assert answer.answers and answer.absent_words == ["prisons"]
    assert answer.text().startswith("No report uses the word 'prisons'")


def test_question_mostly_about_unknown_things_is_not_answered_by_one_common_word(store):
    assert ask(store, MERGER_QUESTION).answers
    assert ask(store, "Which areas merged their climate adaptation budgets?").answers == []


def test_words_that_can_only_be_verbs_are_not_what_a_question_is_about(store):
    # "introduce" is in the corpus, "supervision" too, "climate" is not: two
    # of three words known, but the topic is half unknown
    assert ask(store, "Which areas introduced climate supervision?").answers == []


def test_question_of_verbs_alone_is_still_answered(store):
    assert ask(store, "Which areas merged?").answers


def test_unknown_word_listed_beside_a_known_one_does_not_stop_an_answer(store):
    answer = ask(store, "Which areas introduced supervision and mentoring?")
    assert [a.partnership for a in answer.answers] == [DUNMORE.metadata.partnership]


def test_question_of_filters_alone_lists_every_matching_partnership_newest_first(store):
    answer = ask(store, "Which areas?", since=2019)
    assert answer.filters_only
    assert [a.partnership for a in answer.answers] == [
        DUNMORE.metadata.partnership, AMBERLEY.metadata.partnership, CORRIE.metadata.partnership]
    assert all(a.score == 1.0 and a.passages for a in answer.answers)


def test_question_of_filters_alone_says_so_above_the_partnerships(store):
    text = ask(store, "Which areas used theory of change?").text()
    assert text.startswith("Every partnership whose details match methodology=theory of change")
    assert AMBERLEY.metadata.partnership in text and CORRIE.metadata.partnership not in text


def _hadley_cited(tmp_path, methodology: str, delivery: str, sections: dict[str, list[str]],
                  question: str) -> list[tuple[str, str, float]]:
    """(text, section, score) of the passages citing the one partnership of a
    one-report corpus that a filters-only question lists."""
    path = build(tmp_path / "rm.db", [report("Hadley Partnership", "London", "Small",
                                             methodology, delivery, "2022-01", sections)])
    with Store.open(path) as s:
        [hadley] = ask(s, question).answers
    return [(h.text, h.section, h.score) for h in hadley.passages]


def test_filters_alone_cite_the_passage_naming_the_methodology(tmp_path):
    named = "The partnership built a theory of change with young people and partners."
    assert _hadley_cited(tmp_path, "Theory of change", "Mixed", {
        "section.goal": ["A shared response to exploitation across the borough."],
        "section.approach": [named]}, "Which areas used theory of change?") == [
        (named, "section.approach", 1.0)]


def test_filters_alone_cite_the_passage_saying_the_delivery(tmp_path):
    said = "All six workshops were held online because partners were spread across the county."
    assert _hadley_cited(tmp_path, "Peer review", "Digital", {
        "section.goal": ["A shared response to exploitation across the borough."],
        "section.approach": [said, "Young people met the team in their youth club."]},
        "Which areas delivered online?") == [(said, "section.approach", 1.0)]


def test_filters_alone_cite_the_goal_where_no_passage_shows_the_match(tmp_path):
    goal = "To build a shared response to exploitation across the borough."
    assert _hadley_cited(tmp_path, "Peer review", "Mixed", {
        "section.goal": [goal, "The partnership agreed three tests of success at the outset, "
                               "each to be checked with young people at the end."],
        "section.approach": ["Six workshops with practitioners and young people."]},
        "Which areas are in London?") == [(goal, "section.goal", 0.0)]


def test_the_goal_cited_for_filters_alone_is_not_a_table_header(tmp_path):
    goal = "To build a shared response to exploitation across the borough."
    hadley = report("Hadley Partnership", "London", "Small", "Peer review", "Mixed", "2022-01",
                    {"section.goal": [goal]})
    header = "Agreed change goal(s) and the changes needed to take place for it to be achieved"
    hadley.sections[0].passages.insert(0, Passage(header, 1, kind="header"))
    with Store.open(build(tmp_path / "rm.db", [hadley])) as s:
        [answer] = ask(s, "Which areas are in London?").answers
    assert [h.text for h in answer.passages] == [goal]


def test_filters_alone_with_a_label_cite_the_passages_assigned_it(tmp_path):
    path = build(tmp_path / "rm.db")
    with Store.open(path) as s:
        pids = [p["passage_id"] for p in s.passages(DUNMORE.report_id)]
        s.save_tags({pids[0]: [Tag("issue.workforce", 0.7, True)],
                     pids[1]: [Tag("issue.workforce", 0.9, True)],
                     pids[2]: [Tag("issue.workforce", 0.95, False)]}, "test", "test")
        [dunmore] = ask(s, "Which areas?", label="issue.workforce").answers
    assert [(h.passage_id, h.score) for h in dunmore.passages] == [(pids[1], 0.9), (pids[0], 0.7)]


def test_filters_nothing_matches_are_named_in_one_line(store):
    assert ask(store, "Which areas?", region="South West").text() == (
        "No current report's details match region=South West.")


def test_question_without_words_or_filters_gets_no_answer(store):
    answer = ask(store, "Which areas?")
    assert answer.answers == [] and not answer.filters_only


def test_json_shape_of_an_answer(store):
    data = ask(store, "How did areas replace a scored vulnerability checklist?").as_dict()
    assert set(data) == {"question", "filters", "answers", "absent_words", "filters_only"}
    first = data["answers"][0]
    assert first["partnership"] == CORRIE.metadata.partnership
    assert set(first) == {"partnership", "report_id", "region", "score", "passages"}
    assert set(first["passages"][0]) == {"passage_id", "text", "section", "page", "score"}


def test_reports_stored_after_a_question_are_found_by_the_next(tmp_path):
    path = build(tmp_path / "rm.db")
    question = "Which areas continue support after the eighteenth birthday?"
    with Store.open(path) as s:
        assert ask(s, question).answers == []
        s.save_report(LATER)
        assert [a.partnership for a in ask(s, question).answers] == [
            LATER.metadata.partnership]


def test_index_refresh_keeps_passages_queued_while_it_ran(tmp_path, monkeypatch):
    path = build(tmp_path / "rm.db")
    lemmatise = index.lemma_sentences

    def meanwhile(texts: list[str]) -> list[str]:
        with Store.open(path) as other:  # another writer stores a report mid-refresh
            other.save_report(LATER)
        return lemmatise(texts)

    monkeypatch.setattr(index, "lemma_sentences", meanwhile)
    with Store.open(path) as s:
        index.refresh(s)
        monkeypatch.undo()
        queued = s.conn.execute("SELECT count(*) FROM passages_lemma_pending").fetchone()[0]
        assert queued == len(list(LATER.passages()))
        assert [a.partnership for a in ask(s, "Which areas continue support after the "
                                              "eighteenth birthday?").answers] == [
            LATER.metadata.partnership]


def test_number_in_words_meets_the_same_number_in_digits(tmp_path):
    in_words = one_passage("Galton Safeguarding Partnership", "section.disruption",
                           "Galton keeps a key worker with young people after they turn eighteen.")
    in_digits = one_passage("Harrowby Safeguarding Partnership", "section.disruption",
                            "Harrowby keeps a key worker with young people after they turn 18.")
    path = build(tmp_path / "rm.db", [AMBERLEY, in_words, in_digits])
    with Store.open(path) as s:
        for question in ("Which areas kept a key worker after young people turn 18?",
                         "Which areas kept a key worker after young people turn eighteen?"):
            scores = {a.partnership: a.score for a in ask(s, question).answers}
            assert scores.keys() == {in_words.metadata.partnership,
                                     in_digits.metadata.partnership}
            assert len(set(scores.values())) == 1


def test_a_list_item_of_several_words_is_met_only_by_all_of_them(tmp_path):
    whole = one_passage("Galton Safeguarding Partnership", "section.disruption",
                        "Galton now meets faith groups every month to talk about exploitation.")
    part = one_passage("Harrowby Safeguarding Partnership", "section.disruption",
                       "Harrowby now meets practitioner groups every month to talk about "
                       "exploitation.")
    path = build(tmp_path / "rm.db", [AMBERLEY, whole, part])
    with Store.open(path) as s:
        answer = ask(s, "Which areas met parents, faith groups or youth clubs about exploitation?")
    assert [a.partnership for a in answer.answers] == [whole.metadata.partnership]


def test_superseded_report_is_not_answered(tmp_path):
    newer = report("Dunmore Children's Partnership", "Yorkshire and The Humber", "Standard",
                   "Appreciative inquiry", "Mixed", "2022-01",
                   {"section.disruption": ["Dunmore is reviewing its panel arrangements."]})
    path = build(tmp_path / "rm.db", [AMBERLEY, DUNMORE, newer])
    with Store.open(path) as s:
        s.conn.execute("UPDATE reports SET superseded_by = ? WHERE report_id = ?",
                       (newer.report_id, DUNMORE.report_id))
        ids = [a.report_id for a in ask(s, MERGER_QUESTION).answers]
    assert ids == [AMBERLEY.report_id]


def test_edited_passage_is_searched_by_its_new_text(tmp_path):
    path = build(tmp_path / "rm.db")
    with Store.open(path) as s:
        ask(s, MERGER_QUESTION)
        s.conn.execute("UPDATE passages SET text = 'Nothing about panels.' WHERE text = ?",
                       (MERGER,))
        names = [a.partnership for a in ask(s, MERGER_QUESTION).answers]
    assert names == [DUNMORE.metadata.partnership]


def _hit(report_id: str, score: float) -> Hit:
    return Hit(f"{report_id}:0001", report_id, report_id.title(), None, "section.disruption",
               "Disruption", 2, "text", score, coverage=0.5)


def test_only_partnerships_close_to_the_best_answer():
    answers = group([_hit("a", 0.9), _hit("b", 0.7), _hit("c", 0.5)], k=20)
    assert [a.report_id for a in answers] == ["a", "b"]


def test_every_partnership_a_question_names_answers_however_far_behind():
    answers = group([_hit("a", 0.9), _hit("b", 0.5)], k=20, every=True)
    assert [a.report_id for a in answers] == ["a", "b"]


def test_weak_best_match_is_no_answer():
    assert group([_hit("a", MIN_BEST_SCORE - 0.01)], k=20) == []


def test_corpus_ask_gives_one_row_per_cited_passage(tmp_path):
    frame = Corpus(build(tmp_path / "rm.db")).ask(MERGER_QUESTION)
    assert set(frame["partnership"]) == {AMBERLEY.metadata.partnership,
                                         DUNMORE.metadata.partnership}
    assert frame["rank"].is_monotonic_increasing
    assert MERGER in set(frame["text"])
    assert Corpus(tmp_path / "rm.db").ask("Martian invasion?").empty


def test_corpus_ask_keeps_the_absent_words_with_the_frame(tmp_path):
    frame = Corpus(build(tmp_path / "rm.db")).ask("Martian invasion?")
    assert frame.attrs["absent_words"] == ["Martian", "invasion"]


def test_corpus_ask_says_when_the_question_was_filters_alone(tmp_path):
    corpus = Corpus(build(tmp_path / "rm.db"))
    frame = corpus.ask("Which areas?", region="London")
    assert frame.attrs["filters_only"] and set(frame["partnership"]) == {CORRIE.metadata.partnership}
    assert not corpus.ask(MERGER_QUESTION).attrs["filters_only"]


def test_what_changed_is_shown_before_what_was_wrong():
    problem = _hit("a", 0.9)
    problem.section = "section.key_issues"
    change = _hit("a", 0.6)
    change.passage_id = "a:0002"
    answers = group([problem, change], k=20, evidence=frozenset({"section.disruption"}))
    assert [h.passage_id for h in answers[0].passages] == ["a:0002", "a:0001"]


def test_several_answering_passages_outrank_one_slightly_better():
    single = _hit("a", 0.80)
    several = [_hit("b", 0.78), _hit("b", 0.7), _hit("b", 0.7)]
    answers = group([single, *several], k=20)
    assert [a.report_id for a in answers] == ["b", "a"]
    assert all(0 <= a.score <= 1 for a in answers)


def test_tag_of_a_label_the_question_names_meets_the_word(tmp_path):
    """'delivery' is in the name of issue.covid_digital ("Covid-19 and digital
    delivery"): a passage tagged with it answers without saying 'delivery'."""
    literal = one_passage("Galton Safeguarding Partnership", "section.key_issues",
                          "Online delivery let parents join the workshops from home.")
    tagged = one_passage("Harrowby Safeguarding Partnership", "section.key_issues",
                         "Every session was held online, and young people rarely spoke.")
    question = "How did online delivery affect the workshops?"
    path = build(tmp_path / "rm.db", [AMBERLEY, literal, tagged])
    with Store.open(path) as s:
        untagged = {a.partnership for a in ask(s, question).answers}
        pid = s.passages(tagged.report_id)[0]["passage_id"]
        s.save_tags({pid: [Tag("issue.covid_digital", 0.9, True)]}, "test", "test")
        answered = {a.partnership for a in ask(s, question).answers}
    assert untagged == {literal.metadata.partnership}
    assert answered == {literal.metadata.partnership, tagged.metadata.partnership}


def test_index_refresh_commits_batch_by_batch_and_steps_the_bar(tmp_path, monkeypatch):
    steps = []

    class Bar:
        def step(self, note: str = "", n: int = 1) -> None:
            steps.append(n)

    monkeypatch.setattr(index, "REFRESH_BATCH", 2)
    with Store.open(build(tmp_path / "rm.db")) as s:
        queued = index.pending(s)
        assert index.refresh(s, Bar()) == queued == sum(steps) and max(steps) == 2
        assert index.pending(s) == 0


SUPERVISION = "Which areas introduced group supervision for tired staff?"


def _supervision_corpus(path, strong_text: str):
    strong = one_passage("Ashby Partnership", "section.disruption", strong_text)
    weak = one_passage("Corby Partnership", "section.key_issues",
                       "Staff supervision is now fortnightly.")
    others = [one_passage(f"Other{i} Partnership", "section.key_issues", text) for i, text in
              enumerate(["Schools now share attendance data with the exploitation team.",
                         "The panel met monthly and reviewed every case."])]
    return build(path, [strong, weak, *others])


def test_a_filter_keeps_a_partnership_the_unfiltered_answer_lists(tmp_path):
    with Store.open(_supervision_corpus(tmp_path / "rm.db", "The partnership introduced "
                                        "group supervision in 2022.")) as s:
        listed = {a.partnership: a for a in ask(s, SUPERVISION).answers}
        assert listed["Corby Partnership"].passages[0].score < MIN_BEST_SCORE
        filtered = ask(s, SUPERVISION, partnership="Corby")
    assert [a.partnership for a in filtered.answers] == ["Corby Partnership"]


def test_a_filter_leaving_only_weak_matches_abstains_when_nothing_anywhere_is_strong(tmp_path):
    with Store.open(_supervision_corpus(tmp_path / "rm.db", "Group supervision began.")) as s:
        assert not ask(s, SUPERVISION).answers
        assert not ask(s, SUPERVISION, partnership="Corby").answers
