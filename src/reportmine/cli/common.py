"""What every command shares: one-line usage errors, argument types, the database path."""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from reportmine.ingest import DEFAULT_PARSER, DEFAULT_TIMEOUT


class UsageError(Exception):
    """A bad command line; argparse would otherwise print usage and exit."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, no usage dump
        raise UsageError(message)


def positive_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0: {text!r}")
    return value


def year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"not a year (YYYY): {text!r}")
    return int(text)


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def add_parse_options(p: argparse.ArgumentParser) -> None:
    """--timeout and --parser, shared by the commands that parse PDFs (ingest, nightly)."""
    p.add_argument("--timeout", type=positive_number, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"time limit for parsing one file (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--parser", default=DEFAULT_PARSER, metavar="MODULE:FUNCTION",
                   help=f"parse function to use (default: {DEFAULT_PARSER})")


def db_path(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("REPORTMINE_DB") or "reportmine.db"


def output_format(chosen: str | None, output: Path | None, formats: tuple[str, ...],
                  default: str) -> str:
    """--format if given, else the output file's suffix when it names one of
    `formats` ("htm" and "markdown" too), else `default`."""
    if chosen is not None:
        return chosen
    suffix = output.suffix.lower().lstrip(".") if output else ""
    suffix = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
    return suffix if suffix in formats else default
