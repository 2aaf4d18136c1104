"""`reportmine export`, `reports` and `show` on a hand-built database."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reportmine.cli import main
from reportmine.model import Footnote, Metadata, Passage, Report, Section
from reportmine.store import Store

CODEBOOK_FIELDS = ["partnership", "partner_agencies", "la_count", "region", "size",
                   "methodology", "delivery", "commenced", "report_date"]
CHECKER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "check_contracts.py"


@pytest.fixture
def db(tmp_path) -> Path:
    report = Report(
        file_name="hull.pdf", sha256="12" * 32, n_pages=2,
        metadata=Metadata(partnership="Hull", la_count=1, region="Yorkshire and The Humber"),
        sections=[
            Section("section.reasons", "Reasons why", 1,
                    [Passage("Data sat in pockets, with commas, and \"quotes\".", 1,
                             labels=["issue.data_intelligence"],
                             scores={"issue.data_intelligence": 0.9}, footnotes=["1"])]),
            Section("section.other", "Annex", 2,
                    [Passage("Mapping of meetings.", 2, kind="bullet", subheading="Sub-theme")],
                    ["Sub-theme"]),
        ],
        footnotes=[Footnote("1", "A source.", 1)])
    path = tmp_path / "rm.db"
    with Store.open(path) as store:
        store.save_report(report)
        store.save_quarantine("broken.pdf", "34" * 32, "not a PDF (no %PDF- header)")
    return path


def jsonl(capsys, db: Path, kind: str) -> list[dict]:
    assert main(["export", kind, "--format", "jsonl", "--db", str(db)]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_passages_jsonl_keys_match_contract(db, capsys):
    rows = jsonl(capsys, db, "passages")
    assert len(rows) == 2
    first = rows[0]
    assert {"report_id", "file_name", "partnership", "region", "section", "heading",
            "passage_id", "page", "text", "labels", "scores"} <= set(first)
    assert (first["section"], first["heading"], first["page"]) == ("section.reasons",
                                                                   "Reasons why", 1)
    assert first["labels"] == ["issue.data_intelligence"]
    assert first["scores"] == {"issue.data_intelligence": 0.9}
    assert first["passage_id"] == "1212121212121212:0001"


def test_reports_jsonl_has_every_codebook_field_and_integer_la_count(db, capsys):
    rows = {r["file_name"]: r for r in jsonl(capsys, db, "reports")}
    for row in rows.values():
        assert {"report_id", "sha256", "status", "warnings", "n_pages", *CODEBOOK_FIELDS} <= set(row)
    assert rows["hull.pdf"]["la_count"] == 1 and rows["hull.pdf"]["status"] == "ok"
    assert rows["broken.pdf"]["la_count"] is None
    assert rows["broken.pdf"]["warnings"] == ["not a PDF (no %PDF- header)"]
    assert rows["broken.pdf"]["n_pages"] == 0


def test_sections_jsonl_has_zero_based_positions(db, capsys):
    rows = jsonl(capsys, db, "sections")
    assert [(r["section"], r["heading"], r["position"], r["page"]) for r in rows] == [
        ("section.reasons", "Reasons why", 0, 1), ("section.other", "Annex", 1, 2)]


def test_passages_export_gives_the_evidence_of_each_assigned_label(db, capsys):
    assert main(["--db", str(db), "tag", "--model", "keyword"]) == 0
    capsys.readouterr()
    first = jsonl(capsys, db, "passages")[0]
    assert first["labels"] and set(first["evidence"]) == set(first["labels"])
    assert "data" in first["evidence"]["issue.data_intelligence"]


def test_csv_cells_hold_json_encoded_lists_and_dicts(db, capsys):
    assert main(["--db", str(db), "export", "passages", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert json.loads(rows[0]["labels"]) == ["issue.data_intelligence"]
    assert json.loads(rows[0]["scores"]) == {"issue.data_intelligence": 0.9}
    assert rows[0]["text"] == 'Data sat in pockets, with commas, and "quotes".'


def test_parquet_keeps_lists_and_score_maps(db, tmp_path, capsys):
    import pandas as pd

    out = tmp_path / "passages.parquet"
    assert main(["--db", str(db), "export", "passages", "-o", str(out)]) == 0
    frame = pd.read_parquet(out)
    assert list(frame.loc[0, "labels"]) == ["issue.data_intelligence"]
    assert dict(frame.loc[0, "scores"]) == {"issue.data_intelligence": 0.9}


def test_xlsx_has_header_and_json_cells(db, tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "reports.xlsx"
    assert main(["--db", str(db), "export", "reports", "--format", "xlsx", "-o", str(out)]) == 0
    rows = list(load_workbook(out)["reports"].iter_rows(values_only=True))
    header = rows[0]
    broken = dict(zip(header, next(r for r in rows[1:] if r[1] == "broken.pdf")))
    assert json.loads(broken["warnings"]) == ["not a PDF (no %PDF- header)"]


def test_binary_format_to_stdout_is_an_error(db, capsys):
    assert main(["--db", str(db), "export", "passages", "--format", "parquet"]) == 1
    assert capsys.readouterr().err.startswith("reportmine: error: --format parquet is binary")


def test_export_without_database_is_an_error(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.db"), "export", "reports"]) == 1
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_reports_table_lists_every_report(db, capsys):
    assert main(["reports", "--db", str(db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["report_id", "file", "partnership", "region", "status",
                                "pages", "sections", "passages", "warnings"]
    assert any("hull.pdf" in line and "Hull" in line and " ok " in line for line in lines)
    assert any("broken.pdf" in line and "quarantined" in line for line in lines)


def test_show_prints_sections_pages_subheadings_and_footnotes(db, capsys):
    assert main(["--db", str(db), "show", "1212"]) == 0
    out = capsys.readouterr().out
    assert "== Reasons why  [section.reasons, p1]" in out
    assert "[p1] Data sat in pockets" in out and "[1]" in out
    assert "-- Sub-theme" in out and "[p2] • Mapping of meetings." in out
    assert "Footnotes" in out and "A source." in out


def test_show_tags_prints_each_label_with_score_and_evidence(db, capsys):
    assert main(["--db", str(db), "tag", "--model", "keyword"]) == 0
    assert main(["--db", str(db), "show", "1212", "--tags"]) == 0
    assert "# issue.data_intelligence 0.50: data" in capsys.readouterr().out


def test_show_unknown_report_is_a_one_line_error(db, capsys):
    assert main(["--db", str(db), "show", "ffff"]) == 1
    assert capsys.readouterr().err == "reportmine: error: unknown report 'ffff'\n"


@pytest.mark.skipif(not CHECKER.exists() or not shutil.which("reportmine", path=str(
    Path(sys.executable).parent)), reason="contract checker or installed command missing")
def test_shared_contract_checker_passes(db):
    exe = shutil.which("reportmine", path=str(Path(sys.executable).parent))
    result = subprocess.run([sys.executable, str(CHECKER), "--db", str(db), "--reportmine", exe],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout
