"""Exceptions raised by reportmine.

One base class so the CLI can turn every expected failure into a single
"reportmine: error: ..." line, while programming errors still show a traceback.
"""
from __future__ import annotations


class ReportmineError(Exception):
    """An expected failure with a message fit for the user."""


class ParseError(ReportmineError):
    """A file could not be parsed as a learning report; the message is the reason."""
