"""The `reportmine` command: arguments in, one library call, output out.

Each module of this package registers its subcommands on the one parser
(`register(sub, common)`), so a command's arguments and its handler sit
together. Every failure the user can fix is one line on stderr,
"reportmine: error: ...", with a non-zero exit; everything else lives in the
library.
"""
from __future__ import annotations

import argparse
import os
import sys

from reportmine.cli import corpus, evaluation, nightly, questions, tagging
from reportmine.cli.common import Parser, UsageError
from reportmine.errors import ReportmineError

COMMAND_MODULES = (corpus, tagging, evaluation, nightly, questions)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; `--db` is accepted before or after the subcommand."""
    db_help = "database file (default: $REPORTMINE_DB or ./reportmine.db)"
    common = Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="FILE", help=db_help)
    parser = Parser(
        prog="reportmine",
        description="Turn a folder of TCE Project Learning Reports (PDF) into a corpus "
                    "you can question: ingest and tag reports, ask cross-area questions, "
                    "compare partnerships, export tables. 'reportmine COMMAND --help' "
                    "explains each command.",
        epilog="Example: reportmine --db corpus.db ingest reports/ && reportmine --db "
               "corpus.db ask 'Which areas merged their exploitation panel with a neighbour?'")
    parser.add_argument("--db", default=None, metavar="FILE", help=db_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except UsageError as e:
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
