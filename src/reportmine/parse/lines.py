"""Group a page's words into lines, the unit every later parsing step reads."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from ..layout.model import Word

# A horizontal gap wider than this many font sizes splits a line in two
# (table columns without rules, side-by-side text boxes).
COLUMN_GAP_EMS = 2.5


@dataclass
class Line:
    """Words on one baseline, left to right; derived measures are computed once."""

    words: list[Word]
    page: int
    marks: list[str] = field(default_factory=list)  # footnote reference marks

    @cached_property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @cached_property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @cached_property
    def top(self) -> float:
        return min(w.top for w in self.body_words)

    @cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.body_words)

    @cached_property
    def body_words(self) -> list[Word]:
        """Words at the line's main size: superscript marks left out."""
        main = self.size
        kept = [w for w in self.words if w.size > main * 0.9]
        return kept or self.words

    @cached_property
    def size(self) -> float:
        sizes = Counter()
        for w in self.words:
            sizes[round(w.size, 1)] += len(w.text)
        return sizes.most_common(1)[0][0]

    @cached_property
    def bold(self) -> bool:
        return all(w.bold for w in self.body_words)

    @cached_property
    def italic(self) -> bool:
        return all(w.italic for w in self.body_words)

    @cached_property
    def color(self) -> tuple:
        return self.body_words[0].color

    @cached_property
    def text(self) -> str:
        return join_words(self.words)

    @cached_property
    def style(self) -> tuple:
        return (round(self.size), self.bold, self.italic, tuple(round(c, 2) for c in self.color))


def join_words(words: list[Word]) -> str:
    """Join words with single spaces where the page shows a gap between them.

    Words that touch were split by a style change ('study' in italics, '.'
    upright), not by a space.
    """
    out: list[str] = []
    prev: Word | None = None
    for w in words:
        if prev is not None and w.x0 - prev.x1 > 0.12 * min(w.size, prev.size):
            out.append(" ")
        out.append(w.text)
        prev = w
    return "".join(out)


def _overlaps(word: Word, top: float, bottom: float) -> bool:
    overlap = min(word.bottom, bottom) - max(word.top, top)
    return overlap >= 0.5 * min(word.height, bottom - top)


def build_lines(words: list[Word], page: int) -> list[Line]:
    """Cluster words into lines by vertical overlap, then split at wide gaps."""
    words = sorted((w for w in words if w.text.strip()), key=lambda w: (w.top, w.x0))
    rows: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for w in words:
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            top, bottom = bands[i]
            if _overlaps(w, top, bottom):
                rows[i].append(w)
                if w.size >= max(x.size for x in rows[i]) * 0.8:
                    bands[i] = (min(top, w.top), max(bottom, w.bottom))
                break
        else:
            rows.append([w])
            bands.append((w.top, w.bottom))
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        current = [row[0]]
        for w in row[1:]:
            size = max(w.size, current[-1].size, 1.0)
            if w.x0 - current[-1].x1 > COLUMN_GAP_EMS * size:
                lines.append(Line(current, page))
                current = [w]
            else:
                current.append(w)
        lines.append(Line(current, page))
    lines.sort(key=lambda ln: (round(ln.top), ln.x0))
    return lines


def body_size(lines: list[Line]) -> float:
    """The most common font size by characters: the document's body text."""
    sizes: Counter = Counter()
    for line in lines:
        for w in line.words:
            sizes[round(w.size, 1)] += len(w.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def line_pitch(lines: list[Line]) -> float:
    """Typical distance between the tops of consecutive lines within a paragraph.

    The lower quartile of line-to-line gaps, not the median: in a report made
    mostly of one-line bullet items most gaps are item gaps, and a median pitch
    would then hide the extra space that sets headings apart."""
    gaps = sorted(
        b.top - a.top
        for a, b in zip(lines, lines[1:])
        if a.page == b.page and 0 < b.top - a.top < 3 * a.size
    )
    return gaps[len(gaps) // 4] if gaps else 14.0
