"""The annotated set is valid and up to date with its sources."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLD = json.loads((CORPUS / "gold.json").read_text())
EXTERNAL = json.loads((CORPUS / "gold_external.json").read_text())
PASSAGES = {r["file_stem"]: [p["text"] for p in r["passages"]] for r in GOLD["reports"]}


def test_gold_json_is_rebuilt_identically_from_the_sources(tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy, ignore=shutil.ignore_patterns("*.pdf"))
    done = subprocess.run([sys.executable, str(copy / "tools" / "build_gold.py")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((copy / "gold.json").read_text()) == GOLD


@pytest.mark.skipif(not (SHARED / "CODEBOOK.md").exists(), reason="../shared/CODEBOOK.md is absent")
@pytest.mark.parametrize("gold", [GOLD, EXTERNAL], ids=["gold", "gold_external"])
def test_every_label_is_a_codebook_id(gold):
    ids = set(re.findall(r"`((?:jtd|issue)\.[a-z_.]+)`", (SHARED / "CODEBOOK.md").read_text()))
    used = {lab for r in gold["reports"] for p in r["passages"] for lab in p["labels"]}
    assert used <= ids, used - ids


@pytest.mark.parametrize("gold", [GOLD, EXTERNAL], ids=["gold", "gold_external"])
def test_a_complexity_domain_implies_holding_complexity(gold):
    for r in gold["reports"]:
        for p in r["passages"]:
            if any(lab.startswith("jtd.complexity.") for lab in p["labels"]):
                assert "jtd.holding_complexity" in p["labels"], p["text"][:60]


@pytest.mark.parametrize("kind", ["shared_learning", "questions"])
def test_every_quote_is_verbatim_in_its_report(kind):
    for item in GOLD[kind]:
        assert len(item["partnerships"]) >= (2 if kind == "shared_learning" else 1)
        for quote in item["quotes"]:
            assert any(quote["text"] in t for t in PASSAGES[quote["file_stem"]]), quote


def test_test_split_is_held_out_and_covers_every_layout():
    tests = [r for r in GOLD["reports"] if r["split"] == "test"]
    assert len(tests) >= 5
    assert {r["layout"] for r in tests} == {"A", "B", "C"}
    assert {r["split"] for r in GOLD["reports"]} == {"train", "test", "real"}


@pytest.mark.skipif(not (SHARED / "corpus" / "external").exists(),
                    reason="../shared/corpus/external is absent")
def test_supplementary_passages_come_from_the_external_documents_and_none_from_a_gold_report():
    names = {path.name for path in (SHARED / "corpus" / "external").glob("*.pdf")}
    assert {r["file_name"] for r in EXTERNAL["reports"]} <= names
    gold_texts = {t for texts in PASSAGES.values() for t in texts}
    assert not gold_texts & {p["text"] for r in EXTERNAL["reports"] for p in r["passages"]}
