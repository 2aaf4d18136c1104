"""Acronyms and the words they stand for, each meeting the other.

Reports write "VRU" in one place and "violence reduction unit" in another, and
partnerships differ in which they use, so a question using either would miss
the reports using the other. The glossary (data/acronyms.yaml) pairs them. A
question's acronym (as the glossary writes it: SEND, not "send") is read as
its words, and each of those words, like each of a run of them the question
holds, is also met by the acronym. An acronym is one word of the question, so
its words count as one concept (`Query.units`), not several: a passage saying
"VRU" meets all of it, one saying "violence" only that word's share. Words
written out stay a concept each, as any phrase's words do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

import yaml

from reportmine.ask.query import Query, content_words
from reportmine.errors import ReportmineError


@dataclass(frozen=True)
class Acronym:
    written: str            # as a question must write it ("VRU", "DfE")
    short: str              # its lemma in the index ("vru")
    words: tuple[str, ...]  # the content lemmas of what it stands for


@lru_cache(maxsize=1)
def glossary() -> tuple[Acronym, ...]:
    """The acronyms of data/acronyms.yaml."""
    path = resources.files("reportmine") / "data" / "acronyms.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ReportmineError(f"cannot read the acronym glossary {path}: {e}") from e
    return tuple(Acronym(str(written), str(written).lower(), tuple(content_words(str(words))))
                 for written, words in raw.items())


def with_acronyms(query: Query, acronyms: tuple[Acronym, ...] | None = None) -> Query:
    """The query with each acronym it writes replaced by its words, and those
    words, like each run of an acronym's words it holds, also met by the acronym."""
    terms, extra = list(query.terms), {k: list(v) for k, v in query.extra_forms.items()}
    groups, units = query.alternatives, list(query.units)
    content = set(query.terms)
    order = [w for w in query.lemmas if w in content]  # content words in order
    for acronym in glossary() if acronyms is None else acronyms:
        if not acronym.words:
            continue
        written = re.search(rf"\b{re.escape(acronym.written)}s?\b", query.question)
        forms = (acronym.short, acronym.short + "s")  # "VRUs" too
        short = [t for t in forms if t in terms]
        if written and short:
            at = terms.index(short[0])
            own = tuple(w for w in acronym.words if w not in terms)  # not "data" of "GDPR data"
            terms[at:at] = own
            terms = [t for t in terms if t not in short]
            groups = [[[v for w in item for v in (acronym.words if w in short else [w])]
                       for item in group] for group in groups]  # "the VRU or the police"
            if len(own) > 1:  # one word of the question: one concept
                units.append(own)
        elif not _holds_run(order, acronym.words):
            continue
        for word in acronym.words:
            extra.setdefault(word, [])
            extra[word] += [f for f in forms if f not in extra[word]]
    if terms == query.terms and extra == query.extra_forms:
        return query
    return replace(query, terms=terms, alternatives=groups, units=units,
                   extra_forms={k: tuple(v) for k, v in extra.items()})


def _holds_run(words: list[str], run: tuple[str, ...]) -> bool:
    return any(tuple(words[i:i + len(run)]) == run for i in range(len(words) - len(run) + 1))
