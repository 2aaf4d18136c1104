"""Parsing speed, ms per page, for the layout backends and full parsing.

    .venv/bin/python benchmarks/parse.py [PDF ...]

Without arguments: the real learning reports and the external PDFs under
../shared/corpus.  Columns (ms per page over all files):

  pdfium-bare      pypdfium2 PdfPage.get_textpage().get_text_range()
  plumber-bare     pdfplumber, every page's .chars
  layout:pdfium    reportmine.layout.load_layout(path, "pdfium")
  layout:plumber   reportmine.layout.load_layout(path, "pdfplumber")
  parse:<backend>  reportmine.parse_pdf(path, backend=...) if importable

and each figure's ratio to pdfium-bare.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pdfplumber  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from reportmine.layout import load_layout  # noqa: E402

try:
    from reportmine import parse_pdf  # noqa: E402
except Exception:  # another engineer is writing it
    try:
        from reportmine.parse import parse_pdf  # noqa: E402
    except Exception:
        parse_pdf = None

SHARED = ROOT.parent / "shared" / "corpus"


def pdfium_bare(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    try:
        for page in doc:
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        return len(doc)
    finally:
        doc.close()


def plumber_bare(path: Path) -> int:
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.chars
            page.flush_cache()
        return len(pdf.pages)


def main(argv: list[str]) -> int:
    if argv:
        files = [Path(a) for a in argv]
    else:
        files = sorted((SHARED / "real").glob("*.pdf")) + sorted((SHARED / "external").glob("*.pdf"))
    if not files:
        print(f"no PDFs given and none found under {SHARED}", file=sys.stderr)
        return 1
    pages = {f: len(pdfium.PdfDocument(str(f))) for f in files}
    total_pages = sum(pages.values())

    tasks = [
        ("pdfium-bare", pdfium_bare),
        ("plumber-bare", plumber_bare),
        ("layout:pdfium", lambda p: load_layout(p, "pdfium")),
        ("layout:plumber", lambda p: load_layout(p, "pdfplumber")),
    ]
    if parse_pdf is not None:
        tasks += [
            ("parse:pdfium", lambda p: parse_pdf(p, backend="pdfium")),
            ("parse:plumber", lambda p: parse_pdf(p, backend="pdfplumber")),
        ]
    else:
        print("(reportmine.parse_pdf not importable: full-parse rows skipped)")

    per_file: dict[str, dict[Path, float]] = {}
    for name, fn in tasks:
        per_file[name] = {}
        for f in files:
            t0 = time.perf_counter()
            try:
                fn(f)
            except Exception as exc:  # keep benchmarking the others
                print(f"  {name} failed on {f.name}: {type(exc).__name__}: {exc}")
                per_file[name][f] = float("nan")
                continue
            per_file[name][f] = time.perf_counter() - t0

    names = [n for n, _ in tasks]
    w = max(len(f.name) for f in files)
    w = min(w, 48)
    print(f"{'ms/page':<{w}} {'pages':>5} " + " ".join(f"{n:>14}" for n in names))
    for f in files:
        row = " ".join(f"{per_file[n][f] / pages[f] * 1000:14.1f}" for n in names)
        print(f"{f.name[:w]:<{w}} {pages[f]:5d} {row}")
    totals = {n: sum(per_file[n].values()) / total_pages * 1000 for n in names}
    print(f"{'ALL':<{w}} {total_pages:5d} " + " ".join(f"{totals[n]:14.1f}" for n in names))
    base = totals["pdfium-bare"]
    print(f"{'ratio vs pdfium-bare':<{w}} {'':5} " + " ".join(f"{totals[n] / base:13.1f}x" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
