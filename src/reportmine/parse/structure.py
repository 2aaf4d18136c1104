"""Assemble a Report: title, details table, sections, passages, sign-off, notes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Footnote, Passage, Section
from .headings import Heading, find_headings
from .lines import Line
from .metadata import field_for_label
from .passages import Block, build_blocks
from .tables import Table
from .template import is_known_subheading, match_section, normalise

SIGN_OFF = re.compile(r"^(date|signed|signature)\b[^:]{0,40}:", re.IGNORECASE)
NOTES_HEADINGS = {"notes", "endnotes", "footnotes", "end notes"}
# Without a details table, a document follows the template only when this
# many distinct template sections have headings that match it closely.
TEMPLATE_MIN_SECTIONS = 4
STRONG_MATCH = 0.8
MAX_LABEL_WORDS = 10  # a details-table label is short; longer text is a body cell


@dataclass
class Context:
    """Document-wide measures every step needs."""

    body: float
    pitch: float
    vocabulary: set[str]


@dataclass
class Details:
    raw: dict[str, str] = field(default_factory=dict)
    heading: str = ""
    page: int = 1
    table: Table | None = None
    reasons: tuple[str, list[Line]] | None = None


def read_details(table: Table) -> Details | None:
    """A two-column label/value table naming at least three metadata fields."""
    details = Details(page=table.page, table=table)
    hits = 0
    for row in table.rows:
        cells = [c for c in row if c.lines]
        if not cells:
            continue
        label = cells[0].text
        value_lines = [ln for c in row[1:] for ln in c.lines]
        name = field_for_label(label) if len(label.split()) <= MAX_LABEL_WORDS else None
        if name is None and not details.heading and len(cells) == 1:
            details.heading = label
            continue
        if name == "reasons":
            details.reasons = (label, value_lines)
        elif name and name not in details.raw:
            details.raw[name] = " ".join(ln.text for ln in value_lines).strip()
            hits += 1
        elif not details.heading and match_section(label)[0] == "section.details":
            details.heading = label
    identifying = {"partnership", "la_count", "region"} & details.raw.keys()
    return details if hits >= 3 and identifying else None


def _passage_from_block(block: Block, ctx: Context, subheading: str | None) -> Passage:
    return Passage(
        text=block.text(ctx.vocabulary),
        page=block.page,
        kind="bullet" if block.bullet else "paragraph",
        subheading=subheading,
        footnotes=block.marks,
    )


def table_passages(tables: list[Table], ctx: Context, subheading: str | None) -> list[Passage]:
    """One passage per non-empty cell, keeping its row and column header.

    Header cells become passages of kind 'header' so no text is lost.
    """
    passages: list[Passage] = []
    header = tables[0].header_row()
    names = {c.col: c.text for c in header} if header else {}
    row_no = -1
    for t_index, table in enumerate(tables):
        for r_index, row in enumerate(table.rows):
            is_header = header is not None and t_index == 0 and r_index == 0
            row_no += 0 if is_header else 1
            for cell in row:
                if not cell.lines:
                    continue
                blocks = build_blocks(cell.lines, ctx.pitch, ctx.body)
                text = " ".join(b.text(ctx.vocabulary) for b in blocks)
                passages.append(Passage(
                    text=text, page=cell.lines[0].page, kind="header" if is_header else "cell",
                    subheading=subheading, footnotes=[m for ln in cell.lines for m in ln.marks],
                    row=None if is_header else row_no, column=names.get(cell.col),
                ))
    return passages


def merge_continued_tables(items: list) -> list:
    """Join a table that runs on over a page break, and rows split by the
    break; a header row repeated at the top of the new page is dropped."""
    out: list = []
    for item in items:
        prev = out[-1] if out else None
        if (isinstance(item, Table) and isinstance(prev, list) and isinstance(prev[-1], Table)
                and item.page == prev[-1].page + 1 and len(item.cols) == len(prev[-1].cols)
                and all(abs(a - b) < 3 for a, b in zip(item.cols, prev[-1].cols))):
            if len(item.rows) > 1 and ([c.text for c in item.rows[0]]
                                       == [c.text for c in prev[0].rows[0]]):
                item.rows = item.rows[1:]  # the header row repeated on the new page
            last_row, first_row = prev[-1].rows[-1], item.rows[0]
            # an empty first cell marks a continuation only where rows have one
            first_empty = not first_row[0].lines and bool(last_row[0].lines)
            unfinished = any(c.lines and not c.lines[-1].text.rstrip().endswith((".", ":", ")"))
                             for c in last_row)
            # a row of several cells cut by the break goes on mid-sentence, or leaves
            # empty the cells that ended on the first page; a new row starts afresh
            # in every cell (a one-cell box running on is simply continued)
            mid_sentence = all(c.lines[0].text.lstrip()[:1].islower()
                               for c in first_row if c.lines)
            ended = any(a.lines and not b.lines for a, b in zip(last_row, first_row))
            if len(last_row) == len(first_row) and (first_empty or unfinished and (
                    len(first_row) == 1 or mid_sentence or ended)):
                for a, b in zip(last_row, first_row):
                    a.lines.extend(b.lines)
                item.rows = item.rows[1:]
            prev.append(item)
        elif isinstance(item, Table):
            out.append([item])
        else:
            out.append(item)
    return out


def assemble(items: list, ctx: Context) -> tuple[list[Section], str | None, Details | None,
                                                 list[Footnote], bool]:
    """Walk the reading-order stream of lines and tables into sections.

    Returns sections, title, details, endnotes and whether the document
    follows the learning-report template.
    """
    items = merge_continued_tables(items)
    lines = [it for it in items if isinstance(it, Line)]
    heads = find_headings(lines, ctx.body, ctx.pitch)
    head_at = {id(lines[i]): h for i, h in heads.items()}
    in_heading = {id(ln) for h in heads.values() for ln in h.lines}

    matched = {id(h): match_section(h.text) for h in heads.values()}
    details: Details | None = None
    for it in items:
        if isinstance(it, list):
            details = read_details(it[0])
            if details:
                break
    strong = {sid for sid, score in matched.values() if sid != "section.other" and score >= STRONG_MATCH}
    is_template = details is not None or len(strong) >= TEMPLATE_MIN_SECTIONS

    top_style = _top_level_style(heads, matched, is_template)
    title = _title(items, heads, ctx)
    sibling_subheadings = _runs_of_unmatched(heads, matched) if is_template else set()

    sections: list[Section] = []
    notes: list[Footnote] = []
    pending: list[Line] = []
    current: Section | None = None
    subheading: str | None = None
    in_notes = False

    def flush() -> None:
        nonlocal pending
        if not pending:
            return
        target = current or _front_matter(sections, title, pending[0].page)
        if in_notes:
            notes.extend(_endnotes(pending))
        else:
            for block in build_blocks(pending, ctx.pitch, ctx.body):
                target.passages.append(_passage_from_block(block, ctx, subheading))
        pending = []

    for it in items:
        if isinstance(it, list):
            flush()
            if details is not None and it[0] is details.table:
                sections.append(Section("section.details", details.heading or "Details", details.page))
                if details.reasons:
                    label, value_lines = details.reasons
                    current = Section("section.reasons", label, value_lines[0].page if value_lines else details.page)
                    sections.append(current)
                    subheading = None
                    for block in build_blocks(value_lines, ctx.pitch, ctx.body):
                        current.passages.append(_passage_from_block(block, ctx, None))
                continue
            target = current or _front_matter(sections, title, it[0].page)
            target.passages.extend(table_passages(it, ctx, subheading))
            continue
        line = it
        if id(line) in in_heading and id(line) not in head_at:
            continue
        heading = head_at.get(id(line))
        if heading is not None:
            flush()
            if title is not None and heading.text == title and not sections:
                continue
            sid, _ = matched[id(heading)]
            if normalise(heading.text) in NOTES_HEADINGS:
                in_notes = True
                continue
            top = (id(heading) not in sibling_subheadings
                   and _is_top_level(heading, sid, current, is_template, top_style))
            if top:
                in_notes = False
                current = Section(sid if is_template else "section.other", heading.text, heading.page)
                sections.append(current)
                subheading = None
            else:
                subheading = heading.text
                target = current or _front_matter(sections, title, heading.page)
                target.subheadings.append(heading.text)
            continue
        if SIGN_OFF.match(line.text) and is_template and not in_notes:
            flush()
            if current is None or current.id != "section.sign_off":
                current = Section("section.sign_off", line.text.split(":")[0].strip(), line.page)
                sections.append(current)
                subheading = None
        pending.append(line)
    flush()
    return sections, title, details, notes, is_template


def _front_matter(sections: list[Section], title: str | None, page: int) -> Section:
    """Text before the first heading still belongs somewhere: an untitled section."""
    if not sections or sections[-1].id != "section.other" or sections[-1].heading != (title or ""):
        sections.append(Section("section.other", title or "", page))
    return sections[-1]


def _endnotes(lines: list[Line]) -> list[Footnote]:
    notes: list[Footnote] = []
    for line in lines:
        m = re.match(r"^\s*(\d{1,3})[.)]?\s+(.*)$", line.text)
        if m:
            notes.append(Footnote(m.group(1), m.group(2).strip(), line.page))
        elif notes:
            notes[-1].text = f"{notes[-1].text} {line.text.strip()}"
    return notes


def _title(items: list, heads: dict[int, Heading], ctx: Context) -> str | None:
    """The largest heading on page 1, when it comes before any body text."""
    first_page = [h for h in heads.values() if h.page == min((h.page for h in heads.values()), default=1)]
    if not first_page:
        return None
    biggest = max(first_page, key=lambda h: h.size)
    opens_document = next((it for it in items if isinstance(it, Line)), None) is biggest.lines[0]
    if biggest.size < ctx.body * 1.3 and not opens_document:
        return None
    for it in items:
        if isinstance(it, Line) and it is biggest.lines[0]:
            return biggest.text
        if isinstance(it, Line) and it.size <= ctx.body * 1.05 and it.page == biggest.page and it.top < biggest.top:
            continue
        if isinstance(it, list) and it[0].page == biggest.page and it[0].top < biggest.top:
            return None
    return biggest.text


def _top_level_style(heads: dict[int, Heading], matched: dict, is_template: bool) -> tuple | None:
    """The style of top-level headings: that of most template matches, or else the
    largest heading size that recurs on two or more pages after the cover."""
    if is_template:
        styles = [h.lines[0].style for h in heads.values() if matched[id(h)][0] != "section.other"]
        if styles:
            return max(set(styles), key=styles.count)
    pages: dict[float, set[int]] = {}
    for h in heads.values():
        if h.page > 1:
            pages.setdefault(round(h.size, 1), set()).add(h.page)
    recurring = [size for size, on in pages.items() if len(on) >= 2]
    sizes = recurring or [h.size for h in heads.values()]
    if not sizes:
        return None
    return (round(max(sizes)),)


def _runs_of_unmatched(heads: dict[int, Heading], matched: dict) -> set[int]:
    """Headings matching no template section that come two or more in a row inside
    a template section: sub-headings, even when set exactly like section headings.

    A report adds an extra section now and then, but a run of unmatched headings
    under one template heading is that section's sub-themes (every heading level
    in one style cannot be told apart otherwise)."""
    found: set[int] = set()
    run: list[Heading] = []
    inside = False
    for _, heading in sorted(heads.items()):
        if matched[id(heading)][0] == "section.other":
            run.append(heading)
            continue
        if inside and len(run) >= 2:
            found.update(id(h) for h in run)
        run, inside = [], True
    return found


def _is_top_level(heading: Heading, sid: str, current: Section | None, is_template: bool,
                  top_style: tuple | None) -> bool:
    """Template headings open sections; others only when set in the top-level style."""
    if top_style is None:
        return True
    if not is_template:
        return heading.size >= top_style[0] - 0.5
    style = heading.lines[0].style
    if style[0] < top_style[0]:
        return False
    if current is not None and is_known_subheading(heading.text, current.id):
        return False
    if sid != "section.other":
        return current is None or current.id != sid
    numbered = re.match(r"^\(?\d{1,2}(?:\.\d+)*[.)]?\s", heading.text)
    return style == top_style and not numbered
