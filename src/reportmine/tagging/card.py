"""Write models/MODEL_CARD.md so the model file never travels without its
provenance: training data, versions, thresholds and held-out metrics."""
from __future__ import annotations

from pathlib import Path

from reportmine.tagging.evaluate import MACRO_MIN_SUPPORT, Evaluation
from reportmine.tagging.conventions import SITUATIONS
from reportmine.tagging.model import CLOSENESS_SCALE, ReportCV, SupplementaryCV, TrainedTagger

TARGET_MICRO = 0.70
TARGET_MACRO = 0.60


def _table(results: dict[str, Evaluation]) -> list[str]:
    names = list(results)
    lines = ["| label | " + " | ".join(f"{n} P / R / F1 (support)" for n in names) + " |",
             "|---|" + "---|" * len(names)]
    labels = next(iter(results.values())).per_label
    for label in labels:
        cells = [f"{r.per_label[label]['precision']:.2f} / {r.per_label[label]['recall']:.2f} / "
                 f"{r.per_label[label]['f1']:.2f} ({int(r.per_label[label]['support'])})"
                 for r in results.values()]
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    for key, title in (("micro", "micro"), ("macro", f"macro (support ≥ {MACRO_MIN_SUPPORT})")):
        cells = [f"{getattr(r, key)['precision']:.2f} / {getattr(r, key)['recall']:.2f} / "
                 f"**{getattr(r, key)['f1']:.3f}**" for r in results.values()]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    intervals = [f"{r.micro_f1_interval[0]:.3f}–{r.micro_f1_interval[1]:.3f}"
                 for r in results.values()]
    lines.append("| micro F1 95% interval (bootstrap over passages) | "
                 + " | ".join(intervals) + " |")
    return lines


def _trained(results: dict[str, Evaluation]) -> list[tuple[str, Evaluation]]:
    """(split, evaluation) of the trained model's columns ("trained / real" -> "real")."""
    return [(name.split("/")[-1].strip(), r) for name, r in results.items()
            if name.startswith("trained")]


def _target_status(results: dict[str, Evaluation]) -> str:
    """Which held-out evaluations of the trained model meet the targets."""
    parts = []
    for split, r in _trained(results):
        met = r.micro["f1"] >= TARGET_MICRO and r.macro["f1"] >= TARGET_MACRO
        parts.append(f"{split}: {'met' if met else 'not met'} "
                     f"(micro {r.micro['f1']:.3f}, macro {r.macro['f1']:.3f})")
    return ("Held-out: " + "; ".join(parts) + ".") if parts else ""


def _evidence_status(results: dict[str, Evaluation]) -> str:
    """How far tags the codebook does not back can be trusted, per held-out split."""
    parts = [f"{split}: {r.evidence_precision('model')} against "
             f"{r.evidence_precision('codebook')} for codebook-backed tags"
             for split, r in _trained(results)]
    return (" Tags that no codebook pattern, sub-heading or convention backs (evidence "
            "`model: …`, the classifier's reasons alone): " + "; ".join(parts) + ". Where they "
            "fall well below the codebook-backed tags, read them as suggestions.") if parts else ""


def _supplementary(info: dict) -> str:
    """What the card says about the supplementary passages, if any were used."""
    if not info.get("n_extra_passages"):
        return "No supplementary passages. "
    return (f"Also {info['n_extra_passages']} coded passages of "
            f"{len(info['extra_documents'])} real children's social care documents that are not "
            "learning reports (corpus/gold_external.json, version "
            f"{info.get('extra_version')}; how they were sampled and coded: corpus/README.md), "
            f"each weighing {info['extra_weight']:g} of a report passage in every fit, never "
            "scored in the cross-validation that chooses C and the thresholds: they teach the model real sector prose, which the "
            "fictional reports alone could not (measured when they were added: test micro "
            "0.666 → 0.682, real 0.668 → 0.680). ")


def _report_cv_lines(report_cv: ReportCV, info: dict) -> list[str]:
    met = report_cv.micro_f1 >= TARGET_MICRO and report_cv.macro_f1 >= TARGET_MACRO
    return ["## Leave-one-report-out cross-validation", "",
            f"Each of the {report_cv.n_reports} training reports ({' + '.join(info['splits'])}) "
            "scored by a model trained on the others, with its thresholds chosen by "
            "grouped 5-fold CV inside those others, so no figure below saw its report: "
            f"micro F1 **{report_cv.micro_f1:.3f}**, macro F1 **{report_cv.macro_f1:.3f}** "
            f"(support ≥ {MACRO_MIN_SUPPORT}); targets {'met' if met else 'not met'}. "
            "Optimistic for other writers: the reports were written by one team (in eleven "
            "registers, but seventeen of them in one style), the "
            "codebook patterns were written with the train split in view, and the structural "
            "choices (blend weight, threshold cap, rules) were made with the test split as a "
            "style-shift proxy.", "",
            "| report | micro F1 |", "|---|---|",
            *[f"| {name} | {f1:.3f} |" for name, f1 in report_cv.per_report_micro.items()], ""]


def _supplementary_cv_lines(cv: SupplementaryCV) -> list[str]:
    def figures(e: Evaluation) -> str:
        low, high = e.micro_f1_interval
        return f"micro F1 **{e.micro['f1']:.3f}** ({low:.3f}–{high:.3f}), macro {e.macro['f1']:.3f}"
    trained = cv.trained
    n_documents = len(trained.reports)
    return ["## Supplementary documents, each held out", "",
            f"The {trained.n_gold} supplementary passages scored document by document (grouped "
            f"{min(5, n_documents)}-fold CV over the {n_documents} documents): each by a model "
            "fitted on the training reports and the other documents, at the thresholds above. "
            "They are not learning reports and were coded by other readers, at "
            f"{trained.micro['support'] / trained.n_gold:.2f} labels a passage, so every figure "
            "here sits far below the reports'; what they show is whether the model's gain over "
            "the codebook patterns holds on prose and coding the fictional reports were not "
            "written with (the two real reports are too few to tell; these passages did "
            "inform two choices above, the blend weight's ranking check and one convention). "
            "Trained: " + figures(trained) + "; keyword: " + figures(cv.keyword)
            + " (intervals by bootstrap over passages). Tags the model alone assigned: "
            f"{trained.evidence_precision('model')} against "
            f"{trained.evidence_precision('codebook')} for codebook-backed tags.", ""]


def write_card(model: TrainedTagger, path: Path,
               results: dict[str, Evaluation] | None = None,
               report_cv: ReportCV | None = None,
               supplementary_cv: SupplementaryCV | None = None) -> None:
    """Render the card; `results` maps a column name ("trained / real") to an
    evaluation on a split the model was not trained on."""
    info = model.info
    splits = info["splits"]
    lines = [
        "# reportmine passage tagger — model card", "",
        f"- model version: `{model.version}`; codebook version: `{model.codebook_version}`",
        f"- gold file version: {info.get('gold_version')}",
        "- model: one logistic regression per label (class-weight balanced, "
        f"C={info['C']}) over TF-IDF lemma 1–2-grams of the passage's content words "
        "(spaCy stop words dropped, except those a codebook concept needs: not, together, "
        "across, own …), its section, every label's codebook pattern hits, and the label's "
        "own context evidence (its keyword score in the passage - the noisy-OR of its "
        "matched terms' reliabilities, read for a training passage from reliabilities "
        "fitted on the other reports - pattern hits in its sub-heading or run-in heading "
        "and in its neighbours in the same section) and closeness to the label's "
        "codebook description (TF-IDF cosine of the passage to the label's name, definition, "
        f"inclusion notes, patterns and examples, × {CLOSENESS_SCALE:g}; in cross-validation "
        "an example passage never describes its label while it is being scored). Patterns are matched on "
        "lowercase lemmas (spaCy PhraseMatcher on NORM, `reportmine.text`); the words of a "
        "multi-word pattern may have up to two other words between them.",
        f"- score = {info['alpha']} × model probability + {1 - info['alpha']:.1f} × keyword "
        "score, assigned at or above the label's threshold "
        f"(at most {info['threshold_cap']}; {info['threshold_own_share']:g} of the way from "
        "the one threshold best for all labels to the label's own best). Rules assign a "
        "label with score ≥ 0.9 whatever the model says: a pattern hit in the heading "
        "(sub-heading rule), and the "
        f"{len(SITUATIONS)} coding-convention situations of CODEBOOK.md (evidence "
        "`rule: <situation>`; `tagging/conventions.py`, concepts co-occurring in one "
        "sentence). The keyword score is the noisy-OR of the matched terms' reliabilities: "
        "how often each term's hit came with its label in the training passages, smoothed "
        "towards 0.5 (an unseen term counts 0.5). Sections carry the labels of their "
        "passages (assigned if any passage is; score = highest passage score).",
        "- model choice: spaCy's own `textcat_multilabel` was measured in the classifier's "
        "place, in the same blend, rules and threshold choice (bag-of-words 1–2-grams "
        "over the section, heading and text, hash table 2^18, 15 epochs, batches of 16; "
        "micro F1 on gold passage texts, CV / test / real): logistic regression 0.694 / "
        "0.659 / 0.681, textcat 0.672 / 0.671 / 0.672, their average 0.700 / 0.676 / "
        "0.682 (2^16 hashes: 0.701 / 0.670 / 0.676; the CNN ensemble: 0.699 / 0.668 / "
        "0.684). The average's gain is within the real reports' noise at 25 times the "
        "training time, so logistic regression alone is kept.",
        "- conventions applied after scoring: headings, lead-ins, prompt questions and "
        "table headers get no labels; a `jtd.complexity.*` label implies "
        "`jtd.holding_complexity`.",
        f"- training data: {info['n_passages']} passages of the {len(info['train_reports'])} "
        f"reports of split(s) {' + '.join(f'`{s}`' for s in splits)} of corpus/gold.json: "
        + ", ".join(info["train_reports"]) + ". " + _supplementary(info)
        + "The `real` reports were never trained on. "
        "Two choices of codebook 1.3 were prompted by errors seen on them: 'places' and "
        "'spaces' are matched as written (every form of the lemma 'place' also met 'in "
        "place', 'took place' and 'children placed'), and a list item that only names a "
        "theme is a title with no labels. Both left the train figures level "
        "(leave-one-report-out micro 0.693 → 0.692), so they were kept; the real figure is "
        "somewhat optimistic for that. So was a third, in model trained-0.9: a 'reflective "
        "session' or 'reflective space' is the supervision convention only with staff in "
        "the sentence (the real reports' reflective sessions are partnership workshops); "
        "grouped CV on train was level with it (0.708 → 0.708). And a fourth: a paragraph "
        "of the Immediate reflections form that ends in a question or a colon is a prompt "
        "whatever its length (the real template has a 27-word 'Please tick this box …' "
        "line); no training passage changed. A fifth, in model trained-0.10: the "
        "'monitoring rather than asking questions' convention needs a contrast in the "
        "sentence ('rather than', 'not', 'but' ...), as the codebook words it; seen on one "
        "real and one test passage that only name performance data, then checked on the "
        "independently coded supplementary passages, where the rule had fired 17 times and "
        "never been right (now twice). No train passage's rules changed.",
        "- protocol: the blend weight, the threshold cap and the use of rules are structural "
        "choices made by training on `train` only and scoring `test` as a proxy for an "
        "unseen style; the codebook patterns and convention rules were written from "
        "CODEBOOK.md and checked on `train` only. C and the thresholds are chosen on "
        "out-of-fold scores of grouped (per-report) 5-fold CV on the training data (CV micro "
        f"F1 {info['cv_micro_f1']:.3f}). Each label's own best threshold is shrunk towards "
        "the shared one because, chosen on a few hundred passages, it fits chance wording: "
        "nested grouped CV (thresholds chosen on four folds, scored on the fifth, 200 draws "
        "of report folds) read micro F1 0.693 for each label's own, 0.696 for one shared "
        "threshold and 0.698 for any share from 0.25 to 0.625; 0.5 is the middle of that "
        "plateau. The blend weight was revisited in trained-0.12, once the classifier read "
        "each label's keyword score itself: nested grouped CV 0.700 at 0.6 and 0.702-0.704 "
        "from 0.65 to 0.8; ranking of the independently coded supplementary passages (mean "
        "average precision) 0.275 at 0.6, 0.285 at 0.7, 0.294 at 0.8; 0.8 was ruled out "
        "because the real reports lost precision there (micro 0.678 against 0.693 at 0.7, "
        "on the gold texts), so this choice looked at the real reports.", "",
        "| label | threshold |", "|---|---|",
        *[f"| `{k}` | {v:.3f} |" for k, v in model.thresholds.items()], "",
    ]
    if report_cv:
        lines += _report_cv_lines(report_cv, info)
    if supplementary_cv:
        lines += _supplementary_cv_lines(supplementary_cv)
    if results:
        lines += ["## Held-out metrics", "",
                  "Gold passages matched to parsed passages by normalised text (exact, else the "
                  "shortest parsed passage containing it); an unmatched "
                  "gold passage counts as predicted with no labels. Keyword = codebook "
                  "patterns only (the baseline). Macro F1 averages labels with at least "
                  f"{MACRO_MIN_SUPPORT} gold passages in that split (support is small on the "
                  "two real reports, so their per-label figures are noisy).", "",
                  *_table(results), "",
                  "## Limitations", "",
                  f"- Trained on {info['n_passages']} passages of "
                  f"{len(info['train_reports'])} sample reports"
                  + (f" and {info['n_extra_passages']} supplementary passages"
                     if info.get("n_extra_passages") else "") + ". Targets on reports never "
                  f"used for training or tuning: micro F1 ≥ {TARGET_MICRO:.2f}, macro F1 ≥ "
                  f"{TARGET_MACRO:.2f}. " + _target_status(results) + _evidence_status(results)
                  + " Many labels depend on "
                  "inference that neither patterns nor n-grams capture. "
                  "Adding fictional training reports in new registers did not move the "
                  "held-out figures (15 → 21 reports: test 0.664 → 0.659, real 0.642 → 0.642 "
                  "micro); coded real prose did (see training data), so annotated real "
                  "learning reports are the next data to add.", "",
                  "Reproduce: `reportmine --db DB ingest corpus/ ../shared/corpus/real/`, then "
                  f"`reportmine --db DB train --gold corpus/gold.json --splits {'+'.join(splits)}` "
                  "(prints the leave-one-report-out figure) and "
                  "`reportmine --db DB eval tagging --gold corpus/gold.json --split test|real "
                  "--model keyword|trained` (only splits not trained on are held out). Speed: "
                  "`python benchmarks/tag.py`.", ""]
    else:
        lines += ["No held-out metrics: the gold reports were not in the database at "
                  "training time (see `reportmine eval tagging`).", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
