"""Ingest a folder of PDFs: hash, skip known bytes, parse in a guarded worker, store.

Parsing runs in a separate process with a time limit so that a PDF which
hangs or crashes the parser costs one quarantined file, not the whole run.
Each file is stored in its own transaction: a failure never touches what
was stored before.
"""
from __future__ import annotations

import hashlib
import importlib
import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from reportmine.errors import ReportmineError
from reportmine.model import Report
from reportmine.progress import progress_bar
from reportmine.store import Store

DEFAULT_PARSER = "reportmine.parse:parse_pdf"
DEFAULT_TIMEOUT = 120.0
PARTIAL_SUFFIXES = (".part", ".crdownload")
_STARTUP_LIMIT = 120.0  # seconds a fresh worker may take to import the parser
_STOP_CHECK = 0.2  # seconds between looks at the stop flag while a parse runs


@dataclass
class IngestSummary:
    """What a run did, by file name."""

    new: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    def text(self) -> str:
        """The closing lines an operator reads in a log."""
        lines = [f"{len(self.new)} new, {len(self.duplicate)} duplicate, "
                 f"{len(self.quarantined)} quarantined"]
        lines += [f"  quarantined {name}: {reason}" for name, reason in self.quarantined]
        return "\n".join(lines)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: named files as given, folders searched for *.pdf.

    Hidden files and folders and downloads still in progress are skipped, so a
    nightly run never quarantines a file that is only half written.
    """
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for item in sorted(path.rglob("*")):
                rel = item.relative_to(path)
                if (item.is_file() and item.suffix.lower() == ".pdf"
                        and not any(part.startswith(".") for part in rel.parts)
                        and not _downloading(item)):
                    found[item] = None
        elif path.is_file():
            if not _downloading(path):
                found[path] = None
        else:
            raise ReportmineError(f"no such file or folder: {path}")
    return list(found)


def _downloading(path: Path) -> bool:
    return (path.name.lower().endswith(PARTIAL_SUFFIXES)
            or any(path.with_name(path.name + s).exists() for s in PARTIAL_SUFFIXES))


def resolve_parser(ref: str) -> Callable[[Path], Report]:
    """Import a parse function named 'module:function'."""
    module, _, name = ref.partition(":")
    try:
        return getattr(importlib.import_module(module), name or "parse_pdf")
    except (ImportError, AttributeError) as e:
        raise ReportmineError(f"cannot load parser '{ref}': {e}") from e


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if not isinstance(exc, ReportmineError):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return text[:300] or "parse failed"


def _serve(conn: Connection, parser_ref: str) -> None:
    """Worker loop: parse each path received, send back the Report or a reason."""
    parse = resolve_parser(parser_ref)
    conn.send(("ready", None))
    while (path := conn.recv()) is not None:
        try:
            conn.send(("ok", parse(path)))
        except Exception as e:  # noqa: BLE001 - any parser failure quarantines the file
            conn.send(("error", _reason(e)))


class ParserWorker:
    """A parser process that is replaced whenever it hangs or dies."""

    def __init__(self, parser_ref: str = DEFAULT_PARSER,
                 stop: threading.Event | None = None) -> None:
        self.parser_ref = parser_ref
        self.stop = stop or threading.Event()  # set from another thread: give up at once
        self.ctx = multiprocessing.get_context("spawn")
        self.proc: Any = None
        self.conn: Connection | None = None

    def _start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_serve, args=(child, self.parser_ref), daemon=True)
        self.proc.start()
        child.close()
        if not self._answered(_STARTUP_LIMIT):
            stopped = self.stop.is_set()
            self.close()
            raise ReportmineError("parser worker stopped while starting" if stopped
                                  else "parser worker did not start")
        try:
            self.conn.recv()
        except EOFError as e:
            self.close()
            raise ReportmineError(f"parser worker failed to start ({self.parser_ref})") from e

    def parse(self, path: Path, timeout: float) -> tuple[str, Any]:
        """('ok', Report) or ('error', one-line reason)."""
        if self.proc is None or not self.proc.is_alive():
            self._start()
        assert self.conn is not None
        self.conn.send(str(path))
        if not self._answered(timeout):
            self.close()
            return "error", ("stopped" if self.stop.is_set()
                             else f"parse timed out after {timeout:g} s")
        try:
            return self.conn.recv()
        except EOFError:
            self.proc.join(5)
            code = self.proc.exitcode
            self.close()
            return "error", f"parser crashed (exit code {code})"

    def _answered(self, timeout: float) -> bool:
        """Whether the worker sends something within `timeout` seconds; False
        as soon as the stop flag is set (looked at every _STOP_CHECK s), so a
        stopped run never waits out a slow start or a long parse."""
        assert self.conn is not None
        deadline = time.monotonic() + timeout
        while not self.conn.poll(min(_STOP_CHECK, max(0.0, deadline - time.monotonic()))):
            if self.stop.is_set() or time.monotonic() >= deadline:
                return False
        return True

    def kill(self) -> None:
        """Kill the process at once. Called from another thread while this
        worker's own thread may be closing it, so `proc` is read only once."""
        proc = self.proc
        if proc is not None and proc.is_alive():
            proc.kill()

    def close(self) -> None:
        """Stop the worker, politely if it is idle, by force if not."""
        if self.proc is not None:
            if self.proc.is_alive() and self.conn is not None:
                try:
                    self.conn.send(None)
                except OSError:
                    pass
                self.proc.join(1)
            if self.proc.is_alive():
                self.proc.kill()
                self.proc.join()
        if self.conn is not None:
            self.conn.close()
        self.proc, self.conn = None, None


def ingest_paths(paths: Iterable[str | Path], store: Store, progress: bool = True,
                 timeout: float = DEFAULT_TIMEOUT,
                 parser: str = DEFAULT_PARSER) -> IngestSummary:
    """Ingest every PDF under `paths` into `store`; see the module docstring."""
    files = discover(paths)
    resolve_parser(parser)  # fail the run now, not file by file, if it cannot load
    summary = IngestSummary()
    bar = progress_bar(len(files), progress)
    worker = ParserWorker(parser)
    try:
        for path in files:
            _ingest_one(path, store, worker, timeout, summary)
            if bar:
                bar.step(path.name)
    finally:
        worker.close()
        if bar:
            bar.close()
    return summary


def _ingest_one(path: Path, store: Store, worker: ParserWorker, timeout: float,
                summary: IngestSummary) -> None:
    try:
        data = path.read_bytes()
    except OSError as e:
        summary.quarantined.append((path.name, f"cannot read file: {e.strerror}"))
        return
    sha = hashlib.sha256(data).hexdigest()
    location = str(path.resolve())
    if store.has_report(sha):
        store.add_location(sha, location)
        summary.duplicate.append(path.name)
        return
    status, payload = ("error", "empty file") if not data else worker.parse(path, timeout)
    if status == "ok":
        payload.sha256, payload.file_name = sha, path.name
        try:
            store.save_report(payload, path=location)
            summary.new.append(path.name)
            return
        except ReportmineError as e:
            payload = _reason(e)
    store.save_quarantine(path.name, sha, payload, path=location)
    summary.quarantined.append((path.name, payload))
