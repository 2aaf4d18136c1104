"""Headings: lines set apart by size, weight or a trailing colon."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import Line
from .passages import is_item_start

LARGER = 1.12  # a heading style is at least this much larger than body text
MAX_HEADING_CHARS = 200


@dataclass
class Heading:
    lines: list[Line]

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines).strip()

    @property
    def size(self) -> float:
        return self.lines[0].size

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def top(self) -> float:
        return self.lines[0].top


def _looks_like_heading(line: Line, body: float) -> bool:
    text = line.text.strip()
    letters = sum(c.isalpha() for c in text)
    if letters < 3 or len(text) > MAX_HEADING_CHARS or letters < 0.5 * len(text.replace(" ", "")):
        return False
    if re.match(r"^(date|signed|signature)\b.*:", text, re.IGNORECASE):
        return False
    if line.size >= body * LARGER:
        return True
    return line.bold and (not is_item_start(text) or bool(re.match(r"^\d{1,2}\.\s", text)))


def _standalone(lines: list[Line], i: int, pitch: float, body: float, right: float) -> bool:
    """A bold line is a heading only if the next line does not continue it as body text.

    A short bold line stands alone: a paragraph's first line runs to the margin.
    """
    line = lines[i]
    if i + 1 >= len(lines):
        return True
    nxt = lines[i + 1]
    if nxt.page != line.page or nxt.bold or nxt.size != line.size:
        return True
    gap = nxt.top - line.top
    scale = line.size / body if body else 1.0
    short = line.x1 < right - 0.15 * (right - line.x0)
    return (gap > pitch * scale * 1.4 or (short and gap > pitch * scale * 1.1)
            or (len(line.text) < 90 and line.text.rstrip().endswith(":")))


def find_headings(lines: list[Line], body: float, pitch: float) -> dict[int, Heading]:
    """Map the index of a heading's first line to the heading; wrapped headings merge."""
    heads: dict[int, Heading] = {}
    right: dict[int, float] = {}
    for ln in lines:
        right[ln.page] = max(right.get(ln.page, 0.0), ln.x1)
    i = 0
    while i < len(lines):
        line = lines[i]
        larger = line.size >= body * LARGER
        if _looks_like_heading(line, body) and (larger or _standalone(lines, i, pitch, body, right[line.page])):
            group = [line]
            j = i + 1
            while (j < len(lines) and lines[j].style == line.style and lines[j].page == line.page
                   and lines[j].top - group[-1].top <= pitch * 1.6 * line.size / body
                   and not is_item_start(lines[j].text)
                   and not group[-1].text.rstrip().endswith((":", "."))):
                group.append(lines[j])
                j += 1
            heads[i] = Heading(group)
            i = j
        else:
            i += 1
    return heads
