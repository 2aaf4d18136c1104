"""Parsers that misbehave on purpose, imported by name in nightly's parse workers.

Kept apart from the test modules so a worker imports only this and the real parser.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from reportmine.errors import ParseError
from reportmine.model import Report
from reportmine.parse import parse_pdf


def refusing_parse(path: str | Path) -> Report:
    raise ParseError("parser refused this file")


def slow_parse(path: str | Path) -> Report:
    """The real parser, half a second late: time for a test to act mid-run."""
    time.sleep(0.5)
    return parse_pdf(Path(path))


GATE = "REPORTMINE_TEST_GATE"


def gated_parse(path: str | Path) -> Report:
    """The real parser, held until the file named by $REPORTMINE_TEST_GATE
    exists (60 s at most): a test acts mid-run however loaded the machine is."""
    gate = Path(os.environ[GATE])
    deadline = time.monotonic() + 60
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return parse_pdf(Path(path))
