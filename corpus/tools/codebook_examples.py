"""Add example passages to the codebook YAML, drawn once from the train split of the gold file.

Usage: .venv/bin/python corpus/tools/codebook_examples.py [--per-label 2] [--max-words 45]

For each label without an `examples:` line, inserts one after its `patterns:`
line: the shortest substantive train-split gold passages carrying that label
(fewest other labels first, so the example is about this label). The YAML is
edited line by line so its comments and layout stay as written; once added,
the examples are the researchers' to edit. Only split "train" is read: the
test and real reports must stay unseen by anything the tagger is built from.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "corpus" / "gold.json"
CODEBOOK = ROOT / "src" / "reportmine" / "data" / "codebook.yaml"


def candidates(gold: dict, max_words: int) -> dict[str, list[tuple[int, int, str]]]:
    """Label id -> (other labels, words, text) of short train passages carrying it."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for report in gold["reports"]:
        if report.get("split") != "train":
            continue
        for p in report["passages"]:
            words = len(p["text"].split())
            if not 12 <= words <= max_words or p["text"].rstrip().endswith((":", "?")):
                continue
            for label in p.get("labels") or []:
                out.setdefault(label, []).append((len(p["labels"]) - 1, words, p["text"]))
    return out


def yaml_string(text: str) -> str:
    """A double-quoted YAML scalar."""
    return json.dumps(re.sub(r"\s+", " ", text).strip(), ensure_ascii=False)


def add_examples(lines: list[str], examples: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    label, has_examples = None, set()
    for line in lines:
        m = re.match(r"\s+- id: (\S+)", line)
        label = m.group(1) if m else label
        if re.match(r"\s+examples:", line):
            has_examples.add(label)
    for line in lines:
        m = re.match(r"\s+- id: (\S+)", line)
        label = m.group(1) if m else label
        out.append(line)
        if (re.match(r"(\s+)patterns:", line) and label not in has_examples
                and examples.get(label)):
            indent = re.match(r"(\s+)", line).group(1)
            out.append(f"{indent}examples:\n")
            out += [f"{indent}  - {yaml_string(t)}\n" for t in examples[label]]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-label", type=int, default=2)
    parser.add_argument("--max-words", type=int, default=45)
    args = parser.parse_args()
    found = candidates(json.loads(GOLD.read_text(encoding="utf-8")), args.max_words)
    examples = {label: [t for *_, t in sorted(c)[:args.per_label]] for label, c in found.items()}
    lines = CODEBOOK.read_text(encoding="utf-8").splitlines(keepends=True)
    CODEBOOK.write_text("".join(add_examples(lines, examples)), encoding="utf-8")
    print(f"{CODEBOOK}: examples added to labels that had none "
          f"({len(examples)} labels have train passages to draw from)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
