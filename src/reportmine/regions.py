"""The English regions, and the ways questions, flags and reports write them.

One table serves `ask` (regions named in a question or by `--region`) and
`compare` (`--region`), so "north-east", "North East" and "the North-East
region" all select the same reports.
"""
from __future__ import annotations

import re

# The nine English regions by their lowercase spaced spellings, longest first
# so that "East of England" wins over a shorter name inside it.
REGIONS: dict[str, str] = {
    "yorkshire and the humber": "Yorkshire and The Humber",
    "yorkshire and humber": "Yorkshire and The Humber",
    "east of england": "East of England",
    "east midlands": "East Midlands",
    "west midlands": "West Midlands",
    "north east": "North East",
    "north west": "North West",
    "south east": "South East",
    "south west": "South West",
    "yorkshire": "Yorkshire and The Humber",
    "humber": "Yorkshire and The Humber",
    "london": "London",
}


def spaced(name: str) -> str:
    """A name as lowercase words apart by single spaces ("North-East" -> "north east")."""
    return " ".join(re.split(r"[\s-]+", name.strip().lower()))


def canonical_region(name: str) -> str:
    """The English region a name spells ("north-east" -> "North East"), else the name."""
    return REGIONS.get(spaced(name), name.strip())
