"""Footnotes: page-bottom notes in small type, and the marks that point to them."""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import Footnote
from .lines import Line

SMALL = 0.9  # footnote text is smaller than this share of the body size
MARK = re.compile(r"^(\d{1,3}|[*†‡§])$")
LEADING_MARK = re.compile(r"^(\d{1,3}|[*†‡§])[.)]?\s+(?=\S)")


def is_mark(word, line: Line) -> bool:
    """A superscript reference mark: a short number set smaller than its line
    and raised above its baseline."""
    size = line.size
    return (bool(MARK.match(word.text)) and word.size <= size * 0.9
            and word.bottom < line.bottom - 0.15 * size)


def strip_marks(line: Line) -> Line:
    """Take superscript marks out of a body line, remembering them on the line."""
    kept, marks = [], []
    closes_gap = False
    for i, w in enumerate(line.words):
        if i > 0 and is_mark(w, line):
            marks.append(w.text)
            closes_gap = True
            continue
        if closes_gap and kept and not w.text[:1].isalnum():
            # 'delivery³.' → 'delivery.': punctuation after a mark touches the word.
            w = replace(w, x0=kept[-1].x1)
        closes_gap = False
        kept.append(w)
    if not marks:
        return line
    return Line(kept, line.page, marks)


def _starts_note(line: Line) -> bool:
    first = line.words[0]
    return bool(MARK.match(first.text)) or bool(LEADING_MARK.match(line.text))


def split_footnotes(lines: list[Line], body: float) -> tuple[list[Line], list[Footnote]]:
    """Separate a page's trailing block of small-type notes from its body lines."""
    start = len(lines)
    while start > 0 and lines[start - 1].size < body * SMALL:
        start -= 1
    zone = lines[start:]
    # The zone must open with a mark and sit below every body line.
    while zone and not _starts_note(zone[0]):
        zone = zone[1:]
        start += 1
    if not zone:
        return lines, []
    notes: list[Footnote] = []
    for line in zone:
        text = line.text
        if _starts_note(line):
            first = line.words[0]
            if MARK.match(first.text):
                mark, rest = first.text, " ".join(w.text for w in line.words[1:])
            else:
                m = LEADING_MARK.match(text)
                mark, rest = m.group(1), text[m.end():]
            notes.append(Footnote(mark, rest.strip(), line.page))
        elif notes:
            notes[-1].text = f"{notes[-1].text} {text}".strip()
    return lines[:start], notes
