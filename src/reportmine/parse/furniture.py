"""Running headers, footers and page numbers: page furniture, not content."""
from __future__ import annotations

import re
from collections import Counter

from ..layout.model import DocumentLayout
from .lines import Line

# Furniture lives in the top or bottom band of a page, as a share of its height.
MARGIN_BAND = 0.12
PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$",
    re.IGNORECASE,
)


def _signature(text: str) -> str:
    """Text with digits folded, so 'Page 3 of 9' and 'Page 4 of 9' match."""
    return re.sub(r"\d+", "#", text.strip().lower())


def _in_margin(line: Line, height: float) -> bool:
    return line.bottom < height * MARGIN_BAND or line.top > height * (1 - MARGIN_BAND)


def remove_furniture(pages: list[list[Line]], layout: DocumentLayout) -> list[list[Line]]:
    """Drop margin lines that repeat across pages, and page numbers."""
    heights = {p.number: p.height for p in layout.pages}
    counts: Counter = Counter()
    for lines in pages:
        seen = {_signature(ln.text) for ln in lines if _in_margin(ln, heights[ln.page])}
        counts.update(seen)
    repeat_at = max(2, round(0.4 * len(pages)))
    kept_pages = []
    for lines in pages:
        kept = []
        for ln in lines:
            if _in_margin(ln, heights[ln.page]):
                text = ln.text.strip()
                if PAGE_NUMBER.match(text) or counts[_signature(text)] >= repeat_at:
                    continue
            kept.append(ln)
        kept_pages.append(kept)
    return kept_pages
