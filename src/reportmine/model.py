"""Data objects for parsed reports: Report, Section, Passage, Footnote.

Plain dataclasses so that parsing, storage, tagging and export share one
vocabulary and each step can be tested without the others.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

METADATA_FIELDS = (
    "partnership", "partner_agencies", "la_count", "region", "size",
    "methodology", "delivery", "commenced", "report_date",
)


@dataclass
class Footnote:
    """A page-bottom note or endnote, kept apart from body text."""

    mark: str
    text: str
    page: int


@dataclass
class Passage:
    """A paragraph, bullet item or table cell, with the page it starts on."""

    text: str
    page: int
    kind: str = "paragraph"  # paragraph | bullet | cell
    subheading: str | None = None
    footnotes: list[str] = field(default_factory=list)  # footnote marks
    row: int | None = None  # table cells only
    column: str | None = None  # table cells only: the column header
    labels: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


@dataclass
class Section:
    id: str  # a section.* id from the codebook
    heading: str  # as written
    page: int
    passages: list[Passage] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)


@dataclass
class Metadata:
    """Details-table fields; `raw` keeps every value as written."""

    partnership: str | None = None
    partner_agencies: str | None = None
    la_count: int | None = None
    region: str | None = None
    size: str | None = None
    methodology: str | None = None
    delivery: str | None = None
    commenced: str | None = None
    report_date: str | None = None
    raw: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    file_name: str
    sha256: str
    n_pages: int
    metadata: Metadata = field(default_factory=Metadata)
    sections: list[Section] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    title: str | None = None

    @property
    def report_id(self) -> str:
        return self.sha256[:16]

    def passages(self):
        """Every passage with its section, in reading order."""
        for section in self.sections:
            for passage in section.passages:
                yield section, passage

    def to_dict(self) -> dict:
        return asdict(self)
