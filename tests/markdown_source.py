"""Read the sentences of a report's Markdown source (pandoc grid tables included).

Test support only: the parser never sees Markdown.
"""
from __future__ import annotations

import re

QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Quotes and dashes folded, white space collapsed, a leading list dash dropped."""
    return " ".join(text.translate(QUOTES).split()).removeprefix("- ")


def without_enumerator(text: str) -> str:
    """'2. Text' → 'Text': list numbering is markup in one source and text in another."""
    return re.sub(r"^\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+", "", normalise(text))


def _inline(text: str) -> str:
    text = re.sub(r"\[\^\d+\]", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = re.sub(r"<https?://[^>]+>", "", text)
    text = text.replace("**", "").replace("*", "")
    text = re.sub(r"^\s*(?:[-+]|\d+\.|[a-z]\.)\s+", "", text)
    return text.strip()


def _grid_cells(block: list[str]) -> list[list[str]]:
    """Rows of cell texts from a pandoc grid table; cell paragraphs joined by blank lines."""
    border = block[0]
    cuts = [i for i, ch in enumerate(border) if ch == "+"]
    rows, current = [], None
    for line in block[1:]:
        if line.startswith("+"):
            if current is not None:
                rows.append(["\n".join(c).strip() for c in current])
            current = None
            continue
        if current is None:
            current = [[] for _ in cuts[:-1]]
        for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
            current[k].append(line[a + 1:b].strip())
    return rows


def _paragraphs(cell: str) -> list[str]:
    paras, buf = [], []
    for line in cell.split("\n"):
        if not line.strip() or re.match(r"^\s*(?:[-+]|\d+\.|[a-z]\.)\s+", line):
            if buf:
                paras.append(" ".join(buf))
            buf = [line] if line.strip() else []
        else:
            buf.append(line)
    if buf:
        paras.append(" ".join(buf))
    return paras


def body_paragraphs(md: str) -> list[str]:
    """Body paragraphs, bullet items and table cells, without headings,
    footnote definitions and the details table's label/value rows."""
    md = re.sub(r"^---\n.*?\n---\n", "", md, flags=re.S)
    lines = md.split("\n")
    out: list[str] = []
    i, first_table = 0, True
    while i < len(lines):
        line = lines[i]
        if line.startswith("+-"):
            j = i
            while j < len(lines) and lines[j].startswith(("+", "|")):
                j += 1
            for row in _grid_cells(lines[i:j]):
                if first_table and not row[0].lower().startswith("reasons"):
                    continue
                for cell in (row[1:] if first_table else row):
                    out.extend(_paragraphs(cell))
            first_table = False
            i = j
            continue
        if line.startswith("[^"):
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
                i += 1
            continue
        if line.startswith("#") or not line.strip():
            i += 1
            continue
        buf = [line]
        i += 1
        while i < len(lines) and lines[i].strip() and not re.match(r"^\s*(?:[-+]|\d+\.|[a-z]\.)\s+", lines[i]):
            buf.append(lines[i])
            i += 1
        para = " ".join(buf)
        if not re.fullmatch(r"\*\*[^*]+\*\*", para.strip()):  # a bold line is a heading
            out.append(para)
    return [p for p in (_inline(p) for p in out) if p]


def sentences(md: str) -> list[str]:
    out = []
    for para in body_paragraphs(md):
        for s in re.split(r"(?<=[.!?])\s+(?=[A-Z'‘\"“(])", para):
            s = normalise(s)
            if len(s.split()) >= 3:
                out.append(s)
    return out
