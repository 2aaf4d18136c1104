"""A small real database for the `compare` tests: four sample-corpus reports,
ingested and tagged exactly as a user would."""
from __future__ import annotations

from pathlib import Path

from reportmine.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
STEMS = ("carnbury", "east-fenmarsh", "saltmere", "skelbeck-ormside")


def build(path: Path) -> Path:
    """Ingest the four reports into a new database at `path`."""
    pdfs = [str(CORPUS / f"{stem}.pdf") for stem in STEMS]
    assert main(["--db", str(path), "ingest", "--no-progress", *pdfs]) == 0
    return path
