"""Shared fixtures: where ../shared lives, and skips when it is absent."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL = SHARED / "corpus" / "real"
EXTERNAL = SHARED / "corpus" / "external"
needs_shared = pytest.mark.skipif(
    not REAL.is_dir(), reason="../shared/corpus is absent (a user's own clone); CI always has it"
)


def real_pdfs() -> list[Path]:
    return sorted(REAL.glob("*.pdf")) if REAL.is_dir() else []


def external_pdfs() -> list[Path]:
    return sorted(EXTERNAL.glob("*.pdf")) if EXTERNAL.is_dir() else []
