"""All-or-nothing: a failure part-way leaves the database and files as they were."""
from __future__ import annotations

import sqlite3

import pytest

from reportmine import export as export_module
from reportmine.cli import main
from reportmine.errors import ReportmineError
from reportmine.model import Passage, Report, Section
from reportmine.store import Store, schema


def report(sha: str, *passages: Passage) -> Report:
    return Report(file_name=f"{sha[:4]}.pdf", sha256=sha, n_pages=1,
                  sections=[Section("section.goal", "Overall goal", 1, list(passages))])


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [f"{t}: {conn.execute(f'SELECT * FROM {t}').fetchall()}" for t in sorted(tables)]


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "rm.db") as s:
        s.save_report(report("aa" * 32, Passage("kept", 1)))
        yield s


def test_failed_save_leaves_db_unchanged(store):
    before = dump(store.path)
    broken = report("bb" * 32, Passage("fine", 1), Passage(None, 1))  # type: ignore[arg-type]
    with pytest.raises(ReportmineError, match="cannot store"):
        store.save_report(broken)
    assert dump(store.path) == before
    assert not store.has_report("bb" * 32)


def test_saving_known_bytes_again_changes_nothing(store):
    before = dump(store.path)
    with pytest.raises(ReportmineError):
        store.save_report(report("aa" * 32, Passage("other text", 1)))
    assert dump(store.path) == before


def test_writes_grouped_in_one_transaction_are_undone_together(store):
    before = dump(store.path)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.save_report(report("cc" * 32, Passage("stored inside", 1)))
            raise RuntimeError("the grouped work fails after the report was saved")
    assert dump(store.path) == before


def test_failed_migration_leaves_schema_version_unchanged(tmp_path, monkeypatch):
    Store.open(tmp_path / "rm.db").close()
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS,
                                               "CREATE TABLE half (x); SELECT nonsense FROM nowhere;"])
    with pytest.raises(ReportmineError):
        Store.open(tmp_path / "rm.db")
    conn = sqlite3.connect(tmp_path / "rm.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(schema.MIGRATIONS) - 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0


def test_failed_export_keeps_the_previous_file(store, tmp_path, monkeypatch, capsys):
    out = tmp_path / "passages.csv"
    out.write_text("previous export\n")

    def explode(rows, kind, handle):
        handle.write("partial")
        raise ReportmineError("disk full")

    monkeypatch.setitem(export_module._WRITERS, "csv", explode)
    assert main(["--db", str(store.path), "export", "passages", "-o", str(out)]) == 1
    assert out.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
