"""Commands for programme leads: ask a cross-area question, compare partnerships."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reportmine.cli.common import db_path, output_format, positive_int, year
from reportmine.store import Store


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ask and compare commands."""
    p = sub.add_parser("ask", parents=[common], help="answer a cross-area question",
                       description="Answer a question across the current reports: passages "
                                   "grouped by partnership, best first, each cited to section "
                                   "and page. Places, sizes, methodologies, delivery and "
                                   "'since YYYY' in the question become filters, as do the flags.",
                       epilog="Example: reportmine ask 'Which areas merged their exploitation "
                              "panel with a neighbour?' --region 'North West'")
    p.add_argument("question", metavar="QUESTION", help="the question, in plain words")
    p.add_argument("--region", help="only partnerships in this region")
    p.add_argument("--label", metavar="ID", help="only passages tagged with this codebook label")
    p.add_argument("--partnership", metavar="P", help="only partnerships whose name contains P")
    p.add_argument("--since", type=year, metavar="YYYY",
                   help="only projects that commenced in or after this year")
    p.add_argument("--k", type=positive_int, default=None, metavar="N",
                   help="at most N partnerships (default: 20)")
    p.add_argument("--format", choices=("text", "md", "json"), default="text")
    p.set_defaults(func=_ask)

    p = sub.add_parser("compare", parents=[common], help="compare partnerships' learning",
                       description="Comparative summary of the current reports: a framework "
                                   "matrix (partnerships x labels, with a score, passage count "
                                   "and representative sentences), learning shared across "
                                   "partnerships, distinctive and transferable learning. Every "
                                   "sentence is quoted verbatim with report, section and page. "
                                   "md and json go to stdout unless -o is given; html and xlsx "
                                   "need -o. Markdown charts are written to <stem>_files/.",
                       epilog="Example: reportmine compare --format html -o summary.html")
    p.add_argument("--label", action="append", metavar="ID",
                   help="only this codebook label (repeatable; default: all)")
    p.add_argument("--region", action="append", metavar="R",
                   help="only partnerships in this region (repeatable)")
    p.add_argument("--partnership", action="append", metavar="P",
                   help="only partnerships whose name contains P (repeatable)")
    p.add_argument("--format", choices=("md", "html", "json", "xlsx"),
                   help="output format (default: from the -o suffix, else md)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="output file")
    p.set_defaults(func=_compare)


def _ask(args: argparse.Namespace) -> int:
    from reportmine.ask import DEFAULT_K, ask
    from reportmine.ask.index import REFRESH_BATCH, pending, refresh
    from reportmine.progress import progress_bar

    with Store.open(db_path(args), create=False) as store:
        waiting = pending(store)  # a whole corpus after an upgrade: minutes, so shown
        if bar := progress_bar(waiting, waiting > REFRESH_BATCH, "updating the search index"):
            refresh(store, bar)
            bar.close()
        answer = ask(store, args.question, region=args.region, label=args.label,
                     partnership=args.partnership, since=args.since, k=args.k or DEFAULT_K)
    if args.format == "json":
        print(json.dumps(answer.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(answer.text(markdown=args.format == "md"))
    return 0


def _compare(args: argparse.Namespace) -> int:
    from reportmine.compare import compare
    from reportmine.compare.render import FORMATS as COMPARE_FORMATS, render

    fmt = output_format(args.format, args.output, COMPARE_FORMATS, "md")
    with Store.open(db_path(args), create=False) as store:
        comparison = compare(store, labels=args.label, regions=args.region,
                             partnerships=args.partnership)
    text = render(comparison, fmt, args.output)
    if text is not None:
        print(text)
    else:
        print(f"wrote {fmt} comparison of {len(comparison.rows)} partnerships to {args.output}",
              file=sys.stderr)
    return 0
