"""The report template: map headings as written to canonical section ids."""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

import yaml

MATCH_THRESHOLD = 0.6
KEYWORD_SCORE = 0.65  # a short heading naming a section's keyword
SHORT_HEADING = 8  # words
STOPWORDS = frozenset(
    "the a an of to and for from in on by with within bsp tce project programme this".split()
)


@dataclass(frozen=True)
class Template:
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    keywords: tuple[tuple[str, tuple[str, ...]], ...]
    subheadings: dict[str, tuple[str, ...]]
    details_labels: dict


@lru_cache(maxsize=1)
def load_template() -> Template:
    data = yaml.safe_load(resources.files("reportmine").joinpath("data/template.yaml").read_text())
    sections = tuple((s["id"], tuple(normalise(h) for h in s["headings"])) for s in data["sections"])
    keywords = tuple((s["id"], tuple(s.get("keywords", ()))) for s in data["sections"])
    subheadings = {s["id"]: tuple(normalise(h) for h in s.get("subheadings", ())) for s in data["sections"]}
    return Template(sections, keywords, subheadings, data["details_labels"])


def is_known_subheading(heading: str, section_id: str) -> bool:
    """Whether the template places this heading inside the given section
    (the Joining the Dots theme names inside that section)."""
    known = load_template().subheadings.get(section_id, ())
    text = normalise(heading)
    return any(similarity(text, k) >= 0.85 for k in known)


def normalise(heading: str) -> str:
    """Lower case, numbering and punctuation removed: the wording alone."""
    text = heading.lower().replace("&", " and ")
    text = re.sub(r"^\s*(?:section\s+)?(?:\d+(?:\.\d+)*|[a-z]|[ivx]+)[.):]\s+", "", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(text.split())


def _tokens(text: str) -> set[str]:
    return {t.rstrip("s") for t in text.split() if t not in STOPWORDS}


def similarity(a: str, b: str) -> float:
    """Blend of character-sequence and content-word overlap, in [0, 1]."""
    ta, tb = _tokens(a), _tokens(b)
    shared = len(ta & tb)
    # Containment only counts when two or more content words are shared.
    overlap = shared / min(len(ta), len(tb)) if shared >= 2 else 0.0
    jaccard = len(ta & tb) / len(ta | tb) if ta and tb else 0.0
    if not shared:
        return 0.0  # no content word in common: never the same heading
    return max(SequenceMatcher(None, a, b).ratio(), (overlap + jaccard) / 2)


def match_section(heading: str) -> tuple[str, float]:
    """The best section id for a heading and its score; section.other below threshold."""
    text = normalise(heading)
    best, score = "section.other", 0.0
    for section_id, variants in load_template().sections:
        for variant in variants:
            s = similarity(text, variant)
            if s > score:
                best, score = section_id, s
    if score < MATCH_THRESHOLD and len(text.split()) <= SHORT_HEADING:
        for section_id, keywords in load_template().keywords:
            if any(re.search(rf"\b{re.escape(k)}", text) for k in keywords):
                return section_id, KEYWORD_SCORE
    if score < MATCH_THRESHOLD:
        return "section.other", score
    return best, score
