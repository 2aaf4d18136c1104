"""Parse several files at once, each in its own guarded worker process.

One thread per job drives one `ParserWorker` (the waiting happens on pipes,
outside the GIL), so a 2-core machine parses two reports at a time while
the main thread tags and stores results.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from reportmine.ingest import ParserWorker


class ParsePool:
    """`submit(path)` -> Future of ('ok', Report) or ('error', reason)."""

    def __init__(self, parser: str, jobs: int, timeout: float) -> None:
        self.parser, self.timeout = parser, timeout
        self.executor = ThreadPoolExecutor(max(1, jobs), thread_name_prefix="parse")
        self.local = threading.local()
        self.workers: list[ParserWorker] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def _worker(self) -> ParserWorker:
        worker = getattr(self.local, "worker", None)
        if worker is None:
            worker = self.local.worker = ParserWorker(self.parser, self.stop)
            with self.lock:
                self.workers.append(worker)
        return worker

    def submit(self, path: Path) -> Future[tuple[str, Any]]:
        return self.executor.submit(lambda: self._worker().parse(path, self.timeout))

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        for worker in self.workers:
            worker.close()

    def kill(self) -> None:
        """Stop parses in flight at once; their threads see the worker die (or,
        for a worker still starting, the stop flag) and return."""
        self.stop.set()
        with self.lock:
            for worker in self.workers:
                worker.kill()

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None:  # the run failed or was interrupted: do not wait for parses
            self.kill()
        self.close()
