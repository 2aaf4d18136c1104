"""Content-addressed storage of every file ingested, beside the database.

The bytes that were parsed are kept under their sha256
(`<db stem>.blobs/ab/abcdef...`), so a report can be parsed again after its
source has gone, and the worker never reads a file that changes under it.
"""
from __future__ import annotations

from pathlib import Path

from reportmine.errors import ReportmineError
from reportmine.files import atomic_write


def blob_dir(db: Path) -> Path:
    """`<db dir>/<db stem>.blobs`."""
    return db.with_name(db.stem + ".blobs")


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, sha256: str, data: bytes) -> Path:
        """Write the bytes once, atomically: a killed run leaves whole blobs or none."""
        target = self.path(sha256)
        if target.is_file():
            return target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(target, binary=True, durable=True) as out:
                out.write(data)
        except OSError as e:
            raise ReportmineError(f"cannot write {target}: {e.strerror}") from e
        return target
