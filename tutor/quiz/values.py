"""Values every stage of quiz generation shares: fact types, facts, units, stable hashes."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from enum import Enum

from ..domain import Passage


class FactType(Enum):
    DATE = "date"  # a month and a day: "August 13"
    YEAR = "year"
    NUMBER = "number"  # "more than 70", "2.3 thousand km"
    ORDINAL = "ordinal"  # "20th"
    PERSON = "person"
    ORG = "organisation"  # organisations, treaties and pacts
    COUNTRY = "country"
    PLACE = "place"  # cities and other places
    REGION = "region"  # continents and parts of them: "Europe", "Central Asia"
    EVENT = "event"  # "Berlin Wall", "Iron Curtain"
    MONTH = "month"  # "October", "mid-June"
    DECADE = "decade"  # "1950s"
    RANGE = "range"  # "1958-1964": short answer only, its distractors would be contrived


# The order in which a unit's facts are tried for its items: dates and numbers make the
# crispest questions, then names.
PRIORITY = tuple(FactType)

PLACE_TYPES = (FactType.COUNTRY, FactType.PLACE, FactType.REGION)

NAME_TYPES = frozenset({FactType.PERSON, FactType.ORG, FactType.EVENT, *PLACE_TYPES})


@dataclass(frozen=True, slots=True)
class Fact:
    """One quizzable span of a prepared sentence.

    `start`/`end` delimit what the blank replaces, which may be wider than `text` when an
    alias follows in brackets ("Hanseatic League (German Hansa)": the alias would
    give the answer away). `key` is the fact's identity: the gazetteer's name for a country,
    the lower-cased text otherwise.
    """

    type: FactType
    text: str
    start: int
    end: int
    key: str


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence with facts, and the sentence before it when it cannot stand alone."""

    first: Passage
    last: Passage
    context: str
    sentence: str
    facts: tuple[Fact, ...]  # the facts worth asking
    found: tuple[Fact, ...] = ()  # every fact of the sentence (dates end its adverbials)
    named_first: bool = False  # the sentence's first word is a name ("Brenn founded…")

    @property
    def stem(self) -> str:
        return f"{self.context} {self.sentence}".strip()


def text_hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=8192)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # compiled once per phrase: a course's phrases outnumber `re`'s own cache of 512
    return re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])", re.IGNORECASE)


def mentions(text: str, phrase: str) -> bool:
    return bool(_phrase_pattern(phrase).search(text))
