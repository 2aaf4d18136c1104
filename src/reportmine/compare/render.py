"""The comparison as JSON, a Markdown or HTML briefing, or an Excel workbook.

Briefings lead with what recurs across partnerships, then show the charts,
what is distinctive and what transfers; every sentence quoted is verbatim from
a report and followed by its citation (partnership, section heading, page).
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import json
from pathlib import Path
from typing import IO

from reportmine.compare import Comparison, short_name
from reportmine.compare.sentences import Sentence
from reportmine.compare.shared import SharedPoint
from reportmine.errors import ReportmineError
from reportmine.files import atomic_write, write_text
from reportmine.tagging.codebook import load_codebook

FORMATS = ("md", "html", "json", "xlsx")
BRIEFING_POINTS = 12
MATRIX_QUOTES = 1
CITED_HEADING = 60


def render(comparison: Comparison, fmt: str, output: Path | None) -> str | None:
    """Write the comparison to `output`, or return it as text for stdout
    (json and md only: html and xlsx need a file)."""
    if fmt not in FORMATS:
        raise ReportmineError(f"unknown format '{fmt}' (choose from {', '.join(FORMATS)})")
    if fmt in ("html", "xlsx") and output is None:
        raise ReportmineError(f"--format {fmt} needs an output file (-o FILE)")
    try:
        if fmt == "json":
            text = json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False)
        elif fmt == "md":
            text = to_markdown(comparison, output)
        elif fmt == "html":
            text = to_html(comparison)
        else:
            with atomic_write(output, binary=True) as out:
                write_xlsx(comparison, out)
            return None
        if output is None:
            return text
        write_text(output, text)
    except OSError as e:
        raise ReportmineError(f"cannot write {output}: {e}") from e
    return None


# -- charts ---------------------------------------------------------------

def charts(comparison: Comparison) -> dict[str, bytes]:
    """The briefing's charts by file name: label strength and regional prevalence."""
    from reportmine.compare.charts import heatmap_png  # matplotlib: only when drawing

    names = comparison.label_names
    strength = comparison.matrix_frame("score").rename(index=short_name, columns=names)
    prevalence = comparison.region_prevalence().rename(columns=names)
    return {"label_strength.png": heatmap_png(strength, "Theme strength by partnership",
                                              "score"),
            "region_prevalence.png": heatmap_png(
                prevalence, "Theme prevalence by region (share of passages tagged)", "share")}


# -- shared text helpers ----------------------------------------------------

def _scope(comparison: Comparison) -> str:
    regions = sorted({row.region for row in comparison.rows if row.region})
    labels = (f"all {len(comparison.labels)} codebook labels"
              if len(comparison.labels) == len(_all_labels()) else
              ", ".join(comparison.label_names[k] for k in comparison.labels))
    return (f"{len(comparison.rows)} partnership reports across {len(regions)} regions "
            f"({', '.join(regions)}); themes: {labels}. "
            f"Generated {dt.date.today().isoformat()}.")


def _all_labels() -> list[str]:
    return load_codebook().ids


def _cite(q: Sentence, with_partnership: bool = True) -> str:
    where = f"{_clip(q.heading.rstrip(':').strip(), CITED_HEADING)}, p. {q.page}"
    return f"{short_name(q.partnership)}, {where}" if with_partnership else where


def _clip(text: str, width: int) -> str:
    """Long headings shortened at a word for citations (quotes are never shortened)."""
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + "…"


def _briefing_quotes(point: SharedPoint) -> list[Sentence]:
    """A briefing shows each partnership's closest quote; the data keeps up to two."""
    seen: set[str] = set()
    return [q for q in point.quotes if not (q.report_id in seen or seen.add(q.report_id))]


def _label_names(labels: list[str]) -> list[str]:
    names = {label.id: label.name for label in load_codebook().labels}
    return [names.get(k, k) for k in labels]


# -- Markdown -------------------------------------------------------------

def to_markdown(comparison: Comparison, output: Path | None) -> str:
    """The briefing in Markdown; charts are written as PNG files in a folder
    beside `output` (left out when printing to stdout)."""
    lines = ["# Comparative summary: what partnerships learned", "", _scope(comparison), ""]
    lines += ["## Learning shared across partnerships", ""]
    for rank, point in enumerate(comparison.shared[:BRIEFING_POINTS], start=1):
        lines += _md_point(comparison, rank, point)
    if not comparison.shared:
        lines += ["No learning point recurs across these partnerships.", ""]
    if output is not None:
        folder = output.with_name(f"{output.stem}_files")
        folder.mkdir(exist_ok=True)
        lines += ["## Themes at a glance", ""]
        for name, png in charts(comparison).items():
            (folder / name).write_bytes(png)
            lines += [f"![{name[:-4].replace('_', ' ')}]({folder.name}/{name})", ""]
    lines += ["## Framework matrix", "",
              "Score: the tag scores of the passages carrying the theme, summed, as a share "
              "of five passages' worth (1 = a theme the report returns to throughout); "
              "passages: how many passages carry it.", ""]
    for row in comparison.rows:
        lines += [f"### {row.partnership} ({row.region or 'no region'})", ""]
        engaged = [(k, c) for k, c in row.cells.items() if c.passages]
        for label, cell in sorted(engaged, key=lambda kc: -kc[1].score):
            lines.append(f"- **{comparison.label_names[label]}**: score {cell.score:.2f}, "
                         f"{cell.passages} passages")
            for q in cell.quotes[:MATRIX_QUOTES]:
                lines += ["", f"  > {q.text}", f"  > — {_cite(q, False)}", ""]
        if not engaged:
            lines.append("- no passage tagged with these themes")
        lines.append("")
    lines += ["## Distinctive learning", ""]
    for point in comparison.distinctive:
        lines += [f"### {point.partnerships[0]}", ""]
        for q in point.quotes:
            lines += [f"> {q.text}", f"> — {_cite(q, False)}", ""]
    lines += ["## Transferable learning, by theme", ""]
    for label, quotes in comparison.transferable.items():
        lines += [f"### {comparison.label_names[label]}", ""]
        for q in quotes:
            lines += [f"> {q.text}", f"> — {_cite(q)}", ""]
    return "\n".join(lines).rstrip()


def _md_point(comparison: Comparison, rank: int, point: SharedPoint) -> list[str]:
    lines = [f"### {rank}. {point.point}", "",
             f"*{len(point.partnerships)} partnerships: "
             f"{', '.join(short_name(p) for p in point.partnerships)}*"
             + (f" · themes: {'; '.join(_label_names(point.labels[:4]))}" if point.labels
                else ""), ""]
    for q in _briefing_quotes(point):
        lines += [f"> {q.text}", f"> — {_cite(q)}", ""]
    return lines


# -- HTML -----------------------------------------------------------------

_CSS = """
body{font-family:"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2933;max-width:980px;
margin:2rem auto;padding:0 1.5rem;line-height:1.5}
h1{font-size:1.9rem;margin-bottom:.2rem;color:#102a43}
h2{font-size:1.35rem;border-bottom:2px solid #d9e2ec;padding-bottom:.3rem;margin-top:2.5rem;
color:#243b53}
h3{font-size:1.05rem;margin:1.4rem 0 .3rem}
.scope{color:#52606d;font-size:.95rem}
.point{border-left:4px solid #2680c2;background:#f5f9fc;padding:.6rem 1rem;margin:1rem 0;
border-radius:0 6px 6px 0}
.point h3{margin-top:.2rem}
.meta{color:#52606d;font-size:.88rem;margin:.1rem 0 .5rem}
.tag{display:inline-block;background:#dceefb;color:#0b4f8a;border-radius:10px;
padding:0 .55rem;margin:0 .25rem .2rem 0;font-size:.78rem}
blockquote.quote{margin:.45rem 0 .45rem .4rem;padding:0 0 0 .8rem;border-left:2px solid #bcccdc}
blockquote.quote p{margin:0}
.cite{color:#627d98;font-size:.82rem}
img{max-width:100%;height:auto;border:1px solid #e4e7eb;border-radius:4px}
details{margin:.4rem 0;border:1px solid #e4e7eb;border-radius:6px;padding:.4rem .8rem}
summary{cursor:pointer;font-weight:600}
table{border-collapse:collapse;font-size:.86rem;margin:.5rem 0}
td,th{padding:.2rem .6rem;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
.toc{font-size:.9rem}
"""


def to_html(comparison: Comparison) -> str:
    """The briefing as one self-contained HTML page (charts inlined as PNG)."""
    e = html.escape
    images = {name: base64.b64encode(png).decode("ascii")
              for name, png in charts(comparison).items()}
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>Comparative summary: what partnerships learned</title>"
             f"<style>{_CSS}</style></head><body>",
             "<h1>What partnerships learned: a comparative summary</h1>",
             f"<p class='scope'>{e(_scope(comparison))}</p>",
             "<p class='toc'><a href='#shared'>Shared learning</a> · "
             "<a href='#themes'>Themes at a glance</a> · <a href='#matrix'>Framework matrix</a>"
             " · <a href='#distinctive'>Distinctive learning</a> · "
             "<a href='#transferable'>Transferable learning</a></p>",
             "<h2 id='shared'>Learning shared across partnerships</h2>",
             "<p class='meta'>Points that several partnerships make in their own words, "
             "those made by most partnerships and framed as learning first.</p>"]
    for rank, point in enumerate(comparison.shared[:BRIEFING_POINTS], start=1):
        tags = "".join(f"<span class='tag'>{e(n)}</span>"
                       for n in _label_names(point.labels[:4]))
        parts.append(f"<div class='point'><h3>{rank}. {e(point.point)}</h3>"
                     f"<p class='meta'>{len(point.partnerships)} partnerships: "
                     f"{e(', '.join(short_name(p) for p in point.partnerships))}</p>"
                     f"<p>{tags}</p>"
                     + "".join(_html_quote(q, True) for q in _briefing_quotes(point))
                     + "</div>")
    if not comparison.shared:
        parts.append("<p>No learning point recurs across these partnerships.</p>")
    parts += ["<h2 id='themes'>Themes at a glance</h2>",
              f"<img alt='Theme strength by partnership' "
              f"src='data:image/png;base64,{images['label_strength.png']}'>",
              f"<img alt='Theme prevalence by region' "
              f"src='data:image/png;base64,{images['region_prevalence.png']}'>",
              "<h2 id='matrix'>Framework matrix</h2>",
              "<p class='meta'>Score: the tag scores of the passages carrying the theme, summed, "
              "as a share of five passages' worth (1 = a theme the report returns to "
              "throughout); passages: how many passages carry it. Open a partnership for its "
              "representative sentences.</p>"]
    for row in comparison.rows:
        engaged = sorted(((k, c) for k, c in row.cells.items() if c.passages),
                         key=lambda kc: -kc[1].score)
        body = "".join(
            f"<tr><td>{e(comparison.label_names[k])}</td><td>{c.score:.2f}</td>"
            f"<td>{c.passages}</td><td>"
            + "".join(_html_quote(q, False) for q in c.quotes[:MATRIX_QUOTES]) + "</td></tr>"
            for k, c in engaged)
        parts.append(f"<details><summary>{e(row.partnership)} "
                     f"<span class='cite'>({e(row.region or 'no region')}; "
                     f"{len(engaged)} themes)</span></summary><table><tr><th>Theme</th>"
                     f"<th>Score</th><th>Passages</th><th>Representative sentence</th></tr>"
                     f"{body}</table></details>")
    parts.append("<h2 id='distinctive'>Distinctive learning</h2>"
                 "<p class='meta'>Learning-framed sentences no other partnership echoes.</p>")
    for point in comparison.distinctive:
        parts.append(f"<h3>{e(point.partnerships[0])}</h3>"
                     + "".join(_html_quote(q, False) for q in point.quotes))
    parts.append("<h2 id='transferable'>Transferable learning, by theme</h2>"
                 "<p class='meta'>What partnerships say other areas can take from them.</p>")
    for label, quotes in comparison.transferable.items():
        parts.append(f"<h3>{e(comparison.label_names[label])}</h3>"
                     + "".join(_html_quote(q, True) for q in quotes))
    parts.append("</body></html>")
    return "\n".join(parts)


def _html_quote(q: Sentence, with_partnership: bool) -> str:
    return (f"<blockquote class='quote'><p>{html.escape(q.text)}</p>"
            f"<span class='cite'>— {html.escape(_cite(q, with_partnership))}</span></blockquote>")


# -- Excel ----------------------------------------------------------------

def write_xlsx(comparison: Comparison, output: IO[bytes]) -> None:
    """Sheets of numbers (matrix scores, passage counts, region prevalence) and the
    learning points with their cited quotes."""
    import pandas as pd

    cell_quotes = pd.DataFrame(
        [{"partnership": row.partnership, "report_id": row.report_id, "label": label,
          "score": cell.score, "passages": cell.passages, **q.citation()}
         for row in comparison.rows for label, cell in row.cells.items() for q in cell.quotes],
        columns=["partnership", "report_id", "label", "score", "passages", "text", "section",
                 "heading", "page"])
    distinctive = pd.DataFrame(
        [q.cited_quote() for p in comparison.distinctive for q in p.quotes],
        columns=["partnership", "report_id", "text", "section", "heading", "page"])
    transferable = pd.DataFrame(
        [{"label": label, **q.cited_quote()}
         for label, quotes in comparison.transferable.items() for q in quotes],
        columns=["label", "partnership", "report_id", "text", "section", "heading", "page"])
    with pd.ExcelWriter(output, engine="openpyxl") as writer:
        comparison.matrix_frame("score").to_excel(writer, sheet_name="label_strength")
        comparison.matrix_frame("passages").to_excel(writer, sheet_name="passage_counts")
        comparison.region_prevalence().to_excel(writer, sheet_name="region_prevalence")
        comparison.shared_frame().to_excel(writer, sheet_name="shared_learning", index=False)
        distinctive.to_excel(writer, sheet_name="distinctive_learning", index=False)
        transferable.to_excel(writer, sheet_name="transferable_learning", index=False)
        cell_quotes.to_excel(writer, sheet_name="matrix_quotes", index=False)
