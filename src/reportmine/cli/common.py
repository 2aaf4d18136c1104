"""What every command shares: one-line usage errors, argument types, the database path."""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any


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


def db_path(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("REPORTMINE_DB") or "reportmine.db"


def write_text(path: Path, text: str) -> None:
    from reportmine.files import atomic_write

    with atomic_write(path) as out:
        out.write(text + "\n")


def output_format(chosen: str | None, output: Path | None, formats: tuple[str, ...],
                  default: str) -> str:
    """--format if given, else the output file's suffix when it names one of
    `formats` ("htm" and "markdown" too), else `default`."""
    if chosen is not None:
        return chosen
    suffix = output.suffix.lower().lstrip(".") if output else ""
    suffix = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
    return suffix if suffix in formats else default
