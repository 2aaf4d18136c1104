"""The annotated set (corpus/gold.json) read against a database.

The tagging, ask and compare evaluators all compare gold text with stored
text and need the stored report of each gold report; they share these.
"""
from __future__ import annotations

import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from reportmine.errors import ReportmineError
from reportmine.store import Store


# What the evaluators and `train` read of a gold file (corpus/README.md
# describes the whole file). A key ending in "?" may be absent or null; "a|b"
# means either key will do. Other keys are allowed and ignored.
_QUOTE = {"file_stem": str, "text": str}
_PASSAGE = {"text": str, "labels?": [str], "section?": str, "subheading?": str, "kind?": str}
_REPORT = {"file_name|file_stem": str, "split?": str, "metadata?": dict, "passages?": [_PASSAGE]}
PARTS: dict[str, list[Any]] = {
    "reports": [_REPORT],
    "questions": [{"q": str, "partnerships": [str], "quotes?": [_QUOTE], "filters?": dict,
                   "paraphrases?": [str]}],
    "shared_learning": [{"point": str, "quotes": [_QUOTE]}],
}


def read_gold(path: Path, needs: tuple[str, ...] = ("reports",)) -> dict[str, Any]:
    """The gold file as a dict, with the parts in `needs` present and every
    part shaped as `PARTS` says, so a malformed file is one clear error
    naming the bad entry instead of a failure halfway through an evaluation."""
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReportmineError(f"cannot read gold file {path}: {e}") from e
    if not isinstance(gold, dict):
        raise ReportmineError(f"gold file {path} is not a JSON object")
    for part in needs:
        if part not in gold:
            raise ReportmineError(f"gold file {path} has no '{part}' list")
    for part, spec in PARTS.items():
        problem = _problem(gold.get(part, []), spec, part)
        if problem:
            raise ReportmineError(f"gold file {path}: {problem}")
    return gold


def _problem(value: Any, spec: Any, where: str) -> str | None:
    """What is wrong with `value` against `spec` (a type of `_NAMES`, [item
    spec] or {key: spec}), first problem only, or None."""
    if isinstance(spec, list):
        if not isinstance(value, list):
            return f"{where} should be a list"
        return next((p for i, item in enumerate(value)
                     if (p := _problem(item, spec[0], f"{where}[{i}]"))), None)
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return f"{where} should be an object"
        for key, item_spec in spec.items():
            names = key.rstrip("?").split("|")
            present = [n for n in names if value.get(n) is not None]
            if not present and not key.endswith("?"):
                return f"{where} has no " + " or ".join(f"'{n}'" for n in names)
            problem = next((p for n in present
                            if (p := _problem(value[n], item_spec, f"{where}.{n}"))), None)
            if problem:
                return problem
        return None
    if not isinstance(value, spec):
        return f"{where} should be {_NAMES[spec]}, not {json.dumps(value)[:40]}"
    return None


_NAMES = {str: "a string", dict: "an object"}


def words(text: str) -> list[str]:
    """Lowercase alphanumeric words: survives quote, dash and spacing changes."""
    return re.findall(r"[a-z0-9]+", text.lower())


def squash(text: str) -> str:
    """Lowercase alphanumerics only, run together: text compared this way
    survives quote, dash, spacing and line-break changes."""
    return "".join(words(text))


def stored_reports(store: Store, gold: dict[str, Any],
                   splits: Collection[str] | None = None) -> dict[str, str]:
    """file_stem -> report_id of the gold reports (of `splits`, or all) that the
    database holds as current reports, matched by file name (a gold report may
    give only its file name or only its stem, `NAME.pdf` being implied)."""
    stem_of_file = {file_name(r): stem(r) for r in gold.get("reports", [])
                    if splits is None or r.get("split") in splits}
    rows = store.conn.execute("SELECT report_id, file_name FROM current_reports")
    return {stem_of_file[name]: rid for rid, name in rows if name in stem_of_file}


def stem(report: dict[str, Any]) -> str:
    """A gold report's file stem, from its file name when not given."""
    return report.get("file_stem") or Path(report["file_name"]).stem


def file_name(report: dict[str, Any]) -> str:
    """A gold report's file name, `STEM.pdf` when only its stem is given."""
    return report.get("file_name") or f"{report['file_stem']}.pdf"
