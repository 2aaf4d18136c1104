"""reportmine: turn TCE Project Learning Report PDFs into a corpus you can question.

>>> import reportmine
>>> report = reportmine.parse_pdf("hull-learning-report.pdf")
>>> report.metadata.region
'Yorkshire and The Humber'
"""
from __future__ import annotations

from .model import Footnote, Metadata, Passage, Report, Section
from .parse import parse_pdf

__all__ = ["parse_pdf", "Corpus", "Report", "Section", "Passage", "Footnote", "Metadata"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Corpus pulls in pandas; load it only when asked for.
    if name == "Corpus":
        from .corpus import Corpus
        return Corpus
    raise AttributeError(name)
