"""Ruled tables: find grids in a page's rules and read their cells."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..layout.model import Rule, Word
from .lines import Line, build_lines

SNAP = 2.0  # points within which rule coordinates count as the same


@dataclass
class Cell:
    row: int
    col: int
    x0: float
    top: float
    x1: float
    bottom: float
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines).strip()


@dataclass
class Table:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    cols: list[float]  # x positions of the column borders
    rows: list[list[Cell]] = field(default_factory=list)

    def header_row(self) -> list[Cell] | None:
        """The first row, when its text is bold: a header, not data."""
        if not self.rows:
            return None
        first = [c for c in self.rows[0] if c.lines]
        if first and all(ln.bold for c in first for ln in c.lines):
            return self.rows[0]
        return None


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _segments(rules: list[Rule]) -> tuple[list[Rule], list[Rule]]:
    hs = [r for r in rules if r.horizontal and r.x1 - r.x0 > 5]
    vs = [r for r in rules if not r.horizontal and r.bottom - r.top > 5]
    return hs, vs


def _touch(a: Rule, b: Rule) -> bool:
    return (a.x0 - SNAP <= b.x1 and b.x0 - SNAP <= a.x1
            and a.top - SNAP <= b.bottom and b.top - SNAP <= a.bottom)


BUCKET = 40.0  # points: rules are indexed on a coarse grid so grouping stays linear


def _buckets(rule: Rule) -> list[tuple[int, int]]:
    xs = range(int((rule.x0 - SNAP) // BUCKET), int((rule.x1 + SNAP) // BUCKET) + 1)
    ys = range(int((rule.top - SNAP) // BUCKET), int((rule.bottom + SNAP) // BUCKET) + 1)
    return [(x, y) for x in xs for y in ys]


def _groups(rules: list[Rule]) -> list[list[Rule]]:
    """Connected groups of touching rules (union-find): each a candidate table."""
    parent = list(range(len(rules)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grid: dict[tuple[int, int], list[int]] = {}
    for i, rule in enumerate(rules):
        near = {j for key in _buckets(rule) for j in grid.get(key, ())}
        for j in near:
            if _touch(rule, rules[j]):
                parent[root(i)] = root(j)
        for key in _buckets(rule):
            grid.setdefault(key, []).append(i)
    groups: dict[int, list[Rule]] = {}
    for i, rule in enumerate(rules):
        groups.setdefault(root(i), []).append(rule)
    return list(groups.values())


def find_tables(rules: list[Rule], page: int) -> list[Table]:
    """Grids of at least two rows and two columns formed by ruling lines."""
    tables = []
    for group in _groups(rules):
        hs, vs = _segments(group)
        xs = _cluster([v.x0 for v in vs])
        ys = _cluster([h.top for h in hs])
        if len(xs) < 3 or len(ys) < 2:
            continue
        table = Table(page, xs[0], ys[0], xs[-1], ys[-1], xs)
        for r, (top, bottom) in enumerate(zip(ys, ys[1:])):
            if bottom - top < 4:
                continue
            row: list[Cell] = []
            start = 0
            for c in range(1, len(xs)):
                border = any(
                    abs(v.x0 - xs[c]) <= SNAP and v.top <= top + SNAP * 2 and v.bottom >= bottom - SNAP * 2
                    for v in vs
                )
                if border or c == len(xs) - 1:
                    row.append(Cell(len(table.rows), len(row), xs[start], top, xs[c], bottom))
                    start = c
            table.rows.append(row)
        if len(table.rows) >= 1 and max(len(r) for r in table.rows) >= 2:
            tables.append(table)
    return tables


def fill_tables(tables: list[Table], words: list[Word], page: int) -> list[Word]:
    """Build each cell's lines from the words inside it; return the words left over."""
    rest = []
    held: dict[int, list[Word]] = {}
    cells = [c for table in tables for row in table.rows for c in row]
    for word in words:
        cx = (word.x0 + word.x1) / 2
        cy = (word.top + word.bottom) / 2
        for i, c in enumerate(cells):
            if c.x0 - 1 <= cx <= c.x1 + 1 and c.top - 1 <= cy <= c.bottom + 1:
                held.setdefault(i, []).append(word)
                break
        else:
            rest.append(word)
    for i, cell_words in held.items():
        cells[i].lines = build_lines(cell_words, page)
    return rest
