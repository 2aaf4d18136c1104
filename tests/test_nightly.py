"""`reportmine nightly` over folders: bad and odd files, versions, runs, locks, digest.

Parsing is real (reportmine.parse) except where a test needs a parser that
fails or dawdles (tests/nightly_parsers.py, imported by name in the worker).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from pdf_factory import make_pdf, user_password
from reportmine.cli import main
from reportmine.compare.shared import SharedPoint
from reportmine.nightly import NightlyOptions, run_nightly
from reportmine.nightly.digest import build_digest
from reportmine.nightly.lock import RunLock
from reportmine.store import Store

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PDF_A, PDF_B = CORPUS / "kestermoor.pdf", CORPUS / "saltmere.pdf"


def nightly(db: Path, *sources: Path | str, extra: tuple[str, ...] = ()) -> int:
    args = ["--db", str(db), "nightly", "--quiet", "--model", "keyword"]
    for source in sources:
        args += ["--source", str(source)]
    return main([*args, *extra])


def rows(db: Path, sql: str) -> list[tuple]:
    return sqlite3.connect(db).execute(sql).fetchall()


def run_counts(out: str) -> list[dict[str, int]]:
    """The counts of each "run N completed: ..." line printed."""
    return [{word: int(n) for n, word in re.findall(r"(\d+) (\w+)", line.split(": ", 1)[1])}
            for line in out.splitlines() if line.startswith("run ")]


def sha_id(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def image_only_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    picture = path.with_suffix(".png")
    Image.new("RGB", (200, 120), (90, 140, 200)).save(picture)
    c = canvas.Canvas(str(path))
    c.drawImage(str(picture), 72, 500, width=400, height=240)
    c.save()
    picture.unlink()
    return path


@pytest.fixture(scope="module")
def odd_files(tmp_path_factory) -> tuple[Path, dict]:
    """One run over a folder of awkward files; the database and its JSON summary."""
    root = tmp_path_factory.mktemp("odd")
    folder = root / "incoming"
    (folder / "mirror").mkdir(parents=True)
    shutil.copy(PDF_A, folder / "kestermoor.pdf")
    shutil.copy(PDF_A, folder / "mirror" / "kestermoor (copy).pdf")
    shutil.copy(PDF_B, folder / "Ærø–Sønderborg rapport.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(PDF_B.read_bytes()[:4000])
    make_pdf(folder / "locked.pdf", [["Overall goal", "Secret"]], encrypt=user_password())
    image_only_pdf(folder / "scan.pdf")
    make_pdf(folder / "long.pdf", [[f"Chapter {n}", f"Page {n} text."] for n in range(400)])
    db = root / "rm.db"
    assert nightly(db, folder, extra=("--summary", str(root / "summary.json"))) == 0
    return db, json.loads((root / "summary.json").read_text())


def outcome(summary: dict, name: str) -> dict:
    return next(e for e in summary["events"] if e["name"] == name)


def test_run_over_odd_files_completes_and_counts_every_file(odd_files):
    _, summary = odd_files
    assert summary["status"] == "completed"
    assert summary["counts"] == {"new": 4, "updated": 0, "duplicate": 1, "unchanged": 0,
                                 "quarantined": 3, "failed": 0}


@pytest.mark.parametrize("name, reason", [("empty.pdf", "empty file"),
                                          ("truncated.pdf", ""),
                                          ("locked.pdf", "password")])
def test_bad_file_is_quarantined_with_its_reason(odd_files, name, reason):
    event = outcome(odd_files[1], name)
    assert event["outcome"] == "quarantined" and reason in event["reason"]


def test_same_bytes_under_another_name_is_another_location_of_one_report(odd_files):
    db, summary = odd_files
    assert outcome(summary, "kestermoor (copy).pdf")["outcome"] == "duplicate"
    paths = rows(db, f"SELECT path FROM locations WHERE sha256 LIKE '{sha_id(PDF_A)}%'")
    assert sorted(Path(p).name for (p,) in paths) == ["kestermoor (copy).pdf", "kestermoor.pdf"]


def test_non_ascii_file_name_is_kept(odd_files):
    db, _ = odd_files
    assert rows(db, f"SELECT file_name FROM reports WHERE report_id = '{sha_id(PDF_B)}'") == [
        ("Ærø–Sønderborg rapport.pdf",)]


def test_image_only_and_400_page_files_are_stored(odd_files):
    db, _ = odd_files
    stored = dict(rows(db, "SELECT file_name, n_pages FROM reports WHERE status = 'ok'"))
    assert stored["long.pdf"] == 400 and stored["scan.pdf"] == 1
    assert rows(db, "SELECT warnings FROM reports WHERE file_name = 'scan.pdf'") == [
        ('["no text layer"]',)]


def test_every_stored_passage_is_tagged(odd_files):
    db, _ = odd_files
    untagged = rows(db, """SELECT count(*) FROM passages p WHERE NOT EXISTS
                           (SELECT 1 FROM tags t WHERE t.passage_id = p.passage_id)""")
    assert untagged == [(0,)] and rows(db, "SELECT count(*) FROM passages")[0][0] > 400


def test_new_bytes_are_kept_in_the_blob_store(odd_files):
    db, _ = odd_files
    sha = hashlib.sha256(PDF_A.read_bytes()).hexdigest()
    assert (db.parent / "rm.blobs" / sha[:2] / sha).read_bytes() == PDF_A.read_bytes()


def test_second_run_over_the_same_folder_changes_nothing(tmp_path, capsys):
    shutil.copy(PDF_A, tmp_path / "a.pdf")
    (tmp_path / "empty.pdf").write_bytes(b"")
    db = tmp_path / "db" / "rm.db"
    db.parent.mkdir()
    nightly(db, tmp_path)
    before = rows(db, "SELECT * FROM reports ORDER BY report_id")
    capsys.readouterr()
    assert nightly(db, tmp_path) == 0
    assert capsys.readouterr().out.startswith(
        "run 2 completed: 0 new, 0 updated, 0 duplicate, 2 unchanged, 0 quarantined")
    assert rows(db, "SELECT * FROM reports ORDER BY report_id") == before


def test_quarantined_file_is_parsed_again_only_when_its_bytes_change(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "late.pdf").write_bytes(PDF_A.read_bytes()[:3000])
    db = tmp_path / "rm.db"
    nightly(db, folder)
    nightly(db, folder)
    (folder / "late.pdf").write_bytes(PDF_A.read_bytes())
    nightly(db, folder)
    runs = run_counts(capsys.readouterr().out)
    assert [(c["new"], c["quarantined"], c["unchanged"]) for c in runs] == [
        (0, 1, 0), (0, 0, 1), (1, 0, 0)]


def test_changed_file_at_same_path_is_a_new_version(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PDF_A, folder / "report.pdf")
    db = tmp_path / "rm.db"
    nightly(db, folder)
    shutil.copy(PDF_B, folder / "report.pdf")
    assert nightly(db, folder) == 0
    assert "run 2 completed: 0 new, 1 updated" in capsys.readouterr().out
    assert dict(rows(db, "SELECT report_id, superseded_by FROM reports")) == {
        sha_id(PDF_A): sha_id(PDF_B), sha_id(PDF_B): None}


def test_retry_quarantined_parses_quarantined_bytes_once_more(tmp_path, capsys):
    shutil.copy(PDF_A, tmp_path / "a.pdf")
    db = tmp_path / "db.sqlite"
    nightly(db, tmp_path / "a.pdf", extra=("--parser", "nightly_parsers:refusing_parse"))
    assert rows(db, "SELECT status, warnings FROM reports") == [
        ("quarantined", '["parser refused this file"]')]
    assert nightly(db, tmp_path / "a.pdf", extra=("--retry-quarantined",)) == 0
    assert "1 new" in capsys.readouterr().out.splitlines()[-1]
    assert rows(db, "SELECT status FROM reports") == [("ok",)]
    assert rows(db, "SELECT path FROM locations") == [(str(tmp_path / "a.pdf"),)]


def test_every_run_is_recorded_with_its_counts_and_reasons(tmp_path):
    shutil.copy(PDF_A, tmp_path / "a.pdf")
    (tmp_path / "empty.pdf").write_bytes(b"")
    db = tmp_path / "rm.db"
    nightly(db, tmp_path)
    nightly(db, tmp_path)
    runs = rows(db, "SELECT run_id, status, started_at <= finished_at, counts, reasons "
                    "FROM runs ORDER BY run_id")
    assert [(r[0], r[1], r[2]) for r in runs] == [(1, "completed", 1), (2, "completed", 1)]
    assert json.loads(runs[0][3])["new"] == 1 and json.loads(runs[1][3])["unchanged"] == 2
    assert [e["reason"] for e in json.loads(runs[0][4])] == ["empty file"]


def test_digest_lists_each_new_report_with_partnership_region_and_labels(tmp_path):
    shutil.copy(PDF_A, tmp_path / "a.pdf")
    digest = tmp_path / "whats-new.md"
    assert nightly(tmp_path / "rm.db", tmp_path / "a.pdf", extra=("--digest", str(digest))) == 0
    partnership, region = rows(tmp_path / "rm.db", "SELECT partnership, region FROM reports")[0]
    text = digest.read_text()
    assert f"## {partnership}" in text and f"- Region: {region}" in text
    assert "- Strongest labels: " in text and "none assigned" not in text
    nightly(tmp_path / "rm.db", tmp_path / "a.pdf", extra=("--digest", str(digest)))
    assert "No new reports." in digest.read_text()


def test_digest_tells_which_shared_points_a_new_report_joins_or_starts(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    shutil.copy(PDF_A, old / "a.pdf")
    shutil.copy(PDF_B, new / "b.pdf")
    shutil.copy(CORPUS / "carnbury.pdf", new / "c.pdf")
    db, options = tmp_path / "rm.db", NightlyOptions(model="keyword")
    run_nightly([str(old)], db, options)
    summary = run_nightly([str(new)], db, options)
    a, b, c = sha_id(PDF_A), sha_id(PDF_B), sha_id(CORPUS / "carnbury.pdf")
    points = [SharedPoint("Panels merged", [], ["A", "B"], [a, b], []),
              SharedPoint("Data invites questions", [], ["B", "C"], [b, c], []),
              SharedPoint("Only the old one", [], ["A", "X"], [a, "x" * 16], [])]
    with Store.open(db) as store:
        text = build_digest(store, summary, points)
    section = {rid: part for part in text.split("\n## ") for rid in (b, c) if f"`{rid}`" in part}
    assert 'joins "Panels merged"' in section[b] and 'starts "Data invites questions"' in section[b]
    assert 'starts "Data invites questions"' in section[c] and "Panels merged" not in section[c]
    assert "Only the old one" not in text


def test_tags_equal_those_of_ingest_then_tag(odd_files, tmp_path):
    db, _ = odd_files
    other = tmp_path / "other.db"
    assert main(["--db", str(other), "ingest", "--no-progress", str(PDF_A)]) == 0
    assert main(["--db", str(other), "tag", "--all", "--model", "keyword"]) == 0
    sql = ("SELECT passage_id, label, score, assigned, evidence FROM tags "
           f"WHERE passage_id LIKE '{sha_id(PDF_A)}%' ORDER BY passage_id, label")
    assert rows(db, sql) == rows(other, sql) != []


def test_second_run_exits_at_once_while_the_lock_is_held(tmp_path, capsys):
    db = tmp_path / "rm.db"
    with RunLock(db):
        start = time.monotonic()
        assert nightly(db, tmp_path) == 1
    assert time.monotonic() - start < 5
    err = capsys.readouterr().err
    assert err.startswith("reportmine: error: another nightly run is already using this "
                          "database") and err.count("\n") == 1


def test_concurrent_runs_one_ingests_the_other_refuses(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for pdf in (PDF_A, PDF_B):
        shutil.copy(pdf, folder / pdf.name)
    db, gate = tmp_path / "rm.db", tmp_path / "gate"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests"), "REPORTMINE_TEST_GATE": str(gate)}
    first = subprocess.Popen(
        [sys.executable, "-m", "reportmine", "--db", str(db), "nightly", "--quiet", "--model",
         "keyword", "--jobs", "1", "--parser", "nightly_parsers:gated_parse", "--source",
         str(folder)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not _running(db) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert nightly(db, folder) == 1
        assert "another nightly run" in capsys.readouterr().err
    finally:
        gate.touch()
        out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert "2 new" in out
    assert rows(db, "SELECT count(*) FROM runs") == [(1,)]


def test_sigterm_stops_the_run_and_records_it_as_failed(tmp_path):
    for pdf in (PDF_A, PDF_B):
        shutil.copy(pdf, tmp_path / pdf.name)
    db = tmp_path / "db" / "rm.db"
    db.parent.mkdir()
    run = subprocess.Popen(
        [sys.executable, "-m", "reportmine", "--db", str(db), "nightly", "--quiet", "--model",
         "keyword", "--parser", "nightly_parsers:gated_parse", "--timeout", "600", "--source",
         str(tmp_path)], env={**os.environ, "PYTHONPATH": str(ROOT / "tests"),
                              "REPORTMINE_TEST_GATE": str(tmp_path / "never-opened")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _running(db) and time.monotonic() < deadline:
        time.sleep(0.05)
    run.terminate()
    _, err = run.communicate(timeout=30)
    assert run.returncode == 1 and err == "reportmine: error: interrupted\n"
    assert rows(db, "SELECT status, error FROM runs") == [("failed", "interrupted")]


def test_sigterm_delivered_to_a_parse_thread_still_stops_a_run_waiting_for_parses():
    from concurrent.futures import Future

    from reportmine.nightly.run import _Run, sigterm_interrupts

    run = object.__new__(_Run)  # only the futures it waits on matter here
    parse: Future = Future()
    run.futures = {parse: "sha"}

    def parse_thread() -> None:  # the kernel may pick any thread for a process's signal
        time.sleep(1)  # the main thread is asleep in collect by now
        signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
        time.sleep(10)
        parse.set_result(("error", "too late"))

    started = time.monotonic()
    with sigterm_interrupts(), pytest.raises(KeyboardInterrupt):
        threading.Thread(target=parse_thread, daemon=True).start()
        run.collect(block=True)
    assert time.monotonic() - started < 6


def _running(db: Path) -> bool:
    try:
        return bool(rows(db, "SELECT 1 FROM runs WHERE status = 'running'"))
    except sqlite3.Error:
        return False


def test_run_that_breaks_off_exits_1_and_records_why(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPORTMINE_MODEL", str(tmp_path / "broken.pkl"))
    (tmp_path / "broken.pkl").write_bytes(b"not a model")
    shutil.copy(PDF_A, tmp_path / "a.pdf")
    db, report = tmp_path / "rm.db", tmp_path / "summary.json"
    code = main(["--db", str(db), "nightly", "--quiet", "--model", "trained", "--source",
                 str(tmp_path / "a.pdf"), "--summary", str(report)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("reportmine: error: cannot load model")
    assert err.count("\n") == 1
    assert json.loads(report.read_text())["status"] == "failed"
    assert rows(db, "SELECT status, error LIKE 'cannot load model%' FROM runs") == [("failed", 1)]
    assert rows(db, "SELECT count(*) FROM reports") == [(0,)]


def test_missing_source_fails_the_run_with_one_line(tmp_path, capsys):
    assert nightly(tmp_path / "rm.db", tmp_path / "nowhere") == 1
    err = capsys.readouterr().err
    assert err.startswith("reportmine: error: no such source:") and err.count("\n") == 1


def test_unreadable_database_fails_the_run_with_one_line(tmp_path, capsys):
    db = tmp_path / "rm.db"
    db.write_bytes(b"this is not a database" * 100)
    assert nightly(db, tmp_path) == 1
    err = capsys.readouterr().err
    assert err.startswith("reportmine: error: cannot open database") and err.count("\n") == 1
