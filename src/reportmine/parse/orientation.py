"""Turn pages whose text runs vertically (a /Rotate'd or landscape-scanned page)
so that lines run left to right, as every later step expects."""
from __future__ import annotations

from dataclasses import replace

from ..layout.model import PageLayout, Rule, Word


def _flows_down(words: list[Word]) -> bool:
    """Whether vertical text reads top to bottom (90°) rather than bottom to top (270°)."""
    votes = 0
    for a, b in zip(words, words[1:]):
        if abs(a.x0 - b.x0) < 1:
            votes += 1 if b.top > a.top else -1
    return votes >= 0


def upright(page: PageLayout) -> PageLayout:
    """The page with vertical text turned horizontal; other pages unchanged."""
    if not page.words or sum(not w.upright for w in page.words) * 2 <= len(page.words):
        return page
    width = max(w.x1 for w in page.words) + min(w.x0 for w in page.words)
    height = max(w.bottom for w in page.words) + min(w.top for w in page.words)
    down = _flows_down(page.words)

    def turn(x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float]:
        if down:
            return top, width - x1, bottom, width - x0
        return height - bottom, x0, height - top, x1

    words = []
    for w in page.words:
        x0, top, x1, bottom = turn(w.x0, w.top, w.x1, w.bottom)
        words.append(replace(w, x0=x0, top=top, x1=x1, bottom=bottom, upright=True))
    rules = [Rule(*turn(r.x0, r.top, r.x1, r.bottom)) for r in page.rules]
    return replace(page, width=height, height=width, words=words, rules=rules)
