"""Nightly ingestion cost: a night with nothing new, and throughput on new reports.

    .venv/bin/python benchmarks/nightly.py [--stored 1000] [--new 100] [--jobs 2 1]
                                           [--model auto|keyword|trained]

1. no-op: a folder of `--stored` distinct PDFs, all already in the database
   (made by ingesting the sample corpus once and copying its rows under each
   variant's sha256, with locations, current-version heads and blobs, so the
   run really reads, hashes and looks up every file); prints the wall time of
   `reportmine nightly` over it, process start-up included.
2. throughput: `--new` PDFs never seen (the corpus with a comment appended,
   so the bytes differ but parsing is real) ingested by `reportmine nightly
   --jobs N` into a fresh database; prints pages per second of wall time,
   start-up, worker spawn and tagger loading included.
"""
from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORTMINE = [sys.executable, "-m", "reportmine"]


def variants(folder: Path, count: int, tag: str) -> list[Path]:
    """`count` distinct PDFs: corpus files with a PDF comment appended after %%EOF."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = sorted((ROOT / "corpus").glob("*.pdf"))
    out = []
    for n in range(count):
        base = corpus[n % len(corpus)]
        path = folder / f"{base.stem}-{tag}-{n:04d}.pdf"
        path.write_bytes(base.read_bytes() + f"\n% variant {tag} {n}\n".encode())
        out.append(path)
    return out


def nightly(db: Path, source: Path, model: str, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run([*REPORTMINE, "--db", str(db), "nightly", "--quiet", "--source", str(source),
                    "--model", model, *extra], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def copy_report(conn: sqlite3.Connection, base_id: str, pdf: Path, blobs: Path) -> int:
    """Store `pdf` as a copy of report `base_id`'s rows; return its page count."""
    data = pdf.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    rid = sha[:16]
    swap = {"report_id": "?1", "sha256": "?2", "file_name": "?3",
            "passage_id": "?1 || substr(passage_id, 17)"}

    def copy(table: str, where: str, skip: tuple[str, ...] = ()) -> None:
        cols = [c for c in columns(conn, table) if c not in skip]
        values = ", ".join(swap.get(c, c) for c in cols)
        conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {values} FROM {table} "
                     f"WHERE {where}", (rid, sha, pdf.name, base_id))

    copy("reports", "report_id = ?4")
    copy("sections", "report_id = ?4")
    copy("passages", "report_id = ?4", skip=("id",))
    copy("footnotes", "report_id = ?4", skip=("id",))
    copy("tags", "substr(passage_id, 1, 16) = ?4")
    conn.execute("INSERT INTO locations (sha256, path) VALUES (?, ?)", (sha, str(pdf.resolve())))
    conn.execute("INSERT INTO location_heads (location, report_id) VALUES (?, ?)",
                 (str(pdf.resolve()), rid))
    target = blobs / sha[:2] / sha
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return conn.execute("SELECT n_pages FROM reports WHERE report_id = ?", (rid,)).fetchone()[0]


def build_stored(work: Path, count: int, model: str) -> tuple[Path, Path]:
    """A database holding `count` reports and the folder they came from."""
    seed = work / "seed"
    shutil.copytree(ROOT / "corpus", seed, ignore=shutil.ignore_patterns("*.json", "*.md",
                                                                         "tools", "sources",
                                                                         "gold_real"))
    db = work / "stored.db"
    nightly(db, seed, model)
    folder = work / "stored"
    pdfs = variants(folder, count, "stored")
    conn = sqlite3.connect(db, isolation_level=None)
    by_stem = dict(conn.execute("SELECT replace(file_name, '.pdf', ''), report_id FROM reports"))
    conn.execute("BEGIN")
    for pdf in pdfs:
        copy_report(conn, by_stem[pdf.stem.split("-stored-")[0]], pdf, work / "stored.blobs")
    conn.execute("DELETE FROM location_heads WHERE location LIKE ?", (str(seed) + "%",))
    conn.execute("DELETE FROM locations WHERE path LIKE ?", (str(seed) + "%",))
    conn.execute("COMMIT")
    return db, folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stored", type=int, default=1000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--model", choices=("auto", "keyword", "trained"), default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rm-nightly-bench-") as tmp:
        work = Path(tmp)
        db, folder = build_stored(work, args.stored, args.model)
        n_stored = sqlite3.connect(db).execute("SELECT count(*) FROM reports").fetchone()[0]
        seconds = nightly(db, folder, args.model)
        print(f"no-op run over {args.stored} stored files ({n_stored} reports in the "
              f"database): {seconds:.2f} s")
        new = variants(work / "new", args.new, "new")
        for jobs in args.jobs:
            fresh = work / f"new-{jobs}.db"
            seconds = nightly(fresh, work / "new", args.model, "--jobs", str(jobs))
            pages = sqlite3.connect(fresh).execute(
                "SELECT sum(n_pages), count(*) FROM reports WHERE status = 'ok'").fetchone()
            print(f"ingest {len(new)} new PDFs, --jobs {jobs}: {pages[1]} reports, {pages[0]} "
                  f"pages in {seconds:.1f} s = {pages[0] / seconds:.1f} pages/s "
                  f"({pages[1] / seconds:.2f} reports/s)")


if __name__ == "__main__":
    main()
