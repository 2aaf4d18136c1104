"""Report metadata: the details table's fields, dates and counts normalised."""
from __future__ import annotations

import re
from datetime import date

from ..model import Metadata
from .template import load_template

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


def field_for_label(label: str) -> str | None:
    """The metadata field a details-table row label names, if any."""
    text = " ".join(label.lower().split())
    for field, phrases in load_template().details_labels.items():
        if any(p in text for p in phrases):
            return field
    return None


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def normalise_date(text: str) -> str | None:
    """'October 2020' → '2020-10'; '23.09.21' → '2021-09-23'; '23/5/2022' → '2022-05-23'."""
    t = text.strip().lower().replace(",", " ")
    m = re.search(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})\b", t)
    if m:
        try:
            return date(_year(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        except ValueError:
            return None
    m = re.search(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b", t)
    if m:
        return m.group(0)
    m = re.search(r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]{3,9})\.?\s+(\d{4})\b", t)
    if m and m.group(2) in MONTHS:
        month = MONTHS[m.group(2)]
        if m.group(1):
            try:
                return date(int(m.group(3)), month, int(m.group(1))).isoformat()
            except ValueError:
                return None
        return f"{m.group(3)}-{month:02d}"
    m = re.search(r"\b(\d{1,2})[./](\d{4})\b", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    return None


def count_from_text(text: str) -> int | None:
    """The number a count field opens with: '2' → 2, 'One, although …' → 1."""
    m = re.match(r"\s*(\d+)\b", text)
    if m:
        return int(m.group(1))
    m = re.match(r"\s*([a-z]+)\b", text.lower())
    return NUMBER_WORDS.get(m.group(1)) if m else None


def build_metadata(raw: dict[str, str], signed_date: str | None) -> Metadata:
    meta = Metadata(raw=dict(raw))
    for field in ("partnership", "partner_agencies", "region", "size", "methodology", "delivery"):
        if raw.get(field):
            setattr(meta, field, raw[field])
    if raw.get("la_count"):
        meta.la_count = count_from_text(raw["la_count"])
    if raw.get("commenced"):
        meta.commenced = normalise_date(raw["commenced"]) or raw["commenced"]
    if signed_date:
        meta.raw["report_date"] = signed_date
        meta.report_date = normalise_date(signed_date) or signed_date
    return meta
