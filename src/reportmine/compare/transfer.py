"""Transferable learning: what partnerships say other areas can take from them.

Read from the template's transferable-learning section, label by label, so a
programme lead looking at one theme sees each partnership's advice on it.
"""
from __future__ import annotations

from collections.abc import Sequence

from reportmine.compare.sentences import Sentence, is_statement

TRANSFER_SECTION = "section.transferable_learning"
QUOTES_PER_PARTNERSHIP = 2


def transferable_learning(sentences: Sequence[Sentence],
                          labels: Sequence[str]) -> dict[str, list[Sentence]]:
    """For each label, the transferable-learning sentences tagged with it (at most
    two per partnership, strongest first); labels nobody speaks to are left out."""
    out: dict[str, list[Sentence]] = {}
    candidates = [s for s in sentences if s.section == TRANSFER_SECTION and is_statement(s)]
    for label in labels:
        tagged = sorted((s for s in candidates if label in s.labels),
                        key=lambda s: -s.scores.get(label, 0.0))
        per_partnership: dict[str, int] = {}
        chosen = []
        for s in tagged:
            if per_partnership.get(s.partnership, 0) < QUOTES_PER_PARTNERSHIP:
                per_partnership[s.partnership] = per_partnership.get(s.partnership, 0) + 1
                chosen.append(s)
        if chosen:
            out[label] = sorted(chosen, key=lambda s: (s.partnership, s.passage_id))
    return out
