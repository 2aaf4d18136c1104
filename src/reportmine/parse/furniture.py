"""Running headers, footers and page numbers: page furniture, not content."""
from __future__ import annotations

import re
from collections import Counter

from ..layout.model import DocumentLayout
from .lines import Line

# Furniture lives in the top or bottom band of a page, as a share of its height.
MARGIN_BAND = 0.12
PRINTED_OFFSET = 8  # printed page numbers may lag the PDF's by a cover and contents
PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$",
    re.IGNORECASE,
)


def _signature(text: str, page: int) -> str:
    """Text with the page's own number folded, so 'Page 3 of 9' and 'Page 4 of 9'
    match but 'Chapter 2' and 'Chapter 7' on pages far from 2 and 7 do not."""
    def fold(m: re.Match) -> str:
        return "#" if abs(int(m.group()) - page) <= PRINTED_OFFSET else m.group()
    return re.sub(r"\d{1,4}", fold, text.strip().lower())


def _in_margin(line: Line, height: float) -> bool:
    return line.bottom < height * MARGIN_BAND or line.top > height * (1 - MARGIN_BAND)


def remove_furniture(pages: list[list[Line]], layout: DocumentLayout) -> list[list[Line]]:
    """Drop margin lines that repeat across pages, and page numbers."""
    heights = {p.number: p.height for p in layout.pages}
    counts: Counter = Counter()
    for lines in pages:
        margin = [ln for ln in lines if _in_margin(ln, heights[ln.page])]
        counts.update({_signature(ln.text, ln.page) for ln in margin})
        counts.update({("exact", ln.text.strip()) for ln in margin})
    repeat_at = max(2, round(0.4 * len(pages)))
    kept_pages = []
    for lines in pages:
        kept = []
        for ln in lines:
            if _in_margin(ln, heights[ln.page]):
                text = ln.text.strip()
                if (PAGE_NUMBER.match(text) or counts[_signature(text, ln.page)] >= repeat_at
                        or counts[("exact", text)] >= repeat_at):
                    continue
            kept.append(ln)
        kept_pages.append(kept)
    return kept_pages
