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


def read_gold(path: Path) -> dict[str, Any]:
    """The gold file as a dict; an unreadable file is one clear error."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ReportmineError(f"cannot read gold file {path}: {e}") from e


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
    stem_of_file = {_file_name(r): stem(r) for r in gold.get("reports", [])
                    if splits is None or r.get("split") in splits}
    rows = store.conn.execute("SELECT report_id, file_name FROM current_reports")
    return {stem_of_file[name]: rid for rid, name in rows if name in stem_of_file}


def stem(report: dict[str, Any]) -> str:
    """A gold report's file stem, from its file name when not given."""
    return report.get("file_stem") or Path(report["file_name"]).stem


def _file_name(report: dict[str, Any]) -> str:
    return report.get("file_name") or f"{report['file_stem']}.pdf"
