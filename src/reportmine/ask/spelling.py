"""British spellings of question words written the American way.

The reports are written in British English, so a question asking about
"organizations", "behavior" or a "center" would find its word in no passage.
`respelt` changes only a word the corpus never uses, and only to a spelling
the corpus does use, before the question's labels and concepts are read.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from reportmine.ask.query import Query

# (American pattern, British replacement), each a regular substitution on a lemma
RULES: tuple[tuple[str, str], ...] = (
    (r"iz", "is"),                                   # organization, prioritize
    (r"yz", "ys"),                                   # analyze
    (r"or(?=(?:al|ite|able|ing|ed|s)?\b)", "our"),   # behavior(al), neighbor, favorite
    (r"(?<=[^aeiou])er\b", "re"),                    # center, fiber
    (r"ense\b", "ence"),                             # defense, license
    (r"og\b", "ogue"),                               # dialog, catalog
    (r"\bprogram\b", "programme"),
    (r"gment\b", "gement"),                          # judgment, acknowledgment
    (r"(?<=[aeiou])l(?=(?:ing|ed|er|or)\b)", "ll"),  # counseling, traveled, counselor
    (r"\bped(?=ia)", "paed"),                        # pediatric
    (r"\baging\b", "ageing"),
    (r"\bgray\b", "grey"),
    (r"\bmom\b", "mum"),
)


def british(term: str) -> list[str]:
    """Spellings the term may have in British English, likeliest first: every
    rule applied at once, then each rule alone (never the term itself)."""
    singles = [re.sub(pattern, repl, term) for pattern, repl in RULES]
    every = term
    for pattern, repl in RULES:
        every = re.sub(pattern, repl, every)
    return [s for s in dict.fromkeys([every, *singles]) if s != term]


def respelt(query: Query, used: Callable[[str], bool]) -> Query:
    """The query with each term the corpus never uses (`used` says) in the
    first British spelling it does use, wherever the term appears."""
    spelling = {term: next((v for v in british(term) if used(v)), term)
                for term in query.terms if not used(term)}
    spelling = {us: uk for us, uk in spelling.items() if us != uk}
    if not spelling:
        return query

    def fix(words: list[str]) -> list[str]:
        return [spelling.get(w, w) for w in words]
    return replace(query, terms=list(dict.fromkeys(fix(query.terms))), lemmas=fix(query.lemmas),
                   alternatives=[[fix(item) for item in group] for group in query.alternatives])
