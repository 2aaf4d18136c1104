"""Latency of `reportmine ask`, on the sample corpus and on 10,000 reports.

    .venv/bin/python benchmarks/ask.py [--reports N] [--rebuild]

The large corpus is made by copying the sample corpus's reports straight into
SQLite (no PDF parsing) with new ids, partnership names, regions, sizes,
methodologies and dates, and with each passage's sentences shuffled or one
dropped at random; tags are copied with the passages, lemma index rows are
written alongside (the same per-sentence lemmas `ask` would compute). Both
databases are cached in benchmarks/.cache; the sample one is brought up to
date on every run and the large one is rebuilt when the sample's reports or
tag versions change. Prints p50/p95 over 50 questions asked once from a
cold disk (the database's pages dropped from the OS cache first, where the
OS allows it) and then twice more (cached).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from reportmine.ask import ask  # noqa: E402
from reportmine.ask.index import SENTENCE_BREAK, refresh, sentence_lemmas  # noqa: E402
from reportmine.cli import main as cli  # noqa: E402
from reportmine.regions import REGIONS as ENGLISH_REGIONS  # noqa: E402
from reportmine.store import Store  # noqa: E402
from reportmine.text import sentences  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
REAL = ROOT.parent / "shared" / "corpus" / "real"
REGIONS = tuple(dict.fromkeys(ENGLISH_REGIONS.values()))
SIZES = ("Small", "Standard", "Large", "Regional")
METHODS = ("Theory of change", "Appreciative inquiry", "Action learning", "Systems mapping",
           "Peer review", "Co-production")
DELIVERY = ("Digital", "Face-to-face", "Mixed")
SYLLABLES = ("ash", "brook", "corn", "dale", "elm", "fen", "gate", "holm", "ing", "kirk",
             "ley", "mere", "ness", "ord", "pen", "ridge", "stow", "thorn", "wick", "wold")

QUESTIONS = [
    "Which areas merged their exploitation panel with a neighbouring authority?",
    "What have partnerships learned about information sharing with health?",
    "How are areas using a vulnerability tracker?",
    "What did partnerships in Yorkshire and The Humber say about young people's voice?",
    "Which partnerships reduced the number of meetings?",
    "How did areas involve parents in their exploitation work?",
    "What did regional projects learn about working across borders?",
    "Which areas used data to ask questions about disproportionality?",
    "How did partnerships support staff wellbeing?",
    "What changed for young people turning 18?",
    "Which areas trained taxi drivers or hotel staff?",
    "What did projects using theory of change find about governance?",
    "How did lockdown affect the work since 2020?",
    "Which partnerships worked with schools on exclusions?",
    "What did areas in London learn about contextual safeguarding?",
    "Where were risk assessment checklists replaced by conversations?",
    "What helped health colleagues share information lawfully?",
    "Which areas mapped their meetings and what did they find?",
    "How did young people shape the strategy?",
    "What role did the voluntary sector play?",
    "Which areas worked with the violence reduction unit?",
    "What did partnerships say about leadership buy-in?",
    "How did areas define local need?",
    "What protective factors did young people describe?",
    "Which projects were delivered online and how did that work?",
    "What did small projects learn about capacity?",
    "Where did partnerships focus on places and spaces?",
    "How did areas hear from parents and carers?",
    "What was learned about the cliff edge at eighteen?",
    "Which partnerships created a single shared data picture?",
    "How did areas work with the police on exploitation?",
    "What did areas find about missing episodes?",
    "Which partnerships set up champions for a caring culture?",
    "How did areas respond to exploitation in the night-time economy?",
    "What did partnerships learn about racism and minoritised children?",
    "Which areas worked with housing providers?",
    "What did the North West partnerships learn about panels?",
    "How did reflective supervision help practitioners?",
    "Which areas asked young people about the language professionals use?",
    "What did partnerships say about terms of reference?",
    "How did appreciative inquiry projects start their work?",
    "What did partnerships learn about commissioning services?",
    "Which areas worked on transitions to adult services since 2021?",
    "How was the voice of the child heard in decision-making?",
    "What did areas say about duplication between groups?",
    "Which partnerships engaged faith communities?",
    "What did partnerships find about online exploitation and social media?",
    "How did partnerships measure the difference their project made?",
    "What did areas learn about Martian invasion?",
    'panel AND "merged" NEAR( * (( exploitation',
]


def sample_db() -> Path:
    """The sample corpus (and the real reports when ../shared is present),
    brought up to date on every run: ingest skips reports it already holds
    and tags only untagged passages, so the cache never lags the corpus."""
    path = CACHE / "sample.db"
    paths = [str(ROOT / "corpus")] + ([str(REAL)] if REAL.is_dir() else [])
    if cli(["--db", str(path), "ingest", "--no-progress", *paths]) != 0:
        raise SystemExit("could not ingest the sample corpus")
    if cli(["--db", str(path), "tag", "--no-progress"]) != 0:
        raise SystemExit("could not tag the sample corpus")
    with Store.open(path) as store:
        refresh(store)
    return path


def large_db(source: Path, n_reports: int, rebuild: bool) -> Path:
    """The large corpus copied from `source`, cached under a name holding a
    digest of the source's reports and tag versions, so a changed sample
    corpus or model builds a new copy (older copies are removed)."""
    with Store.open(source) as src:
        state = src.conn.execute(
            "SELECT group_concat(sha256, ',') FROM (SELECT sha256 FROM current_reports "
            "ORDER BY sha256)").fetchone()[0] or ""
        state += "".join(f"{row[0]}/{row[1]}" for row in src.conn.execute(
            "SELECT DISTINCT codebook_version, model_version FROM tags ORDER BY 1, 2"))
    digest = hashlib.sha256(state.encode()).hexdigest()[:10]
    path = CACHE / f"ask-{n_reports}-{digest}.db"
    if path.exists() and not rebuild:
        return path
    for old in CACHE.glob(f"ask-{n_reports}*.db"):
        old.unlink()
    rng = random.Random(6)
    with Store.open(source) as src, Store.open(path) as dst:
        reports = [dict(r) for r in src.conn.execute("SELECT * FROM current_reports")]
        sections = {r["report_id"]: src.conn.execute(
            "SELECT * FROM sections WHERE report_id = ? ORDER BY position",
            (r["report_id"],)).fetchall() for r in reports}
        passages = {r["report_id"]: _passages(src, r["report_id"]) for r in reports}
        started = time.perf_counter()
        with dst.transaction() as c:
            next_id = 1
            for i in range(n_reports):
                base = reports[i % len(reports)]
                next_id = _copy(c, rng, i, base, sections[base["report_id"]],
                                passages[base["report_id"]], next_id)
            c.execute("DELETE FROM passages_lemma_pending")
        print(f"built {path.name}: {n_reports} reports, {next_id - 1} passages "
              f"in {time.perf_counter() - started:.0f} s")
    return path


def _passages(store: Store, report_id: str) -> list[dict]:
    rows = store.conn.execute(
        "SELECT * FROM passages WHERE report_id = ? ORDER BY id", (report_id,)).fetchall()
    out = []
    for row in rows:
        parts = sentences(row["text"]) or [row["text"]]
        tags = store.conn.execute(
            "SELECT label, score, assigned, codebook_version, model_version FROM tags "
            "WHERE passage_id = ?", (row["passage_id"],)).fetchall()
        out.append({**dict(row), "sentences": list(zip(parts, sentence_lemmas(parts))),
                    "tags": [tuple(t) for t in tags]})
    return out


def _copy(c, rng: random.Random, i: int, base: dict, sections: list, passages: list[dict],
          next_id: int) -> int:
    """Insert copy `i` of a report, perturbed; returns the next free passage row id."""
    rid = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
    report_id = rid[:16]
    name = "".join(rng.sample(SYLLABLES, 2)).title()
    c.execute(
        """INSERT INTO reports (report_id, sha256, file_name, status, n_pages, title,
           partnership, region, size, methodology, delivery, commenced, report_date)
           VALUES (?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (report_id, rid, f"bench-{i}.pdf", base["n_pages"], base["title"],
         f"{name} {i} Safeguarding Children Partnership", rng.choice(REGIONS),
         rng.choice(SIZES), rng.choice(METHODS), rng.choice(DELIVERY),
         f"{rng.randint(2019, 2023)}-{rng.randint(1, 12):02d}", base["report_date"]))
    c.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?, ?)",
                  [(report_id, s["position"], s["section"], s["heading"], s["page"],
                    s["subheadings"]) for s in sections])
    for n, p in enumerate(passages, start=1):
        parts = list(p["sentences"])
        if len(parts) > 1 and rng.random() < 0.3:
            rng.shuffle(parts)
        if len(parts) > 2 and rng.random() < 0.2:
            parts.pop(rng.randrange(len(parts)))
        pid = f"{report_id}:{n:04d}"
        c.execute("""INSERT INTO passages (id, passage_id, report_id, position, page, kind,
                     subheading, row, col, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                  (next_id, pid, report_id, p["position"], p["page"], p["kind"],
                   p["subheading"], p["row"], p["col"], " ".join(t for t, _ in parts)))
        c.execute("INSERT INTO passages_lemma_fts (rowid, lemmas) VALUES (?, ?)",
                  (next_id, SENTENCE_BREAK.join(lem for _, lem in parts)))
        c.executemany("INSERT INTO tags VALUES (?, ?, ?, ?, '[]', ?, ?)",
                      [(pid, *t) for t in p["tags"]])
        next_id += 1
    return next_id


def drop_from_os_cache(path: Path) -> bool:
    """Ask the OS to forget the file's cached pages (no root needed on Linux),
    so the next reads come from disk as after a reboot; False where unsupported."""
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def latencies(path: Path, rounds: int = 3) -> tuple[list[float], list[float], bool]:
    """Milliseconds per question, each question asked `rounds` times: the
    first round from a cold disk apart from the repeats (its pages cached),
    since a cold database answers several times slower; also whether the
    first round was really cold."""
    times: list[list[float]] = []
    with Store.open(path) as store:
        ask(store, QUESTIONS[0])  # warm-up: spaCy, codebook
        cold = drop_from_os_cache(path)
        for _ in range(rounds):
            times.append([])
            for question in QUESTIONS:
                started = time.perf_counter()
                ask(store, question)
                times[-1].append((time.perf_counter() - started) * 1000)
    return times[0], [t for repeat in times[1:] for t in repeat], cold


def report_latencies(label: str, path: Path) -> None:
    first, repeats, cold = latencies(path)
    report(f"{label}, {'cold disk' if cold else 'first asks'}", first)
    report(f"{label}, repeats", repeats)


def report(label: str, times: list[float]) -> None:
    cuts = statistics.quantiles(times, n=100)
    print(f"{label:40} p50 {statistics.median(times):7.1f} ms   p95 {cuts[94]:7.1f} ms   "
          f"max {max(times):7.1f} ms   ({len(times)} asks)")


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the large corpus")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    sample = sample_db()
    with Store.open(sample) as store:
        n = store.conn.execute("SELECT count(*) FROM current_reports").fetchone()[0]
    report_latencies(f"sample corpus ({n} reports)", sample)
    report_latencies(f"{args.reports:,} reports", large_db(sample, args.reports, args.rebuild))


if __name__ == "__main__":
    run()
