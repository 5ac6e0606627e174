"""Facts in a prepared sentence (dates, months, decades, year ranges, years, numbers, ordinals
and typed names), and every fact of a course.
"""

from __future__ import annotations

import re

from ..course import Course
from ..domain import Passage
from ..text import MONTHS, STOPWORDS
from .names import Lexicon, adjective, name_chunks
from .sentences import LIST_ITEM, prepare
from .values import PLACE_TYPES, Fact, FactType

MONTH_INDEX = {m.lower(): i for i, m in enumerate(MONTHS)}
_MONTH_ALT = "|".join(MONTHS)

_DATE_RE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_ALT})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH_ALT}))(?![\d-])"
)
_MONTH_RE = re.compile(rf"\b(?:(?P<q>early|mid|late)[- ])?(?P<m>{_MONTH_ALT})\b")
RANGE_RE = re.compile(r"(?<![\w.-])(1\d{3}|20\d{2})\s*[-–]\s*(1\d{3}|20\d{2})(?![\w-])")
_DECADE_RE = re.compile(r"(?<![\w.-])(?:(1\d|20)(\d)0s|(\d)0['’]s)(?![\w-])")
_NUMBER_RE = re.compile(
    r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(st|nd|rd|th)?(?![\w-]|[.,]\d|['’]s)"
)
_YEAR_VALUE = re.compile(r"^(?:1\d{3}|20\d{2})$")
# Words before a four-digit number that make it a year ("in 1957", "October 1956", "the same").
_YEAR_LEAD = re.compile(
    rf"(?:\b(?:in|since|until|till|by|from|to|of|before|after|during|around|circa|c\.|year|"
    rf"years|same|and|or|{_MONTH_ALT.lower()})|[,(]|^)\s*$",
    re.IGNORECASE,
)
_NUMBER_PREFIX = re.compile(
    r"\b(?:more than|less than|fewer than|over|under|about|around|nearly|almost|"
    r"approximately|roughly|some|up to|at least|at most|only)\s+$",
    re.IGNORECASE,
)
_NUMBER_SCALE = re.compile(r"^\s+(?:thousand|million|billion|hundred)\b", re.IGNORECASE)
_NUMBER_UNIT = re.compile(
    r"^\s*(?:km|kilometres?|kilometers?|miles?|metres?|meters?|cm|mm|tons?|tonnes?|kg|"
    r"kilograms?|hectares?|acres?|feet|foot|percent|per cent|%|dollars?|roubles?|rubles?|"
    r"pounds?|marks?|years?|months?|weeks?|days?|hours?|minutes?)(?![\w-])",
    re.IGNORECASE,
)


def _date_facts(sentence: str) -> list[Fact]:
    facts = []
    for m in _DATE_RE.finditer(sentence):
        facts.append(Fact(FactType.DATE, m.group(), m.start(), m.end(), m.group().lower()))
    for m in RANGE_RE.finditer(sentence):
        facts.append(Fact(FactType.RANGE, m.group(), m.start(), m.end(), m.group()))
    for m in _DECADE_RE.finditer(sentence):
        decade = f"{m.group(1)}{m.group(2)}0s" if m.group(1) else f"19{m.group(3)}0s"
        facts.append(Fact(FactType.DECADE, m.group(), m.start(), m.end(), decade))
    for m in _MONTH_RE.finditer(sentence):
        after_preposition = re.search(r"\b(?:in|of)\s+$", sentence[: m.start()])
        if m.group("m") == "May" and not (m.group("q") or after_preposition):
            continue  # "May" is also a verb
        facts.append(Fact(FactType.MONTH, m.group(), m.start(), m.end(), m.group().lower()))
    return facts


def _counts_something(sentence: str, start: int, end: int) -> bool:
    """A bare numeral followed by a plain noun ("600 soldiers") and not after a name."""
    before = sentence[:start].split()
    after = sentence[end:].split()
    if before and before[-1][:1].isupper() and not before[-1].endswith(","):
        return False
    return bool(after) and after[0][:1].islower() and after[0].lower() not in STOPWORDS


def _number_facts(sentence: str) -> list[Fact]:
    facts = []
    for m in _NUMBER_RE.finditer(sentence):
        value, ordinal = m.group(1), m.group(2)
        if _YEAR_VALUE.match(value) and not ordinal and _YEAR_LEAD.search(sentence[: m.start()]):
            facts.append(Fact(FactType.YEAR, value, m.start(), m.end(), value))
            continue
        if ordinal:
            facts.append(Fact(FactType.ORDINAL, m.group(), m.start(), m.end(), m.group()))
            continue
        start, end = m.start(), m.end()
        prefix = _NUMBER_PREFIX.search(sentence[:start])
        if prefix:
            start = prefix.start()
        scale = _NUMBER_SCALE.match(sentence[end:])
        if scale:
            end += scale.end()
        unit = _NUMBER_UNIT.match(sentence[end:])
        if unit:
            end += unit.end()
        elif not prefix and not scale and not _counts_something(sentence, m.start(), m.end()):
            continue  # a version or a label ("Debian 3.0", "step 2"), not a quantity
        text = sentence[start:end]
        facts.append(Fact(FactType.NUMBER, text, start, end, text.lower()))
    return facts


def _name_facts(sentence: str, lexicon: Lexicon) -> list[Fact]:
    facts = []
    for chunk in name_chunks(sentence, lexicon.case):
        if adjective(chunk):
            continue
        kind = lexicon.type_of(chunk.key)
        if kind is None or chunk.key in lexicon.alias:
            continue  # untyped, or itself the bracketed alias of a name just before
        start, end, text = chunk.start, chunk.end, chunk.text
        article = re.search(r"\b(?:the|The) $", sentence[:start])
        if kind in PLACE_TYPES and article:
            # "the United States" against "Finland": the article goes into the blank, or it
            # would tell which option fits
            start, text = article.start(), sentence[article.start() : end]
        bracket = re.match(r"\s*\([^()]{1,60}\)", sentence[end:])
        if bracket:
            end += bracket.end()
        facts.append(Fact(kind, text, start, end, lexicon.identity(chunk.key)))
    return facts


def find_facts(sentence: str, lexicon: Lexicon) -> list[Fact]:
    """All facts of a prepared sentence, left to right, without overlaps: the first found
    in the order dates, numbers, names wins ("July 27" is a date, not a number)."""
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for fact in [*_date_facts(sentence), *_number_facts(sentence), *_name_facts(sentence, lexicon)]:
        if any(fact.start < e and s < fact.end for s, e in taken):
            continue
        if LIST_ITEM.match(sentence) and fact.start == 0:
            continue
        found.append(fact)
        taken.append((fact.start, fact.end))
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str) -> tuple[int, int]:
    m = _DATE_RE.fullmatch(text)
    assert m is not None
    month = m.group("m1") or m.group("m2")
    day = int(m.group("d1") or m.group("d2"))
    return MONTH_INDEX[month.lower()], day


def month_word(text: str) -> str:
    m = _MONTH_RE.fullmatch(text)
    assert m is not None
    return m.group("m")


def analyse(course: Course) -> tuple[dict[int, str | None], Lexicon, dict[int, list[Fact]]]:
    titles = tuple(
        {d.title: None for d in course.documents.values()}
        | {s.title: None for d in course.documents.values() for s in d.sections}
    )
    prepared = {p.passage_id: prepare(p.text, titles) for p in course.passages}
    lexicon = Lexicon([s for s in prepared.values() if s])
    facts = {pid: find_facts(s, lexicon) for pid, s in prepared.items() if s}
    return prepared, lexicon, facts


def course_facts(course: Course) -> list[tuple[Passage, str, tuple[Fact, ...]]]:
    """Every sentence that can stand as a fact, prepared (connective dropped, fragments
    glued), with its facts: what calibration turns into questions the course answers."""
    prepared, _, facts = analyse(course)
    out = []
    for passage in course.passages:
        sentence = prepared.get(passage.passage_id)
        if sentence:
            out.append((passage, sentence, tuple(facts.get(passage.passage_id, ()))))
    return out
