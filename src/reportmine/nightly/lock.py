"""One nightly run per database at a time, enforced by an advisory file lock.

`fcntl.flock` is released by the kernel when the holder dies, even by
SIGKILL, so a killed run never leaves a stale lock behind.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from reportmine.errors import ReportmineError


def lock_path(db: Path) -> Path:
    """The lock file beside the database: `<db>.lock`."""
    return db.with_name(db.name + ".lock")


class RunLock:
    """Hold the database's lock for a `with` block, or fail at once if it is taken."""

    def __init__(self, db: Path) -> None:
        self.path = lock_path(db)
        self.fd: int | None = None

    def __enter__(self) -> RunLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise ReportmineError(f"cannot create lock file {self.path}: {e.strerror}") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ReportmineError(
                f"another nightly run is already using this database ({self.path} is "
                "locked); not starting a second one") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
