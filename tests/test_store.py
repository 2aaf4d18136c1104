"""The Store: schema versioning, round trips, footnote links, search index, look-ups."""
from __future__ import annotations

import sqlite3

import pytest

from reportmine.ask.index import refresh
from reportmine.cli import main
from reportmine.corpus import Corpus
from reportmine.errors import ReportmineError
from reportmine.model import Footnote, Metadata, Passage, Report, Section
from reportmine.store import Store, schema
from reportmine.store.schema import MIGRATIONS
from reportmine.tagging.tagger import Tag


def make_report(sha: str = "ab" * 32, name: str = "north.pdf") -> Report:
    return Report(
        file_name=name, sha256=sha, n_pages=3, title="Project Learning Report",
        metadata=Metadata(partnership="Northshire", la_count=2, region="North West",
                          raw={"Region": "North West"}),
        sections=[
            Section("section.details", "Details of BSP", 1,
                    [Passage("Northshire", 1, kind="cell", row=0, column="Value")]),
            Section("section.reasons", "Reasons why the area asked", 1,
                    [Passage("Information sharing between agencies was slow.", 1,
                             footnotes=["1"]),
                     Passage("Data held in pockets.", 3, kind="bullet",
                             subheading="1. Data", footnotes=["1"])],
                    ["1. Data"]),
        ],
        footnotes=[Footnote("1", "First page note", 1), Footnote("1", "Third page note", 3)],
        warnings=["no sign-off found"])


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "rm.db") as s:
        yield s


def test_new_database_is_at_latest_schema_version_with_foreign_keys(store):
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_keeps_data_and_version(tmp_path):
    with Store.open(tmp_path / "rm.db") as s:
        s.save_report(make_report())
    with Store.open(tmp_path / "rm.db") as s:
        assert [r["file_name"] for r in s.reports()] == ["north.pdf"]
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_migration_applied_by_another_process_meanwhile_is_not_run_again(tmp_path):
    Store.open(tmp_path / "rm.db").close()  # the other process got there first
    conn = sqlite3.connect(tmp_path / "rm.db", isolation_level=None)
    schema.apply_migration(conn, 3)  # this one had read the old version before it
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_database_another_process_is_upgrading_is_reported_as_busy(tmp_path, monkeypatch,
                                                                      capsys):
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:5])
    Store.open(tmp_path / "rm.db").close()  # made by the previous reportmine
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS)
    other = sqlite3.connect(tmp_path / "rm.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other process, mid-upgrade
    monkeypatch.setattr(Store, "BUSY_TIMEOUT_MS", 100)
    assert main(["--db", str(tmp_path / "rm.db"), "reports"]) != 0
    assert "another reportmine process is writing to it" in capsys.readouterr().err
    other.execute("ROLLBACK")
    with Store.open(tmp_path / "rm.db") as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_database_from_newer_version_is_refused(tmp_path):
    sqlite3.connect(tmp_path / "rm.db").execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(ReportmineError, match="newer"):
        Store.open(tmp_path / "rm.db")


def test_upgrade_keeps_tags_and_stores_them_in_passage_order(tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:5])
    with Store.open(tmp_path / "rm.db") as old:
        old.save_report(make_report())
        pid = old.passages()[1]["passage_id"]
        old.save_tags({pid: [Tag("issue.information_sharing", 0.9, True, ["information sharing"]),
                             Tag("issue.data_intelligence", 0.2, False)]}, "1.0", "test")
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS)
    with Store.open(tmp_path / "rm.db") as s:
        table = s.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'tags'").fetchone()[0]
        passage = s.passages()[1]
    assert table.rstrip().endswith("WITHOUT ROWID")
    assert passage["labels"] == ["issue.information_sharing"]
    assert passage["scores"] == {"issue.data_intelligence": 0.2, "issue.information_sharing": 0.9}
    assert passage["evidence"] == {"issue.information_sharing": ["information sharing"]}


def test_saved_report_round_trips_metadata_sections_and_passages(store):
    rid = store.save_report(make_report())
    (report,) = store.reports()
    assert report["report_id"] == rid == "ab" * 8
    assert (report["partnership"], report["la_count"], report["status"]) == ("Northshire", 2, "ok")
    assert report["warnings"] == ["no sign-off found"]
    assert [(s["section"], s["position"], s["page"]) for s in store.sections()] == [
        ("section.details", 0, 1), ("section.reasons", 1, 1)]
    passages = store.passages()
    assert [p["passage_id"] for p in passages] == [f"{rid}:0001", f"{rid}:0002", f"{rid}:0003"]
    assert passages[2]["subheading"] == "1. Data" and passages[2]["kind"] == "bullet"
    assert passages[2]["labels"] == [] and passages[2]["scores"] == {}


def test_footnote_mark_links_to_note_on_nearest_earlier_page(store):
    store.save_report(make_report())
    links = store.conn.execute(
        """SELECT p.page, f.text FROM passage_footnotes pf JOIN passages p ON p.id = pf.passage
           JOIN footnotes f ON f.id = pf.footnote ORDER BY p.page""").fetchall()
    assert [tuple(r) for r in links] == [(1, "First page note"), (3, "Third page note")]


def test_full_text_index_follows_passage_text(store):
    store.save_report(make_report())
    hits = store.conn.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH 'pockets'").fetchall()
    assert len(hits) == 1
    store.conn.execute("DELETE FROM reports")
    assert store.conn.execute("SELECT count(*) FROM passages_fts WHERE passages_fts MATCH "
                              "'pockets'").fetchone()[0] == 0


def test_untagged_passages_are_counted_until_tagged(store):
    store.save_report(make_report())
    first, *rest = store.untagged_passages()
    assert store.count_untagged() == len(rest) + 1 == 3
    store.save_tags({first["passage_id"]: [Tag("issue.information_sharing", 0.9, True)]},
                    "1.0", "test")
    assert store.count_untagged() == len(store.untagged_passages()) == 2


def test_quarantine_records_reason_as_warning_and_nothing_else(store):
    store.save_quarantine("bad.pdf", "cd" * 32, "not a PDF")
    (report,) = store.reports()
    assert (report["status"], report["warnings"], report["n_pages"]) == (
        "quarantined", ["not a PDF"], 0)
    assert store.has_report("cd" * 32) and store.sections() == [] and store.passages() == []


def test_add_location_records_path_only(store):
    store.save_report(make_report(), path="/in/north.pdf")
    assert store.add_location("ab" * 32, "/in/copy.pdf") is True
    assert store.add_location("ab" * 32, "/in/copy.pdf") is False
    assert store.locations("ab" * 32) == ["/in/north.pdf", "/in/copy.pdf"]
    assert len(store.reports()) == 1 and len(store.passages()) == 3


def test_get_report_by_id_prefix_or_file_name(store):
    store.save_report(make_report())
    store.save_report(make_report("ac" * 32, "south.pdf"))
    assert store.get_report("abab")["file_name"] == "north.pdf"
    assert store.get_report("south.pdf")["report_id"] == "ac" * 8
    with pytest.raises(ReportmineError, match="matches 2 reports"):
        store.get_report("a")
    with pytest.raises(ReportmineError, match="unknown report"):
        store.get_report("ff")


def test_corpus_returns_dataframes_with_contract_columns(tmp_path):
    with Store.open(tmp_path / "rm.db") as s:
        s.save_report(make_report())
    corpus = Corpus(tmp_path / "rm.db")
    reports, sections, passages = corpus.reports(), corpus.sections(), corpus.passages()
    assert reports.loc[0, "la_count"] == 2 and str(reports["la_count"].dtype) == "Int64"
    assert list(sections["position"]) == [0, 1]
    assert {"passage_id", "page", "labels", "scores", "partnership"} <= set(passages.columns)
    assert len(passages) == 3


def test_superseded_and_quarantined_reports_are_not_current(tmp_path):
    with Store.open(tmp_path / "rm.db") as s:
        s.conn.executescript("""
            INSERT INTO reports (report_id, sha256, file_name, status) VALUES
                ('old', 'a', 'r.pdf', 'ok'), ('new', 'b', 'r.pdf', 'ok'),
                ('bad', 'c', 'x.pdf', 'quarantined');
            UPDATE reports SET superseded_by = 'new' WHERE report_id = 'old';
        """)
        current = [r[0] for r in s.conn.execute("SELECT report_id FROM current_reports")]
    assert current == ["new"]


def test_gold_reports_are_found_among_current_reports_by_file_name(tmp_path):
    from reportmine.gold import stored_reports

    gold = {"reports": [{"file_stem": "a", "file_name": "a.pdf", "split": "test"},
                        {"file_stem": "b", "file_name": "b.pdf", "split": "train"},
                        {"file_stem": "c", "file_name": "c.pdf", "split": "test"}]}
    with Store.open(tmp_path / "rm.db") as s:
        s.conn.executescript("""
            INSERT INTO reports (report_id, sha256, file_name, status) VALUES
                ('ra', '1', 'a.pdf', 'ok'), ('rb', '2', 'b.pdf', 'ok'),
                ('rc', '3', 'c.pdf', 'quarantined'), ('rx', '4', 'x.pdf', 'ok');
        """)
        assert stored_reports(s, gold) == {"a": "ra", "b": "rb"}
        assert stored_reports(s, gold, {"test"}) == {"a": "ra"}


def test_upgrading_queues_every_passage_for_the_lemma_index_again(tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:6])
    with Store.open(tmp_path / "rm.db") as s:  # made by the previous reportmine, indexed
        s.save_report(make_report())
        refresh(s)
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS)
    with Store.open(tmp_path / "rm.db") as s:
        pending = s.conn.execute("SELECT count(*) FROM passages_lemma_pending").fetchone()[0]
        assert pending == s.conn.execute("SELECT count(*) FROM passages").fetchone()[0] > 0
