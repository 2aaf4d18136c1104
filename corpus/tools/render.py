"""Render corpus/sources/*.md to corpus/NAME.pdf in one of three layouts.

Usage: .venv/bin/python corpus/tools/render.py [NAME ...]

A: A4, Helvetica, coloured heading styles, ruled details table, page-bottom
   footnotes, running header, centred page number.
B: US Letter, Times, headings as bold body-size paragraphs, endnotes under
   "Notes", footer "Page N of M", no running header.
C: A4, Vera TTF, browser-print look (date + title header, URL + N/M footer),
   page-bottom footnotes.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import source as S  # noqa: E402

rl_config.invariant = 1
ROOT = Path(__file__).resolve().parents[1]
RUNNING_HEADER = "Tackling Child Exploitation Support Programme"
TITLE = "Project Learning Report"


def register_vera():
    import reportlab
    fdir = Path(reportlab.__file__).parent / "fonts"
    if "Vera" in pdfmetrics.getRegisteredFontNames():
        return
    for name, f in [("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf"),
                    ("Vera-Italic", "VeraIt.ttf"), ("Vera-BoldItalic", "VeraBI.ttf")]:
        pdfmetrics.registerFont(TTFont(name, str(fdir / f)))
    pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="Vera-Bold",
                                  italic="Vera-Italic", boldItalic="Vera-BoldItalic")


LAYOUTS = {
    "A": dict(page=A4, font="Helvetica", bold="Helvetica-Bold", size=10, lead=13.5,
              margins=(22 * mm, 20 * mm, 24 * mm, 22 * mm), footnotes="page",
              head_color=colors.HexColor("#1F4E79"), sub_color=colors.HexColor("#2E75B6")),
    "B": dict(page=LETTER, font="Times-Roman", bold="Times-Bold", size=11.5, lead=14.5,
              margins=(25 * mm, 25 * mm, 25 * mm, 25 * mm), footnotes="end",
              head_color=colors.black, sub_color=colors.black),
    "C": dict(page=A4, font="Vera", bold="Vera-Bold", size=9, lead=12.5,
              margins=(15 * mm, 15 * mm, 18 * mm, 18 * mm), footnotes="page",
              head_color=colors.black, sub_color=colors.HexColor("#333333")),
}


class FNMark(Flowable):
    """Zero-size flowable recording on which page footnote refs landed."""

    def __init__(self, keys):
        super().__init__()
        self.keys = keys
        self.width = self.height = 0

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        doc = self.canv._doctemplate
        pg = self.canv.getPageNumber()
        for k in self.keys:
            doc.fn_record.setdefault(pg, [])
            if k not in doc.fn_record[pg] and not any(k in v for v in doc.fn_record.values()):
                doc.fn_record[pg].append(k)


class ReportDoc(BaseDocTemplate):
    def __init__(self, buf, L, meta, stem, fn_pages, fn_texts, total, styles):
        self.L = L
        self.meta = meta
        self.stem = stem
        self.fn_pages = fn_pages
        self.fn_texts = fn_texts
        self.fn_record = {}
        self.total = total
        self.st = styles
        pw, ph = L["page"]
        lm, rm, tm, bm = L["margins"]
        super().__init__(buf, pagesize=L["page"], leftMargin=lm, rightMargin=rm, topMargin=tm,
                         bottomMargin=bm, title=f"{TITLE} - {meta.get('partnership', '')}",
                         author="TCE Support Programme (fictional sample)", invariant=1)
        frame = Frame(lm, bm, pw - lm - rm, ph - tm - bm, id="body", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="p", frames=[frame], onPage=self.on_page,
                                            onPageEnd=self.on_page_end)])

    def fn_paras(self, page):
        keys = self.fn_pages.get(page, [])
        paras = [Paragraph(f"<super>{k}</super> {S.to_markup(self.fn_texts[k])}", self.st["fn"])
                 for k in keys]
        w = self.width
        hs = [p.wrap(w, 1000)[1] + 2 for p in paras]
        return paras, hs

    def beforePage(self):
        lm, rm, tm, bm = self.L["margins"]
        pw, ph = self.L["page"]
        zone = 0
        if self.L["footnotes"] == "page":
            _, hs = self.fn_paras(self.page)
            if hs:
                zone = sum(hs) + 10
        self.pageTemplate.frames[0] = Frame(lm, bm + zone, pw - lm - rm, ph - tm - bm - zone,
                                            id="body", leftPadding=0, rightPadding=0,
                                            topPadding=0, bottomPadding=0)

    def on_page(self, canv, doc):
        L = self.L
        pw, ph = L["page"]
        lm, rm, tm, bm = L["margins"]
        n = canv.getPageNumber()
        canv.saveState()
        lay = self.meta.get("layout", "A")
        if lay == "A":
            canv.setFont("Helvetica", 8)
            canv.setFillColor(colors.HexColor("#555555"))
            canv.drawString(lm, ph - 12 * mm, RUNNING_HEADER)
            canv.setStrokeColor(L["head_color"])
            canv.setLineWidth(0.6)
            canv.line(lm, ph - 13.5 * mm, pw - rm, ph - 13.5 * mm)
            canv.setFont("Helvetica", 9)
            canv.drawCentredString(pw / 2, 11 * mm, str(n))
        elif lay == "B":
            canv.setFont("Times-Roman", 10)
            canv.drawCentredString(pw / 2, 12 * mm, f"Page {n} of {self.total or '?'}")
        else:
            canv.setFont("Vera", 7)
            printed = self.meta.get("printed", "14/03/2023, 10:42")
            canv.drawString(8 * mm, ph - 7 * mm, str(printed))
            canv.drawRightString(pw - 8 * mm, ph - 7 * mm,
                                 f"{TITLE} | {self.meta.get('partnership', '')}")
            url = f"https://tce-support.example.org/learning-reports/{self.stem}"
            canv.drawString(8 * mm, 6 * mm, url)
            canv.drawRightString(pw - 8 * mm, 6 * mm, f"{n}/{self.total or '?'}")
        canv.restoreState()

    def on_page_end(self, canv, doc):
        if self.L["footnotes"] != "page":
            return
        paras, hs = self.fn_paras(canv.getPageNumber())
        if not paras:
            return
        lm, rm, tm, bm = self.L["margins"]
        y = bm + sum(hs) + 4
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.line(lm, y + 2, lm + 50 * mm, y + 2)
        canv.restoreState()
        for p, h in zip(paras, hs):
            p.wrap(self.width, 1000)
            y -= h
            p.drawOn(canv, lm, y + 2)


def make_styles(L):
    f, b, sz, ld = L["font"], L["bold"], L["size"], L["lead"]
    st = {}
    st["body"] = ParagraphStyle("body", fontName=f, fontSize=sz, leading=ld, spaceAfter=6)
    st["cell"] = ParagraphStyle("cell", fontName=f, fontSize=sz - 0.5, leading=ld - 1)
    st["cellb"] = ParagraphStyle("cellb", parent=st["cell"], fontName=b)
    st["bullet"] = ParagraphStyle("bullet", parent=st["body"], leftIndent=16, bulletIndent=4,
                                  spaceAfter=3, bulletFontName=f)
    st["bullet2"] = ParagraphStyle("bullet2", parent=st["bullet"], leftIndent=30, bulletIndent=18)
    st["fn"] = ParagraphStyle("fn", fontName=f, fontSize=sz - 2.5, leading=sz - 0.5)
    st["sign"] = ParagraphStyle("sign", parent=st["body"], spaceBefore=4)
    lay = L["name"]
    if lay == "A":
        st["title"] = ParagraphStyle("title", fontName=b, fontSize=20, leading=24,
                                     textColor=L["head_color"], spaceAfter=10)
        st["h1"] = ParagraphStyle("h1", fontName=b, fontSize=13.5, leading=17, spaceBefore=12,
                                  spaceAfter=6, textColor=L["head_color"])
        st["h2"] = ParagraphStyle("h2", fontName=b, fontSize=11.5, leading=14, spaceBefore=8,
                                  spaceAfter=4, textColor=L["sub_color"])
        st["h3"] = ParagraphStyle("h3", parent=st["h2"], fontSize=10.5)
    elif lay == "B":
        st["title"] = ParagraphStyle("title", fontName=b, fontSize=sz, leading=ld,
                                     alignment=1, spaceAfter=10)
        st["h1"] = ParagraphStyle("h1", fontName=b, fontSize=sz, leading=ld, spaceBefore=8,
                                  spaceAfter=4)
        st["h2"] = ParagraphStyle("h2", fontName=b, fontSize=sz, leading=ld, spaceBefore=4,
                                  spaceAfter=3)
        st["h3"] = st["h2"]
    else:
        st["title"] = ParagraphStyle("title", fontName=b, fontSize=16, leading=20, spaceAfter=8)
        st["h1"] = ParagraphStyle("h1", fontName=b, fontSize=11.5, leading=14, spaceBefore=10,
                                  spaceAfter=5)
        st["h2"] = ParagraphStyle("h2", fontName=b, fontSize=10, leading=13, spaceBefore=6,
                                  spaceAfter=3, textColor=L["sub_color"])
        st["h3"] = st["h2"]
    for k in ("h1", "h2", "h3"):
        st[k].keepWithNext = 1
    return st


def grid(data, L, header=True, widths=None):
    t = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    cmds = [("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    if header and L["name"] == "A":
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")))
    elif header and L["name"] == "C":
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")))
    t.setStyle(TableStyle(cmds))
    return t


def build_story(rep, L, st, width, fn_seen):
    meta, blocks = rep["meta"], rep["blocks"]
    story = [Paragraph(TITLE, st["title"])]

    def P(text, style):
        keys = S.fn_refs(text)
        para = Paragraph(S.to_markup(text), style)
        return [para, FNMark(keys)] if keys and L["footnotes"] == "page" else [para]

    dl = S.details_labels(meta)
    rows = [[Paragraph(dl["title"], st["cellb"]), ""]]
    for f in S.DETAIL_FIELDS:
        rows.append([Paragraph(S.to_markup(dl[f]), st["cellb"]),
                     Paragraph(S.to_markup(str(meta.get(f, ""))), st["cell"])])
    i = 0
    extra_marks = []
    if meta.get("reasons_in_table"):
        assert blocks[0]["kind"] == "h"
        label = blocks[0]["text"]
        i = 1
        cell = []
        while i < len(blocks) and not (blocks[i]["kind"] == "h" and blocks[i]["level"] == 1):
            cell.append(Paragraph(S.to_markup(blocks[i]["text"]), st["cell"]))
            if S.fn_refs(blocks[i]["text"]):
                extra_marks.append(FNMark(S.fn_refs(blocks[i]["text"])))
            cell.append(Spacer(1, 3))
            i += 1
        rows.append([Paragraph(S.to_markup(label), st["cellb"]), cell])
    t = Table(rows, colWidths=[width * 0.34, width * 0.66])
    cmds = [("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("SPAN", (0, 0), (1, 0)),
            ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if L["name"] == "A":
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")))
    t.setStyle(TableStyle(cmds))
    story += [t] + (extra_marks if L["footnotes"] == "page" else []) + [Spacer(1, 8)]

    while i < len(blocks):
        b = blocks[i]
        k = b["kind"]
        if k == "h":
            story.append(Paragraph(S.to_markup(b["text"]), st[f"h{b['level']}"]))
        elif k == "p":
            story += P(b["text"], st["body"])
        elif k == "li":
            style = st["bullet2"] if b["level"] else st["bullet"]
            if b["marker"] == "-":
                bt = "\u2013" if b["level"] else "\u2022"
            else:
                bt = b["marker"]
            keys = S.fn_refs(b["text"])
            story.append(Paragraph(S.to_markup(b["text"]), style, bulletText=bt))
            if keys and L["footnotes"] == "page":
                story.append(FNMark(keys))
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if nxt is None or nxt["kind"] != "li":
                story.append(Spacer(1, 5))
        elif k == "table":
            ncol = max(len(r) for r in b["rows"])
            data = []
            keys = []
            for ri, r in enumerate(b["rows"]):
                row = []
                for text, _labels in r:
                    keys += S.fn_refs(text)
                    row.append(Paragraph(S.to_markup(text), st["cellb"] if ri == 0 else st["cell"]))
                row += [""] * (ncol - len(row))
                data.append(row)
            story.append(grid(data, L, header=True, widths=[width / ncol] * ncol))
            if keys and L["footnotes"] == "page":
                story.append(FNMark(keys))
            story.append(Spacer(1, 8))
        i += 1

    story.append(Spacer(1, 10))
    for line in S.sign_off_lines(meta):
        story.append(Paragraph(S.to_markup(line), st["sign"]))
    if L["footnotes"] == "end" and rep["fn_order"]:
        story.append(Spacer(1, 10))
        story.append(Paragraph("Notes", st["h1"]))
        for key in rep["fn_order"]:
            story.append(Paragraph(S.to_markup(rep["footnotes"][key]), st["bullet"],
                                   bulletText=f"{key}."))
    return story


def render(path: Path, out_dir: Path = ROOT, layout: str | None = None):
    """Render one source; `layout` overrides its front matter (tests render variants)."""
    rep = S.parse(path)
    meta = dict(rep["meta"], layout=layout) if layout else rep["meta"]
    lay = str(meta.get("layout", "A"))
    if lay == "C":
        register_vera()
    L = dict(LAYOUTS[lay], name=lay)
    st = make_styles(L)
    fn_pages, total = {}, 0
    data = None
    for _ in range(6):
        buf = io.BytesIO()
        doc = ReportDoc(buf, L, meta, rep["stem"], fn_pages, rep["footnotes"], total, st)
        doc.build(build_story(rep, L, st, doc.width, set()))
        data = buf.getvalue()
        rec = {k: v for k, v in doc.fn_record.items() if v}
        if rec == fn_pages and doc.page == total:
            break
        fn_pages, total = rec, doc.page
    else:
        print(f"warning: {rep['stem']}: footnote layout did not settle", file=sys.stderr)
    out = out_dir / f"{rep['stem']}.pdf"
    out.write_bytes(data)
    return out, total


def main(argv):
    names = set(argv) or None
    paths = S.sources(ROOT, names)
    if names and len(paths) != len(names):
        missing = names - {p.stem for p in paths}
        print(f"error: no source for {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    for p in paths:
        out, n = render(p)
        print(f"{out.relative_to(ROOT.parent)}: {n} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
