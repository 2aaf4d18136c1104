"""`reportmine nightly`: unattended ingestion for cron and systemd."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from reportmine.cli.common import UsageError, add_parse_options, db_path, positive_number
from reportmine.files import write_text
from reportmine.store import Store


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the nightly command."""
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
    add_parse_options(p)
    p.add_argument("--fetch-timeout", type=positive_number, default=60.0, metavar="SECONDS",
                   help="time limit for one download (default: 60)")
    p.add_argument("--max-size", type=positive_number, default=200.0, metavar="MB",
                   help="largest file downloaded, in MB (default: 200)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                   help="files parsed at once (default: 2, or 1 on one core)")
    p.add_argument("--model", choices=("auto", "keyword", "trained"), default="auto",
                   help="tagger for new passages (default: auto)")
    p.add_argument("--retry-quarantined", action="store_true",
                   help="parse quarantined bytes once more (e.g. after a parser upgrade)")
    p.add_argument("--quiet", action="store_true",
                   help="no line per new, updated, duplicate or failed file on stderr")
    p.set_defaults(func=_nightly)


def _nightly(args: argparse.Namespace) -> int:
    from reportmine.nightly import NightlyOptions, RunFailed, run_nightly, sigterm_interrupts
    from reportmine.nightly.digest import run_digest

    if args.jobs < 1:
        raise UsageError(f"argument --jobs: must be at least 1: {args.jobs}")
    options = NightlyOptions(parse_timeout=args.timeout, fetch_timeout=args.fetch_timeout,
                             max_bytes=int(args.max_size * 2**20), jobs=args.jobs,
                             parser=args.parser, model=args.model,
                             retry_quarantined=args.retry_quarantined,
                             log=None if args.quiet else sys.stderr)
    try:
        with sigterm_interrupts():
            summary = run_nightly(args.source, db_path(args), options)
    except RunFailed as e:
        if args.summary:
            write_text(args.summary, json.dumps(e.summary.as_dict(), indent=2,
                                                 ensure_ascii=False))
        raise
    print(summary.text())
    if args.summary:
        write_text(args.summary, json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    if args.digest:
        with Store.open(db_path(args), create=False) as store:
            write_text(args.digest, run_digest(store, summary))
    return 0
