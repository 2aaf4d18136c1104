"""`reportmine ingest`: new, duplicate and quarantined files, time limits, crashes.

Most tests plug in `fake_parse` (via --parser) so they do not depend on the
real parser; the worker process imports it from this module by name.
"""
from __future__ import annotations

import io
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

from reportmine.cli import main
from reportmine.errors import ParseError, ReportmineError
from reportmine.ingest import ParserWorker
from reportmine.model import Passage, Report, Section

FAKE = "test_cli_ingest:fake_parse"


def fake_parse(path: str | Path) -> Report:
    """Open with PDFium like a real backend; refuse what is not a whole PDF."""
    import pypdfium2

    data = Path(path).read_bytes()
    if not data.startswith(b"%PDF-"):
        raise ParseError("not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-1024:]:
        raise ParseError("truncated PDF (no %%EOF)")
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        raise ParseError(f"unreadable PDF: {e}") from e
    text = pdf[0].get_textpage().get_text_range().strip() or "(no text)"
    return Report(file_name=Path(path).name, sha256="", n_pages=len(pdf),
                  sections=[Section("section.other", "Body", 1, [Passage(text, 1)])])


def hanging_parse(path: str | Path) -> Report:
    time.sleep(60)
    raise AssertionError("not reached")


def crashing_parse(path: str | Path) -> Report:
    if "crash" in Path(path).name:
        os._exit(3)
    return fake_parse(path)


def make_pdf(path: Path, text: str = "Overall goal of BSP") -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.drawString(72, 720, text)
    c.save()
    return path


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("reports", "sections", "passages", "locations")}


def ingest(db: Path, *args: str) -> int:
    return main(["--db", str(db), "ingest", "--parser", FAKE, *args])


def test_new_pdf_is_parsed_and_stored(tmp_path, capsys):
    pdf = make_pdf(tmp_path / "north.pdf")
    assert ingest(tmp_path / "rm.db", str(pdf)) == 0
    assert "1 new, 0 duplicate, 0 quarantined" in capsys.readouterr().out
    assert main(["--db", str(tmp_path / "rm.db"), "show", "north.pdf"]) == 0
    assert "[p1] Overall goal of BSP" in capsys.readouterr().out


def test_same_bytes_under_another_name_stores_nothing_new(tmp_path, capsys):
    pdf = make_pdf(tmp_path / "north.pdf")
    copy = tmp_path / "copy" / "north-again.pdf"
    copy.parent.mkdir()
    copy.write_bytes(pdf.read_bytes())
    db = tmp_path / "rm.db"
    ingest(db, str(pdf))
    before = counts(db)
    assert ingest(db, str(copy)) == 0
    assert "0 new, 1 duplicate, 0 quarantined" in capsys.readouterr().out
    assert counts(db) == {**before, "locations": before["locations"] + 1}


def test_bad_files_are_quarantined_while_others_ingest(tmp_path, capsys):
    good = make_pdf(tmp_path / "good.pdf")
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "truncated.pdf").write_bytes(good.read_bytes()[:300])
    (tmp_path / "page.pdf").write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    (tmp_path / "notes.PDF").write_bytes(os.urandom(2048))
    db = tmp_path / "rm.db"
    assert ingest(db, str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "1 new, 0 duplicate, 4 quarantined" in out
    assert "quarantined empty.pdf: empty file" in out
    status = dict(sqlite3.connect(db).execute("SELECT file_name, status FROM reports"))
    assert status == {"good.pdf": "ok", "empty.pdf": "quarantined", "truncated.pdf":
                      "quarantined", "page.pdf": "quarantined", "notes.PDF": "quarantined"}


def test_quarantined_bytes_are_not_parsed_again(tmp_path, capsys):
    (tmp_path / "empty.pdf").write_bytes(b"")
    db = tmp_path / "rm.db"
    ingest(db, str(tmp_path / "empty.pdf"))
    assert ingest(db, str(tmp_path / "empty.pdf")) == 0
    assert "0 new, 1 duplicate, 0 quarantined" in capsys.readouterr().out


def test_hanging_parse_is_stopped_at_the_time_limit(tmp_path, capsys):
    make_pdf(tmp_path / "slow.pdf")
    start = time.monotonic()
    code = main(["ingest", str(tmp_path / "slow.pdf"), "--timeout", "1",
                 "--parser", "test_cli_ingest:hanging_parse", "--db", str(tmp_path / "rm.db")])
    assert code == 0 and time.monotonic() - start < 30
    assert "quarantined slow.pdf: parse timed out after 1 s" in capsys.readouterr().out


def test_crashing_parser_costs_one_file_not_the_run(tmp_path, capsys):
    make_pdf(tmp_path / "a-crash.pdf", "one")
    make_pdf(tmp_path / "b-fine.pdf", "two")
    code = main(["--db", str(tmp_path / "rm.db"), "ingest", str(tmp_path),
                 "--parser", "test_cli_ingest:crashing_parse"])
    out = capsys.readouterr().out
    assert code == 0 and "1 new, 0 duplicate, 1 quarantined" in out
    assert "a-crash.pdf: parser crashed (exit code 3)" in out


def test_folder_walk_skips_hidden_partial_and_non_pdf_files(tmp_path, capsys):
    (tmp_path / "sub").mkdir()
    make_pdf(tmp_path / "sub" / "deep.pdf")
    (tmp_path / ".hidden").mkdir()
    make_pdf(tmp_path / ".hidden" / "secret.pdf")
    make_pdf(tmp_path / ".dot.pdf")
    (tmp_path / "loading.pdf").write_bytes(b"")
    (tmp_path / "loading.pdf.part").write_bytes(b"%PDF-1.4")
    (tmp_path / "chrome.pdf.crdownload").write_bytes(b"%PDF-1.4")
    (tmp_path / "readme.txt").write_text("hello")
    assert ingest(tmp_path / "rm.db", str(tmp_path)) == 0
    assert "1 new, 0 duplicate, 0 quarantined" in capsys.readouterr().out


def test_unloadable_model_leaves_the_ingest_stored_and_warns_what_is_untagged(
        tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPORTMINE_MODEL", str(tmp_path / "broken.pkl"))
    (tmp_path / "broken.pkl").write_bytes(b"not a model")
    assert ingest(tmp_path / "rm.db", str(make_pdf(tmp_path / "north.pdf"))) == 0
    err = capsys.readouterr().err
    assert err.startswith("reportmine: warning: 1 passage left untagged: cannot load model")
    assert counts(tmp_path / "rm.db")["passages"] == 1


def test_unloadable_model_is_not_mentioned_when_nothing_is_left_untagged(
        tmp_path, capsys, monkeypatch):
    pdf = make_pdf(tmp_path / "north.pdf")
    ingest(tmp_path / "rm.db", str(pdf))  # tagged by the project's model
    monkeypatch.setenv("REPORTMINE_MODEL", str(tmp_path / "broken.pkl"))
    (tmp_path / "broken.pkl").write_bytes(b"not a model")
    capsys.readouterr()
    assert ingest(tmp_path / "rm.db", str(pdf)) == 0
    assert "warning" not in capsys.readouterr().err


def test_worker_still_starting_gives_up_when_its_run_is_stopped(tmp_path):
    stop = threading.Event()
    worker = ParserWorker("slow_import_parser:parse", stop)  # its import takes 60 s
    threading.Timer(1.0, stop.set).start()
    with pytest.raises(ReportmineError, match="stopped while starting"):
        worker.parse(tmp_path / "north.pdf", timeout=600)
    assert worker.proc is None


def test_missing_path_is_a_one_line_error(tmp_path, capsys):
    assert ingest(tmp_path / "rm.db", str(tmp_path / "nope.pdf")) == 1
    err = capsys.readouterr().err
    assert err.startswith("reportmine: error: no such file") and err.count("\n") == 1


def test_bad_flag_is_a_one_line_error(tmp_path, capsys):
    assert main(["ingest", "--timeout", "-3", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reportmine: error:") and err.count("\n") == 1


def test_db_defaults_to_environment_variable(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REPORTMINE_DB", str(tmp_path / "env.db"))
    make_pdf(tmp_path / "north.pdf")
    assert main(["ingest", "--parser", FAKE, str(tmp_path / "north.pdf")]) == 0
    assert counts(tmp_path / "env.db")["reports"] == 1


def test_real_parser_quarantines_files_that_are_not_pdfs(tmp_path, capsys):
    pytest.importorskip("reportmine.parse")
    from reportmine import parse

    if not hasattr(parse, "parse_pdf"):
        pytest.skip("parser not available yet")
    make_pdf(tmp_path / "good.pdf")
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "page.pdf").write_text("<html><body>Not found</body></html>")
    (tmp_path / "noise.pdf").write_bytes(os.urandom(2048))
    assert main(["--db", str(tmp_path / "rm.db"), "ingest", str(tmp_path)]) == 0
    status = dict(sqlite3.connect(tmp_path / "rm.db").execute(
        "SELECT file_name, status FROM reports"))
    assert len(status) == 4
    assert {status[n] for n in ("empty.pdf", "page.pdf", "noise.pdf")} == {"quarantined"}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_is_drawn_only_on_a_terminal(tmp_path, capsys, monkeypatch):
    make_pdf(tmp_path / "north.pdf")
    ingest(tmp_path / "a.db", str(tmp_path / "north.pdf"))
    assert "[#" not in capsys.readouterr().err
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    ingest(tmp_path / "b.db", str(tmp_path / "north.pdf"))
    assert "[##############################] 1/1 north.pdf" in terminal.getvalue()


def test_kill_from_another_thread_survives_the_worker_closing_meanwhile():
    worker = ParserWorker()

    class ClosingProcess:
        """Is closed by the worker's own thread between kill()'s look and its act."""
        killed = False

        def is_alive(self) -> bool:
            worker.proc = None
            return True

        def kill(self) -> None:
            self.killed = True

    proc = worker.proc = ClosingProcess()
    worker.kill()
    assert proc.killed
