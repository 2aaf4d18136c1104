"""A one-line text progress bar for long commands, drawn only on a terminal.

Ingest steps it once per file and tagging once per batch of passages, so a
user of a large corpus sees how far each stage has got; piped or logged
output stays free of carriage returns.
"""
from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class ProgressBar:
    """Counts work done out of `total` and redraws one line on `stream`."""

    def __init__(self, total: int, stream: TextIO, label: str = "") -> None:
        self.total, self.done, self.stream, self.label = total, 0, stream, label

    def step(self, note: str = "", n: int = 1) -> None:
        self.done += n
        filled = WIDTH * self.done // max(self.total, 1)
        prefix = f"{self.label} " if self.label else ""
        line = (f"{prefix}[{'#' * filled}{'.' * (WIDTH - filled)}] "
                f"{self.done}/{self.total} {note[:40]}")
        self.stream.write(f"\r{line:<90}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def progress_bar(total: int, enabled: bool = True, label: str = "") -> ProgressBar | None:
    """A bar on stderr when `enabled` and stderr is a terminal, else None."""
    if not enabled or not sys.stderr.isatty():
        return None
    return ProgressBar(total, sys.stderr, label)
