"""The `reportmine` command: arguments in, one library call, output out.

Every failure the user can fix is one line on stderr, "reportmine: error: ...",
with a non-zero exit; everything else lives in the library.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

from reportmine.errors import ReportmineError
from reportmine.export import FORMATS, KINDS, export
from reportmine.gold import read_gold
from reportmine.ingest import DEFAULT_PARSER, DEFAULT_TIMEOUT, ingest_paths
from reportmine.model import METADATA_FIELDS
from reportmine.store import Store


class _UsageError(Exception):
    """A bad command line; argparse would otherwise print usage and exit."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, no usage dump
        raise _UsageError(message)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; `--db` is accepted before or after the subcommand."""
    db_help = "database file (default: $REPORTMINE_DB or ./reportmine.db)"
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="FILE", help=db_help)
    parser = _Parser(
        prog="reportmine",
        description="Turn a folder of TCE Project Learning Reports (PDF) into a "
                    "searchable corpus: ingest, list, show and export.",
        epilog="Example: reportmine --db corpus.db ingest reports/ && reportmine reports")
    parser.add_argument("--db", default=None, metavar="FILE", help=db_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", parents=[common], help="parse and store new PDFs",
                       description="Parse and store every new PDF among PATHs (folders are "
                                   "searched recursively). Known bytes are skipped as "
                                   "duplicates; files that cannot be parsed are quarantined "
                                   "with the reason (bytes seen before, even if quarantined then, "
                                   "count as duplicates). Exits 0 when the run completed.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="PDF files or folders")
    p.add_argument("--timeout", type=_positive, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"time limit for parsing one file (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--parser", default=DEFAULT_PARSER, metavar="MODULE:FUNCTION",
                   help=f"parse function to use (default: {DEFAULT_PARSER})")
    p.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    p.set_defaults(func=_ingest)

    p = sub.add_parser("reports", parents=[common], help="list stored reports",
                       description="List stored reports as a table, one line each.")
    p.set_defaults(func=_reports)

    p = sub.add_parser("show", parents=[common], help="print one report",
                       description="Print one report: metadata, sections, passages with "
                                   "page numbers, and footnotes.")
    p.add_argument("report", metavar="REPORT",
                   help="report id, a prefix of it or of the sha256, or the file name")
    p.add_argument("--tags", action="store_true",
                   help="under each passage, its labels with score and evidence")
    p.set_defaults(func=_show)

    p = sub.add_parser("export", parents=[common], help="export a table",
                       description="Export reports, sections or passages. Lists and dicts "
                                   "are JSON-encoded in csv and xlsx cells.")
    p.add_argument("kind", choices=KINDS, help="what to export")
    p.add_argument("--format", choices=FORMATS,
                   help="output format (default: from the -o suffix, else csv)")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="output file (default: stdout; required for parquet and xlsx)")
    p.set_defaults(func=_export)

    p = sub.add_parser("tag", parents=[common], help="tag passages with codebook labels",
                       description="Score stored passages against every codebook label "
                                   "(trained model if models/tagger.pkl or $REPORTMINE_MODEL "
                                   "exists, else codebook keywords). Only passages not yet "
                                   "tagged with this codebook and model version, unless --all.")
    p.add_argument("--all", action="store_true", help="re-tag every passage")
    p.add_argument("--model", choices=("auto", "keyword", "trained"), default="auto",
                   help="which tagger (default: auto)")
    p.set_defaults(func=_tag)

    p = sub.add_parser("train", parents=[common], help="train the tagger on gold data",
                       description="Train the passage tagger on the fictional gold splits "
                                   "(never 'real') and save it with a model card holding "
                                   "leave-one-report-out and held-out figures.")
    p.add_argument("--gold", type=Path, default=Path("corpus/gold.json"), metavar="FILE")
    p.add_argument("--splits", choices=("train", "train+test"), default="train",
                   help="gold splits to train on (default: train, which keeps 'test' "
                        "held out for the tagger and for ask/compare evaluation)")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                   help="model file (default: models/tagger.pkl)")
    p.set_defaults(func=_train)

    p = sub.add_parser("eval", parents=[common], help="evaluate against gold annotations",
                       description="Per-label precision/recall/F1 against a gold file whose "
                                   "reports have been ingested into the database.")
    p.add_argument("what", choices=("tagging", "ask", "compare"),
                   help="what to evaluate (ask: the gold questions; compare: shared learning "
                        "against the gold learning points; --model applies to tagging only)")
    p.add_argument("--gold", type=Path, required=True, metavar="FILE")
    p.add_argument("--split", choices=("test", "real", "train", "all", "test+real"),
                   default="test", help="gold reports to score on (test+real: compare only)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--model", choices=("keyword", "trained"), default="trained")
    p.add_argument("--top", type=_count, default=20, metavar="N",
                   help="compare: shared-learning entries searched for each point (default: 20)")
    p.set_defaults(func=_eval)

    p = sub.add_parser("nightly", parents=[common], help="unattended ingestion for cron/systemd",
                       description="Pick up new reports from every SRC: a folder (recursive; "
                                   "hidden files and *.part/*.crdownload skipped), a web page "
                                   "whose links to *.pdf are followed, the URL of one PDF, or a "
                                   "text file of URLs. Bytes seen before are not parsed again; "
                                   "the same bytes elsewhere are another location of the same "
                                   "report; changed bytes at a location are a new version that "
                                   "supersedes the old. Downloads are kept in <db stem>.blobs/ "
                                   "beside the database. One run at a time per database. Prints "
                                   "a summary; exits 0 when the run completed, even with "
                                   "quarantined or unfetchable files, 1 when it could not run.")
    p.add_argument("--source", action="append", required=True, metavar="SRC",
                   help="folder, web page, PDF URL or URL-list file (repeatable)")
    p.add_argument("--summary", type=Path, metavar="FILE",
                   help="also write the run summary as JSON (written even if the run fails)")
    p.add_argument("--digest", type=Path, metavar="FILE",
                   help="write a Markdown 'what's new' digest of this run (only when asked)")
    p.add_argument("--timeout", type=_positive, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"time limit for parsing one file (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--fetch-timeout", type=_positive, default=60.0, metavar="SECONDS",
                   help="time limit for one download (default: 60)")
    p.add_argument("--max-size", type=_positive, default=200.0, metavar="MB",
                   help="largest file downloaded, in MB (default: 200)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                   help="files parsed at once (default: 2, or 1 on one core)")
    p.add_argument("--model", choices=("auto", "keyword", "trained"), default="auto",
                   help="tagger for new passages (default: auto)")
    p.add_argument("--parser", default=DEFAULT_PARSER, metavar="MODULE:FUNCTION",
                   help=f"parse function to use (default: {DEFAULT_PARSER})")
    p.add_argument("--retry-quarantined", action="store_true",
                   help="parse quarantined bytes once more (e.g. after a parser upgrade)")
    p.add_argument("--quiet", action="store_true",
                   help="no line per new, updated, duplicate or failed file on stderr")
    p.set_defaults(func=_nightly)

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
    p.add_argument("--since", type=_year, metavar="YYYY",
                   help="only projects that commenced in or after this year")
    p.add_argument("--k", type=_count, default=None, metavar="N",
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
    return parser


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"not a year (YYYY): {text!r}")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _db(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("REPORTMINE_DB") or "reportmine.db"


def _ingest(args: argparse.Namespace) -> int:
    with Store.open(_db(args)) as store:
        summary = ingest_paths(args.paths, store, progress=not args.no_progress,
                               timeout=args.timeout, parser=args.parser)
        tagged = _tag_after_ingest(store)
    print(summary.text())
    if tagged:
        print(tagged)
    return 0


def _tag_after_ingest(store: Store) -> str:
    """Tag new passages when a trained model exists; a tagging failure is
    reported but does not undo or fail the ingest, whose work is already stored."""
    from reportmine.tagging.run import default_model_path, load_tagger, tag_store

    if not default_model_path().exists():
        return ""
    try:
        n = tag_store(store, load_tagger("trained"))
    except ReportmineError as e:
        print(f"reportmine: warning: tagging skipped: {e}", file=sys.stderr)
        return ""
    return f"tagged {n} passages" if n else ""


def _tag(args: argparse.Namespace) -> int:
    from reportmine.tagging.run import load_tagger, tag_store

    tagger = load_tagger(args.model)
    with Store.open(_db(args), create=False) as store:
        n = tag_store(store, tagger, all_passages=args.all)
    print(f"tagged {n} passages with {tagger.version} (codebook {tagger.codebook_version})")
    return 0


def _train(args: argparse.Namespace) -> int:
    from reportmine.tagging.card import write_card
    from reportmine.tagging.model import leave_one_report_out, train
    from reportmine.tagging.run import default_model_path

    gold, splits = read_gold(args.gold), tuple(args.splits.split("+"))
    model = train(gold, splits)
    out = args.output or default_model_path()
    model.save(out)
    report_cv = leave_one_report_out(gold, splits)
    write_card(model, out.parent / "MODEL_CARD.md", _held_out(args, model), report_cv)
    print(f"trained on {model.info['n_passages']} passages of "
          f"{len(model.info['train_reports'])} reports of {args.splits} (leave-one-report-out "
          f"micro F1 {report_cv.micro_f1:.3f}); saved {out}")
    return 0


def _held_out(args: argparse.Namespace, model: Any) -> dict[str, Any] | None:
    """Metrics on the test and real splits the model was not trained on, for
    the model card, when the database holds those reports."""
    from reportmine.tagging.evaluate import evaluate
    from reportmine.tagging.tagger import KeywordTagger

    db = Path(_db(args))
    if not db.exists():
        return None
    gold = read_gold(args.gold)
    results: dict[str, Any] = {}
    with Store.open(db, create=False) as store:
        for split in ("test", "real"):
            if split in model.info["splits"]:
                continue
            for name, tagger in (("keyword", KeywordTagger()), ("trained", model)):
                try:
                    results[f"{name} / {split}"] = evaluate(store, gold, tagger, split)
                except ReportmineError:
                    continue
    return results or None


def _eval(args: argparse.Namespace) -> int:
    from reportmine.tagging.evaluate import evaluate
    from reportmine.tagging.run import load_tagger

    if args.what == "ask":
        return _eval_ask(args)
    if args.what == "compare":
        return _eval_compare(args)
    gold = read_gold(args.gold)
    tagger = load_tagger(args.model)
    with Store.open(_db(args), create=False) as store:
        result = evaluate(store, gold, tagger, args.split)
    if args.format == "json":
        print(json.dumps({"model": tagger.version, "split": args.split, **result.as_dict()},
                         indent=2))
    else:
        print(f"model: {tagger.version}  split: {args.split}")
        print(result.text())
    return 0


def _reports(args: argparse.Namespace) -> int:
    with Store.open(_db(args), create=False) as store:
        rows = store.reports()
    if not rows:
        print("no reports stored")
        return 0
    header = ("report_id", "file", "partnership", "region", "status", "pages", "sections",
              "passages", "warnings")
    table = [header] + [
        (r["report_id"], _clip(r["file_name"], 40), _clip(r["partnership"] or "-", 30),
         _clip(r["region"] or "-", 20), r["status"], str(r["n_pages"]), str(r["n_sections"]),
         str(r["n_passages"]), str(len(r["warnings"])))
        for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _show(args: argparse.Namespace) -> int:
    with Store.open(_db(args), create=False) as store:
        report = store.get_report(args.report)
        rid = report["report_id"]
        sections, passages, notes = store.sections(rid), store.passages(rid), store.footnotes(rid)
    print(f"{report['file_name']}  ({rid}, {report['status']}, {report['n_pages']} pages)")
    if report["title"]:
        print(report["title"])
    for name in METADATA_FIELDS:
        if report[name] is not None:
            print(f"  {name + ':':<18}{report[name]}")
    for warning in report["warnings"]:
        print(f"  warning: {warning}")
    for s in sections:
        print(f"\n== {s['heading']}  [{s['section']}, p{s['page']}]")
        _print_passages([p for p in passages if _same_section(p, s)], args.tags)
    if notes:
        print("\nFootnotes")
        for f in notes:
            print(_wrap(f"[{f['mark']}] {f['text']}", f"  [p{f['page']}] "))
    return 0


def _same_section(passage: dict[str, Any], section: dict[str, Any]) -> bool:
    return passage["section_position"] == section["position"]


def _print_passages(passages: list[dict[str, Any]], tags: bool = False) -> None:
    subheading = None
    for p in passages:
        if p["subheading"] and p["subheading"] != subheading:
            print(f"  -- {p['subheading']}")
        subheading = p["subheading"]
        text = p["text"]
        if p["kind"] == "bullet":
            text = "• " + text
        elif p["kind"] == "cell" and p["column"]:
            text = f"{p['column']}: {text}"
        if p["footnotes"]:
            text += " " + "".join(f"[{m}]" for m in p["footnotes"])
        print(_wrap(text, f"  [p{p['page']}] "))
        if tags:
            for label in p["labels"]:
                why = ", ".join(p["evidence"].get(label, []))
                print(_wrap(f"{label} {p['scores'][label]:.2f}: {why}", "         # "))


def _wrap(text: str, prefix: str) -> str:
    return textwrap.fill(text, width=100, initial_indent=prefix,
                         subsequent_indent=" " * len(prefix))


def _export(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lower().lstrip(".") if args.output else ""
        fmt = suffix if suffix in FORMATS else "csv"
    with Store.open(_db(args), create=False) as store:
        n = export(store, args.kind, fmt, args.output)
    if args.output:
        print(f"wrote {n} {args.kind} to {args.output}", file=sys.stderr)
    return 0


def _nightly(args: argparse.Namespace) -> int:
    from reportmine.nightly import NightlyOptions, RunFailed, run_nightly, sigterm_interrupts
    from reportmine.nightly.digest import run_digest

    if args.jobs < 1:
        raise _UsageError(f"argument --jobs: must be at least 1: {args.jobs}")
    options = NightlyOptions(parse_timeout=args.timeout, fetch_timeout=args.fetch_timeout,
                             max_bytes=int(args.max_size * 2**20), jobs=args.jobs,
                             parser=args.parser, model=args.model,
                             retry_quarantined=args.retry_quarantined,
                             log=None if args.quiet else sys.stderr)
    try:
        with sigterm_interrupts():
            summary = run_nightly(args.source, _db(args), options)
    except RunFailed as e:
        if args.summary:
            _write_text(args.summary, json.dumps(e.summary.as_dict(), indent=2,
                                                 ensure_ascii=False))
        raise
    print(summary.text())
    if args.summary:
        _write_text(args.summary, json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    if args.digest:
        with Store.open(_db(args), create=False) as store:
            _write_text(args.digest, run_digest(store, summary))
    return 0


def _write_text(path: Path, text: str) -> None:
    from reportmine.files import atomic_write

    with atomic_write(path) as out:
        out.write(text + "\n")


def _ask(args: argparse.Namespace) -> int:
    from reportmine.ask import DEFAULT_K, ask

    with Store.open(_db(args), create=False) as store:
        answer = ask(store, args.question, region=args.region, label=args.label,
                     partnership=args.partnership, since=args.since, k=args.k or DEFAULT_K)
    if args.format == "json":
        print(json.dumps(answer.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(answer.text(markdown=args.format == "md"))
    return 0


def _eval_ask(args: argparse.Namespace) -> int:
    from reportmine.ask.evaluate import evaluate

    gold = read_gold(args.gold)
    with Store.open(_db(args), create=False) as store:
        result = evaluate(store, gold)
    print(json.dumps(result.as_dict(), indent=2) if args.format == "json" else result.text())
    return 0


def _compare(args: argparse.Namespace) -> int:
    from reportmine.compare import compare
    from reportmine.compare.render import FORMATS as COMPARE_FORMATS, render

    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lower().lstrip(".") if args.output else ""
        fmt = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
        fmt = fmt if fmt in COMPARE_FORMATS else "md"
    with Store.open(_db(args), create=False) as store:
        comparison = compare(store, labels=args.label, regions=args.region,
                             partnerships=args.partnership)
    text = render(comparison, fmt, args.output)
    if text is not None:
        print(text)
    else:
        print(f"wrote {fmt} comparison of {len(comparison.rows)} partnerships to {args.output}",
              file=sys.stderr)
    return 0


def _eval_compare(args: argparse.Namespace) -> int:
    from reportmine.compare.evaluate import SPLITS, evaluate

    if args.split not in SPLITS:
        raise ReportmineError(f"eval compare takes --split {' or '.join(SPLITS)}")
    gold = read_gold(args.gold)
    with Store.open(_db(args), create=False) as store:
        result = evaluate(store, gold, args.split, args.top)
    print(json.dumps(result.as_dict(), indent=2) if args.format == "json" else result.text())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except _UsageError as e:
        print(f"reportmine: error: {e}", file=sys.stderr)
        return 2
    except ReportmineError as e:
        print(f"reportmine: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("reportmine: error: interrupted", file=sys.stderr)
        return 130
    except SystemExit as e:  # --help and --version exit through argparse
        return e.code if isinstance(e.code, int) else 0
