"""`reportmine compare` and `reportmine eval compare`: formats, filters, errors, -o
handling, and that every format quotes only verbatim, correctly cited sentences."""
from __future__ import annotations

import html
import json
import re

import openpyxl
import pytest

from compare_corpus import STEMS, build
from reportmine.cli import main
from reportmine.store import Store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(build(tmp_path_factory.mktemp("cli_compare") / "rm.db"))


@pytest.fixture(scope="module")
def passages(db):
    with Store.open(db, create=False) as store:
        return store.passages()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_verbatim(texts: list[str], passages: list[dict]) -> None:
    """Every text is part of some stored passage, word for word."""
    assert texts
    missing = [t for t in texts if not any(t in p["text"] for p in passages)]
    assert not missing, missing[:3]


def test_json_quotes_are_verbatim_and_cited_to_their_passage(db, passages, capsys):
    code, out, _ = run(capsys, "--db", db, "compare", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    quotes = [q for e in doc["shared_learning"] for q in e["quotes"]]
    quotes += [q for e in doc["distinctive_learning"] for q in e["quotes"]]
    quotes += [q for row in doc["partnerships"] for cell in row["cells"].values()
               for q in cell["quotes"]]
    for q in quotes:
        assert any(q["text"] in p["text"] and q["section"] == p["section"]
                   and q["page"] == p["page"] for p in passages), q
    assert_verbatim([e["point"] for e in doc["shared_learning"]], passages)


def test_json_has_the_contract_keys(db, capsys):
    doc = json.loads(run(capsys, "--db", db, "compare", "--format", "json")[1])
    assert {"labels", "partnerships", "shared_learning", "distinctive_learning"} <= set(doc)
    assert len(doc["partnerships"]) == len(STEMS)
    for entry in doc["shared_learning"]:
        assert isinstance(entry["point"], str) and isinstance(entry["labels"], list)
        assert len(set(entry["partnerships"])) >= 2


def test_markdown_quotes_are_verbatim_and_charts_sit_beside_the_file(db, passages, tmp_path,
                                                                   capsys):
    out_file = tmp_path / "summary.md"
    code, _, err = run(capsys, "--db", db, "compare", "-o", str(out_file))
    assert code == 0 and "wrote md" in err
    text = out_file.read_text(encoding="utf-8")
    quotes = [m.group(1) for m in re.finditer(r"^ *> (?!— )(.+)$", text, re.MULTILINE)]
    points = re.findall(r"^### \d+\. (.+)$", text, re.MULTILINE)
    assert_verbatim(quotes + points, passages)
    images = re.findall(r"!\[[^]]*\]\(([^)]+)\)", text)
    assert len(images) == 2
    assert all((tmp_path / image).read_bytes().startswith(b"\x89PNG") for image in images)


def test_markdown_goes_to_stdout_without_output_file(db, capsys):
    code, out, _ = run(capsys, "--db", db, "compare", "--format", "md")
    assert code == 0 and out.startswith("# Comparative summary")


def test_html_is_one_self_contained_page_of_verbatim_quotes(db, passages, tmp_path, capsys):
    out_file = tmp_path / "summary.html"
    assert run(capsys, "--db", db, "compare", "-o", str(out_file))[0] == 0
    page = out_file.read_text(encoding="utf-8")
    assert page.count("src='data:image/png;base64,") == 2
    assert not re.search(r"src=['\"](?!data:)", page)
    quotes = re.findall(r"<blockquote class='quote'><p>(.*?)</p>", page)
    points = re.findall(r"<h3>\d+\. (.*?)</h3>", page)
    assert_verbatim([html.unescape(t) for t in quotes + points], passages)


def test_xlsx_has_number_sheets_and_verbatim_quotes(db, passages, tmp_path, capsys):
    out_file = tmp_path / "summary.xlsx"
    assert run(capsys, "--db", db, "compare", "--format", "xlsx", "-o", str(out_file))[0] == 0
    book = openpyxl.load_workbook(out_file, read_only=True)
    assert {"label_strength", "passage_counts", "region_prevalence",
            "shared_learning"} <= set(book.sheetnames)
    texts = []
    for name in ("shared_learning", "distinctive_learning", "transferable_learning",
                 "matrix_quotes"):
        rows = list(book[name].iter_rows(values_only=True))
        header = list(rows[0])
        for column in ("text", "point"):
            if column in header:
                texts += [row[header.index(column)] for row in rows[1:]]
    assert_verbatim(texts, passages)
    scores = list(book["label_strength"].iter_rows(values_only=True))
    assert len(scores) == len(STEMS) + 1
    assert all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in scores[1][1:])


@pytest.mark.parametrize("fmt", ["html", "xlsx"])
def test_html_and_xlsx_need_an_output_file(db, fmt, capsys):
    code, out, err = run(capsys, "--db", db, "compare", "--format", fmt)
    assert code == 1 and out == ""
    assert err.startswith("reportmine: error:") and "-o" in err and err.count("\n") == 1


def test_unknown_label_is_a_one_line_error(db, capsys):
    code, out, err = run(capsys, "--db", db, "compare", "--label", "issue.nope")
    assert code == 1 and out == ""
    assert err == "reportmine: error: unknown label id 'issue.nope' (see CODEBOOK.md for the ids)\n"


def test_filters_narrow_the_json(db, capsys):
    doc = json.loads(run(capsys, "--db", db, "compare", "--format", "json")[1])
    region = doc["partnerships"][0]["region"]
    code, out, _ = run(capsys, "--db", db, "compare", "--format", "json", "--region", region,
                       "--label", "issue.workforce", "--label", "issue.information_sharing")
    narrowed = json.loads(out)
    assert code == 0
    assert narrowed["labels"] == ["issue.workforce", "issue.information_sharing"]
    assert {row["region"] for row in narrowed["partnerships"]} == {region}
    assert all(set(row["cells"]) == set(narrowed["labels"]) for row in narrowed["partnerships"])


def test_eval_compare_reports_recall_on_a_gold_file(db, tmp_path, capsys):
    doc = json.loads(run(capsys, "--db", db, "compare", "--format", "json")[1])
    entry = doc["shared_learning"][0]
    stems = {p["report_id"]: p for p in doc["partnerships"]}
    with Store.open(db, create=False) as store:
        names = {r["report_id"]: r["file_name"][:-4] for r in store.reports()}
    quotes = [{"file_stem": names[q["report_id"]], "text": q["text"]} for q in entry["quotes"]]
    gold = {"reports": [{"file_stem": names[rid], "split": "test"} for rid in stems],
            "shared_learning": [{"point": "made up", "quotes": quotes},
                                {"point": "never made", "quotes": [
                                    {"file_stem": names[rid], "text": "no such words here"}
                                    for rid in stems]}]}
    gold_file = tmp_path / "gold.json"
    gold_file.write_text(json.dumps(gold))
    code, out, _ = run(capsys, "--db", db, "eval", "compare", "--gold", str(gold_file),
                       "--split", "test", "--format", "json")
    result = json.loads(out)
    assert code == 0
    assert result["found"] == ["made up"] and result["missed"] == ["never made"]
    assert result["recall"] == 0.5


def test_failed_xlsx_write_keeps_the_previous_file(db, tmp_path, capsys, monkeypatch):
    from reportmine.compare import render

    out = tmp_path / "summary.xlsx"
    out.write_bytes(b"previous workbook")

    def explode(comparison, handle):
        handle.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "write_xlsx", explode)
    code, _, err = run(capsys, "--db", db, "compare", "--format", "xlsx", "-o", str(out))
    assert code == 1 and "cannot write" in err
    assert out.read_bytes() == b"previous workbook"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
