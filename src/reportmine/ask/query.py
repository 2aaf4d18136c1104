"""Turn a question into search terms and metadata filters.

Metadata written into the question ("in the North East", "regional
projects", "using theory of change", "since 2021", a partnership's name)
becomes a filter and leaves the search terms; flags given on the command
line take precedence over what the question says. Everything else is reduced
to lowercase lemmas, minus function words and the words every cross-area
question uses ("which areas", "what did partnerships learn").
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reportmine.ask.index import tokens
from reportmine.regions import REGIONS, spaced
from reportmine.text import normalise

SIZES = ("small", "standard", "large", "regional")
METHODOLOGIES = ("theory of change", "appreciative inquiry", "action learning", "systems mapping",
                 "systems leadership", "peer review", "co-production")
# other spellings of a methodology, as the methodology they name
METHOD_SPELLINGS = {"appreciative enquiry": "appreciative inquiry", "coproduction": "co-production",
                    "co production": "co-production"}
_METHODS = "|".join(map(re.escape, (*METHODOLOGIES, *METHOD_SPELLINGS)))

_PROJECT = r"(?:bsps?|projects?|support projects?|partnerships?)"
_SIZE = re.compile(rf"\b({'|'.join(SIZES)})\s+(?:sized?\s+)?{_PROJECT}\b", re.I)
_METHOD = re.compile(
    rf"\b(?:using|used|uses|with|via|through|adopting|adopted|following|followed)\s+(?:an?\s+|the\s+)?"
    rf"({_METHODS})\b"
    rf"|\b({_METHODS})\s+(?:methodology|method|approach|{_PROJECT})\b",
    re.I)
# how a delivery mode is said, as lemma phrases ("face-to-face" is "face to face")
DELIVERY_PHRASES = {"digital": ("online", "digital", "digitally", "virtual", "virtually"),
                    "face-to-face": ("face to face", "in person")}
DELIVERY_PHRASES["mixed"] = DELIVERY_PHRASES["digital"] + DELIVERY_PHRASES["face-to-face"]
_DELIVERY = re.compile(
    rf"\bdelivered\s+(digitally|online|virtually|face[- ]to[- ]face|in[- ]person)\b"
    rf"|\b(digital|online|virtual|face-to-face|in-person|mixed)\s+(?:delivery\s+)?{_PROJECT}\b"
    rf"|\b(mixed)\s+delivery\b", re.I)
_SINCE = re.compile(r"\b(since|from|after)\s+((?:19|20)\d\d)\b", re.I)
# a question opening with a request ("List the small projects ...", "Show me ...",
# "Find evidence of ...") asks for what follows; the request is not its topic
_REQUEST = re.compile(r"^\W*(?:please\s+)?(?:list|show|give|name|identify|find)\b(?:\s+me\b)?"
                      r"(?:\s+(?:any\s+|some\s+)?(?:evidence|examples?|instances?)"
                      r"\s+(?:of|that)\b)?", re.I)
# "I'm interested in ...", "I'd like to know ...": the asker, not the topic
_ASKER = re.compile(r"\bI(?:['’]m|\s+am)\s+(?:interested\s+in|looking\s+for)\b"
                    r"|\bI(?:['’]d|\s+would)?\s+(?:like|want|wish)\s+to\s+"
                    r"(?:know|find\s+out|see|understand|learn)(?:\s+about)?\b", re.I)
# "Is there evidence that ...", "Are there any examples of ..." ask for what follows
_IS_THERE = re.compile(r"^\W*(?:is|are)\s+there\s+(?:any\s+|some\s+)?"
                       r"(?:evidence|examples?|instances?)\s+(?:of|that|where)\b", re.I)
# "What role did the police play ...": the role played is the frame, the player the topic
_ROLE_PLAYED = re.compile(r"\b(what|which)\s+(?:roles?|parts?)\b(.*?)\bplay(?:s|ed|ing)?\b", re.I)
# "What was the impact of X", "What impact did X have": X is the topic
_IMPACT_OF = re.compile(r"\b(what|how\s+much)\s+(?:(?:was|were|is|are|has\s+been)\s+)?(?:the\s+)?"
                        r"(?:impacts?|influence)\s+(?=of\b|did\b|has\b|have\b|had\b)", re.I)
# "Which local authorities ..." asks for areas, like "Which areas ...": not a topic
_WHICH_AREAS = re.compile(r"\b(which|what)\s+(?:local\s+authorit(?:y|ies)|councils?|lscps?)\b",
                          re.I)
# "exploitation tied to the local economy": the relation joins two topics; it is not one
_RELATED = re.compile(r"\b(?:tied|linked|related|connected|associated)\s+(?=to\b|with\b)", re.I)
# the frame's patterns, each with what of its match stays in the question
_FRAMES = ((_REQUEST, " "), (_IS_THERE, " "), (_ASKER, " "), (_ROLE_PLAYED, r"\1\2"),
           (_IMPACT_OF, r"\1 "), (_WHICH_AREAS, r"\1"), (_RELATED, " "))
# a region as written: any case, words apart by spaces or hyphens ("north-east")
_REGION = re.compile(r"\b(?:the\s+)?("
                     + "|".join(re.escape(name).replace(r"\ ", r"[\s-]+") for name in REGIONS)
                     + r")\b(?:\s+region)?", re.I)

# Words of the question's frame rather than its topic.
STOPWORDS = frozenset("""
a about across after again against all also am an and any anything are area as at be been
being both but by can could did do does doing done during each either else for from get got
had has have having he her here how i if in into is it its itself just learn learning lesson
local made make many may me more most much must my no nor not now of on one only or other
our out over own partnership partnerships per place say said see she should so some such
tell than that the their them themselves then there these they thing this those through to
too under until up us use used using very via was we were what whatever when where whether
which while who whom whose why will with within would you your 's s find found describe
report project programme anyone somebody someone rather particular particularly especially
kind type example various different way able try instead already like
mention discuss talk know show note highlight explain summarise summarize summary document
compare comparison contrast differ
extent happen step take key finding main theme insight conclude conclusion affect effect
ours theirs shall anybody everyone everything something nothing few several every neither
same another
although though whereas unless upon toward towards among amongst around regarding
however therefore thus hence yet perhaps quite really indeed often sometimes always even ever
still almost otherwise meanwhile namely due onto seem his him himself hers herself myself
ourselves yourself yours mine whoever whenever wherever please nobody none elsewhere anywhere
everywhere somewhere besides moreover nevertheless whereby
""".split())

_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
            "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11",
            "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
            "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
            "twenty": "20", "twenty-one": "21", "twenty-five": "25"}

_PLURAL_NUMBER = re.compile(r"^(\d+)s$")  # "over-25s": 25
# Digits back to the one-word spellings a report may use instead ("turned eighteen").
NUMBER_WORDS = {digit: word for word, digit in _NUMBERS.items() if "-" not in word}

MAX_QUESTION_CHARS = 2000  # a longer question is read up to here (it is kept whole)


@dataclass
class Filters:
    """Metadata restrictions; None means unrestricted."""

    region: str | None = None
    size: str | None = None
    methodology: str | None = None
    delivery: str | None = None
    since: int | None = None
    partnership: str | None = None
    partnerships: tuple[str, ...] | None = None  # a question naming several: any of them
    label: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Query:
    """A question reduced to search terms (lemmas, in order) and filters."""

    question: str
    terms: list[str]
    filters: Filters = field(default_factory=Filters)
    lemmas: list[str] = field(default_factory=list)
    # items offered as alternatives ("housing, transport or leisure"), each as its
    # content words ("faith groups" -> faith, group): one item is enough
    alternatives: list[list[list[str]]] = field(default_factory=list)
    # other words that meet a term wherever a passage has them ("vru" for each
    # word of "violence reduction unit")
    extra_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # runs of terms that name one thing together (an acronym's words): scored
    # as one concept, so "MACE" does not outweigh the rest of the question
    units: list[tuple[str, ...]] = field(default_factory=list)


def parse_question(question: str, names: NamesPartnership | None = None,
                   **flags: Any) -> Query:
    """Read filters out of `question` (flags win) and lemmatise the rest.

    `names` says whether some stored partnership's name has all of the given
    words; capitalised words of such names in the question name partnerships."""
    text = _read_part(question)
    found: dict[str, Any] = {}
    text = _take(_REGION, text, lambda m: found.setdefault("region", REGIONS[spaced(m.group(1))]),
                 keep=(lambda m: _begins_name(text, m, names)) if names else None)
    text = _take(_SIZE, text, lambda m: found.setdefault("size", m.group(1).capitalize()))
    text = _take(_METHOD, text, lambda m: found.setdefault("methodology", _methodology(
        m.group(1) or m.group(2))))
    text = _take(_DELIVERY, text, lambda m: found.setdefault(
        "delivery", _delivery_of(next(g for g in m.groups() if g))))
    text = _take(_SINCE, text, lambda m: found.setdefault(  # after 2020: 2021 on
        "since", int(m.group(2)) + (m.group(1).lower() == "after")))
    named, text = _named_partnerships(text, names) if names else ([], text)
    if len(named) == 1:
        found["partnership"] = named[0]
    elif named:
        found["partnerships"] = tuple(named)
    for key, value in flags.items():
        if value is not None:
            found[key] = value
    if flags.get("partnership") is not None:
        found.pop("partnerships", None)
    for pattern, kept in _FRAMES:  # after names: a request stays the first word
        text = pattern.sub(kept, text)
    lemmas = _lemmas(text)
    terms = list(dict.fromkeys(_content(lemmas)))
    alternatives = [group for group in ([w for w in map(content_words, items) if w]
                                        for items in _or_lists(text)) if len(group) > 1]
    return Query(question=question, terms=terms, filters=Filters(**found), lemmas=lemmas,
                 alternatives=alternatives)


def _read_part(question: str) -> str:
    """The question up to MAX_QUESTION_CHARS, never ending in part of a word."""
    if len(question) <= MAX_QUESTION_CHARS:
        return question
    text = question[:MAX_QUESTION_CHARS]
    return text if question[MAX_QUESTION_CHARS].isspace() else text.rsplit(None, 1)[0]


def _methodology(written: str) -> str:
    """The methodology a spelling names ("Appreciative enquiry" -> "appreciative inquiry")."""
    name = spaced(written)
    return METHOD_SPELLINGS.get(name, name)


def as_written(question: str, term: str, forms: Collection[str] = ()) -> str:
    """The question's own word behind a lemma term ("prisons" for "prison"),
    else behind one of its `forms`, else the term itself."""
    by_lemma = _words_by_lemma(question)
    return next((by_lemma[(lemma,)] for lemma in (term, *sorted(forms))
                 if (lemma,) in by_lemma), term)


@lru_cache(maxsize=32)
def _words_by_lemma(question: str) -> dict[tuple[str, ...], str]:
    """Each word of the question by its lemmas (read once per question, not
    once per word looked up)."""
    return {tuple(_lemmas(word)): word.strip("'’")
            for word in re.findall(r"[\w'’-]+", question)}


def _lemmas(text: str) -> list[str]:
    """Lemma tokens, numbers as digits ("eighteen" -> "18", "under-18s" -> "18")."""
    return [_NUMBERS.get(t) or _PLURAL_NUMBER.sub(r"\1", t) for t in tokens(normalise(text))]


def _content(lemmas: list[str]) -> list[str]:
    return [t for t in lemmas if t not in STOPWORDS and len(t) > 1]


def content_words(text: str) -> list[str]:
    """The lemmas of `text` a search can use: no stop words, no single letters."""
    return _content(_lemmas(text))


def coordinated(lemmas: list[str]) -> dict[str, set[str]]:
    """Each content word joined by "and" or "or" to the content word beside
    it ("parents and carers": parent <-> carer), so a word the corpus never
    uses can be read as listed alongside one it does."""
    pairs: dict[str, set[str]] = {}
    for left, joiner, right in zip(lemmas, lemmas[1:], lemmas[2:]):
        if joiner in ("and", "or") and _content([left, right]) == [left, right]:
            pairs.setdefault(left, set()).add(right)
            pairs.setdefault(right, set()).add(left)
    return pairs


_LIST_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")


def _or_lists(text: str) -> list[list[str]]:
    """The items of each "A, B or C" list in the question, as text.

    Items between commas are taken whole; the one after "or" is cut to as
    many content words as the item before "or" has when that is a middle
    item, else to one ("trained housing, transport or leisure staff" ->
    housing | transport | leisure; "parents, faith groups or community
    organisations" -> parents | faith groups | community organisations).
    The first item runs into the question's own words ("worked with
    parents"), so it is cut to that width only when two middle items agree
    on it, else to one word."""
    tokens_ = _LIST_TOKEN.findall(text)
    lists = []
    for i, token in enumerate(tokens_):
        if token.lower() != "or":
            continue
        items: list[list[str]] = [[]]
        for tok in reversed(tokens_[:i]):
            if tok == ",":
                items.insert(0, [])
            elif not tok[0].isalnum():
                break
            else:
                items[0].insert(0, tok)
        items = [item for item in items if item]
        if not items:
            continue
        width = max(1, len(content_words(" ".join(items[-1])))) if len(items) > 1 else 1
        items[0] = _last_content_words(items[0], width if len(items) > 2 else 1)
        after = []
        for tok in tokens_[i + 1:]:
            if not tok[0].isalnum() or len(content_words(" ".join(after))) >= width:
                break
            after.append(tok)
        lists.append([" ".join(item) for item in items] + [" ".join(after)])
    return lists


def _last_content_words(words: list[str], n: int) -> list[str]:
    """The shortest tail of `words` holding `n` content words."""
    for start in range(len(words) - 1, -1, -1):
        if len(content_words(" ".join(words[start:]))) >= n:
            return words[start:]
    return words


def _delivery_of(word: str) -> str:
    """'digitally', 'online', 'in person' ... -> digital / face-to-face / mixed."""
    word = word.lower()
    if word in DELIVERY_PHRASES["digital"]:
        return "digital"
    return "mixed" if word == "mixed" else "face-to-face"


def _take(pattern: re.Pattern[str], text: str, on_match: Callable[[re.Match[str]], Any],
          keep: Callable[[re.Match[str]], bool] | None = None) -> str:
    """Hand each match of `pattern` to `on_match` (which keeps the first it
    records) and remove it from the text, except the matches `keep` keeps."""
    pieces, last = [], 0
    for match in pattern.finditer(text):
        if keep and keep(match):
            continue
        on_match(match)
        pieces.append(text[last:match.start()])
        last = match.end()
    return " ".join([*pieces, text[last:]])


NAME_FILLER = frozenset("""safeguarding children children's childrens partnership partnerships
board and the of for s scp lscp lscb young people council city county borough north south
east west upon""".split())
# words that join the words of one name ("Hartlepool & Stockton", "Redcar and Cleveland")
NAME_JOINERS = frozenset({"&", "and", "of", "on", "upon", "under"})
MAX_NAMED = 5  # partnerships one question can name
_NEVER_NAMES = STOPWORDS - NAME_FILLER  # frame words that are not words of names either
# whether some stored partnership's name has all of these words
NamesPartnership = Callable[[Sequence[str]], bool]
_NAME_TOKEN = re.compile(r"[^\W_][\w'’]*(?:-[\w'’]+)*|&")
_NEXT_WORD = re.compile(r"\s+([^\W_][\w'’]*(?:-[\w'’]+)*)")


def _begins_name(text: str, region: re.Match[str], names: NamesPartnership) -> bool:
    """Whether the word after a region belongs to a stored partnership's name
    ("North East Lincolnshire"): then the region is part of that name."""
    after = _NEXT_WORD.match(text, region.end())
    return bool(after) and _name_word(after.group(1), names, filler=False)


def _word_of_name(token: str) -> str:
    """A name token as its name word: possessive 's off, a hyphenated word by
    its first part ("Stockton-on-Tees" -> "Stockton")."""
    return re.sub(r"['’]s$", "", token).split("-")[0]


def _name_word(token: str, names: NamesPartnership, filler: bool, with_: Sequence[str] = ()
               ) -> bool:
    """A capitalised word of a stored partnership's name (of one name that
    also has the words `with_`); words every name has count only where `filler`."""
    word = _word_of_name(token)
    if not word[:1].isupper() or word.lower() in _NEVER_NAMES:
        return False
    return (filler or word.lower() not in NAME_FILLER) and names([*with_, word])


def _named_partnerships(text: str, names: NamesPartnership) -> tuple[list[str], str]:
    """The partnerships the question names and the question without them.

    A name is found by its first capitalised word, not one every name has, of
    a stored partnership's name; the capitalised words around it that the
    same stored name has go with it ("North East Lincolnshire", "Hartlepool
    and Stockton-on-Tees"), so they are not searched for, while "Hull and
    Hartlepool" are two names."""
    found: list[str] = []
    while len(found) < MAX_NAMED:
        tokens = list(_NAME_TOKEN.finditer(text))
        anchor = next((i for i, t in enumerate(tokens)
                       if _name_word(t.group(), names, filler=False)), None)
        if anchor is None:
            break
        start, end = _name_span(text, tokens, anchor, names)
        name = _word_of_name(tokens[anchor].group())
        found.append(name)
        text = text[:tokens[start].start()] + " " + text[tokens[end].end():]
        text = re.sub(rf"\b{re.escape(name)}(?:['’]s)?\b", " ", text, flags=re.I)
    return found, text


def _name_span(text: str, tokens: list[re.Match[str]], anchor: int,
               names: NamesPartnership) -> tuple[int, int]:
    """The first and last token of the name that token `anchor` is a word of."""
    words = [_word_of_name(tokens[anchor].group())]

    def adjacent(a: int, b: int) -> bool:
        a, b = min(a, b), max(a, b)
        return 0 <= a and b < len(tokens) and not text[tokens[a].end():tokens[b].start()].strip()

    def grow(i: int, step: int) -> int:
        while adjacent(i, i + step):
            word = i + step
            if tokens[word].group().lower() in NAME_JOINERS and adjacent(word, word + step):
                word += step  # "Hartlepool & Stockton": a joiner goes with the word after it
            if not _name_word(tokens[word].group(), names, filler=True, with_=words):
                break
            words.append(_word_of_name(tokens[word].group()))
            i = word
        return i

    return grow(anchor, -1), grow(anchor, +1)
