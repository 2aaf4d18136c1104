"""`reportmine ask` and `reportmine eval ask` on a hand-built database."""
from __future__ import annotations

import json

import pytest

from ask_corpus import AMBERLEY, DUNMORE, MERGER, build
from reportmine.cli import main

QUESTION = "Which areas merged their exploitation panel with a neighbour?"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(build(tmp_path_factory.mktemp("cli_ask") / "rm.db"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_answer_has_the_documented_shape(db, capsys):
    code, out, _ = run(capsys, "--db", db, "ask", QUESTION, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["question"] == QUESTION and data["filters"] == {}
    assert {a["partnership"] for a in data["answers"]} == {AMBERLEY.metadata.partnership,
                                                           DUNMORE.metadata.partnership}
    passage = data["answers"][0]["passages"][0]
    assert set(passage) == {"passage_id", "text", "section", "page", "score"}


def test_json_filters_list_the_partnerships_a_question_names(db, capsys):
    code, out, _ = run(capsys, "--db", db, "ask", "What did Amberley and Dunmore say about "
                       "their exploitation panel?", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["filters"] == {"partnerships": ["Amberley", "Dunmore"]}
    assert {a["partnership"] for a in data["answers"]} == {AMBERLEY.metadata.partnership,
                                                           DUNMORE.metadata.partnership}


def test_text_answer_has_partnership_headers_and_citations(db, capsys):
    code, out, _ = run(capsys, "--db", db, "ask", QUESTION)
    assert code == 0
    assert AMBERLEY.metadata.partnership + " (North East)" in out
    assert "[disruption, p 3]" in out


def test_markdown_answer_uses_headings(db, capsys):
    _, out, _ = run(capsys, "--db", db, "ask", QUESTION, "--format", "md")
    assert out.startswith(f"# {QUESTION}")
    assert f"## {AMBERLEY.metadata.partnership} (North East)" in out
    assert f"- {MERGER} *[disruption, p 3]*" in out


def test_flags_become_filters(db, capsys):
    _, out, _ = run(capsys, "--db", db, "ask", QUESTION, "--region", "Yorkshire and The Humber",
                    "--since", "2020", "--k", "1", "--format", "json")
    data = json.loads(out)
    assert data["filters"] == {"region": "Yorkshire and The Humber", "since": 2020}
    assert [a["partnership"] for a in data["answers"]] == [DUNMORE.metadata.partnership]


def test_question_of_filters_alone_is_answered_by_the_matching_partnerships(db, capsys):
    _, out, _ = run(capsys, "--db", db, "ask", "Which regional projects are there?",
                    "--format", "json")
    data = json.loads(out)
    assert data["filters"] == {"size": "Regional"} and data["filters_only"] is True
    assert [a["partnership"] for a in data["answers"]] == [AMBERLEY.metadata.partnership]


def test_nothing_answers_is_said_in_one_line(db, capsys):
    code, out, _ = run(capsys, "--db", db, "ask", "What did areas learn about Martian invasion?")
    assert code == 0
    assert out == ("No passage in the corpus answers this question "
                   "(no report uses the words 'Martian', 'invasion').\n")


@pytest.mark.parametrize("question", [
    'merged "exploitation panel', "panel AND merged", "panel OR NOT merged", "merg* panel",
    "NEAR(panel merged)", "merged ((panel", "panel)) merged", "'; DROP TABLE passages; --",
    "panel:merged ^ + -", "merged panel " * 800,
])
def test_unsafe_text_is_ordinary_words(db, capsys, question):
    code, out, err = run(capsys, "--db", db, "ask", question, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["question"] == question
    assert run(capsys, "--db", db, "reports")[0] == 0


def test_unknown_label_is_a_one_line_error(db, capsys):
    code, out, err = run(capsys, "--db", db, "ask", QUESTION, "--label", "issue.nonsense")
    assert code == 1 and out == ""
    assert err.startswith("reportmine: error: unknown label 'issue.nonsense'")
    assert err.count("\n") == 1


def test_region_flag_is_read_however_the_region_is_written(db, capsys):
    code, out, _ = run(capsys, "--db", db, "ask", QUESTION, "--region", "north-east",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["filters"] == {"region": "North East"}
    assert {a["partnership"] for a in data["answers"]} == {AMBERLEY.metadata.partnership}


def test_unknown_region_flag_is_a_one_line_error(db, capsys):
    code, out, err = run(capsys, "--db", db, "ask", QUESTION, "--region", "Narnia")
    assert code == 1 and out == ""
    assert err.startswith("reportmine: error: unknown region 'Narnia' (regions: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("flag, value", [("--since", "21"), ("--k", "0")])
def test_bad_flag_values_are_usage_errors(db, capsys, flag, value):
    code, _, err = run(capsys, "--db", db, "ask", QUESTION, flag, value)
    assert code == 2 and err.count("\n") == 1 and flag in err


def test_missing_database_is_an_error(tmp_path, capsys):
    code, _, err = run(capsys, "--db", str(tmp_path / "none.db"), "ask", QUESTION)
    assert code == 1 and "no database" in err


def test_eval_ask_scores_gold_questions(db, tmp_path, capsys):
    gold = tmp_path / "gold.json"
    reports = [{"file_stem": r.file_name[:-4], "file_name": r.file_name,
                "metadata": {"partnership": r.metadata.partnership}} for r in (AMBERLEY, DUNMORE)]
    gold.write_text(json.dumps({"reports": reports, "questions": [{
        "q": QUESTION, "partnerships": [AMBERLEY.metadata.partnership],
        "quotes": [{"file_stem": "amberley", "text": "run a single joint exploitation panel"}]}]}))
    code, out, _ = run(capsys, "--db", db, "eval", "ask", "--gold", str(gold), "--format", "json")
    result = json.loads(out)
    assert code == 0
    assert (result["recall"], result["precision"], result["top_passage"]) == (1.0, 0.5, 1.0)
    # one question: resampling it changes nothing
    assert (result["recall_interval"], result["precision_interval"]) == ([1.0, 1.0], [0.5, 0.5])
    code, out, _ = run(capsys, "--db", db, "eval", "ask", "--gold", str(gold))
    assert "recall 1.000" in out and "precision 0.500" in out


def test_eval_ask_counts_partnerships_named_when_no_stored_report_answers(db, tmp_path,
                                                                          capsys):
    gold = tmp_path / "gold.json"
    absent = {"file_stem": "elsewhere", "file_name": "elsewhere.pdf",
              "metadata": {"partnership": "Elsewhere Partnership"}}
    stored = {"file_stem": "amberley", "file_name": AMBERLEY.file_name,
              "metadata": {"partnership": AMBERLEY.metadata.partnership}}
    gold.write_text(json.dumps({"reports": [stored, absent], "questions": [
        {"q": QUESTION, "partnerships": [AMBERLEY.metadata.partnership]},
        {"q": QUESTION, "partnerships": ["Elsewhere Partnership"]}]}))
    code, out, _ = run(capsys, "--db", db, "eval", "ask", "--gold", str(gold), "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["n_should_abstain"] == 1
    assert result["abstained"] == 0 and result["named_when_none_answers"] == 2


def _one_question_gold(tmp_path, **question):
    gold = tmp_path / "gold.json"
    stored = {"file_stem": "amberley", "file_name": AMBERLEY.file_name,
              "metadata": {"partnership": AMBERLEY.metadata.partnership}}
    gold.write_text(json.dumps({"reports": [stored], "questions": [
        {"q": QUESTION, "partnerships": [AMBERLEY.metadata.partnership], **question}]}))
    return str(gold)


def test_eval_ask_paraphrases_asks_each_paraphrase_instead_of_the_question(db, tmp_path, capsys):
    gold = _one_question_gold(tmp_path, paraphrases=["Who runs a joint exploitation panel?",
                                                     "Which areas discussed climate change?"])
    code, out, _ = run(capsys, "--db", db, "eval", "ask", "--gold", gold, "--paraphrases",
                       "--format", "json")
    result = json.loads(out)
    assert code == 0 and [q["question"] for q in result["questions"]] == [
        "Who runs a joint exploitation panel?", "Which areas discussed climate change?"]
    assert result["recall"] == 0.5


def test_eval_ask_paraphrases_without_any_is_a_one_line_error(db, tmp_path, capsys):
    code, out, err = run(capsys, "--db", db, "eval", "ask", "--gold", _one_question_gold(tmp_path),
                         "--paraphrases")
    assert code == 1 and out == "" and err == "reportmine: error: no gold question has paraphrases\n"


def test_paraphrases_flag_is_refused_outside_eval_ask(db, tmp_path, capsys):
    code, _, err = run(capsys, "--db", db, "eval", "tagging", "--gold", _one_question_gold(tmp_path),
                       "--paraphrases")
    assert code == 1 and "applies to eval ask only" in err
