"""Fill the layout model from a PDF with pdfplumber (pdfminer.six).

The reference backend: slower than PDFium but pure Python and well
understood.  Words are built from ``page.chars`` in content-stream order
with pdfplumber's own word rule (``WordExtractor.char_begins_new_word``,
x_tolerance = y_tolerance = 3) and split wherever the font name or size
changes, exactly as ``page.extract_words(extra_attrs=["fontname", "size"])``
would - but without its regrouping into top-to-bottom lines, which scrambles
multi-column pages; both backends keep the stream order.
"""
from __future__ import annotations

from typing import Any

import pdfplumber

from .model import DocumentLayout, PageLayout, Rule, Word
from .pdfium_backend import RULE_MAX, clean_font_name, is_bold_name, is_italic_name, to_rgb

__all__ = ["load"]

X_TOL = 3.0
Y_TOL = 3.0


def _text(value: Any) -> str:
    """Metadata values come as str, bytes, PSLiteral, lists...: make str."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
            return value.decode("utf-16", "replace")
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")
    name = getattr(value, "name", None)  # PSLiteral
    if name is not None:
        return _text(name)
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    try:
        return str(value)
    except Exception:  # pragma: no cover - defensive
        return ""


def _begins_new_word(prev: dict, cur: dict) -> bool:
    """pdfplumber's WordExtractor.char_begins_new_word, with the direction
    of rotated text taken from the char's matrix (up- or downward)."""
    if cur["upright"]:
        ax, bx, cx, ay, cy = prev["x0"], prev["x1"], cur["x0"], prev["top"], cur["top"]
    elif (cur.get("matrix") or (0, 0))[1] > 0:  # rotated anticlockwise: bottom-to-top
        ax, bx, cx, ay, cy = -prev["bottom"], -prev["top"], -cur["bottom"], prev["x0"], cur["x0"]
    else:  # top-to-bottom
        ax, bx, cx, ay, cy = prev["top"], prev["bottom"], cur["top"], prev["x0"], cur["x0"]
    return cx < ax or cx > bx + X_TOL or abs(cy - ay) > Y_TOL


def _size(ch: dict) -> float:
    """The rendered font size.  pdfminer's ``size`` is the char box height,
    which for text turned by ~90 degrees is the glyph advance and changes
    from char to char; there the box width is the font size."""
    size = float(ch.get("size", 0.0))
    if not ch.get("upright", True):
        m = ch.get("matrix") or (1, 0, 0, 1)
        if abs(m[1]) > abs(m[0]):
            size = float(ch["x1"] - ch["x0"])
    return round(size, 4)


def _make_word(chars: list[dict]) -> Word:
    first = chars[0]
    name = clean_font_name(first.get("fontname", ""))
    return Word(
        text="".join(c["text"] for c in chars),
        x0=min(c["x0"] for c in chars),
        top=min(c["top"] for c in chars),
        x1=max(c["x1"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        font=name,
        size=_size(first),
        bold=is_bold_name(name),
        italic=is_italic_name(name),
        color=to_rgb(first.get("non_stroking_color")),
        upright=bool(first.get("upright", True)),
    )


def page_words(chars: list[dict]) -> list[Word]:
    words: list[Word] = []
    cur: list[dict] = []
    key = None
    for ch in chars:
        text = ch["text"]
        if not text or text.isspace():
            if cur:
                words.append(_make_word(cur))
                cur = []
            continue
        k = (ch.get("fontname"), _size(ch), ch.get("upright"))
        if cur and (k != key or _begins_new_word(cur[-1], ch)):
            words.append(_make_word(cur))
            cur = []
        cur.append(ch)
        key = k
    if cur:
        words.append(_make_word(cur))
    return words


def _page_rules(page) -> list[Rule]:
    rules: list[Rule] = []
    for ln in page.lines:
        rules.append(Rule(ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
    for r in page.rects:
        x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
        if (x1 - x0) <= RULE_MAX or (bottom - top) <= RULE_MAX:
            rules.append(Rule(x0, top, x1, bottom))
        else:  # a box, e.g. a table cell: its four edges
            rules.extend((
                Rule(x0, top, x1, top), Rule(x0, bottom, x1, bottom),
                Rule(x0, top, x0, bottom), Rule(x1, top, x1, bottom),
            ))
    return rules


def load(path, max_pages: int | None = None) -> DocumentLayout:
    """Read the pages of the PDF at ``path`` (all, or the first ``max_pages``)."""
    with pdfplumber.open(str(path)) as pdf:
        pages = []
        for i, page in enumerate(pdf.pages[:max_pages]):
            pages.append(PageLayout(
                number=i + 1, width=float(page.width), height=float(page.height),
                words=page_words(page.chars), rules=_page_rules(page),
                n_images=len(page.images),
            ))
            page.flush_cache()
        info = {}
        for k, v in (pdf.metadata or {}).items():
            val = _text(v).strip()
            if val:
                info[_text(k)] = val
        return DocumentLayout(pages=pages, info=info)
