"""Write models/MODEL_CARD.md so the model file never travels without its
provenance: training data, versions, thresholds and held-out metrics."""
from __future__ import annotations

from pathlib import Path

from reportmine.tagging.evaluate import MACRO_MIN_SUPPORT, Evaluation
from reportmine.tagging.model import TrainedTagger


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
    return lines


def write_card(model: TrainedTagger, path: Path,
               results: dict[str, Evaluation] | None = None) -> None:
    """Render the card; `results` maps a column name ("trained / test") to an evaluation."""
    info = model.info
    lines = [
        "# reportmine passage tagger — model card", "",
        f"- model version: `{model.version}`; codebook version: `{model.codebook_version}`",
        f"- gold file version: {info.get('gold_version')}",
        "- model: one logistic regression per label (class-weight balanced, "
        f"C={info['C']}) over TF-IDF word 1–2-grams of the passage text, TF-IDF of its "
        "section id and subheading, and codebook keyword-hit counts per label.",
        "- conventions applied after scoring: headings, lead-ins, prompt questions and "
        "table headers get no labels; a `jtd.complexity.*` label implies "
        "`jtd.holding_complexity`.",
        f"- training data: {info['n_passages']} passages of the {len(info['train_reports'])} "
        "reports of split `train` of corpus/gold.json only: "
        + ", ".join(info["train_reports"]) + ". No `test` or `real` report was used for "
        "training, pattern writing or threshold tuning.",
        f"- thresholds: per label, the F1-maximising value of grouped (per-report) 5-fold "
        f"cross-validation on the train split; CV micro F1 {info['cv_micro_f1']:.3f}.", "",
        "| label | threshold |", "|---|---|",
        *[f"| `{k}` | {v:.2f} |" for k, v in model.thresholds.items()], "",
    ]
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
                  "- The training reports are synthetic-style sample reports; on the two real "
                  "reports, whose wording is longer and looser, the trained model loses recall "
                  "and scores below the keyword baseline. More annotated real reports are the "
                  "fix; thresholds were not (and must not be) tuned on them.",
                  "- Matching is on suffix-stripped lowercase tokens, not lemmas "
                  "(spacy-lookups-data is not installed).", "",
                  "Reproduce: `reportmine --db DB ingest corpus/ ../shared/corpus/real/`, then "
                  "`reportmine --db DB train --gold corpus/gold.json` and "
                  "`reportmine --db DB eval tagging --gold corpus/gold.json --split test|real "
                  "--model keyword|trained`.", ""]
    else:
        lines += ["No held-out metrics: the gold reports were not in the database at "
                  "training time (see `reportmine eval tagging`).", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
