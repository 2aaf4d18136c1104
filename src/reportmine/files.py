"""Writing output files so that a failure never leaves half a file behind."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from reportmine.errors import ReportmineError


@contextmanager
def atomic_write(out: Path, binary: bool = False, durable: bool = False) -> Iterator[IO[Any]]:
    """Write to a temporary file beside `out` and rename it over `out`, so a
    failed or killed writer never leaves a truncated file where a good one was.

    Text is UTF-8 with newlines as written. `durable` also syncs the bytes to
    disk before the rename (for files a database row will point at)."""
    if not out.parent.exists():
        raise ReportmineError(f"cannot write {out}: no such directory")
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        mode = "wb" if binary else "w"
        with os.fdopen(fd, mode, **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
            yield f
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """`text` and a final newline as the whole of the UTF-8 file `path`, atomically."""
    with atomic_write(path) as out:
        out.write(text + "\n")
