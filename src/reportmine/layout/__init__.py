"""PDF layout extraction: backends that fill the plain layout model.

>>> doc = load_layout("report.pdf")               # PDFium, fast
>>> doc = load_layout("report.pdf", "pdfplumber")  # pdfminer-based reference
"""
from __future__ import annotations

from os import PathLike
from typing import Callable

from .model import DocumentLayout, PageLayout, Rule, Word


def _pdfium(path, max_pages: int | None = None) -> DocumentLayout:
    from . import pdfium_backend
    return pdfium_backend.load(path, max_pages)


def _pdfplumber(path, max_pages: int | None = None) -> DocumentLayout:
    from . import pdfplumber_backend
    return pdfplumber_backend.load(path, max_pages)


BACKENDS: dict[str, Callable[..., DocumentLayout]] = {
    "pdfium": _pdfium,
    "pdfplumber": _pdfplumber,
}


def load_layout(path: str | PathLike, backend: str = "pdfium",
                max_pages: int | None = None) -> DocumentLayout:
    """Extract the layout of the PDF at ``path`` with the named backend
    (only the first ``max_pages`` pages when given, for sampling)."""
    try:
        fn = BACKENDS[backend]
    except KeyError:
        raise ValueError(
            f"unknown layout backend {backend!r}; choose one of {sorted(BACKENDS)}"
        ) from None
    return fn(path, max_pages)


__all__ = ["BACKENDS", "DocumentLayout", "PageLayout", "Rule", "Word", "load_layout"]
