"""One nightly run: list every source, obtain each file, parse what is new, record all.

Work is done once: bytes seen before are never parsed again (parsed or
quarantined), so a night with nothing new only reads and hashes. New bytes
are kept in the blob store, parsed in a pool of guarded workers, tagged,
and stored with the run's progress in one transaction per file.
"""
from __future__ import annotations

import hashlib
import re
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from reportmine.errors import ReportmineError
from reportmine.ingest import DEFAULT_PARSER, DEFAULT_TIMEOUT, resolve_parser
from reportmine.model import Report
from reportmine.nightly.blobs import BlobStore, blob_dir
from reportmine.nightly.fetch import FetchError, Validators, fetch
from reportmine.nightly.lock import RunLock
from reportmine.nightly.pool import ParsePool
from reportmine.nightly.record import Recorder, cached, status_of
from reportmine.nightly.runs import RunSummary, finish_run, start_run
from reportmine.nightly.sources import (Item, Source, classify, folder_items, is_url,
                                        page_items, url_item, url_list_items)
from reportmine.nightly.tagged import LazyTagger
from reportmine.store import Store

_HTML = re.compile(rb"<\s*(!doctype\s+html|html|head|body|title)\b", re.IGNORECASE)
# Longest the main thread sleeps waiting for parses. The kernel may deliver
# SIGTERM to a parse thread; Python then runs the handler only when the main
# thread next wakes, so an unbounded wait could sleep through the stop.
_WAKE = 0.5


@dataclass
class NightlyOptions:
    """Limits and choices of a run; the defaults suit a cron job."""

    parse_timeout: float = DEFAULT_TIMEOUT
    fetch_timeout: float = 60.0
    max_bytes: int = 200 * 2**20
    jobs: int = 2
    parser: str = DEFAULT_PARSER
    model: str = "auto"
    retry_quarantined: bool = False
    log: TextIO | None = None


class RunFailed(ReportmineError):
    """The run itself failed; `summary` says what it did before."""

    def __init__(self, message: str, summary: RunSummary) -> None:
        super().__init__(message)
        self.summary = summary


def sniff(data: bytes) -> str | None:
    """Why these bytes cannot be a PDF, or None; checked before any parsing."""
    if not data:
        return "empty file"
    head = data[:1024]
    if b"%PDF-" in head:
        return None
    return "not a PDF (HTML page)" if _HTML.search(head) else "not a PDF (no %PDF- header)"


def run_nightly(sources: list[str], db: str | Path,
                options: NightlyOptions | None = None) -> RunSummary:
    """Ingest everything new under `sources` into the database at `db`.

    Raises ReportmineError before starting (bad source, parser or model,
    another run holding the lock) and RunFailed if the run breaks off."""
    options = options or NightlyOptions()
    checked = [classify(s) for s in sources]
    resolve_parser(options.parser)
    tagger = LazyTagger(options.model)
    db = Path(db)
    with RunLock(db), Store.open(db) as store:
        summary = start_run(store, list(sources))
        run = _Run(store, summary, options, BlobStore(blob_dir(db)), tagger)
        try:
            run.process(checked)
        except (Exception, KeyboardInterrupt) as e:
            finish_run(store, summary, error=_failure(e))
            raise RunFailed(_failure(e), summary) from e
        finish_run(store, summary)
    return summary


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Turn SIGTERM (systemd stopping the service) into KeyboardInterrupt for the
    block, so the run is recorded as failed and its workers are stopped."""
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _failure(e: BaseException) -> str:
    if isinstance(e, ReportmineError):
        return str(e)
    if isinstance(e, KeyboardInterrupt):
        return "interrupted"
    return f"{type(e).__name__}: {e}"


@dataclass
class _Pending:
    """New bytes being parsed, and other places the same bytes turned up meanwhile."""

    item: Item
    cache: Validators | None
    was_quarantined: bool
    waiters: list[tuple[Item, Validators | None]] = field(default_factory=list)


class _Run:
    """One run's state: files being parsed, and bytes already retried this run."""

    def __init__(self, store: Store, summary: RunSummary, options: NightlyOptions,
                 blobs: BlobStore, tagger: LazyTagger) -> None:
        self.store, self.options, self.blobs, self.tagger = store, options, blobs, tagger
        self.record = Recorder(store, summary, options.log)
        self.pending: dict[str, _Pending] = {}
        self.futures: dict[Future[tuple[str, Any]], str] = {}
        self.retried: set[str] = set()
        self.pool = ParsePool(options.parser, options.jobs, options.parse_timeout)

    def process(self, sources: list[Source]) -> None:
        with self.pool:
            for source in sources:
                for item in self.items(source):
                    self.consider(item)
                    self.collect(block=len(self.futures) >= 4 * self.options.jobs)
            while self.futures:
                self.collect(block=True)

    def items(self, source: Source) -> list[Item]:
        """The files a source lists; a listing that cannot be read is a failed item."""
        if source.kind == "folder":
            return folder_items(source.value)
        if source.kind == "pdf":
            return [url_item(source.value) if is_url(source.value)
                    else Item(source.value, Path(source.value).name)]
        if source.kind == "url-list":
            items, bad = url_list_items(source.value)
            for line in bad:
                self.record.failed(line, source.value, "not an http(s) URL")
            return items
        try:
            page = fetch(source.value, self.options.fetch_timeout, self.options.max_bytes)
        except FetchError as e:
            self.record.failed(source.value, source.value, f"cannot read listing page: {e}")
            return []
        return page_items(page.data.decode("utf-8", errors="replace"), page.url)

    # -- one file ---------------------------------------------------------

    def consider(self, item: Item) -> None:
        """Obtain the file's bytes and record them as known, bad, or to be parsed."""
        try:
            sha, data, cache = self.obtain(item)
        except FetchError as e:
            self.record.failed(item.name, item.location, str(e))
            return
        if sha in self.pending:
            self.pending[sha].waiters.append((item, cache))
            return
        status = status_of(self.store, sha)
        retry = (status == "quarantined" and self.options.retry_quarantined
                 and sha not in self.retried)
        if status is not None and not retry:
            self.record.known(item, sha, cache)
            return
        if retry:
            self.retried.add(sha)
        if data is None:  # a 304 for bytes to parse again: the blob has them
            data = self.blobs.path(sha).read_bytes()
        path = self.blobs.put(sha, data)  # kept even if bad, for --retry-quarantined
        reason = sniff(data)
        if reason:
            self.record.quarantined(item, sha, reason, cache, already=retry)
            return
        self.pending[sha] = _Pending(item, cache, was_quarantined=retry)
        self.futures[self.pool.submit(path)] = sha

    def obtain(self, item: Item) -> tuple[str, bytes | None, Validators | None]:
        """(sha256, bytes or None if the server said unchanged, validators to remember)."""
        if not item.is_url:
            try:
                data = Path(item.location).read_bytes()
            except OSError as e:
                raise FetchError(f"cannot read file: {e.strerror}") from None
            return hashlib.sha256(data).hexdigest(), data, None
        known = cached(self.store, item.location)
        if known is not None and not self._usable(known):
            known = None
        answer = fetch(item.location, self.options.fetch_timeout, self.options.max_bytes, known)
        if answer.not_modified:
            assert known is not None
            return known.sha256, None, None
        sha = hashlib.sha256(answer.data).hexdigest()
        fresh = Validators(sha, answer.etag, answer.last_modified)
        return sha, answer.data, (fresh if fresh != known else None)

    def _usable(self, known: Validators) -> bool:
        """Trust a 304 only for bytes already stored (or kept, if they may be retried)."""
        status = status_of(self.store, known.sha256)
        return status == "ok" or (status == "quarantined" and (
            not self.options.retry_quarantined or self.blobs.has(known.sha256)))

    # -- results ----------------------------------------------------------

    def collect(self, block: bool) -> None:
        """Store the parses that are done; with `block`, wait for at least one."""
        if not self.futures:
            return
        done = [f for f in self.futures if f.done()]
        while block and not done:
            done = list(wait(self.futures, timeout=_WAKE, return_when=FIRST_COMPLETED).done)
        for future in done:
            sha = self.futures.pop(future)
            status, payload = future.result()
            self.finish(sha, status, payload)

    def finish(self, sha: str, status: str, payload: Any) -> None:
        """Store or quarantine parsed bytes, then the other places they were seen."""
        job = self.pending[sha]
        if status == "ok":
            status, payload = self.store_report(job, sha, payload)
        if status != "ok":
            self.record.quarantined(job.item, sha, payload, job.cache,
                                    already=job.was_quarantined)
        del self.pending[sha]
        for item, cache in job.waiters:
            self.record.known(item, sha, cache)

    def store_report(self, job: _Pending, sha: str, report: Report) -> tuple[str, Any]:
        report.sha256, report.file_name = sha, job.item.name
        tagged = self.tagger.tag(report)  # a tagger failure fails the run
        try:
            self.record.stored(job.item, tagged, job.cache,
                               replaces_quarantine=job.was_quarantined)
        except ReportmineError as e:  # the store refused this report: quarantine it
            return "error", str(e).splitlines()[0][:300]
        return "ok", None
