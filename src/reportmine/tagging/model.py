"""The trained tagger: per-label logistic regression over TF-IDF features.

Features are the passage text, its section id and subheading, and the
keyword matcher's hits per label, so the codebook patterns act as priors the
model can learn to trust or discount. Thresholds are tuned per label by
grouped (per-report) cross-validation on the training split only, so no
test or real report ever influences the model.
"""
from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from reportmine.errors import ReportmineError
from reportmine.tagging.codebook import load_codebook
from reportmine.tagging.keywords import default_matcher, stem
from reportmine.tagging.tagger import PassageInput, Tag, apply_conventions

MODEL_VERSION = "trained-0.1"
TRAIN_SPLIT = "train"
_THRESHOLDS = np.round(np.arange(0.15, 0.91, 0.05), 2)


def tokens(text: str) -> list[str]:
    """Stemmed word tokens (module-level so the vectoriser pickles)."""
    return [stem(w) for w in re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", text.lower())]


def _context(p: PassageInput) -> str:
    return f"sec_{p.section.split('.')[-1]} {p.subheading or ''}"


@dataclass
class Features:
    """Fitted vectorisers turning passages into one sparse matrix."""

    text_vec: TfidfVectorizer
    ctx_vec: TfidfVectorizer
    labels: list[str]

    @classmethod
    def fit(cls, passages: list[PassageInput], labels: list[str]) -> Features:
        text_vec = TfidfVectorizer(tokenizer=tokens, token_pattern=None, lowercase=False,
                                   ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        ctx_vec = TfidfVectorizer(tokenizer=tokens, token_pattern=None, lowercase=False)
        text_vec.fit([p.text for p in passages])
        ctx_vec.fit([_context(p) for p in passages])
        return cls(text_vec, ctx_vec, labels)

    def transform(self, passages: list[PassageInput]) -> sparse.csr_matrix:
        matcher = default_matcher()
        hits = np.array([[np.log1p(len(found.get(label, []))) for label in self.labels]
                         for found in (matcher.evidence(p.text) for p in passages)])
        return sparse.hstack([self.text_vec.transform([p.text for p in passages]),
                              0.5 * self.ctx_vec.transform([_context(p) for p in passages]),
                              sparse.csr_matrix(hits)]).tocsr()


def _fit_models(x: sparse.csr_matrix, y: np.ndarray, c: float) -> list[Any]:
    models: list[Any] = []
    for j in range(y.shape[1]):
        if y[:, j].sum() == 0 or y[:, j].sum() == len(y):
            models.append(float(y[:, j].mean()))  # constant: no positives to learn from
            continue
        m = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        models.append(m.fit(x, y[:, j]))
    return models


def _proba(models: list[Any], x: sparse.csr_matrix) -> np.ndarray:
    cols = [np.full(x.shape[0], m) if isinstance(m, float) else m.predict_proba(x)[:, 1]
            for m in models]
    return np.column_stack(cols)


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float((y & pred).sum())
    return 0.0 if tp == 0 else 2 * tp / (y.sum() + pred.sum())


class TrainedTagger:
    """Pickled model: features, one classifier per label, tuned thresholds."""

    def __init__(self, features: Features, models: list[Any], thresholds: dict[str, float],
                 codebook_version: str, info: dict[str, Any]) -> None:
        self.features = features
        self.models = models
        self.thresholds = thresholds
        self.codebook_version = codebook_version
        self.version = MODEL_VERSION
        self.info = info

    @property
    def labels(self) -> list[str]:
        return self.features.labels

    def tag(self, passages: list[PassageInput]) -> list[list[Tag]]:
        if not passages:
            return []
        probs = _proba(self.models, self.features.transform(passages))
        found = [default_matcher().evidence(p.text) for p in passages]
        out = []
        for i, p in enumerate(passages):
            tags = []
            for j, label in enumerate(self.labels):
                score = float(round(probs[i, j], 4))
                assigned = score >= self.thresholds[label]
                evidence = found[i].get(label) or (self._top_terms(p.text, j) if assigned else [])
                tags.append(Tag(label, score, assigned, list(evidence)))
            out.append(apply_conventions(tags, p))
        return out

    def _top_terms(self, text: str, j: int, k: int = 3) -> list[str]:
        """Words of the passage that pushed this label's score up most."""
        model = self.models[j]
        if isinstance(model, float):
            return []
        row = self.features.text_vec.transform([text])
        weights = row.multiply(model.coef_[0, :row.shape[1]]).tocoo()
        names = self.features.text_vec.get_feature_names_out()
        ranked = sorted(zip(weights.data, weights.col), reverse=True)
        return [str(names[col]) for w, col in ranked[:k] if w > 0]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self))
        tmp.replace(path)

    @staticmethod
    def load(path: Path) -> TrainedTagger:
        try:
            model = pickle.loads(Path(path).read_bytes())
        except (OSError, pickle.UnpicklingError, AttributeError, ImportError) as e:
            raise ReportmineError(f"cannot load model {path}: {e}") from e
        if not isinstance(model, TrainedTagger):
            raise ReportmineError(f"{path} is not a reportmine tagger model")
        return model


def training_set(gold: dict[str, Any]) -> tuple[list[PassageInput], list[list[str]], list[str]]:
    """Passages, labels and report names of the train split only."""
    passages, labels, groups = [], [], []
    for report in gold["reports"]:
        if report.get("split") != TRAIN_SPLIT:
            continue
        for p in report["passages"]:
            passages.append(PassageInput(p["text"], p.get("section") or "section.other",
                                         p.get("subheading"), p.get("kind")))
            labels.append(list(p.get("labels") or []))
            groups.append(report["file_name"])
    return passages, labels, groups


def train(gold: dict[str, Any], c_grid: tuple[float, ...] = (4.0, 16.0, 64.0)) -> TrainedTagger:
    """Fit on split "train"; choose C and per-label thresholds by grouped CV."""
    codebook = load_codebook()
    ids = codebook.ids
    passages, gold_labels, groups = training_set(gold)
    if not passages:
        raise ReportmineError("the gold file has no passages in split 'train'")
    y = np.array([[lab in labs for lab in ids] for labs in gold_labels], dtype=bool)
    folds = list(GroupKFold(n_splits=min(5, len(set(groups)))).split(passages, groups=groups))
    best: tuple[float, float, dict[str, float]] | None = None
    for c in c_grid:
        oof = np.zeros(y.shape)
        for tr, te in folds:
            feats = Features.fit([passages[i] for i in tr], ids)
            models = _fit_models(feats.transform([passages[i] for i in tr]), y[tr], c)
            oof[te] = _proba(models, feats.transform([passages[i] for i in te]))
        thresholds = {lab: float(max(_THRESHOLDS, key=lambda t: _f1(y[:, j], oof[:, j] >= t)))
                      for j, lab in enumerate(ids)}
        pred = np.column_stack([oof[:, j] >= thresholds[lab] for j, lab in enumerate(ids)])
        micro = _f1(y, pred)
        if best is None or micro > best[1]:
            best = (c, micro, thresholds)
    assert best is not None
    c, cv_micro, thresholds = best
    feats = Features.fit(passages, ids)
    models = _fit_models(feats.transform(passages), y, c)
    info = {"C": c, "cv_micro_f1": round(float(cv_micro), 4), "n_passages": len(passages),
            "train_reports": sorted(set(groups)), "gold_version": gold.get("version")}
    return TrainedTagger(feats, models, thresholds, codebook.version, info)
