"""The codebook's coding conventions as rules: a recognised situation assigns a label bundle.

CODEBOOK.md ("Coding conventions") settles recurring hard cases by situation,
e.g. "a panel merged or run jointly with a neighbouring area" is governance +
partnership working + blurring boundaries. A statistical model trained on a
few hundred passages of one writing style misses such bundles when the
wording changes, so each situation is written here as concepts that must all
occur in one sentence, each concept a list of general phrases matched on
lowercase lemmas (spaCy PhraseMatcher on NORM, as the codebook patterns).
The phrases come from the codebook's wording and everyday vocabulary, never
from the text of evaluated reports.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from reportmine.tagging.keywords import pattern_variants
from reportmine.text import nlp, sentences

GOVERNANCE = "issue.governance_accountability"
PARTNERSHIP = "issue.partnership_working"
BLURRING = "jtd.blurring_boundaries"
PURPOSE = "jtd.complexity.purpose_over_pace"
WORKFORCE = "issue.workforce"
CARE = "jtd.leading_with_care"
VOICE = "issue.voice_of_children"
TRANSITIONS = "issue.transitions"
DATA = "issue.data_intelligence"
SHARING = "issue.information_sharing"
QUESTIONS = "jtd.complexity.data_invites_questions"

_MEETINGS = ["meeting", "panel", "group", "subgroup", "sub-group", "forum", "board", "mace",
             "steering group", "working group"]
_STAFF = ["staff", "practitioner", "worker", "workforce", "team", "colleague", "professional",
          "manager", "social worker", "officer"]
_NON_TRADITIONAL = ["housing", "housing provider", "landlord", "transport", "bus", "taxi",
                    "railway", "rail", "leisure", "leisure centre", "park", "parks", "retail",
                    "shop", "shopping centre", "security guard", "security staff", "security team",
                    "security manager", "security contractor", "hotel",
                    "fast food", "takeaway", "licensing", "licensed premises", "pharmacy",
                    "local business", "local businesses", "business owner", "business owners",
                    "night-time economy", "library", "libraries"]
_DATA = ["data", "figures", "statistics", "dashboard", "performance information", "numbers",
         "information", "intelligence"]


@dataclass(frozen=True)
class Situation:
    """A convention: when every concept occurs in one sentence, assign the labels."""

    name: str
    labels: tuple[str, ...]
    concepts: tuple[tuple[str, ...], ...]


SITUATIONS: tuple[Situation, ...] = (
    Situation("panel merged or joint with a neighbouring area", (GOVERNANCE, PARTNERSHIP, BLURRING), (
        tuple(_MEETINGS),
        ("merge", "merged", "joint", "jointly", "combine", "combined", "single", "shared",
         "amalgamate", "amalgamated", "bring together", "brought together", "run together"),
        ("neighbouring", "neighbour", "neighbouring area", "both areas", "two areas",
         "three areas", "both councils", "both authorities", "cross-border", "across the border",
         "adjoining", "other area", "other authority", "sub-regional", "both local authorities",
         "two local authorities", "two counties", "both counties"))),
    Situation("meetings duplicate each other", (GOVERNANCE,), (
        tuple(_MEETINGS),
        ("duplicate", "duplicated", "duplication", "overlap", "overlapping", "repeat",
         "repeated", "same discussion", "same conversation", "same case", "same cases",
         "same children", "crowded", "too many meetings"))),
    Situation("same people stretched across meetings", (GOVERNANCE, PARTNERSHIP), (
        tuple(_MEETINGS),
        ("same people", "same faces", "same professionals", "same practitioners",
         "same managers", "same staff", "stretched", "attend several", "attend all"))),
    Situation("meetings stood down", (PURPOSE, GOVERNANCE), (
        tuple(_MEETINGS),
        ("stand down", "stood down", "standing down", "disband", "disbanded", "decommission",
         "decommissioned", "fewer meetings", "number of meetings", "rather than add",
         "no new meeting", "fold into", "folded into", "absorbed into"))),
    Situation("duplicated meetings combined", (PURPOSE, GOVERNANCE), (
        tuple(_MEETINGS),
        ("combine", "combined", "merge", "merged", "single", "streamline", "streamlined"),
        ("duplicate", "duplicated", "duplication", "overlap", "overlapping", "same people",
         "same children", "same cases", "same discussion"))),
    Situation("non-traditional partners engaged", (PARTNERSHIP, BLURRING), (
        tuple(_NON_TRADITIONAL),
        ("engage", "engaged", "engagement", "involve", "involved", "work with", "worked with",
         "working with", "join", "joined", "partner", "partners", "brought in", "bring in",
         "attend", "attended", "invite", "invited", "approach", "approached", "reach out",
         "reached out", "recruit", "recruited", "sign up", "signed up"))),
    # the convention is *their staff* trained: young people's "education, training
    # and employment" near housing is not it
    Situation("non-traditional partners trained", (PARTNERSHIP, BLURRING, WORKFORCE), (
        tuple(_NON_TRADITIONAL),
        ("training", "trained", "guidance", "briefing", "briefed", "awareness session",
         "learning session", "awareness raising", "toolkit", "induction"),
        tuple(_STAFF) + ("driver", "drivers", "guard", "guards", "supervisor", "supervisors",
                         "operator", "operators", "employee", "employees"))),
    Situation("transition to adult services", (TRANSITIONS,), (
        ("adult services", "adults' services", "adult social care", "adult safeguarding",
         "adulthood", "turn 18", "turning 18", "age of 18", "over 18", "after 18", "18th birthday",
         "eighteenth birthday", "young adult", "young adults"),
        ("transition", "transitions", "move into", "moving into", "move to", "moving to",
         "hand over", "handover", "handed over", "cliff edge", "continue", "continued",
         "continuity", "beyond", "pass to", "passed to", "transfer", "transferred"))),
    Situation("working across the children's and adults' boundary", (TRANSITIONS, BLURRING), (
        ("adult services", "adults' services", "adult social care", "adult safeguarding",
         "adult team", "adult teams"),
        ("children's services", "children's social care", "children's and adults'",
         "children and adults", "both services", "across", "jointly", "joint", "together",
         "boundary", "boundaries", "between"))),
    Situation("children shaping strategy", (VOICE, CARE), (
        ("young people", "young person", "children and young people", "youth", "young adults"),
        ("co-produce", "co-produced", "co-production", "co-design", "co-designed", "co-write",
         "co-wrote", "co-written", "shape", "shaped", "shaping", "designed with", "written with",
         "written by", "designed by", "helped develop", "helped design", "helped write",
         "help design", "help write", "help develop"),
        ("strategy", "plan", "policy", "priorities", "campaign", "charter", "pledge",
         "principles", "guidance", "leaflet", "film", "approach", "commissioning"))),
    Situation("staff exhaustion or burnout", (WORKFORCE, CARE), (
        tuple(_STAFF),
        ("exhaustion", "exhausted", "burnout", "burn out", "burnt out", "burned out", "tired",
         "fatigue", "overwhelmed", "stress", "stressed", "strain", "emotional toll",
         "emotional impact", "vicarious trauma", "secondary trauma", "wellbeing", "well-being",
         "sickness", "morale"))),
    Situation("reflective supervision", (WORKFORCE, CARE), (
        ("reflective supervision", "group supervision", "clinical supervision",
         "restorative supervision", "case consultation", "debrief", "debriefing"),)),
    # a "reflective session" is as often a partnership's workshop as staff
    # supervision: only staff reflecting together is the convention's case
    Situation("staff reflecting together", (WORKFORCE, CARE), (
        tuple(_STAFF),
        ("reflective practice", "reflective space", "reflective session", "space to reflect",
         "time to reflect"))),
    Situation("strengths-based starting point", (CARE,), (
        ("strengths-based", "strength-based", "strengths based", "strength based",
         "appreciative", "appreciative inquiry", "what is working", "what's working",
         "what works well", "what is going well", "what was going well", "start from strengths",
         "started from strengths", "build on strengths", "built on strengths",
         "strengths first", "assets-based", "asset-based", "asset based"),)),
    Situation("single-agency data not shared", (DATA, SHARING), (
        tuple(_DATA),
        ("single-agency", "single agency", "own agency", "each agency", "own organisation",
         "separately", "silo", "silos", "in pockets", "pocket", "own system", "own systems",
         "separate systems", "not shared", "never shared", "isn't shared", "wasn't shared",
         "weren't shared", "not joined up", "held separately", "kept separately"))),
    # the convention is a contrast: data used to monitor *rather than* to ask,
    # not a passage that merely names both ("to understand the performance data")
    Situation("monitoring rather than asking questions", (DATA, QUESTIONS), (
        tuple(_DATA),
        ("monitor", "monitoring", "performance", "report", "reporting", "reassure",
         "reassurance", "count", "counting", "measure"),
        ("question", "questions", "ask", "asked", "asking", "curious", "curiosity", "why",
         "understand", "explore", "wonder", "interrogate"),
        ("rather than", "instead of", "not", "no", "nobody", "never", "but", "different",
         "whereas", "as opposed to", "more than"))),
)


@dataclass
class ConventionMatcher:
    """Finds the situations of `situations` in texts; one PhraseMatcher for all concepts."""

    situations: tuple[Situation, ...] = SITUATIONS

    def __post_init__(self) -> None:
        self._matcher = PhraseMatcher(nlp().vocab, attr="NORM")
        for s, situation in enumerate(self.situations):
            for c, concept in enumerate(situation.concepts):
                variants = [v for phrase in concept for v in pattern_variants(phrase)]
                self._matcher.add(f"{s}:{c}", list(nlp().pipe(variants)))

    def situations_in(self, doc: Doc, text: str | None = None) -> list[Situation]:
        """Situations whose concepts all occur within one sentence of `doc`
        (`text` is the doc's text where the caller has it: `Doc.text`
        rebuilds it token by token)."""
        ends = _sentence_ends(doc.text if text is None else text)
        found: dict[tuple[int, int], set[int]] = {}
        strings = nlp().vocab.strings
        for match_id, start, _ in self._matcher(doc):
            s, c = (int(x) for x in strings[match_id].split(":"))
            sentence = next(i for i, end in enumerate(ends) if doc[start].idx < end)
            found.setdefault((s, sentence), set()).add(c)
        hit = {s for (s, _), concepts in found.items()
               if len(concepts) == len(self.situations[s].concepts)}
        return [self.situations[s] for s in sorted(hit)]

    def evidence_many(self, texts: Iterable[str], docs: Iterable[Doc]
                      ) -> list[dict[str, list[str]]]:
        """Label id -> ["rule: <situation>", ...] for each text and its doc."""
        out = []
        for text, doc in zip(texts, docs):
            labels: dict[str, list[str]] = {}
            for situation in self.situations_in(doc, text):
                for label in situation.labels:
                    labels.setdefault(label, []).append(f"rule: {situation.name}")
            out.append(labels)
        return out


def _sentence_ends(text: str) -> list[int]:
    """Character offset where each sentence of `text` ends (the last is len(text))."""
    ends, pos = [], 0
    for sentence in sentences(text):
        pos = text.index(sentence, pos) + len(sentence)
        ends.append(pos)
    return ends[:-1] + [len(text) + 1] if ends else [len(text) + 1]


@lru_cache(maxsize=1)
def default_conventions() -> ConventionMatcher:
    return ConventionMatcher()
