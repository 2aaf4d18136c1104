"""A nightly run killed with SIGKILL mid-ingest leaves no half-stored report, and
the next run completes the work: the corpus equals an uninterrupted run's."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from reportmine.cli import main

ROOT = Path(__file__).resolve().parents[1]
PDFS = sorted((ROOT / "corpus").glob("*.pdf"))[:6]
SLOW = "nightly_parsers:slow_parse"  # half a second per file: time to kill mid-run
NIGHTLY = ("nightly", "--quiet", "--model", "keyword", "--parser", SLOW)


def corpus(db: Path) -> dict[str, list[tuple]]:
    """What analyses see: reports, passages, tags and locations (not run records)."""
    conn = sqlite3.connect(db)
    queries = {
        "reports": "SELECT report_id, sha256, file_name, status, superseded_by, n_pages, "
                   "partnership, region FROM reports ORDER BY report_id",
        "passages": "SELECT passage_id, s.section, p.page, text FROM passages p "
                    "JOIN sections s USING (report_id, position) ORDER BY passage_id",
        "tags": "SELECT passage_id, label, score, assigned, evidence FROM tags "
                "ORDER BY passage_id, label",
        "locations": "SELECT sha256, path FROM locations ORDER BY sha256, path",
    }
    return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}


def stored_reports(db: Path) -> int:
    try:
        return sqlite3.connect(db).execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_killed_run_then_rerun_gives_the_corpus_of_an_uninterrupted_run(tmp_path, capsys):
    folder = tmp_path / "incoming"
    folder.mkdir()
    for pdf in PDFS:
        shutil.copy(pdf, folder / pdf.name)
    reference = tmp_path / "reference.db"
    assert main(["--db", str(reference), *NIGHTLY, "--source", str(folder)]) == 0

    db = tmp_path / "killed.db"
    run = subprocess.Popen(
        [sys.executable, "-m", "reportmine", "--db", str(db), *NIGHTLY, "--jobs", "1",
         "--source", str(folder)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "tests")},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while stored_reports(db) < 2 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.02)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()

    at_kill = corpus(db)
    assert 0 < len(at_kill["reports"]) < len(PDFS)
    tagged = {pid for pid, *_ in at_kill["tags"]}
    assert at_kill["passages"] and all(pid in tagged for pid, *_ in at_kill["passages"])

    capsys.readouterr()
    assert main(["--db", str(db), *NIGHTLY, "--source", str(folder)]) == 0
    done, left = len(at_kill["reports"]), len(PDFS) - len(at_kill["reports"])
    assert capsys.readouterr().out.startswith(
        f"run 2 completed: {left} new, 0 updated, 0 duplicate, {done} unchanged")
    assert corpus(db) == corpus(reference)
    statuses = sqlite3.connect(db).execute("SELECT status FROM runs ORDER BY run_id").fetchall()
    assert statuses == [("interrupted",), ("completed",)]
