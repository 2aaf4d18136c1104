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
                                   "exists, else codebook keywords). Only untagged passages "
                                   "unless --all.")
    p.add_argument("--all", action="store_true", help="re-tag every passage")
    p.add_argument("--model", choices=("auto", "keyword", "trained"), default="auto",
                   help="which tagger (default: auto)")
    p.set_defaults(func=_tag)

    p = sub.add_parser("train", parents=[common], help="train the tagger on gold 'train' data",
                       description="Train the passage tagger on split 'train' of the gold "
                                   "file only and save it with a model card.")
    p.add_argument("--gold", type=Path, default=Path("corpus/gold.json"), metavar="FILE")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                   help="model file (default: models/tagger.pkl)")
    p.set_defaults(func=_train)

    p = sub.add_parser("eval", parents=[common], help="evaluate against gold annotations",
                       description="Per-label precision/recall/F1 against a gold file whose "
                                   "reports have been ingested into the database.")
    p.add_argument("what", choices=("tagging",), help="what to evaluate")
    p.add_argument("--gold", type=Path, required=True, metavar="FILE")
    p.add_argument("--split", choices=("test", "real", "train", "all"), default="test")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--model", choices=("keyword", "trained"), default="trained")
    p.set_defaults(func=_eval)
    return parser


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


def _read_gold(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReportmineError(f"cannot read gold file {path}: {e}") from e


def _train(args: argparse.Namespace) -> int:
    from reportmine.tagging.card import write_card
    from reportmine.tagging.model import train
    from reportmine.tagging.run import default_model_path

    model = train(_read_gold(args.gold))
    out = args.output or default_model_path()
    model.save(out)
    write_card(model, out.parent / "MODEL_CARD.md", _held_out(args, model))
    print(f"trained on {model.info['n_passages']} passages of "
          f"{len(model.info['train_reports'])} 'train' reports "
          f"(CV micro F1 {model.info['cv_micro_f1']:.3f}); saved {out}")
    return 0


def _held_out(args: argparse.Namespace, model: Any) -> dict[str, Any] | None:
    """Test and real metrics for the model card, when the database holds those reports."""
    from reportmine.tagging.evaluate import evaluate
    from reportmine.tagging.tagger import KeywordTagger

    db = Path(_db(args))
    if not db.exists():
        return None
    gold = _read_gold(args.gold)
    results: dict[str, Any] = {}
    with Store.open(db, create=False) as store:
        for split in ("test", "real"):
            for name, tagger in (("keyword", KeywordTagger()), ("trained", model)):
                try:
                    results[f"{name} / {split}"] = evaluate(store, gold, tagger, split)
                except ReportmineError:
                    continue
    return results or None


def _eval(args: argparse.Namespace) -> int:
    from reportmine.tagging.evaluate import evaluate
    from reportmine.tagging.run import load_tagger

    gold = _read_gold(args.gold)
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
        _print_passages([p for p in passages if _same_section(p, s)])
    if notes:
        print("\nFootnotes")
        for f in notes:
            print(_wrap(f"[{f['mark']}] {f['text']}", f"  [p{f['page']}] "))
    return 0


def _same_section(passage: dict[str, Any], section: dict[str, Any]) -> bool:
    return passage["section_position"] == section["position"]


def _print_passages(passages: list[dict[str, Any]]) -> None:
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
