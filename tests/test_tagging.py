"""The codebook copy, the keyword matcher, conventions and the training data guard."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reportmine.tagging.codebook import HOLDING, load_codebook, with_implied
from reportmine.tagging.keywords import default_matcher
from reportmine.tagging.model import TrainedTagger, training_set
from reportmine.tagging.tagger import KeywordTagger, PassageInput, Tag, apply_conventions

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


def test_keyword_matcher_finds_inflected_evidence():
    found = default_matcher().evidence(
        "The panels were merged with a neighbouring area; sharing information under GDPR.")
    assert "gdpr" in found["issue.information_sharing"]
    assert "panels" in found["issue.governance_accountability"]


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


def test_model_trained_without_test_or_real_data():
    gold = {"reports": [
        {"file_name": f"{split}.pdf", "split": split,
         "passages": [{"section": "section.goal", "text": f"{split} text", "labels": []}]}
        for split in ("train", "test", "real")]}
    passages, _, groups = training_set(gold)
    assert groups == ["train.pdf"] and [p.text for p in passages] == ["train text"]
    if MODEL.exists() and GOLD.exists():  # the shipped model says what it was trained on
        splits = {r["file_name"]: r["split"] for r in json.loads(GOLD.read_text())["reports"]}
        trained_on = TrainedTagger.load(MODEL).info["train_reports"]
        assert trained_on and all(splits[name] == "train" for name in trained_on)
