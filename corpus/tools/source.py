"""Parser for the corpus source format (see corpus/sources/FORMAT.md).

Shared by render.py and build_gold.py so that the gold passage text is exactly
the text the renderer puts on the page.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

LABEL_RE = re.compile(r"\s*\{\{([^}]*)\}\}\s*$")
FN_REF_RE = re.compile(r"\[\^([^\]]+)\]")
FN_DEF_RE = re.compile(r"^\[\^([^\]]+)\]:\s*(.*)$")
BULLET_RE = re.compile(r"^(\s*)[-*]\s+(.*)$")
NUM_RE = re.compile(r"^(\s*)(\d+|[a-z])[.)]\s+(.*)$")
HEAD_RE = re.compile(r"^(#{1,3})\s+(.*)$")

DEFAULT_DETAILS_LABELS = {
    "title": "Details of Bespoke Support Project (BSP):",
    "partnership": "Partnership name:",
    "partner_agencies": "Core partner agencies involved:",
    "la_count": "Number of local authority areas covered:",
    "region": "Regional area:",
    "size": "BSP project size:",
    "methodology": "BSP methodology/ methodologies",
    "delivery": "Digital / face-to-face / mixed delivery",
    "commenced": "Date BSP commenced:",
}
DETAIL_FIELDS = ["partnership", "partner_agencies", "la_count", "region", "size",
                 "methodology", "delivery", "commenced"]


def split_labels(text: str):
    m = LABEL_RE.search(text)
    if not m:
        return text.strip(), []
    labels = [x.strip() for x in m.group(1).split(",") if x.strip()]
    return text[: m.start()].strip(), labels


def strip_labels_anywhere(text: str) -> str:
    return re.sub(r"\s*\{\{[^}]*\}\}", "", text)


def to_plain(text: str) -> str:
    """Markdown inline -> the text as it appears in the PDF (no marks)."""
    t = strip_labels_anywhere(text)
    t = FN_REF_RE.sub("", t)
    t = re.sub(r"\*\*(.+?)\*\*", r"\1", t)
    t = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", t)
    t = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", t)
    return re.sub(r"\s+", " ", t).strip()


def to_markup(text: str, fn_hook=None) -> str:
    """Markdown inline -> reportlab Paragraph markup."""
    t = strip_labels_anywhere(text)
    t = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
    t = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", t)
    t = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", t)

    def fn(m):
        key = m.group(1)
        if fn_hook:
            fn_hook(key)
        return f"<super>{key}</super>"

    t = FN_REF_RE.sub(fn, t)
    return re.sub(r"\s+", " ", t).strip()


def fn_refs(text: str):
    return FN_REF_RE.findall(strip_labels_anywhere(text))


def parse(path: Path):
    raw = Path(path).read_text(encoding="utf-8")
    if not raw.startswith("---"):
        raise ValueError(f"{path}: no front matter")
    _, fm, body = raw.split("---", 2)
    meta = yaml.safe_load(fm) or {}
    blocks = []  # dicts with kind: h / p / li / table
    footnotes = {}
    order = []
    para: list[str] = []
    lines = body.splitlines()
    i = 0

    def flush():
        if para:
            text, labels = split_labels(" ".join(s.strip() for s in para))
            blocks.append({"kind": "p", "text": text, "labels": labels})
            para.clear()

    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if not s:
            flush(); i += 1; continue
        m = FN_DEF_RE.match(s)
        if m:
            flush()
            footnotes[m.group(1)] = m.group(2).strip(); order.append(m.group(1))
            i += 1; continue
        m = HEAD_RE.match(s)
        if m:
            flush()
            blocks.append({"kind": "h", "level": len(m.group(1)), "text": m.group(2).strip()})
            i += 1; continue
        if s.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                r = lines[i].strip().strip("|")
                cells = [c.strip() for c in r.split("|")]
                if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                    rows.append([split_labels(c) for c in cells])
                i += 1
            blocks.append({"kind": "table", "rows": rows})
            continue
        m = BULLET_RE.match(line) or None
        n = NUM_RE.match(line) if not m else None
        if m or n:
            flush()
            if m:
                indent, marker, text = m.group(1), "-", m.group(2)
            else:
                indent, marker, text = n.group(1), n.group(2) + ".", n.group(3)
            i += 1
            # continuation lines (indented, not a new item)
            while i < len(lines) and lines[i].startswith("  ") and lines[i].strip() \
                    and not BULLET_RE.match(lines[i]) and not NUM_RE.match(lines[i]):
                text += " " + lines[i].strip(); i += 1
            text, labels = split_labels(text)
            blocks.append({"kind": "li", "marker": marker, "level": 1 if len(indent) >= 2 else 0,
                           "text": text, "labels": labels})
            continue
        para.append(s)
        i += 1
    flush()
    return {"meta": meta, "blocks": blocks, "footnotes": footnotes, "fn_order": order,
            "stem": Path(path).stem}


def details_labels(meta):
    d = dict(DEFAULT_DETAILS_LABELS)
    d.update(meta.get("details_labels") or {})
    return d


def sign_off_lines(meta):
    return [f"Date: {meta.get('report_date', '')}", str(meta.get("signed", ""))]


def sources(root: Path, names=None):
    out = []
    for p in sorted((root / "sources").glob("*.md")):
        if p.name == "FORMAT.md":
            continue
        if names and p.stem not in names:
            continue
        out.append(p)
    return out


def real_sources(root: Path):
    """Hand-annotated gold for the real reports: corpus/gold_real/*.md (never rendered)."""
    return sorted(p for p in (root / "gold_real").glob("*.md"))
