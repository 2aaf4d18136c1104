"""The `reportmine` command: arguments in, one library call, output out.

Every failure the user can fix is one line on stderr, "reportmine: error: ...",
with a non-zero exit; everything else lives in the library.
"""
from __future__ import annotations

import argparse
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
    return parser


def _db(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("REPORTMINE_DB") or "reportmine.db"


def _ingest(args: argparse.Namespace) -> int:
    with Store.open(_db(args)) as store:
        summary = ingest_paths(args.paths, store, progress=not args.no_progress,
                               timeout=args.timeout, parser=args.parser)
    print(summary.text())
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
