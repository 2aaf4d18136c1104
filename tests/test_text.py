"""Normalisation shared by tagging, search and comparison."""
from reportmine.text import lemma, normalise, only_a_verb, sentences


def test_lemma_is_lowercase_and_inflection_free():
    assert [lemma(w) for w in ("Partnerships", "were", "merged", "children")] == [
        "partnership", "be", "merge", "child"]


def test_possessive_is_not_read_as_a_verb():
    assert normalise("children's services") == "child 's service"


def test_does_and_the_halves_of_contracted_negatives_are_the_verbs_they_are():
    assert normalise("She does. It doesn't, can't, won't or shan't; they're here") == \
        "she do it do not can not will not or shall not they be here"


def test_ai_is_not_read_as_have():
    assert lemma("AI") == "ai"


def test_only_a_verb_is_false_for_words_that_can_also_name_things():
    assert only_a_verb("discuss") and only_a_verb("merge")
    assert not any(only_a_verb(w) for w in ("change", "share", "climate", "supervision"))


def test_normalise_drops_punctuation():
    assert normalise("Panels, merged.") == "panel merge"


def test_sentences_are_verbatim_pieces_of_the_text():
    text = 'We met weekly. "It helped." Then (in 2021) it stopped! Why? Cost.'
    parts = sentences(text)
    assert parts == ["We met weekly.", '"It helped."', "Then (in 2021) it stopped!", "Why?", "Cost."]


def test_sentences_do_not_split_after_common_abbreviations():
    assert sentences("Agencies, e.g. Health and police, met. Then stopped.") == [
        "Agencies, e.g. Health and police, met.", "Then stopped."]
