"""Reading order on a page: text set in columns is read column by column.

build_lines already splits side-by-side text at a wide gap, but sorting a
page's lines by their top interleaves the columns line by line.  Here a
page is cut into vertical bands: where a gutter (an x position no line
crosses) runs down a long stretch with column text on both sides, the left
column is read in full before the right one.  A line that crosses the
gutter (a title or heading over both columns) closes the band.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import median

from .lines import Line
from .tables import Table

MIN_COLUMN_LINES = 5   # lines on each side of a gutter: fewer is a side-by-side item
MIN_COLUMN_CHARS = 20  # median characters per line: labels are shorter
MIN_FILL = 0.75        # median line width over the column's: set text runs to the edge
MIN_SPAN_LINES = 6     # the band runs down at least this many line heights
RUN_ON_PITCHES = 2.5   # a one-sided line this close to its column still belongs to it


@dataclass
class Band:
    """Lines above a column band, the band's columns left and right, lines below."""

    above: list[Line]
    left: list[Line]
    right: list[Line]
    below: list[Line]


def reading_order(lines: list[Line], tables: list[Table]) -> list:
    """The page's lines and tables in reading order.

    A page holding a ruled table keeps plain top order: text side by side
    there is more likely a table whose closing rules are missing (one that
    runs on down the page) than columns, and parse/tables.py reads tables.
    """
    if tables:
        return sorted([*lines, *tables], key=lambda it: it.top)
    return _ordered(lines)


def _ordered(lines: list[Line]) -> list[Line]:
    """Lines by top, except that each column band is read column by column."""
    band = find_band(lines)
    if band is None:
        return sorted(lines, key=lambda ln: ln.top)
    return (_ordered(band.above) + _ordered(band.left) + _ordered(band.right)
            + _ordered(band.below))


def find_band(lines: list[Line]) -> Band | None:
    """The largest two-column band among the lines, if any."""
    lines = sorted(lines, key=lambda ln: ln.top)
    best: Band | None = None
    for gutter in _candidate_gutters(lines):
        for run in _runs_beside(lines, gutter):
            band = _band(lines, run, gutter)
            if band and (best is None or len(band.left) + len(band.right) > len(best.left) + len(best.right)):
                best = band
    return best


def _candidate_gutters(lines: list[Line]) -> list[float]:
    """Left edges of lines that have text beside them on their left, on several rows."""
    edges: Counter = Counter()
    for i, line in enumerate(lines):
        for other in lines[max(0, i - 3): i + 4]:
            if other is not line and other.x1 < line.x0 and _same_row(other, line):
                edges[round(line.x0)] += 1
                break
    return sorted(x for x, n in edges.items() if n >= MIN_COLUMN_LINES)


def _same_row(a: Line, b: Line) -> bool:
    return min(a.bottom, b.bottom) - max(a.top, b.top) > 0


def _side(line: Line, gutter: float) -> str:
    if line.x0 >= gutter - 1:
        return "right"
    if line.x1 < gutter - line.size:
        return "left"
    return "across"


def _runs_beside(lines: list[Line], gutter: float) -> list[list[Line]]:
    """Maximal runs of consecutive lines (by top) that no line crosses the gutter in."""
    runs: list[list[Line]] = [[]]
    for line in lines:
        if _side(line, gutter) == "across":
            runs.append([])
        else:
            runs[-1].append(line)
    return [run for run in runs if run]


def _band(lines: list[Line], run: list[Line], gutter: float) -> Band | None:
    """The run as a band, trimmed to where both columns hold text plus the lines
    that run on from a column above or below it; None unless both sides read
    as column text."""
    left = [ln for ln in run if _side(ln, gutter) == "left"]
    right = [ln for ln in run if _side(ln, gutter) == "right"]
    if not (_is_column(left) and _is_column(right)):
        return None
    start = max(left[0].top, right[0].top)
    end = min(left[-1].bottom, right[-1].bottom)
    core = [ln for ln in run if ln.bottom > start and ln.top < end]
    if len(core) < 2 * MIN_COLUMN_LINES:
        return None
    first, last = run.index(core[0]), run.index(core[-1])
    head = _run_on(list(reversed(run[:first])), core, gutter)
    tail = _run_on(run[last + 1:], core, gutter)
    members = {id(ln) for ln in head + core + tail}
    span = max(ln.bottom for ln in core) - min(ln.top for ln in core)
    if span < MIN_SPAN_LINES * median(ln.bottom - ln.top for ln in core):
        return None
    return Band(
        above=[ln for ln in lines if id(ln) not in members and ln.top < start],
        left=[ln for ln in lines if id(ln) in members and _side(ln, gutter) == "left"],
        right=[ln for ln in lines if id(ln) in members and _side(ln, gutter) == "right"],
        below=[ln for ln in lines if id(ln) not in members and ln.top >= start],
    )


def _is_column(lines: list[Line]) -> bool:
    """Enough lines of running text, most of them filling their column's width:
    not a list of labels, values or names, which are short and ragged.  A side
    may hold more columns than one, so each line is measured against the
    lines above and below it only."""
    if len(lines) < MIN_COLUMN_LINES or median(len(ln.text) for ln in lines) < MIN_COLUMN_CHARS:
        return False
    return median(_fill(line, lines) for line in lines) >= MIN_FILL


def _fill(line: Line, lines: list[Line]) -> float:
    """How far across its column a line runs, the column being the lines it overlaps."""
    column = [ln for ln in lines if ln.x0 < line.x1 and line.x0 < ln.x1]
    left = min(ln.x0 for ln in column)
    return (line.x1 - left) / max(max(ln.x1 for ln in column) - left, 1.0)


def _run_on(outside: list[Line], core: list[Line], gutter: float) -> list[Line]:
    """Lines beyond the band's core (nearest first) that continue one of its
    columns: same size, close to the previous line.  A short heading or date
    on one side, set apart, is not column text."""
    kept: list[Line] = []
    for line in outside:
        side = _side(line, gutter)
        column = [ln for ln in kept + core if _side(ln, gutter) == side]
        nearest = min(column, key=lambda ln: abs(ln.top - line.top), default=None)
        if nearest is None or abs(nearest.size - line.size) > 0.5:
            break
        pitch = _pitch(column)
        if abs(nearest.top - line.top) > RUN_ON_PITCHES * pitch:
            break
        kept.append(line)
    return kept


def _pitch(column: list[Line]) -> float:
    tops = sorted(ln.top for ln in column)
    gaps = [b - a for a, b in zip(tops, tops[1:]) if b > a]
    return median(gaps) if gaps else column[0].size * 1.2
