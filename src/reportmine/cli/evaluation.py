"""`reportmine eval`: tagging, ask and compare against the gold annotations."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from reportmine.cli.common import db_path, positive_int
from reportmine.errors import ReportmineError
from reportmine.gold import read_gold
from reportmine.store import Store


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the eval command."""
    p = sub.add_parser("eval", parents=[common], help="evaluate against gold annotations",
                       description="Per-label precision/recall/F1 against a gold file whose "
                                   "reports have been ingested into the database.")
    p.add_argument("what", choices=("tagging", "ask", "compare"),
                   help="what to evaluate (ask: the gold questions; compare: shared learning "
                        "against the gold learning points; --model applies to tagging only)")
    p.add_argument("--gold", type=Path, required=True, metavar="FILE")
    p.add_argument("--split", choices=("test", "real", "train", "all", "test+real"),
                   default="test", help="gold reports to score on, for tagging and compare "
                                        "(test+real: every held-out report, pooled)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--model", choices=("keyword", "trained"), default="trained")
    p.add_argument("--paraphrases", action="store_true",
                   help="ask: ask each gold question as its 'paraphrases' word it instead, "
                        "to measure how much the figures depend on the gold phrasing")
    p.add_argument("--errors", action="store_true",
                   help="tagging: also list every gold passage tagged differently from its "
                        "gold labels, with the labels missed and those assigned beyond the "
                        "gold (scores and evidence)")
    p.add_argument("--top", type=positive_int, default=20, metavar="N",
                   help="compare: shared-learning entries searched for each point (default: 20)")
    p.set_defaults(func=_eval)


def _eval(args: argparse.Namespace) -> int:
    from reportmine.tagging.evaluate import evaluate
    from reportmine.tagging.run import load_tagger

    if args.paraphrases and args.what != "ask":
        raise ReportmineError("--paraphrases applies to eval ask only")
    if args.errors and args.what != "tagging":
        raise ReportmineError("--errors applies to eval tagging only")
    if args.what == "ask":
        return _eval_ask(args)
    if args.what == "compare":
        return _eval_compare(args)
    gold = read_gold(args.gold)
    tagger = load_tagger(args.model)
    with Store.open(db_path(args), create=False) as store:
        result = evaluate(store, gold, tagger, args.split)
    if args.format == "json":
        print(json.dumps({"model": tagger.version, "split": args.split,
                          **result.as_dict(errors=args.errors)}, indent=2))
    else:
        print(f"model: {tagger.version}  split: {args.split}")
        print(result.text())
        if args.errors:
            print()
            print(result.error_text())
    return 0


def _eval_ask(args: argparse.Namespace) -> int:
    from reportmine.ask.evaluate import evaluate

    gold = read_gold(args.gold, needs=("reports", "questions"))
    with Store.open(db_path(args), create=False) as store:
        result = evaluate(store, gold, paraphrased=args.paraphrases)
    print(json.dumps(result.as_dict(), indent=2) if args.format == "json" else result.text())
    return 0


def _eval_compare(args: argparse.Namespace) -> int:
    from reportmine.compare.evaluate import SPLITS, evaluate

    if args.split not in SPLITS:
        raise ReportmineError(f"eval compare takes --split {' or '.join(SPLITS)}")
    gold = read_gold(args.gold, needs=("reports", "shared_learning"))
    with Store.open(db_path(args), create=False) as store:
        result = evaluate(store, gold, args.split, args.top)
    print(json.dumps(result.as_dict(), indent=2) if args.format == "json" else result.text())
    return 0
