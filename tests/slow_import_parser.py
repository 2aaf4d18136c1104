"""A parser module that takes a long time to import, imported by name in a
parse worker: a worker still starting when its run is stopped."""
from __future__ import annotations

import time
from pathlib import Path

from reportmine.errors import ParseError
from reportmine.model import Report

time.sleep(60)


def parse(path: str | Path) -> Report:
    raise ParseError("never reached in the tests")
