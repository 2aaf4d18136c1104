"""Acronyms and their words meet each other in `ask` (reportmine.ask.acronyms)."""
from __future__ import annotations

from ask_corpus import build, one_passage
from reportmine.ask import ask
from reportmine.ask.acronyms import Acronym, glossary, with_acronyms
from reportmine.ask.query import parse_question
from reportmine.ask.retrieve import concepts
from reportmine.store import Store

VRU = Acronym("VRU", "vru", ("violence", "reduction", "unit"))
SEND = Acronym("SEND", "send", ("special", "educational", "need", "disability"))


def test_an_acronym_in_the_question_is_read_as_its_words_each_met_by_it():
    query = with_acronyms(parse_question("Which areas worked with the VRU?"), (VRU,))
    assert query.terms == ["work", "violence", "reduction", "unit"]
    assert all("vru" in query.extra_forms[w] for w in ("violence", "reduction", "unit"))


def test_an_acronyms_words_in_the_question_are_also_met_by_it():
    written = with_acronyms(parse_question("Which areas worked with the VRU?"), (VRU,))
    spelt = with_acronyms(parse_question("Which areas worked with the violence reduction unit?"),
                          (VRU,))
    assert (spelt.terms, spelt.extra_forms) == (written.terms, written.extra_forms)


def test_an_acronym_is_one_only_as_the_glossary_writes_it():
    query = parse_question("Which areas send referrals?")
    assert with_acronyms(query, (SEND,)) == query
    assert "special" in with_acronyms(parse_question("Which SEND pupils?"), (SEND,)).terms


def test_every_glossary_acronym_stands_for_several_words():
    assert glossary() and all(len(a.words) >= 2 and a.short == a.written.lower()
                              for a in glossary())


def test_reports_saying_the_acronym_or_its_words_both_answer(tmp_path):
    short = one_passage("Ashby Partnership", "section.disruption",
                        "The VRU now funds detached youth work in the town centre.")
    spelt = one_passage("Bexley Partnership", "section.disruption",
                        "The violence reduction unit now funds detached youth work in parks.")
    other = one_passage("Corby Partnership", "section.disruption",
                        "Schools now share attendance data with the exploitation team.")
    with Store.open(build(tmp_path / "rm.db", [short, spelt, other])) as store:
        for question in ("Which areas does the VRU fund?",
                         "Which areas does the violence reduction unit fund?"):
            answer = ask(store, question)
            assert {a.partnership for a in answer.answers} == {"Ashby Partnership",
                                                               "Bexley Partnership"}


def test_an_acronym_listed_as_an_alternative_is_its_words_in_the_list():
    query = with_acronyms(parse_question("Which areas fund a VRU or a hub?"), (VRU,))
    assert query.alternatives == [[["violence", "reduction", "unit"], ["hub"]]]


def test_an_acronym_no_report_uses_is_named_as_the_question_writes_it(tmp_path):
    other = one_passage("Corby Partnership", "section.disruption",
                        "Schools worked with the exploitation team on attendance.")
    with Store.open(build(tmp_path / "rm.db", [other])) as store:
        answer = ask(store, "Which areas worked with the VRU?")
    assert answer.answers == [] and answer.absent_words == ["VRU"]


def test_an_acronym_is_one_unit_of_the_question_but_its_words_written_out_are_not():
    written = with_acronyms(parse_question("Which areas worked with the VRU?"), (VRU,))
    spelt = with_acronyms(parse_question("Which areas worked with the violence reduction unit?"),
                          (VRU,))
    assert written.units == [("violence", "reduction", "unit")] and spelt.units == []


def test_an_acronyms_unit_leaves_out_words_the_question_also_writes():
    query = with_acronyms(parse_question("Which areas share data despite GDPR?"),
                          (Acronym("GDPR", "gdpr", ("general", "datum", "protection", "regulation")),))
    assert query.units == [("general", "protection", "regulation")] and "datum" in query.terms


def test_an_acronyms_words_do_not_outweigh_the_rest_of_the_question(tmp_path):
    mace = Acronym("MACE", "mace", ("multi", "agency", "child", "exploitation"))
    merged = one_passage("Ashby Partnership", "section.disruption",
                         "Ashby merged its exploitation panel with its neighbour's in May.")
    words = one_passage("Bexley Partnership", "section.disruption",
                        "Multi-agency child exploitation training reached every school.")
    with Store.open(build(tmp_path / "rm.db", [merged, words])) as store:
        query = with_acronyms(parse_question("Which areas merged their MACE panel with a neighbour?"),
                              (mace,))
        found = concepts(store, query, [])
    by_term = {c.term: c.weight for c in found}
    assert len(found) == 4 and by_term["multi agency child exploitation"] < sum(
        w for t, w in by_term.items() if t != "multi agency child exploitation")
