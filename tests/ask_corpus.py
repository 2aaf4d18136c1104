"""A tiny hand-written corpus for the `ask` tests: four fictional reports
(no wording from the sample corpus) stored straight into a database."""
from __future__ import annotations

import hashlib
from pathlib import Path

from reportmine.model import Metadata, Passage, Report, Section
from reportmine.store import Store

MERGER = "Amberley and Brookfield now run a single joint exploitation panel, merged in May 2022."


def report(name: str, region: str, size: str, methodology: str, delivery: str,
           commenced: str, sections: dict[str, list[str]]) -> Report:
    """A report of one passage list per section, each section on its own page."""
    return Report(
        file_name=f"{name.split()[0].lower()}.pdf",
        sha256=hashlib.sha256(name.encode() + repr(sections).encode()).hexdigest(), n_pages=3,
        metadata=Metadata(partnership=name, region=region, size=size, methodology=methodology,
                          delivery=delivery, commenced=commenced),
        sections=[Section(sid, sid.removeprefix("section.").title(), page,
                          [Passage(text, page) for text in texts])
                  for page, (sid, texts) in enumerate(sections.items(), start=1)])


def one_passage(name: str, section: str, text: str) -> Report:
    """A report of a single passage; the metadata does not matter to the test."""
    return report(name, "South East", "Small", "Peer review", "Mixed", "2021-03", {section: [text]})


AMBERLEY = report(
    "Amberley Safeguarding Children Partnership", "North East", "Regional", "Theory of change",
    "Digital", "2021-05", {
        "section.reasons": ["Amberley wanted a clearer picture of exploitation across the town."],
        "section.key_issues": ["Information sharing with the hospital trust was slow because "
                               "of worries about GDPR and consent."],
        "section.disruption": [MERGER],
        "section.local_reflections": ["Do you have any reflections on the exploitation panel?"],
    })
CORRIE = report(
    "Corrie Vale Safeguarding Partnership", "London", "Small", "Action learning",
    "Face-to-face", "2019-09", {
        "section.approach": ["Young people co-wrote the new exploitation strategy with the "
                             "strategic group over six evening sessions."],
        "section.disruption": ["The partnership replaced its scored vulnerability checklist "
                               "with a structured conversation at referral."],
    })
DUNMORE = report(
    "Dunmore Children's Partnership", "Yorkshire and The Humber", "Standard",
    "Appreciative inquiry", "Mixed", "2022-01", {
        "section.key_issues": ["Staff were exhausted after two years of high caseloads."],
        "section.disruption": ["Group reflective supervision was introduced for the exhausted "
                               "exploitation team.",
                               "Dunmore merged its exploitation panel with the neighbouring "
                               "Eastby panel in March 2023."],
    })
LATER = report(
    "Fenwick Safeguarding Children Partnership", "South West", "Large", "Systems mapping",
    "Digital", "2023-02", {
        "section.disruption": ["Fenwick opened a transitions panel so that support for young "
                               "people continues after their eighteenth birthday."],
    })


def build(path: Path, reports: list[Report] = (AMBERLEY, CORRIE, DUNMORE)) -> Path:
    with Store.open(path) as store:
        for r in reports:
            store.save_report(r)
    return path
