"""Commands over the stored corpus: ingest, reports, show, export."""
from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

from reportmine.cli.common import add_parse_options, db_path, output_format
from reportmine.errors import ReportmineError
from reportmine.export import FORMATS, KINDS, export
from reportmine.ingest import ingest_paths
from reportmine.model import METADATA_FIELDS
from reportmine.store import Store


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ingest, reports, show and export commands."""
    p = sub.add_parser("ingest", parents=[common], help="parse and store new PDFs",
                       description="Parse and store every new PDF among PATHs (folders are "
                                   "searched recursively). Known bytes are skipped as "
                                   "duplicates; files that cannot be parsed are quarantined "
                                   "with the reason (bytes seen before, even if quarantined then, "
                                   "count as duplicates). Exits 0 when the run completed.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="PDF files or folders")
    add_parse_options(p)
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


def _ingest(args: argparse.Namespace) -> int:
    with Store.open(db_path(args)) as store:
        summary = ingest_paths(args.paths, store, progress=not args.no_progress,
                               timeout=args.timeout, parser=args.parser)
        tagged = _tag_after_ingest(store, progress=not args.no_progress)
    print(summary.text())
    if tagged:
        print(tagged)
    return 0


def _tag_after_ingest(store: Store, progress: bool) -> str:
    """Tag new passages when a trained model exists; a tagging failure is
    reported (when it leaves passages untagged) but does not undo or fail the
    ingest, whose work is already stored."""
    from reportmine.tagging.run import default_model_path, load_tagger, tag_store

    if not default_model_path().exists():
        return ""
    try:
        n = tag_store(store, load_tagger("trained"), progress=progress)
    except ReportmineError as e:
        untagged = store.count_untagged()
        if untagged:
            plural = "" if untagged == 1 else "s"
            print(f"reportmine: warning: {untagged} passage{plural} left untagged: {e}",
                  file=sys.stderr)
        return ""
    return f"tagged {n} passages" if n else ""


def _reports(args: argparse.Namespace) -> int:
    with Store.open(db_path(args), create=False) as store:
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
    with Store.open(db_path(args), create=False) as store:
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
    fmt = output_format(args.format, args.output, FORMATS, "csv")
    with Store.open(db_path(args), create=False) as store:
        n = export(store, args.kind, fmt, args.output)
    if args.output:
        print(f"wrote {n} {args.kind} to {args.output}", file=sys.stderr)
    return 0
