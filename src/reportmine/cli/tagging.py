"""Commands of the tagger: tag stored passages, train the model."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reportmine.cli.common import db_path
from reportmine.errors import ReportmineError
from reportmine.gold import read_gold
from reportmine.store import Store

DEFAULT_EXTRA = Path("corpus/gold_external.json")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the tag and train commands."""
    p = sub.add_parser("tag", parents=[common], help="tag passages with codebook labels",
                       description="Score stored passages against every codebook label "
                                   "(trained model if models/tagger.pkl or $REPORTMINE_MODEL "
                                   "exists, else codebook keywords). Only passages not yet "
                                   "tagged with this codebook and model version, unless --all.")
    p.add_argument("--all", action="store_true", help="re-tag every passage")
    p.add_argument("--model", choices=("auto", "keyword", "trained"), default="auto",
                   help="which tagger (default: auto)")
    p.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    p.set_defaults(func=_tag)
    p = sub.add_parser("train", parents=[common], help="train the tagger on gold data",
                       description="Train the passage tagger on the fictional gold splits "
                                   "(never 'real') and the supplementary coded passages of "
                                   "real sector documents, and save it with a model card "
                                   "holding leave-one-report-out, held-out supplementary "
                                   "document and held-out report figures (about 7 minutes "
                                   "on two cores).")
    p.add_argument("--gold", type=Path, default=Path("corpus/gold.json"), metavar="FILE")
    p.add_argument("--splits", choices=("train", "train+test"), default="train",
                   help="gold splits to train on (default: train, which keeps 'test' "
                        "held out for the tagger and for ask/compare evaluation)")
    extra = p.add_mutually_exclusive_group()
    extra.add_argument("--extra", type=Path, default=DEFAULT_EXTRA, metavar="FILE",
                       help="coded passages of documents that are not learning reports, added "
                            "to every fit as supplementary training data (default: "
                            f"{DEFAULT_EXTRA})")
    extra.add_argument("--no-extra", action="store_true",
                       help="train on the gold splits alone")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                   help="model file (default: models/tagger.pkl)")
    p.set_defaults(func=_train)


def _tag(args: argparse.Namespace) -> int:
    from reportmine.tagging.run import load_tagger, tag_store

    tagger = load_tagger(args.model)
    with Store.open(db_path(args), create=False) as store:
        n = tag_store(store, tagger, all_passages=args.all, progress=not args.no_progress)
    print(f"tagged {n} passages with {tagger.version} (codebook {tagger.codebook_version})")
    return 0


def _train(args: argparse.Namespace) -> int:
    from reportmine.tagging.card import write_card
    from reportmine.tagging.model import leave_one_report_out, supplementary_cv, train
    from reportmine.tagging.run import default_model_path

    gold, splits = read_gold(args.gold), tuple(args.splits.split("+"))
    extra = None if args.no_extra else read_gold(args.extra)
    model = train(gold, splits, extra)
    out = args.output or default_model_path()
    model.save(out)
    report_cv = leave_one_report_out(gold, splits, extra)
    supplementary = supplementary_cv(model, gold, extra) if extra else None
    write_card(model, out.parent / "MODEL_CARD.md", _held_out(args, gold, model), report_cv,
               supplementary)
    more = (f" and {model.info['n_extra_passages']} supplementary passages of "
            f"{len(model.info['extra_documents'])} documents" if extra else "")
    print(f"trained on {model.info['n_passages']} passages of "
          f"{len(model.info['train_reports'])} reports of {args.splits}{more} (leave-one-report-out "
          f"micro F1 {report_cv.micro_f1:.3f}); saved {out}")
    return 0


def _held_out(args: argparse.Namespace, gold: dict[str, Any],
              model: Any) -> dict[str, Any] | None:
    """Metrics on the test and real splits the model was not trained on, and
    on both pooled, for the model card, when the database holds those reports."""
    from reportmine.tagging.evaluate import evaluate
    from reportmine.tagging.tagger import KeywordTagger

    db = Path(db_path(args))
    if not db.exists():
        return None
    results: dict[str, Any] = {}
    with Store.open(db, create=False) as store:
        for split in ("test", "real", "test+real"):
            if set(split.split("+")) & set(model.info["splits"]):
                continue
            for name, tagger in (("keyword", KeywordTagger()), ("trained", model)):
                try:
                    results[f"{name} / {split}"] = evaluate(store, gold, tagger, split)
                except ReportmineError:
                    continue
    return results or None
