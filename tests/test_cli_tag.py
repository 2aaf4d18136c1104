"""`reportmine tag` and `reportmine eval tagging` on a hand-built database."""
from __future__ import annotations

import dataclasses
import io
import json
import sys
from pathlib import Path

import pytest

from reportmine.cli import main
from reportmine.model import Passage, Report, Section
from reportmine.store import Store
from reportmine.tagging.codebook import load_codebook
from reportmine.tagging.run import tag_store
from reportmine.tagging.tagger import KeywordTagger

TEXT = "Information sharing between agencies was slowed by GDPR worries."


@pytest.fixture
def db(tmp_path) -> Path:
    report = Report(file_name="tiny.pdf", sha256="ab" * 32, n_pages=1, sections=[
        Section("section.key_issues", "Key issues", 1,
                [Passage(TEXT, 1), Passage("The work had four strands:", 1)])])
    path = tmp_path / "rm.db"
    with Store.open(path) as store:
        store.save_report(report)
    return path


def test_tag_fills_labels_and_scores_in_export(db, capsys):
    assert main(["--db", str(db), "tag", "--model", "keyword"]) == 0
    assert main(["--db", str(db), "export", "passages", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()[1:]]
    first, lead_in = rows
    assert "issue.information_sharing" in first["labels"]
    assert set(first["scores"]) == set(load_codebook().ids)
    assert all(0 <= s <= 1 for s in first["scores"].values())
    assert lead_in["labels"] == []


def _gold_file(path: Path, labels: list[str], split: str = "test") -> Path:
    """A gold file coding the tiny report's one passage with `labels`."""
    path.write_text(json.dumps({"reports": [{"file_name": "tiny.pdf", "split": split,
                                              "passages": [{"text": TEXT, "labels": labels}]}]}))
    return path


@pytest.fixture
def gold(tmp_path) -> Path:
    """The tiny report's one passage, coded with the label its words name."""
    return _gold_file(tmp_path / "gold.json", ["issue.information_sharing"])


def _keyword_eval(db: Path, gold: Path, capsys, *extra: str) -> str:
    assert main(["--db", str(db), "eval", "tagging", "--gold", str(gold), "--model", "keyword",
                 *extra]) == 0
    return capsys.readouterr().out


def test_eval_prints_per_label_metrics(db, gold, capsys):
    result = json.loads(_keyword_eval(db, gold, capsys, "--split", "test", "--format", "json"))
    assert result["per_label"]["issue.information_sharing"]["recall"] == 1.0
    assert {"micro", "macro"} <= set(result)
    low, high = result["micro_f1_interval"]
    assert low <= result["micro"]["f1"] <= high
    out = _keyword_eval(db, gold, capsys)
    assert "issue.information_sharing" in out and "micro" in out and "macro" in out


def test_eval_tagging_pools_the_test_and_real_reports(db, tmp_path, capsys):
    real = _gold_file(tmp_path / "real.json", ["issue.information_sharing"], split="real")
    result = json.loads(_keyword_eval(db, real, capsys, "--split", "test+real", "--format", "json"))
    assert result["reports"] == ["tiny.pdf"] and result["n_gold_passages"] == 1
    assert main(["--db", str(db), "eval", "tagging", "--gold", str(real), "--model", "keyword",
                 "--split", "test"]) != 0


def test_eval_counts_every_keyword_tag_as_backed_by_the_codebook(db, gold, capsys):
    result = json.loads(_keyword_eval(db, gold, capsys, "--split", "test", "--format", "json"))
    assert result["by_evidence"]["model"] == {"precision": None, "tags": 0}
    codebook = result["by_evidence"]["codebook"]
    assert codebook["tags"] >= 1 and codebook["precision"] == result["micro"]["precision"]


@pytest.fixture
def miscoded_gold(tmp_path) -> Path:
    """The tiny report's passage coded as about the workforce only."""
    return _gold_file(tmp_path / "miscoded.json", ["issue.workforce"])


def test_eval_errors_lists_each_wrong_passage_with_labels_missed_and_extra(
        db, miscoded_gold, capsys):
    result = json.loads(_keyword_eval(db, miscoded_gold, capsys, "--errors", "--format", "json"))
    [error] = result["errors"]
    assert error["text"] == TEXT and error["page"] == 1
    assert [m["label"] for m in error["missed"]] == ["issue.workforce"]
    extra = {e["label"]: e for e in error["extra"]}
    assert "gdpr" in [t.lower() for t in extra["issue.information_sharing"]["evidence"]]
    out = _keyword_eval(db, miscoded_gold, capsys, "--errors")
    assert "1 of 1 gold passages tagged differently" in out
    assert "missed issue.workforce" in out and "extra  issue.information_sharing" in out


def test_eval_without_errors_flag_leaves_the_error_list_out(db, miscoded_gold, capsys):
    result = json.loads(_keyword_eval(db, miscoded_gold, capsys, "--format", "json"))
    assert "errors" not in result


def test_errors_flag_is_refused_outside_eval_tagging(db, gold, capsys):
    assert main(["--db", str(db), "eval", "ask", "--gold", str(gold), "--errors"]) != 0
    assert capsys.readouterr().err.strip().count("\n") == 0


def test_sections_carry_the_labels_and_top_scores_of_their_passages(db, capsys):
    assert main(["--db", str(db), "tag", "--model", "keyword"]) == 0
    assert main(["--db", str(db), "export", "passages", "--format", "jsonl"]) == 0
    passages = [json.loads(line) for line in capsys.readouterr().out.splitlines()[1:]]
    assert main(["--db", str(db), "export", "sections", "--format", "jsonl"]) == 0
    [section] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert section["labels"] == passages[0]["labels"]
    assert section["scores"] == {label: max(p["scores"][label] for p in passages)
                                 for label in load_codebook().ids}



def test_tagging_again_retags_only_when_the_codebook_version_changed(db):
    with Store.open(db, create=False) as store:
        assert tag_store(store, KeywordTagger()) == 2
        assert tag_store(store, KeywordTagger()) == 0
        newer = dataclasses.replace(load_codebook(), version="next")
        assert tag_store(store, KeywordTagger(newer)) == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_tag_draws_a_progress_bar_over_passages_on_a_terminal_unless_told_not_to(
        db, monkeypatch):
    monkeypatch.setattr("reportmine.tagging.run.BATCH", 1)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["--db", str(db), "tag", "--model", "keyword", "--all", "--no-progress"]) == 0
    assert terminal.getvalue() == ""
    assert main(["--db", str(db), "tag", "--model", "keyword", "--all"]) == 0
    assert "tagging [##############################] 2/2 passages" in terminal.getvalue()


@pytest.mark.parametrize("damaged", [b"not a model", b"garbage\n", b"", b"\x80\x04K"],
                         ids=["not-pickle", "bad-opcode-argument", "empty", "truncated"])
def test_a_damaged_model_file_is_one_error_line_and_leaves_tags_alone(
        db, tmp_path, capsys, monkeypatch, damaged):
    assert main(["--db", str(db), "tag", "--model", "keyword"]) == 0
    before = tag_rows(db)
    (tmp_path / "model.pkl").write_bytes(damaged)
    monkeypatch.setenv("REPORTMINE_MODEL", str(tmp_path / "model.pkl"))
    capsys.readouterr()
    assert main(["--db", str(db), "tag", "--all", "--model", "trained"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("reportmine: error: cannot load model") and err.count("\n") == 1
    assert tag_rows(db) == before


def tag_rows(db: Path) -> list[tuple]:
    with Store.open(db) as store:
        return store.conn.execute("SELECT * FROM tags ORDER BY passage_id, label").fetchall()


def test_train_saves_the_model_with_a_card_of_its_cross_validated_figures(db, tmp_path, capsys):
    passages = [{"section": "section.approach", "text": f"Agencies {i} could not share information.",
                 "labels": ["issue.information_sharing"]} for i in range(2)] + [
        {"section": "section.approach", "text": f"Lockdown {i} moved the sessions online.",
         "labels": ["issue.covid_digital"]} for i in range(2)]
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"reports": [{"file_name": f"r{n}.pdf", "split": "train",
                                             "passages": passages} for n in range(3)]}))
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"reports": [{"file_name": f"doc{d}.pdf", "passages": [
        {"text": "Clinics moved online during lockdown.", "labels": ["issue.covid_digital"]}]}
        for d in range(2)]}))
    out = tmp_path / "models" / "tagger.pkl"
    code = main(["--db", str(db), "train", "--gold", str(gold), "--extra", str(extra),
                 "--output", str(out)])
    card = (out.parent / "MODEL_CARD.md").read_text()
    assert code == 0 and out.exists()
    assert "## Leave-one-report-out cross-validation" in card
    assert "## Supplementary documents, each held out" in card
    assert "The 2 supplementary passages scored document by document" in card
    assert "leave-one-report-out micro F1" in capsys.readouterr().out
