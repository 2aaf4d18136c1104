"""A gold file that is not of the annotated set's shape is one clear error
line and exit 1 from every command that reads one, never a traceback."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportmine.cli import main
from reportmine.model import Passage, Report, Section
from reportmine.store import Store

TEXT = "Information sharing between agencies was slowed by GDPR worries."
REPORT = {"file_name": "tiny.pdf", "split": "test", "metadata": {"partnership": "Tiny"},
          "passages": [{"text": TEXT, "labels": ["issue.information_sharing"]}]}
QUESTION = {"q": "Who shared information?", "partnerships": ["Tiny"]}
COMMANDS = {
    "eval tagging": ["eval", "tagging", "--model", "keyword", "--gold"],
    "eval ask": ["eval", "ask", "--gold"],
    "eval compare": ["eval", "compare", "--split", "test+real", "--gold"],
    "train": ["train", "--gold"],
}


@pytest.fixture
def db(tmp_path) -> Path:
    report = Report(file_name="tiny.pdf", sha256="ab" * 32, n_pages=1, sections=[
        Section("section.key_issues", "Key issues", 1, [Passage(TEXT, 1)])])
    path = tmp_path / "rm.db"
    with Store.open(path) as store:
        store.save_report(report)
    return path


def run_with_gold(db: Path, tmp_path: Path, capsys, command: str, gold: object) -> tuple[int, str]:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold))
    argv = ["--db", str(db), *COMMANDS[command], str(path)]
    if command == "train":
        argv += ["--output", str(tmp_path / "model.pkl")]
    code = main(argv)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_gold_file_that_is_not_an_object_is_one_error_line(db, tmp_path, capsys, command):
    code, err = run_with_gold(db, tmp_path, capsys, command, [REPORT])
    assert code == 1 and err.count("\n") == 1 and "is not a JSON object" in err


@pytest.mark.parametrize("command, part", [("eval tagging", "reports"), ("train", "reports"),
                                           ("eval ask", "questions"),
                                           ("eval compare", "shared_learning")])
def test_a_gold_file_lacking_the_part_a_command_reads_names_it(db, tmp_path, capsys, command,
                                                               part):
    gold = {"reports": [REPORT]} if part != "reports" else {"questions": [QUESTION]}
    code, err = run_with_gold(db, tmp_path, capsys, command, gold)
    assert code == 1 and err.count("\n") == 1 and f"no '{part}' list" in err


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("report, where", [
    ({**REPORT, "passages": [{"labels": []}]}, "reports[0].passages[0] has no 'text'"),
    ({**REPORT, "passages": [{"text": TEXT, "labels": "issue.information_sharing"}]},
     "reports[0].passages[0].labels should be a list"),
    ({"split": "test", "passages": []}, "reports[0] has no 'file_name' or 'file_stem'"),
])
def test_a_malformed_gold_report_is_named_with_its_place_in_the_file(db, tmp_path, capsys,
                                                                     command, report, where):
    gold = {"reports": [report], "questions": [QUESTION],
            "shared_learning": [{"point": "p", "quotes": []}]}
    code, err = run_with_gold(db, tmp_path, capsys, command, gold)
    assert code == 1 and err.count("\n") == 1 and where in err


@pytest.mark.parametrize("question, message", [
    ({"partnerships": ["Tiny"]}, "questions[0] has no 'q'"),
    ({**QUESTION, "partnerships": ["Tinny"]}, "names partnership 'Tinny'"),
    ({**QUESTION, "filters": {"year": 2021}}, "unknown filter(s) year"),
])
def test_a_malformed_gold_question_is_one_error_line(db, tmp_path, capsys, question, message):
    code, err = run_with_gold(db, tmp_path, capsys, "eval ask",
                              {"reports": [REPORT], "questions": [question]})
    assert code == 1 and err.count("\n") == 1 and message in err


def test_gold_reports_given_by_stem_alone_are_evaluated(db, tmp_path, capsys):
    report = {key: value for key, value in REPORT.items() if key != "file_name"}
    code, err = run_with_gold(db, tmp_path, capsys, "eval tagging",
                              {"reports": [{**report, "file_stem": "tiny"}]})
    assert code == 0, err


def test_gold_reports_without_passages_cannot_score_tagging(db, tmp_path, capsys):
    report = {key: value for key, value in REPORT.items() if key != "passages"}
    code, err = run_with_gold(db, tmp_path, capsys, "eval tagging", {"reports": [report]})
    assert code == 1 and "have no passages to score" in err


def test_train_with_a_missing_supplementary_file_is_one_error_line(db, tmp_path, capsys):
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"reports": [{**REPORT, "split": "train"}]}))
    code = main(["--db", str(db), "train", "--gold", str(gold), "--extra",
                 str(tmp_path / "absent.json"), "--output", str(tmp_path / "model.pkl")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "absent.json" in err
    assert not (tmp_path / "model.pkl").exists()


def test_train_takes_a_supplementary_file_or_none_not_both(db, tmp_path, capsys):
    code = main(["--db", str(db), "train", "--extra", "x.json", "--no-extra"])
    assert code == 2 and "not allowed with" in capsys.readouterr().err
