"""Tagging speed against parsing speed, on the whole sample corpus.

    .venv/bin/python benchmarks/tag.py [PDF ...]

Without arguments: corpus/*.pdf. Parses every report, then tags all their
passages (each with its neighbours as context) with the trained model
(models/tagger.pkl, or $REPORTMINE_MODEL) and with the keyword baseline, and
prints passages per second, words per second and each tagger's time as a
share of the parse time. Each time is the best of three runs (the machine is
shared, so the minimum is the least noisy estimate); the model, pipeline and
matcher are loaded before timing, as ingest does once per run.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from reportmine import parse_pdf  # noqa: E402
from reportmine.model import Report  # noqa: E402
from reportmine.tagging.context import with_neighbours  # noqa: E402
from reportmine.tagging.run import load_tagger  # noqa: E402

REPEAT = 3
T = TypeVar("T")


def best_of(run: Callable[[], T]) -> tuple[float, T]:
    """The fastest of REPEAT runs, in seconds, and the run's result."""
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


def passage_rows(report: Report, report_id: str) -> list[dict[str, Any]]:
    """A parsed report's passages as the store hands them to the tagger."""
    return [{"report_id": report_id, "position": i, "section": section.id,
             "subheading": passage.subheading, "kind": passage.kind, "text": passage.text}
            for i, section in enumerate(report.sections) for passage in section.passages]


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted((ROOT / "corpus").glob("*.pdf"))
    if not files:
        print("no PDFs given and none in corpus/", file=sys.stderr)
        return 1
    parse_s, rows = best_of(lambda: [row for f in files
                                     for row in passage_rows(parse_pdf(f), f.name)])
    inputs = with_neighbours(rows)
    words = sum(len(r["text"].split()) for r in rows)
    print(f"{len(files)} reports, {len(rows)} passages, {words} words; "
          f"parsing took {parse_s:.2f} s")
    for kind in ("trained", "keyword"):
        tagger = load_tagger(kind)
        tagger.tag(inputs[:1])  # builds the pipeline and matcher once, as ingest does
        tag_s, _ = best_of(lambda: tagger.tag(inputs))
        print(f"{tagger.version:>14}: {len(rows) / tag_s:8.0f} passages/s "
              f"{words / tag_s:9.0f} words/s  {tag_s:6.2f} s = "
              f"{tag_s / parse_s:5.1%} of parse time")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
