"""Load the machine-readable codebook (data/codebook.yaml).

The YAML copy exists so label ids, definitions and matching patterns travel
with the code under version control; CODEBOOK.md stays the human contract.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import yaml

from reportmine.errors import ReportmineError

COMPLEXITY_PREFIX = "jtd.complexity."
HOLDING = "jtd.holding_complexity"


EXACT = "="  # "=places" matches that word form only, not every form of its lemma


def is_exact(pattern: str) -> bool:
    """Whether a pattern is marked to match its word form only: the lemma of
    "places" is "place", which also meets "in place", "took place" and
    "children placed" where the codebook means places and spaces."""
    return pattern.startswith(EXACT)


def pattern_text(pattern: str) -> str:
    """A pattern without its exact-form mark."""
    return pattern.removeprefix(EXACT)


@dataclass(frozen=True)
class Label:
    """One codebook label with the phrases that count as keyword evidence and
    example passages (drawn from the train split) for the people editing it."""

    id: str
    name: str
    definition: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    def description_without(self, passages: Collection[str] = ()) -> str:
        """Everything the codebook says the label is about, in its own words,
        less example passages in `passages` (exclusion notes left out: they
        name what it is not)."""
        return " ".join([self.name, self.definition, *self.include,
                         *(pattern_text(p) for p in self.patterns),
                         *(e for e in self.examples if e not in passages)])


@dataclass(frozen=True)
class Codebook:
    """The versioned label set, in codebook order."""

    version: str
    labels: tuple[Label, ...] = field(default_factory=tuple)

    @property
    def ids(self) -> list[str]:
        return [label.id for label in self.labels]

    @cached_property
    def names(self) -> frozenset[str]:
        """Label names in lowercase: a passage that is only one is a title."""
        return frozenset(label.name.lower() for label in self.labels)


REQUIRED = ("id", "name", "definition", "patterns")  # what every label must give


def _default_path() -> Path:
    return Path(str(resources.files("reportmine") / "data" / "codebook.yaml"))


@lru_cache(maxsize=4)
def load_codebook(path: str | None = None) -> Codebook:
    """Read and validate the codebook; cached because every tag call needs it."""
    file = Path(path) if path else _default_path()
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ReportmineError(f"cannot read codebook {file}: {e}") from e
    if not isinstance(raw, dict) or "version" not in raw or not isinstance(raw.get("labels"), list):
        raise ReportmineError(f"codebook {file} needs a 'version' and a list of 'labels'")
    labels = []
    for n, item in enumerate(raw["labels"], start=1):
        missing = [key for key in REQUIRED if not isinstance(item, dict) or not item.get(key)]
        if missing:
            which = item.get("id") if isinstance(item, dict) and item.get("id") else f"number {n}"
            raise ReportmineError(f"codebook {file}: label {which} has no "
                                  f"{', '.join(repr(key) for key in missing)}")
        labels.append(Label(
            id=item["id"], name=item["name"], definition=item["definition"],
            include=tuple(item.get("include") or ()), exclude=tuple(item.get("exclude") or ()),
            patterns=tuple(str(p) for p in item.get("patterns") or ()),
            examples=tuple(str(e) for e in item.get("examples") or ())))
    ids = [label.id for label in labels]
    if len(ids) != len(set(ids)):
        raise ReportmineError(f"codebook {file} repeats a label id")
    return Codebook(version=str(raw["version"]), labels=tuple(labels))


def with_implied(labels: list[str]) -> list[str]:
    """Apply the convention that a jtd.complexity.* domain implies holding complexity."""
    out = list(dict.fromkeys(labels))
    if HOLDING not in out and any(lab.startswith(COMPLEXITY_PREFIX) for lab in out):
        out.append(HOLDING)
    return out
