"""Build corpus/gold.json from corpus/sources/*.md and corpus/sources/crossreport.yaml,
plus the hand-annotated real reports corpus/gold_real/*.md (split "real", test-only;
never rendered: their PDFs live in ../shared/corpus/real/) and
corpus/sources/crossreport-real.yaml (the real reports' quotes for existing shared
learning points / questions, matched by exact "point" / "q" text, and new entries
marked `new: true`).

Usage: .venv/bin/python corpus/tools/build_gold.py [--check-pdf]

Validates: labels are codebook ids; a jtd.complexity.* label implies
jtd.holding_complexity; footnote references and definitions match; every
cross-report quote is a verbatim substring of one of that report's passages.
With --check-pdf, also checks that each passage's text occurs in the text
pdftotext extracts from corpus/NAME.pdf (whitespace-normalised); for the real
reports, from the PDF named in their front matter (../shared/corpus/real/...),
skipped with a note when that file is absent. Real reports must have split
"real"; crossreport-real.yaml quotes are validated like the others.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import source as S  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

CODEBOOK_IDS = {
    "jtd.leading_with_care", "jtd.blurring_boundaries", "jtd.holding_complexity",
    "jtd.complexity.data_invites_questions", "jtd.complexity.purpose_over_pace",
    "jtd.complexity.local_need", "jtd.complexity.protective_factors",
    "issue.information_sharing", "issue.data_intelligence", "issue.governance_accountability",
    "issue.partnership_working", "issue.leadership_culture", "issue.voice_of_children",
    "issue.prevention", "issue.workforce", "issue.contextual_safeguarding",
    "issue.risk_assessment", "issue.transitions", "issue.community_engagement",
    "issue.equality_diversity", "issue.covid_digital", "issue.commissioning_resources",
}
REGIONS = {"North East", "North West", "Yorkshire and The Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West"}

# heading keyword -> section id; first match wins (order matters)
SECTION_KEYWORDS = [
    ("section.details", ["details of bespoke", "details of the bespoke"]),
    ("section.joining_the_dots", ["joining the dots"]),
    ("section.local_reflections", ["immediate reflections", "reflections from the local"]),
    ("section.disruption", ["disrupt"]),
    ("section.transferable_learning", ["transferab", "transfer to other", "learning for other", "lessons for other"]),
    ("section.key_issues", ["key issues", "issues aris", "issues that arose"]),
    ("section.approach", ["approach", "method"]),
    ("section.goal", ["goal"]),
    ("section.reasons", ["reason", "why did", "requesting", "requested", "ask for support",
                         "asked for support"]),
]
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def section_id(heading: str) -> str:
    h = heading.lower()
    for sid, keys in SECTION_KEYWORDS:
        if any(k in h for k in keys):
            return sid
    return "section.other"


def la_int(value):
    if value is None:
        return None
    m = re.match(r"\s*(\d+)\b", str(value))
    if m:
        return int(m.group(1))
    w = re.match(r"\s*([A-Za-z]+)", str(value))
    if w and w.group(1).lower() in NUMBER_WORDS:
        return NUMBER_WORDS[w.group(1).lower()]
    return None


def build_report(path: Path, errors: list, real: bool = False):
    rep = S.parse(path)
    meta = rep["meta"]
    stem = str(meta.get("file_stem") or rep["stem"])
    md = {f: (str(meta[f]) if meta.get(f) is not None else None) for f in S.DETAIL_FIELDS}
    md["la_count_as_written"] = md["la_count"]
    md["la_count"] = la_int(meta.get("la_count"))
    md["report_date"] = str(meta.get("report_date")) if meta.get("report_date") else None
    if md["region"] not in REGIONS:
        errors.append(f"{stem}: region {md['region']!r} is not an English region")
    dl = S.details_labels(meta)
    sections = [{"id": "section.details", "heading": dl["title"]}]
    passages = []
    cur = "section.details"
    sub = None
    refs = []

    def add(text_md, labels, kind):
        text = S.to_plain(text_md)
        if not text:
            return
        refs.extend(S.fn_refs(text_md))
        for lab in labels:
            if lab not in CODEBOOK_IDS:
                errors.append(f"{stem}: unknown label {lab!r} in: {text[:60]}")
        if any(l.startswith("jtd.complexity.") for l in labels) and \
                "jtd.holding_complexity" not in labels:
            errors.append(f"{stem}: jtd.complexity.* without jtd.holding_complexity: {text[:60]}")
        passages.append({"section": cur, "subheading": sub, "kind": kind, "text": text,
                         "labels": sorted(set(labels))})

    for b in rep["blocks"]:
        if b["kind"] == "h":
            heading = S.to_plain(b["text"])
            if b["level"] == 1:
                cur = section_id(heading)
                sub = None
                sections.append({"id": cur, "heading": heading})
            else:
                sub = heading
        elif b["kind"] == "p":
            add(b["text"], b["labels"], "paragraph")
        elif b["kind"] == "li":
            add(b["text"], b["labels"], "list_item")
        elif b["kind"] == "table":
            for ri, row in enumerate(b["rows"]):
                for text, labels in row:
                    if ri == 0 and labels:
                        errors.append(f"{stem}: table header cell with labels: {text[:40]}")
                    add(text, labels, "table_header" if ri == 0 else "table_cell")
    sign = S.sign_off_lines(meta)
    sections.append({"id": "section.sign_off", "heading": sign[0]})
    # footnotes
    defined = rep["fn_order"]
    for r in refs:
        if r not in rep["footnotes"]:
            errors.append(f"{stem}: footnote [^{r}] referenced but not defined")
    for d in defined:
        if d not in refs:
            errors.append(f"{stem}: footnote [^{d}] defined but never referenced")
    if not (2 <= len(defined) <= 5):
        errors.append(f"{stem}: {len(defined)} footnotes (want 2-5)")
    if real and meta.get("split") != "real":
        errors.append(f"{stem}: split must be real for corpus/gold_real/ reports")
    if not real and meta.get("split") not in ("train", "test"):
        errors.append(f"{stem}: split must be train or test")
    out = {
        "file_stem": stem,
        "file_name": f"{stem}.pdf",
        "split": meta.get("split"),
        "layout": meta.get("layout"),
        "metadata": md,
        "sections": sections,
        "passages": passages,
        "footnotes": [S.to_plain(rep["footnotes"][k]) for k in defined],
    }
    if real:
        # where the PDF lives (relative to the project root); not part of gold.json
        out["_pdf"] = (ROOT.parent / str(meta.get("pdf") or
                       f"../shared/corpus/real/{stem}.pdf")).resolve()
    return out


def merge_real(xr: dict, xr_real: dict, errors: list):
    """Merge crossreport-real.yaml into crossreport.yaml's lists (in place).

    An entry whose "point" / "q" text equals an existing entry's adds its
    partnerships and quotes to it; an entry marked `new: true` is appended;
    anything else is an error (a mistyped point would otherwise be a silent
    duplicate)."""
    counts = {}
    for key, field in (("shared_learning", "point"), ("questions", "q")):
        base = xr.setdefault(key, []) or []
        xr[key] = base
        index = {it.get(field): it for it in base}
        added = new = 0
        for it in xr_real.get(key) or []:
            text = it.get(field)
            if it.get("new"):
                if text in index:
                    errors.append(f"crossreport-real {key}: {text!r} marked new but exists")
                    continue
                entry = {k: v for k, v in it.items() if k != "new"}
                base.append(entry); index[text] = entry; new += 1
                continue
            target = index.get(text)
            if target is None:
                errors.append(f"crossreport-real {key}: no entry with {field} {text!r} "
                              f"in crossreport.yaml (mark it `new: true` if it is new)")
                continue
            parts = target.setdefault("partnerships", [])
            for p in it.get("partnerships") or []:
                if p not in parts:
                    parts.append(p)
            target.setdefault("quotes", []).extend(it.get("quotes") or [])
            added += 1
        counts[key] = (added, new)
    return counts


def check_quotes(items, by_stem, names_by_stem, errors, what):
    for it in items:
        parts = set(it.get("partnerships") or [])
        for q in it.get("quotes") or []:
            stem, text = q.get("file_stem"), q.get("text", "")
            rep = by_stem.get(stem)
            if rep is None:
                errors.append(f"{what} {it.get('point') or it.get('q')!r}: unknown report {stem}")
                continue
            if not any(text in p["text"] for p in rep["passages"]):
                errors.append(f"{what}: quote not found in {stem}: {text!r}")
            if names_by_stem[stem] not in parts:
                errors.append(f"{what}: {stem}'s partnership not listed in partnerships")
        for p in parts:
            if p not in names_by_stem.values():
                errors.append(f"{what}: unknown partnership {p!r}")


def pdf_check(rep, errors):
    pdf = rep.get("_pdf") or ROOT / rep["file_name"]
    if not pdf.exists():
        if rep.get("split") == "real":
            print(f"note: {rep['file_stem']}: {pdf} absent, real PDF not checked",
                  file=sys.stderr)
        else:
            errors.append(f"{rep['file_stem']}: {pdf.name} missing (run render.py)")
        return
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    # drop running headers / footers, then footnote text, so that passages that
    # cross a page break read continuously
    furniture = re.compile(r"^(Tackling Child Exploitation Support Programme|\d+|Page \d+ of \d+|"
                           r"\d+/\d+|https?://\S+|\d\d/\d\d/\d{4}, \d\d:\d\d|"
                           r"Project Learning Report \|.*)$")
    lines = [l for l in out.splitlines() if not furniture.match(l.strip())]
    norm = re.sub(r"\s+", "", "\n".join(lines))
    for i, f in enumerate(rep["footnotes"], 1):
        f_norm = re.sub(r"\s+", "", f)
        if f_norm not in norm:  # a URL on a line of its own was dropped as furniture
            f_norm = re.sub(r"\s+", "", re.sub(r"https?://\S+", "", f))
        norm = norm.replace(f_norm, "", 1)
    # footnote reference marks are in the PDF text but not in the passage text;
    # pdftotext joins words hyphenated at a line end ("decision-\nmaking" ->
    # "decisionmaking"), so hyphens are ignored on both sides
    norm = re.sub(r"[\d\-]", "", norm)
    for p in rep["passages"]:
        if re.sub(r"[\s\d\-]+", "", p["text"]) not in norm:
            errors.append(f"{rep['file_stem']}: passage not found verbatim in PDF: "
                          f"{p['text'][:70]!r}")


def main(argv):
    errors: list[str] = []
    reports = [build_report(p, errors) for p in S.sources(ROOT)]
    reports += [build_report(p, errors, real=True) for p in S.real_sources(ROOT)]
    by_stem = {r["file_stem"]: r for r in reports}
    names_by_stem = {r["file_stem"]: r["metadata"]["partnership"] for r in reports}
    xr_path = ROOT / "sources" / "crossreport.yaml"
    xr = yaml.safe_load(xr_path.read_text(encoding="utf-8")) if xr_path.exists() else {}
    xr_real_path = ROOT / "sources" / "crossreport-real.yaml"
    if xr_real_path.exists():
        merge_real(xr, yaml.safe_load(xr_real_path.read_text(encoding="utf-8")) or {}, errors)
    shared = xr.get("shared_learning") or []
    questions = xr.get("questions") or []
    check_quotes(shared, by_stem, names_by_stem, errors, "shared_learning")
    check_quotes(questions, by_stem, names_by_stem, errors, "questions")
    if "--check-pdf" in argv:
        for r in reports:
            pdf_check(r, errors)
    if errors:
        for e in errors:
            print("error:", e, file=sys.stderr)
        return 1
    for r in reports:
        r.pop("_pdf", None)
    gold = {"version": 1,
            "note": "Fictional sample corpus plus hand-annotated gold for the two real "
                    "reports (split real, test-only); see corpus/README.md",
            "reports": reports, "shared_learning": shared, "questions": questions}
    (ROOT / "gold.json").write_text(json.dumps(gold, indent=2, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    n_pass = sum(len(r["passages"]) for r in reports)
    n_real = sum(r["split"] == "real" for r in reports)
    print(f"corpus/gold.json: {len(reports)} reports ({n_real} real), {n_pass} passages, "
          f"{len(shared)} shared learning points, {len(questions)} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
