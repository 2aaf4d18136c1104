"""Lines into passages: paragraphs and bullet items, joined across lines and pages."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import Line

# Glyphs a list item opens with; '(cid:N)' and DEL are bullets some fonts
# leave unmapped.
BULLET = re.compile(r"^(?:[•●▪■◦○‣∙·\-–—*\x7f\uf0b7]|\(cid:\d+\)|o(?=\s))\s*")
ENUMERATOR = re.compile(r"^\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+")
PARAGRAPH_GAP = 1.18  # line-to-line distance, in line pitches, that opens a paragraph
TERMINAL = (".", "!", "?", ":", ";", "’", "'", '"', "”", ")")


def _is_bullet(text: str) -> bool:
    return bool(BULLET.match(text)) and not text.startswith("--")


def is_item_start(text: str) -> bool:
    return _is_bullet(text) or bool(ENUMERATOR.match(text))


def _opens_item(line: Line, prev: Line | None) -> bool:
    """A bullet glyph always opens an item; 'a)' or '2.' only after a finished line
    or at a new indent, since wrapped text can begin with 'a) bring'."""
    text = line.text
    if _is_bullet(text):
        return True
    if not ENUMERATOR.match(text):
        return False
    return prev is None or _ends_sentence(prev.text) or abs(line.x0 - prev.x0) > 2


@dataclass
class Block:
    lines: list[Line] = field(default_factory=list)
    bullet: bool = False

    @property
    def page(self) -> int:
        return self.lines[0].page

    @property
    def marks(self) -> list[str]:
        return [m for ln in self.lines for m in ln.marks]

    def text(self, vocabulary: set[str]) -> str:
        text = join_lines([ln.text for ln in self.lines], vocabulary)
        if self.bullet:  # the glyph is typography; a number ('2.') is kept as written
            text = BULLET.sub("", text, count=1)
        return text.strip()


def join_lines(texts: list[str], vocabulary: set[str]) -> str:
    """Join wrapped lines, repairing words hyphenated at a line end.

    A trailing hyphen is dropped only when the joined word occurs elsewhere
    in the document, so 'partnership-\\nwide' keeps its hyphen.
    """
    out = ""
    for text in texts:
        text = text.strip()
        if not out:
            out = text
            continue
        m = re.search(r"(\w+)-$", out)
        first = re.match(r"(\w+)", text)
        if m and first and first.group(1)[0].islower():
            joined = (m.group(1) + first.group(1)).lower()
            if joined in vocabulary:
                out = out[:-1] + text
                continue
            out = out + text
            continue
        out = f"{out} {text}"
    return out


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL)


def build_blocks(lines: list[Line], pitch: float, body: float) -> list[Block]:
    """Split a run of lines into paragraphs and list items."""
    blocks: list[Block] = []
    column_right = 0.0
    for line in lines:
        current = blocks[-1] if blocks else None
        prev = current.lines[-1] if current else None
        starts_item = _opens_item(line, prev)
        if current is None or starts_item or _breaks(prev, line, current, pitch, body, column_right):
            blocks.append(Block([line], bullet=starts_item))
            column_right = _column_right(line, lines)
        else:
            current.lines.append(line)
    return blocks


def _column_right(line: Line, lines: list[Line]) -> float:
    """The right edge of the text column a block's first line sits in, from
    every page of the run (a page holding one short line must not make that
    line look full), short of any column beside it: text set in columns
    shares a run with text running across the page."""
    beside = min((ln.x0 for ln in lines if ln.x0 > line.x1 and _near(ln, line)), default=float("inf"))
    return max((ln.x1 for ln in lines if ln.x0 < line.x1 and line.x0 < ln.x1 < beside), default=line.x1)


def _near(a: Line, b: Line) -> bool:
    """On the same page within two line heights: in the same row, or nearly."""
    return a.page == b.page and abs(a.top - b.top) <= 2 * max(a.size, b.size)


def _breaks(prev: Line, line: Line, block: Block, pitch: float, body: float,
            column_right: float) -> bool:
    if abs(prev.size - line.size) > 1.0 or prev.bold != line.bold and len(block.lines) == 1 and prev.bold:
        return True
    if block.bullet and line.x0 < block.lines[0].x0 - 2:
        return True
    if line.page != prev.page:  # a paragraph runs on over a page break mid-sentence
        return _ends_sentence(prev.text) and not line.text[:1].islower()
    scale = max(prev.size, line.size) / body if body else 1.0
    if line.top - prev.top > pitch * scale * PARAGRAPH_GAP or line.top < prev.top:
        return True
    # A short line that ends a sentence, then a capital at the margin: a new paragraph.
    short = prev.x1 < column_right - 0.12 * (column_right - block.lines[0].x0)
    return (short and _ends_sentence(prev.text) and line.text[:1].isupper()
            and abs(line.x0 - block.lines[0].x0) < 2 and not block.bullet)
