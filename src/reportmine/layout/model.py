"""The layout model: what a PDF backend extracts and the parser reads.

Backends (pdfplumber, PDFium) fill these plain objects so that everything
after extraction is backend-independent and testable without a PDF.
Coordinates are PDF points with the origin at the page's top-left corner.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """A run of non-space characters sharing one style on one line."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    font: str = ""
    size: float = 0.0
    bold: bool = False
    italic: bool = False
    color: tuple[float, ...] = ()
    upright: bool = True

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Rule:
    """A thin filled rectangle or stroked line: table borders, separators."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    n_images: int = 0


@dataclass
class DocumentLayout:
    pages: list[PageLayout]
    info: dict[str, str] = field(default_factory=dict)

    @property
    def n_pages(self) -> int:
        return len(self.pages)
