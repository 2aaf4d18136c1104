"""Fill the layout model from a PDF with PDFium (pypdfium2's raw API).

Speed is the point of this backend.  The page's whole text comes out in one
``FPDFText_GetText`` call and is split into words in Python at whitespace and
at the spaces/line breaks PDFium generates; boxes and style are then queried
per *word* (first and last character), not per character.  A word whose
first and last characters belong to different text objects is scanned char
by char so that a style change inside it (a footnote mark glued to a word,
a bold prefix) splits it, as pdfplumber does.

Coordinates follow pdfplumber exactly: PDF points, origin at the top-left of
the (rotated) media box; a character box spans from the baseline + the font
descent up by the rendered font size, and horizontally from the origin over
the glyph advance.  Words come out in content-stream order.
"""
from __future__ import annotations

import ctypes
import math
import re

import pypdfium2 as pdfium
import pypdfium2.raw as R

from .model import DocumentLayout, PageLayout, Rule, Word

__all__ = ["load", "is_bold_name", "is_italic_name", "clean_font_name", "to_rgb"]

_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demibold|,b\b|-b$", re.I)
_ITALIC_RE = re.compile(r"italic|oblique|,i\b|-it$|-i$|,bolditalic", re.I)
_SUBSET_RE = re.compile(r"^[A-Z]{6}\+")

RULE_MAX = 3.0  # a path thinner than this in one dimension is a rule


def _int_ptr_fn(name: str, argtypes):
    """A private prototype of a PDFium function returning a pointer as a
    plain int (hashable and cheap to compare); None if unavailable."""
    try:
        from pypdfium2_raw import bindings
        lib = next(iter(bindings._libs.values()))
        fn = lib[name]  # __getitem__ makes a fresh function object
    except Exception:
        return None
    fn.restype = ctypes.c_void_p
    fn.argtypes = argtypes
    return fn


_TEXT_OBJ_ID = _int_ptr_fn("FPDFText_GetTextObject", [R.FPDF_TEXTPAGE, ctypes.c_int])


def clean_font_name(name: str) -> str:
    """Drop a subset prefix ("ABCDEF+Arial-BoldMT" -> "Arial-BoldMT")."""
    return _SUBSET_RE.sub("", name or "")


def is_bold_name(name: str) -> bool:
    return bool(_BOLD_RE.search(name or ""))


def is_italic_name(name: str) -> bool:
    return bool(_ITALIC_RE.search(name or ""))


def to_rgb(color) -> tuple[float, ...]:
    """Normalise a PDF colour (gray, RGB or CMYK components 0-1) to RGB."""
    if color is None:
        return ()
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        c = tuple(float(v) for v in color)
    except (TypeError, ValueError):  # pattern colours and the like
        return ()
    if len(c) == 1:
        c = (c[0], c[0], c[0])
    elif len(c) == 4:
        k = c[3]
        c = tuple(1.0 - min(1.0, v + k) for v in c[:3])
    elif len(c) != 3:
        return ()
    return tuple(round(v, 2) for v in c)


# --- coordinate transform -------------------------------------------------

def _make_transform(mb, rotation):
    """Return f(x0, y0, x1, y1) -> (x0, top, x1, bottom) in pdfplumber's
    top-left space, given PDF user-space corners, for the page rotation."""
    mx0, my0, mx1, my1 = mb
    if rotation == 90:
        def f(a, b, c, d):
            return (b - my0, a - mx0, d - my0, c - mx0)
    elif rotation == 180:
        def f(a, b, c, d):
            return (mx1 - c, b - my0, mx1 - a, d - my0)
    elif rotation == 270:
        def f(a, b, c, d):
            return (my1 - d, mx1 - c, my1 - b, mx1 - a)
    else:
        def f(a, b, c, d):
            return (a - mx0, my1 - d, c - mx0, my1 - b)
    return f


# --- text -------------------------------------------------------------------

X_TOL = 3.0  # pdfplumber's default x_tolerance / y_tolerance
Y_TOL = 3.0


def _rotate(m, rotation):
    """The char matrix's linear part as pdfminer sees it: followed by the
    page's /Rotate (pdfminer folds the rotation into its CTM)."""
    a, b, c, d = m.a, m.b, m.c, m.d
    if rotation == 90:
        return b, -a, d, -c
    if rotation == 180:
        return -a, -b, -c, -d
    if rotation == 270:
        return -b, a, -d, c
    return a, b, c, d


class _FontCache:
    """Per-document cache of font facts keyed by the FPDF_FONT handle."""

    def __init__(self):
        self.by_font: dict[int, tuple[str, float, int]] = {}
        self.buf = ctypes.create_string_buffer(512)
        self.flags = ctypes.c_int()
        self.desc = ctypes.c_float()

    def get(self, tp, i, textobj):
        """(clean name, descent per 1pt size, weight) for char i."""
        font = R.FPDFTextObj_GetFont(textobj) if textobj else None
        key = ctypes.cast(font, ctypes.c_void_p).value if font else None
        hit = self.by_font.get(key) if key else None
        if hit is not None:
            return hit
        n = R.FPDFText_GetFontInfo(tp, i, self.buf, 512, self.flags)
        name = self.buf.raw[: max(n - 1, 0)].decode("utf-8", "replace") if n else ""
        descent = 0.0
        if font and R.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), self.desc):
            descent = self.desc.value / 1000.0
        weight = R.FPDFText_GetFontWeight(tp, i)
        hit = (clean_font_name(name), descent, weight)
        if key:
            self.by_font[key] = hit
        return hit


def _page_words(tp, xf, rotation: int, fonts: _FontCache) -> list[Word]:
    n = R.FPDFText_CountChars(tp)
    if n <= 0:
        return []
    buf = ctypes.create_string_buffer((n + 1) * 2)
    R.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: n * 2].decode("utf-16-le", "replace")
    if len(text) != n:  # surrogate pairs: fall back to one char per index
        text = "".join(chr(R.FPDFText_GetUnicode(tp, i)) or "\ufffd" for i in range(n))

    rect = R.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = R.FS_MATRIX()
    r = ctypes.c_uint()
    g = ctypes.c_uint()
    b = ctypes.c_uint()
    a = ctypes.c_uint()
    if _TEXT_OBJ_ID is not None:
        def obj_id(i):
            return _TEXT_OBJ_ID(tp, i) or -1 - i
    else:  # pragma: no cover - fallback through the public binding
        def obj_id(i):
            return ctypes.cast(R.FPDFText_GetTextObject(tp, i), ctypes.c_void_p).value or -1 - i
    get_size = R.FPDFText_GetFontSize
    loose = R.FPDFText_GetLooseCharBox
    origin = R.FPDFText_GetCharOrigin
    words: list[Word] = []
    append = words.append
    style_of_obj: dict[int, tuple] = {}

    def style(i, key):
        """(font name, rendered size, descent, bold, upright, italic, color)
        of char i, cached per text object id ``key`` (one object has one
        font, size, matrix and fill colour)."""
        st = style_of_obj.get(key)
        if st is None:
            obj = R.FPDFText_GetTextObject(tp, i)
            name, descent, weight = fonts.get(tp, i, obj)
            R.FPDFText_GetMatrix(tp, i, matrix)
            a_, b_, c_, d_ = _rotate(matrix, rotation)
            # pdfplumber's size is the rendered size: Tf size x the vertical
            # scale of text matrix x CTM
            size = round(get_size(tp, i) * math.hypot(c_, d_), 4)
            upright = a_ * d_ > 0 and b_ * c_ <= 0  # pdfminer's rule, as displayed
            color = ()
            if R.FPDFText_GetFillColor(tp, i, r, g, b, a):
                color = (round(r.value / 255, 2), round(g.value / 255, 2), round(b.value / 255, 2))
            # weights outside 100-900 are garbage (seen in Print-To-PDF CID fonts)
            bold = 600 <= weight <= 900 or is_bold_name(name)
            st = (name, size, descent, bold, upright, is_italic_name(name), color)
            style_of_obj[key] = st
        return st

    def emit(i, j, st):
        name, size, descent, bold, upright, italic, color = st
        loose(tp, i, rect)
        lx0, ly0, lx1, ly1 = rect.left, rect.bottom, rect.right, rect.top
        if j != i:
            loose(tp, j, rect)
            if rect.left < lx0:
                lx0 = rect.left
            if rect.right > lx1:
                lx1 = rect.right
            if rect.bottom < ly0:
                ly0 = rect.bottom
            if rect.top > ly1:
                ly1 = rect.top
        if upright:
            # pdfplumber's box: baseline + descent, height = rendered size
            origin(tp, i, ox, oy)
            ly0 = oy.value + descent * size
            ly1 = ly0 + size
        x0, top, x1, bottom = xf(lx0, ly0, lx1, ly1)
        if x0 > x1:
            x0, x1 = x1, x0
        if top > bottom:
            top, bottom = bottom, top
        w = text[i: j + 1]
        if "\ufffe" in w or "\x02" in w:
            w = w.replace("\ufffe", "-").replace("\x02", "-")
        append(Word(w, x0, top, x1, bottom, name, size, bold, italic, color, upright))

    def gap(a, b):
        """pdfplumber's word-break test between chars a and b (upright)."""
        loose(tp, a, rect)
        ax, _, bx, _ = xf(rect.left, rect.bottom, rect.right, rect.top)
        loose(tp, b, rect)
        cx, _, _, _ = xf(rect.left, rect.bottom, rect.right, rect.top)
        origin(tp, a, ox, oy)
        _, ay, _, _ = xf(ox.value, oy.value, ox.value, oy.value)
        origin(tp, b, ox, oy)
        _, cy, _, _ = xf(ox.value, oy.value, ox.value, oy.value)
        return cx < ax - 0.01 or cx > bx + X_TOL or abs(cy - ay) > Y_TOL

    def split(i, j):
        """Emit text[i..j] as one or more words.  Cut it where pdfplumber
        would: where font or size change (looked for char by char only when
        the first and last chars come from different text objects) and where
        chars are apart (tested only at text-object boundaries and around
        '.', where PDFium misses tab gaps: "1.Executive", dot leaders)."""
        oi = obj_id(i)
        si = style(i, oi)
        if i == j:
            emit(i, j, si)
            return
        cuts: set[int] = set()
        oj = obj_id(j)
        if oi != oj:
            cur, prev = si, oi
            for k in range(i + 1, j + 1):
                v = obj_id(k)
                if v == prev:
                    continue
                prev = v
                sk = style(k, v)
                if sk[:2] != cur[:2] or sk[4] != cur[4] or (cur[4] and gap(k - 1, k)):
                    cuts.add(k)
                    cur = sk
        if si[4] and "." in text[i: j + 1]:
            for k in range(i + 1, j + 1):
                if k not in cuts and (text[k - 1] == ".") != (text[k] == ".") and gap(k - 1, k):
                    cuts.add(k)
        if not cuts:
            emit(i, j, si)
            return
        start = i
        for k in sorted(cuts):
            emit(start, k - 1, style(start, obj_id(start)))
            start = k
        emit(start, j, style(start, obj_id(start)))

    # Split at whitespace (PDFium's generated spaces and line breaks are
    # whitespace too).  A line-end hyphen comes back as U+FFFE with no line
    # break after it: it ends its word and is output as "-".
    start = -1
    for idx, ch in enumerate(text):
        if ch.isspace() or ch == "\x00":
            if start >= 0:
                split(start, idx - 1)
                start = -1
        elif ch == "\ufffe":
            split(idx if start < 0 else start, idx)
            start = -1
        elif start < 0:
            start = idx
    if start >= 0:
        split(start, n - 1)
    return words


# --- paths and images ---------------------------------------------------------

_SEG_LINETO, _SEG_BEZIERTO, _SEG_MOVETO = 0, 1, 2


def _subpaths(path, m):
    """Yield the subpaths that could be pdfminer lines or rects (2, 4 or 5
    points, no curve segment) as lists of (x, y) in page space.  Point
    coordinates are fetched only for those: glyph outlines drawn as paths
    (Print To PDF) have thousands of curve segments."""
    count = R.FPDFPath_CountSegments(path)
    if count <= 0:
        return
    get_seg = R.FPDFPath_GetPathSegment
    get_type = R.FPDFPathSegment_GetType
    segs = [get_seg(path, s) for s in range(count)]
    types = [get_type(seg) for seg in segs]
    starts = [k for k, t in enumerate(types) if t == _SEG_MOVETO] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    for s0, s1 in zip(starts, starts[1:] + [count]):
        if s1 - s0 not in (2, 4, 5) or _SEG_BEZIERTO in types[s0:s1]:
            continue
        pts = []
        for seg in segs[s0:s1]:
            R.FPDFPathSegment_GetPoint(seg, x, y)
            px, py = x.value, y.value
            pts.append((a * px + c * py + e, b * px + d * py + f))
        if R.FPDFPathSegment_GetClose(segs[s1 - 1]) and pts[-1] != pts[0]:
            pts.append(pts[0])
        yield pts


def _path_rules(path, m, xf, out: list[Rule]):
    """Rules from a path, as pdfminer/pdfplumber classify subpaths: a
    2-point subpath is a line (one rule); a closed axis-aligned 4-corner
    subpath is a rect (one rule if <= RULE_MAX thick, else its 4 edges);
    anything else is a curve and ignored."""
    for xy in _subpaths(path, m):
        if len(xy) == 2:
            x0, top, x1, bottom = xf(min(xy[0][0], xy[1][0]), min(xy[0][1], xy[1][1]),
                                     max(xy[0][0], xy[1][0]), max(xy[0][1], xy[1][1]))
            out.append(Rule(x0, top, x1, bottom))
            continue
        if len(xy) == 5 and abs(xy[4][0] - xy[0][0]) < 1e-3 and abs(xy[4][1] - xy[0][1]) < 1e-3:
            xy = xy[:4]
        if len(xy) != 4:
            continue
        if not all(abs(p[0] - q[0]) < 0.01 or abs(p[1] - q[1]) < 0.01
                   for p, q in zip(xy, xy[1:] + xy[:1])):
            continue
        xs = [p[0] for p in xy]
        ys = [p[1] for p in xy]
        x0, top, x1, bottom = xf(min(xs), min(ys), max(xs), max(ys))
        if x1 - x0 <= RULE_MAX or bottom - top <= RULE_MAX:
            out.append(Rule(x0, top, x1, bottom))
        else:
            out.extend((
                Rule(x0, top, x1, top), Rule(x0, bottom, x1, bottom),
                Rule(x0, top, x0, bottom), Rule(x1, top, x1, bottom),
            ))


def _walk_objects(get_count, get_obj, parent, m_parent, xf, rules, counter):
    """Collect rules and count images, recursing into form XObjects."""
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    for k in range(get_count(parent)):
        obj = get_obj(parent, k)
        t = R.FPDFPageObj_GetType(obj)
        if t == R.FPDF_PAGEOBJ_TEXT:
            continue
        if t == R.FPDF_PAGEOBJ_IMAGE:
            counter[0] += 1
        elif t == R.FPDF_PAGEOBJ_PATH:
            if R.FPDFPath_GetDrawMode(obj, fill, stroke) and not fill.value and not stroke.value:
                continue
            m = R.FS_MATRIX()
            R.FPDFPageObj_GetMatrix(obj, m)
            _path_rules(obj, _concat(m, m_parent), xf, rules)
        elif t == R.FPDF_PAGEOBJ_FORM:
            m = R.FS_MATRIX()
            R.FPDFPageObj_GetMatrix(obj, m)
            _walk_objects(R.FPDFFormObj_CountObjects, R.FPDFFormObj_GetObject,
                          obj, _concat(m, m_parent), xf, rules, counter)


def _concat(m, parent):
    """m followed by parent (parent may be None = identity)."""
    if parent is None:
        return m
    out = R.FS_MATRIX()
    out.a = m.a * parent.a + m.b * parent.c
    out.b = m.a * parent.b + m.b * parent.d
    out.c = m.c * parent.a + m.d * parent.c
    out.d = m.c * parent.b + m.d * parent.d
    out.e = m.e * parent.a + m.f * parent.c + parent.e
    out.f = m.e * parent.b + m.f * parent.d + parent.f
    return out


# --- document -------------------------------------------------------------------

_INFO_KEYS = ("Title", "Author", "Subject", "Keywords", "Creator", "Producer",
              "CreationDate", "ModDate", "Trapped")


def _open(path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == R.FPDF_ERR_PASSWORD or "password" in str(exc).lower():
            raise pdfium.PdfiumError(
                f"{path}: PDF is password-protected (a user password is needed to open it)",
                getattr(exc, "err_code", None),
            ) from exc
        raise


def _info(doc) -> dict[str, str]:
    info: dict[str, str] = {}
    buf_len = 4096
    for key in _INFO_KEYS:
        bkey = key.encode("ascii")
        n = R.FPDF_GetMetaText(doc.raw, bkey, None, 0)
        if n <= 2:
            continue
        buf = ctypes.create_string_buffer(max(n, buf_len))
        R.FPDF_GetMetaText(doc.raw, bkey, buf, n)
        val = buf.raw[: n - 2].decode("utf-16-le", "replace").strip()
        if val:
            info[key] = val
    return info


def load_page(doc, index: int) -> PageLayout:
    page = R.FPDF_LoadPage(doc.raw, index)
    if not page:
        raise pdfium.PdfiumError(f"could not load page {index + 1}")
    try:
        fonts = _FontCache()  # per page: font handles are not stable across pages
        l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        if not R.FPDFPage_GetMediaBox(page, l, b, r, t):
            l.value, b.value = 0.0, 0.0
            r.value, t.value = R.FPDF_GetPageWidthF(page), R.FPDF_GetPageHeightF(page)
        mb = (min(l.value, r.value), min(b.value, t.value), max(l.value, r.value), max(b.value, t.value))
        rotation = (R.FPDFPage_GetRotation(page) % 4) * 90
        xf = _make_transform(mb, rotation)
        width, height = mb[2] - mb[0], mb[3] - mb[1]
        if rotation in (90, 270):
            width, height = height, width
        tp = R.FPDFText_LoadPage(page)
        try:
            words = _page_words(tp, xf, rotation, fonts)
        finally:
            R.FPDFText_ClosePage(tp)
        rules: list[Rule] = []
        counter = [0]
        _walk_objects(R.FPDFPage_CountObjects, R.FPDFPage_GetObject, page, None, xf, rules, counter)
        return PageLayout(number=index + 1, width=width, height=height,
                          words=words, rules=rules, n_images=counter[0])
    finally:
        R.FPDF_ClosePage(page)


def load(path, max_pages: int | None = None) -> DocumentLayout:
    """Read the pages of the PDF at ``path`` (all, or the first ``max_pages``)."""
    doc = _open(path)
    try:
        pages = [load_page(doc, i) for i in range(len(doc))[:max_pages]]
        return DocumentLayout(pages=pages, info=_info(doc))
    finally:
        doc.close()
