"""Quiz items made from the course's own sentences, without a model.

The approach is classic cloze generation over surface patterns:

1. **Prepare** every sentence: drop a leading connective ("Thus,", "However,"), collapse
   whitespace, glue a short date fragment onto the sentence it belongs to ("In the 50's.
   Malenkov began…" → "In the 50's, Malenkov began…") and refuse sentences that open with a
   heading's words ("Foreign policy in the USSR in 1953-1964. Was focused…"), list items and
   lead-ins ending with ":".
2. **Find facts** in a sentence: years, month-day dates, months, decades, year ranges,
   numbers (with a "more than" and a unit when present), ordinals, and capitalised names.
   Without a tagger, a name's type comes from a built-in gazetteer of countries, cities and
   regions, from keywords (Council, Pact, Ministry… → organisation; Wall, Crisis, War… →
   event) and, for the rest, from votes over every place the name occurs in the course:
   "in/near/from X" says place, "President X", "X announced", "X's death", "death of X" say
   person, and a name listed next to a known person or place ("X and Kennedy") takes its
   type. A name with no evidence is never quizzed: a wrong type makes wrong distractors.
3. **Units**: a fact's sentence must stand alone; when it leans on the sentence before ("It
   had…", "During the visit…", "his leadership", "the same year", or it is very short) the
   previous sentence of the paragraph is shown too and the citation spans both. Facts that
   name the course or section topic (its title words, or an entity in a tenth of all
   sentences), that occur twice in the stem, or whose words appear elsewhere in the stem
   are not blanked: they would be trivial or ambiguous.
4. **Items** per unit: one multiple-choice item (the first fact, by a priority of types, that
   has three same-type distractors: nearby years, nearby dates, numbers of similar magnitude,
   names of the same type from the course), one short-answer item on another fact, and one
   true/false item whose statement is the sentence itself or the sentence with one fact
   swapped for a distractor. A wh-question is used where a safe pattern applies ("In 1957,
   X was headed…" → "In what year was X headed…?", "Gromyko made…" → "Who made…?"),
   otherwise a cloze stem with "_____".
5. **Check** every item (exact citation, answer in quote, answer not in the question, four
   distinct options) and drop any that fails, so a heuristic slip costs an item, never a
   wrong one.

Everything is deterministic: no randomness except hashes of the item's own text.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from itertools import pairwise

from .answering import clean_sentence
from .course import Course
from .domain import Citation, Passage, QuizItem
from .stores.codec import item_to_dict
from .text import STOPWORDS, content_words, leans_back, tokens

BLANK = "_____"
MULTIPLE_CHOICE = "multiple_choice"
SHORT_ANSWER = "short_answer"
TRUE_FALSE = "true_false"
OPTIONS = 4
TOPIC_SHARE = 0.10  # an entity named in this share of all sentences is the course's topic
TOPIC_MIN_SENTENCES = 5  # …and in at least this many (small courses repeat names a lot)
SHORT_SENTENCE_WORDS = 6  # shorter sentences ("Eisenhower refused to apologize.") need context
FALSE_SHARE = 3  # out of 5 units try a false statement (some cannot be swapped)
YEAR_WINDOW = 30  # course years this close to the answer make good distractors
COURSE_YEARS = 2  # …and this many of them go before made-up ones
# Made-up year offsets: the answer lands first, second, third or last among the options.
_YEAR_OFFSETS = ((2, 5, 9), (-3, 4, 7), (-6, -2, 3), (-8, -4, -1))


class FactType(Enum):
    DATE = "date"  # a month and a day: "August 13"
    YEAR = "year"
    NUMBER = "number"  # "more than 70", "4.5 thousand km"
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

# ---------------------------------------------------------------------------------------
# General knowledge: calendar, gazetteer, keywords. Nothing here is specific to one course.
# ---------------------------------------------------------------------------------------

MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH_INDEX = {m.lower(): i for i, m in enumerate(MONTHS)}
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_MONTH_ALT = "|".join(MONTHS)

# Countries, with aliases after "|" sharing the first name's identity, so "America" is never
# offered as a wrong answer to a question whose answer is "the United States".
_COUNTRIES = """
afghanistan; albania; algeria; andorra; angola; argentina; armenia; australia; austria;
azerbaijan; bahamas; bahrain; bangladesh; barbados; belarus; belgium; belize; benin; bhutan;
bolivia; bosnia|bosnia and herzegovina; botswana; brazil; brunei; bulgaria; burkina faso;
burundi; cambodia; cameroon; canada; chad; chile; china|prc|people's republic of china;
colombia; congo; costa rica; croatia; cuba; cyprus; czechoslovakia; czech republic|czechia;
denmark; djibouti; dominican republic; ecuador; egypt; el salvador; eritrea; estonia;
ethiopia; fiji; finland; france; gabon; gambia; georgia; germany; ghana; greece; grenada;
guatemala; guinea; guyana; haiti; honduras; hungary; iceland; india; indonesia; iran|persia;
iraq; ireland; israel; italy; ivory coast; jamaica; japan; jordan; kazakhstan; kenya;
korea; north korea|dprk; south korea; kosovo; kuwait; kyrgyzstan; laos; latvia; lebanon;
lesotho; liberia; libya; liechtenstein; lithuania; luxembourg; madagascar; malawi; malaysia;
maldives; mali; malta; mauritania; mauritius; mexico; moldova; monaco; mongolia; montenegro;
morocco; mozambique; myanmar|burma; namibia; nepal; netherlands|holland; new zealand;
nicaragua; niger; nigeria; north macedonia|macedonia; norway; oman; pakistan; palestine;
panama; papua new guinea; paraguay; peru; philippines; poland; portugal; qatar; romania;
russia|russian federation; rwanda; samoa; san marino; saudi arabia; senegal; serbia;
sierra leone; singapore; slovakia; slovenia; somalia; south africa; spain; sri lanka|ceylon;
sudan; suriname; sweden; switzerland; syria; taiwan; tajikistan; tanzania; thailand|siam;
togo; tonga; tunisia; turkey; turkmenistan; uganda; ukraine; uruguay; uzbekistan;
venezuela; vietnam; yemen; yugoslavia; zambia; zimbabwe;
united states|united states of america|usa|us|u.s|u.s.a|america;
ussr|soviet union|u.s.s.r|union of soviet socialist republics;
united kingdom|uk|britain|great britain|england;
gdr|east germany|german democratic republic; frg|west germany|federal republic of germany;
vatican|holy see; ottoman empire; prussia; austria-hungary
"""
_CITIES = """
moscow; leningrad|saint petersburg|st. petersburg|petrograd; kiev|kyiv; minsk; warsaw;
prague; budapest; bucharest; sofia; belgrade; berlin; bonn; vienna; paris; london; rome;
madrid; lisbon; athens; istanbul|constantinople; ankara; cairo; beijing|peking; shanghai;
tokyo; seoul; pyongyang; hanoi; saigon|ho chi minh city; delhi|new delhi; mumbai|bombay;
karachi; tehran; baghdad; damascus; jerusalem; tel aviv; beirut; riyadh; mecca; havana;
mexico city; washington; new york; boston; chicago; los angeles; san francisco; ottawa;
toronto; montreal; buenos aires; rio de janeiro; brasilia; santiago; lima; bogota; caracas;
geneva; zurich; bern; brussels; amsterdam; the hague; copenhagen; stockholm; oslo; helsinki;
reykjavik; dublin; edinburgh; tallinn; riga; vilnius; tbilisi; yerevan; baku; tashkent;
almaty; kabul; islamabad; dhaka; bangkok; jakarta; manila; sydney; melbourne; canberra;
wellington; nairobi; lagos; johannesburg; cape town; algiers; tunis; tripoli; addis ababa;
khartoum; sverdlovsk|yekaterinburg; stalingrad|volgograd; vladivostok; novosibirsk; odessa;
kharkov|kharkiv; munich; hamburg; frankfurt; cologne; dresden; leipzig; milan; venice;
florence; naples; barcelona; marseille; lyon; krakow; gdansk|danzig; potsdam; yalta;
hiroshima; nagasaki; kyoto; osaka; hong kong; taipei; ulaanbaatar; rangoon|yangon;
phnom penh; kuala lumpur; versailles; munich; ankara; suez
"""
_REGIONS = """
europe; asia; africa; north america; south america; latin america; central america; oceania;
antarctica; arctic; middle east; near east; far east; balkans; scandinavia; siberia;
caucasus; baltic|baltics; mediterranean; indochina; manchuria; crimea; central asia;
eastern europe; western europe; central europe
"""
# Regions that need no article, offered when a course names too few regions of its own.
_CONTINENTS = (
    "Africa",
    "Asia",
    "Europe",
    "Latin America",
    "North America",
    "Oceania",
    "South America",
)
_COMPASS = frozenset(
    """east west north south central eastern western northern southern upper lower greater
    south-eastern south-western north-eastern north-western""".split()
)

_ORG_WORDS = frozenset(
    """council organization organisation pact union party congress ministry assembly club
    treaty republic committee government presidium league alliance bank fund company
    corporation university academy institute society church army navy front movement court
    parliament senate agency bureau department commission federation association guild
    school college museum library agreement accord accords convention charter declaration
    cabinet politburo soviet duma nations community office service forces corps board
    foundation protocol confederation coalition brotherhood order""".split()
)
_EVENT_WORDS = frozenset(
    """war wall crisis revolution uprising rebellion revolt conference summit games olympics
    curtain blockade affair incident massacre battle siege plan doctrine campaign offensive
    operation spring famine fire plague reforms expedition exhibition fair festival trials
    trial election crusade""".split()
)
# Words that name a person's role: before a name they say the name is a person's.
_PERSON_TITLES = frozenset(
    """president king queen prince princess emperor empress tsar czar general mayor minister
    chancellor pope sir lord lady dr mr mrs ms professor captain colonel admiral bishop
    archbishop duke duchess count countess baron senator governor sultan shah marshal premier
    secretary chairman diplomat leader merchant architect poet writer painter composer
    scientist engineer explorer commander ambassador officer philosopher abbot priest saint
    founder banker scholar physician judge""".split()
)
# Nouns that follow a person's possessive ("Stalin's death") or precede "of" + a person.
_PERSON_NOUNS = frozenset(
    """death birth life wife husband son daughter father mother brother sister successor
    predecessor reign rule funeral speech murder assassination resignation memoirs biography
    displacement dismissal overthrow widow heir""".split()
)
# Verbs a person does; a name just before one is voted a person.
_PERSON_VERBS = frozenset(
    """announced asserted said spoke proposed refused learned believed thought wrote married
    died decided argued claimed insisted visited met led ruled founded began told replied
    declared stated promised demanded apologized apologised resigned became knew saw""".split()
)
_MODALS = frozenset("could would should will can did must might may shall".split())
# Prepositions before a place ("in Vienna", "near Sverdlovsk"); "to"/"at" count half.
_PLACE_PREPS = {
    "in": 1.0,
    "near": 1.0,
    "into": 1.0,
    "from": 1.0,
    "across": 1.0,
    "outside": 1.0,
    "inside": 1.0,
    "throughout": 1.0,
    "towards": 1.0,
    "toward": 1.0,
    "to": 0.5,
    "at": 0.5,
}
_PLACE_NOUNS = frozenset(
    """territory city town capital province region coast island port village kingdom banks
    streets outskirts suburbs walls harbour harbor district county state""".split()
)
# Nationality adjectives that a suffix rule cannot see ("Soviet leadership", "French army").
_ADJECTIVES = frozenset(
    """soviet greek thai swiss french dutch welsh irish scottish czech slovak polish danish
    finnish turkish spanish british nazi communist socialist catholic orthodox protestant
    muslim christian jewish arab slav""".split()
)
_ADJECTIVE_SUFFIX = re.compile(r"(?:an|ian|ean|ese|ish|ic|ch|ern|i)$", re.IGNORECASE)
_NAME_PARTICLES = frozenset("de von van der da di del la le bin ibn al".split())
_OPENERS = STOPWORDS | frozenset(
    """having despite under key let following during after before since until although
    while meanwhile besides accordingly basically indeed finally later today""".split()
)


def _alias_table(spec: str) -> dict[str, str]:
    """{name: identity} from "a|b; c" lists: aliases share the first name's identity."""
    table: dict[str, str] = {}
    for entry in spec.replace("\n", " ").split(";"):
        names = [n.strip() for n in entry.split("|") if n.strip()]
        for name in names:
            table.setdefault(name, names[0])
    return table


COUNTRIES = _alias_table(_COUNTRIES)
CITIES = _alias_table(_CITIES)
REGIONS = _alias_table(_REGIONS)

# ---------------------------------------------------------------------------------------
# Patterns for dates and numbers
# ---------------------------------------------------------------------------------------

_DATE_RE = re.compile(
    rf"\b(?:(?P<m1>{_MONTH_ALT})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH_ALT}))(?![\d-])"
)
_MONTH_RE = re.compile(rf"\b(?:(?P<q>early|mid|late)[- ])?(?P<m>{_MONTH_ALT})\b")
_RANGE_RE = re.compile(r"(?<![\w.-])(1\d{3}|20\d{2})\s*[-–]\s*(1\d{3}|20\d{2})(?![\w-])")
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
_LIST_ITEM = re.compile(r"^(?:\d+[.)]|[-*•])\s")
_INTERNAL_BREAK = re.compile(r"(?<=[^\s.][.!?])\s+(?=[\"“A-ZА-ЯЁ])")
_TOKEN = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
# "In the 50's.", "In 1959-1962 years.": a verbless opener the splitter left before a
# sentence; not "In the U.S." (an abbreviation's dot ends no fragment)
_DATE_FRAGMENT = re.compile(
    r"^(?:In|On|By|From|During|Since|At|After|Before|Until|Around)\b[^.]*[a-z0-9'’)]\.$"
)

# A sentence that leans on its predecessor in ways `leans_back` does not look for.
_PRONOUN_AFTER_INTRO = re.compile(
    r"^[^,]{1,80},\s+(?:it|its|they|their|he|his|she|her|this|these|those)\b", re.IGNORECASE
)
_PERSONAL_PRONOUN = re.compile(r"\b(?:he|him|his|she|her|they|them)\b", re.IGNORECASE)
# …and cannot be read without it ("the same year": which year?)
_HARD_REFERENCE = re.compile(
    r"\bthe same (?:year|month|day|time|period|place)\b|\b(?:these|those) [a-z]|\bhere\b"
    r"|\ball this\b",
    re.IGNORECASE,
)
# …or reads better with it, but a reader of the section knows what is meant: a definite
# place or event noun without a phrase saying which ("the country", "the meeting")
_SOFT_REFERENCE = re.compile(
    r"\bin turn\b|^in response\b|\bthe (?:country|state|city|town)\b(?! of\b)"
    r"|\bthe (?:meeting|visit|agreement|document|decision|proposal|situation|invasion|talks|"
    r"conference)\b(?! (?:of|with|on|between|to|in)\b)",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fact:
    """One quizzable span of a prepared sentence.

    `start`/`end` delimit what the blank replaces, which may be wider than `text` when an
    alias follows in brackets ("Warsaw Pact (Warsaw Treaty Organization)": the alias would
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
    facts: tuple[Fact, ...]

    @property
    def stem(self) -> str:
        return f"{self.context} {self.sentence}".strip()


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A run of capitalised words in a sentence, with the words around it."""

    words: tuple[str, ...]
    start: int
    end: int
    before: tuple[str, ...]  # up to two preceding tokens, lower-cased, nearest last
    after: str  # the next token as written, "" at the end
    possessive: bool
    titled: bool  # a role word ("President", "General") was stripped from its front

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def key(self) -> str:
        return self.text.lower()


# ---------------------------------------------------------------------------------------
# Preparing sentences
# ---------------------------------------------------------------------------------------


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _title_like(fragment: str, titles: Iterable[str]) -> bool:
    """True when most of a fragment's words come from one heading of the course."""
    words = set(content_words(fragment))
    if len(words) < 2:
        return False
    return any(len(words & set(content_words(t))) >= 0.6 * len(words) for t in titles)


def _prepare(text: str, titles: tuple[str, ...]) -> str | None:
    """The sentence as a question may show it, or None when it is no quizzable sentence."""
    sentence = clean_sentence(_collapse(text))
    if _LIST_ITEM.match(sentence) or sentence.endswith(":") or len(tokens(sentence)) < 4:
        return None
    if sentence.count("|") >= 2 or "`" in sentence:
        return None  # a table row or code, not prose
    pieces = _INTERNAL_BREAK.split(sentence)
    if len(pieces) > 1:
        head, rest = pieces[0], " ".join(pieces[1:])
        if _title_like(head, titles):
            return None  # a heading's words glued to a verbless remainder: not a sentence
        if len(tokens(head)) <= 4 and _DATE_FRAGMENT.match(head):
            # a short date fragment ("In the 50's.") belongs to the sentence after it
            first, _, tail = rest.partition(" ")
            if first.lower() in STOPWORDS:
                first = first.lower()
            sentence = f"{head[:-1]}, {first} {tail}".strip()
    if _title_like(sentence, titles) and len(tokens(sentence)) < 8:
        return None
    return sentence


class Lean(Enum):
    NONE = 0  # stands alone
    SOFT = 1  # show the sentence before when there is one; stand alone otherwise
    HARD = 2  # only with the sentence before


def _leans(sentence: str) -> Lean:
    """How much the sentence needs the one before it to be understood."""
    if (
        leans_back(sentence)
        or _PRONOUN_AFTER_INTRO.match(sentence)
        or _PERSONAL_PRONOUN.search(sentence)
        or _HARD_REFERENCE.search(sentence)
    ):
        return Lean.HARD
    if _SOFT_REFERENCE.search(sentence) or len(tokens(sentence)) < SHORT_SENTENCE_WORDS:
        return Lean.SOFT
    return Lean.NONE


# ---------------------------------------------------------------------------------------
# Names: chunking, static typing from the gazetteer and keywords, votes over the course
# ---------------------------------------------------------------------------------------


def _opener(word: str) -> bool:
    """A capitalised function word ("The", "In"); an acronym ("US") is never one."""
    return word.lower() in _OPENERS and not (word.isupper() and len(word) > 1)


def _is_capitalised(word: str) -> bool:
    if not word[0].isupper() or word.lower() in _WEEKDAYS or word.lower() in _MONTH_INDEX:
        return False
    return word != "I"


def _gazetteer(name: str) -> tuple[FactType, str] | None:
    """The place type and identity of a name the gazetteer knows, with a compass prefix
    ("East Berlin", "Central Europe") making a part of a known place."""
    low = name.lower().replace("’", "'")
    if low in COUNTRIES:
        return FactType.COUNTRY, COUNTRIES[low]
    if low in CITIES:
        return FactType.PLACE, CITIES[low]
    if low in REGIONS:
        return FactType.REGION, REGIONS[low]
    head, _, rest = low.partition(" ")
    if head in _COMPASS and rest in CITIES:
        return FactType.PLACE, low
    if head in _COMPASS and (rest in COUNTRIES or rest in REGIONS):
        return FactType.REGION, low
    return None


def _static_type(words: tuple[str, ...]) -> tuple[FactType, str] | None:
    """A name's type when its own words decide it; None when the course must vote."""
    name = " ".join(words)
    known = _gazetteer(name)
    if known:
        return known
    low = [w.lower() for w in words]
    if len(words) > 1 and (low[-1] in _ORG_WORDS or low[0] in _ORG_WORDS):
        return FactType.ORG, name.lower()
    if len(words) > 1 and low[-1] in _EVENT_WORDS:
        return FactType.EVENT, name.lower()
    return None


def _acronym_as_name(chunk: _Chunk) -> bool:
    """An acronym the gazetteer does not know, used as an organisation's name: "withdrew
    from the ATS." — not a modifier ("HTTP support") or a technical term ("the API")."""
    if len(chunk.words) != 1 or not re.fullmatch(r"[A-Z]{2,6}", chunk.words[0]):
        return False
    nxt = chunk.after
    modifier = bool(nxt) and nxt[0].islower() and nxt.lower() not in STOPWORDS
    return bool(chunk.before) and chunk.before[-1] == "the" and not modifier


def _tokens_with_spans(sentence: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]


def _joinable(sentence: str, left_end: int, right_start: int, left: str, right: str) -> bool:
    """Whether two capitalised runs separated by a connector form one name:
    "Council for Mutual Economic Assistance", "Presidium of the Supreme Council"."""
    gap = sentence[left_end:right_start]
    if gap == " ":
        return True
    if gap.strip().lower() in _NAME_PARTICLES and gap.count(" ") == 2:
        return True
    if gap in (" of ", " for ", " of the ", " on "):
        return (
            left.lower() in _ORG_WORDS
            or left.lower() in _EVENT_WORDS
            or (right.lower() in _ORG_WORDS)
        )
    return False


class _CaseStats:
    """Which words the course writes in lower case, and which it capitalises mid-sentence:
    a capitalised first word is a name only if the course also capitalises it elsewhere."""

    def __init__(self, sentences: Iterable[str]):
        self.lower: set[str] = set()
        self.mid_capital: set[str] = set()
        for sentence in sentences:
            for i, (word, start, _end) in enumerate(_tokens_with_spans(sentence)):
                if word[0].islower():
                    self.lower.add(word.lower())
                elif i > 0 and not re.search(r"[.!?:\"“(]\s*$", sentence[:start]):
                    self.mid_capital.add(word)

    def name_like(self, word: str) -> bool:
        plain = re.sub(r"['’]s$", "", word)
        if _gazetteer(plain):
            return True
        if _opener(plain) or plain.lower() in self.lower:
            return False
        return plain in self.mid_capital


def _chunks(sentence: str, case: _CaseStats) -> list[_Chunk]:
    """Runs of capitalised words, cut at punctuation, joined over "of"/"for" inside an
    organisation's name, without a sentence's capitalised first word unless it is a name."""
    toks = _tokens_with_spans(sentence)
    runs: list[list[int]] = []
    for i, (word, start, _end) in enumerate(toks):
        if not _is_capitalised(word):
            continue
        if runs and runs[-1][-1] == i - 1:
            prev_word, _, prev_end = toks[i - 1]
            if _joinable(sentence, prev_end, start, prev_word, word):
                runs[-1].append(i)
                continue
        if runs and runs[-1][-1] < i - 1:
            last = runs[-1][-1]
            between = [t for t, _, _ in toks[last + 1 : i]]
            joins = " ".join(between).lower() in ("of", "for", "of the", "on") or (
                len(between) == 1 and between[0].lower() in _NAME_PARTICLES
            )
            if joins and _joinable(sentence, toks[last][2], start, toks[last][0], word):
                runs[-1].extend(range(last + 1, i + 1))
                continue
        runs.append([i])
    chunks = []
    for run in runs:
        chunk = _make_chunk(sentence, toks, run, case)
        if chunk:
            chunks.append(chunk)
    return chunks


def _make_chunk(
    sentence: str, toks: list[tuple[str, int, int]], run: list[int], case: _CaseStats
) -> _Chunk | None:
    first = run[0]
    initial = first == 0 or bool(re.search(r"[.!?:\"“(]\s*$", sentence[: toks[first][1]]))
    # drop openers ("The", "In") and a first word the course never capitalises elsewhere
    while run and (_opener(toks[run[0]][0]) or (initial and not case.name_like(toks[run[0]][0]))):
        run = run[1:]
        initial = False
    titled = False
    while len(run) > 1 and toks[run[0]][0].lower() in _PERSON_TITLES:
        if _static_type(tuple(toks[j][0] for j in run)):
            break  # "General Assembly" is a name, not a general
        run, titled = run[1:], True
    while run and toks[run[-1]][0].lower() in _NAME_PARTICLES | {"of", "for", "on", "the"}:
        run = run[:-1]
    if not run:
        return None
    words = [toks[j][0] for j in run]
    possessive = bool(re.search(r"['’]s$", words[-1]))
    if possessive:
        words[-1] = words[-1][:-2]
    start, end = toks[run[0]][1], toks[run[-1]][2] - (2 if possessive else 0)
    if re.match(r"[_/@]|\.\w", sentence[end:]) or re.search(r"[_/@.]$", sentence[:start]):
        return None  # part of an identifier, a path or an address ("GDK_BACKEND", "gnu.org")
    before = tuple(t.lower() for t, _, _ in toks[max(0, run[0] - 2) : run[0]])
    nxt = run[-1] + 1
    after = toks[nxt][0] if nxt < len(toks) else ""
    if any(w.isdigit() for w in words) or (len(words) == 1 and words[0].lower() in _COMPASS):
        return None  # "the West" is a direction, not a place one could swap
    return _Chunk(tuple(words), start, end, before, after, possessive, titled)


def _adjective(chunk: _Chunk) -> bool:
    """A nationality adjective before a noun ("German government", "Hungarian uprising")."""
    if len(chunk.words) != 1 or chunk.possessive:
        return False
    word, nxt = chunk.words[0], chunk.after
    if word.lower() in _ADJECTIVES:
        return True
    if not nxt or not nxt[0].islower() or nxt.lower() in STOPWORDS:
        return False
    verb_like = nxt.endswith("ed") or nxt in _PERSON_VERBS or nxt in _MODALS
    return bool(_ADJECTIVE_SUFFIX.search(word)) and not verb_like and _gazetteer(word) is None


@dataclass
class _Votes:
    person: float = 0.0
    place: float = 0.0


def _vote(chunk: _Chunk, votes: _Votes) -> None:
    """Add the evidence one occurrence gives about an untyped name."""
    prev = chunk.before[-1] if chunk.before else ""
    prev2 = chunk.before[0] if len(chunk.before) == 2 else ""
    nxt = chunk.after
    if chunk.titled or prev in _PERSON_TITLES:
        votes.person += 1
    if prev == "the" and not chunk.titled:
        votes.person -= 1  # "the Mausoleum", "the Decree": things, not people
    if chunk.possessive and nxt.lower() in _PERSON_NOUNS:
        votes.person += 1
    if prev == "of" and prev2 in _PERSON_NOUNS:
        votes.person += 1
    if prev == "of" and prev2 in _PLACE_NOUNS:
        votes.place += 1
    if nxt.lower() in _PERSON_VERBS:
        votes.person += 1
    elif nxt.lower() in _MODALS or (nxt.endswith("ed") and nxt[0].islower()):
        votes.person += 0.5
    votes.place += _PLACE_PREPS.get(prev, 0.0)


class _Lexicon:
    """Every name of the course with its type, and aliases given in brackets."""

    def __init__(self, sentences: list[str]):
        self.case = _CaseStats(sentences)
        self.types: dict[str, tuple[FactType, str]] = {}
        self.alias: dict[str, str] = {}
        votes: dict[str, _Votes] = defaultdict(_Votes)
        groups: list[list[str]] = []
        for sentence in sentences:
            chunks = [c for c in _chunks(sentence, self.case) if not _adjective(c)]
            for chunk in chunks:
                static = _static_type(chunk.words)
                if static:
                    self.types[chunk.key] = static
                elif _acronym_as_name(chunk):
                    self.types[chunk.key] = (FactType.ORG, chunk.key)
                elif not chunk.text.isupper():
                    _vote(chunk, votes[chunk.key])
                self._note_alias(sentence, chunk)
            groups.extend(_coordinated(sentence, chunks))
        self._resolve(votes, groups)

    def _note_alias(self, sentence: str, chunk: _Chunk) -> None:
        bracket = re.match(r"\s*\(([^()]{1,60})\)", sentence[chunk.end :])
        if bracket and bracket.group(1)[:1].isupper():
            self.alias[bracket.group(1).lower()] = chunk.key

    def _resolve(self, votes: dict[str, _Votes], groups: list[list[str]]) -> None:
        """Type each voted name; names listed with typed ones take their type (two rounds,
        so a list with one known member types the rest)."""
        for _ in range(2):
            for group in groups:
                known = [self.type_of(k) for k in group]
                kinds = Counter(t for t in known if t in (FactType.PERSON, *PLACE_TYPES))
                if not kinds:
                    continue
                kind = kinds.most_common(1)[0][0]
                for k, t in zip(group, known, strict=True):
                    if t is None and k in votes:
                        if kind is FactType.PERSON:
                            votes[k].person += 1
                        else:
                            votes[k].place += 1
            for key, v in votes.items():
                if key in self.types:
                    continue
                if v.person > v.place and v.person >= 0.5:
                    self.types[key] = (FactType.PERSON, key)
                elif v.place > v.person and v.place >= 0.5:
                    self.types[key] = (FactType.PLACE, key)

    def type_of(self, key: str) -> FactType | None:
        found = self.types.get(key)
        return found[0] if found else None

    def identity(self, key: str) -> str:
        """One identity for a name and its aliases ("CMEA" → the council's full name)."""
        key = self.alias.get(key, key)
        found = self.types.get(key)
        return found[1] if found else key


def _coordinated(sentence: str, chunks: list[_Chunk]) -> list[list[str]]:
    """Groups of names listed together ("Khrushchev and Kennedy", "A, B and the C")."""
    groups: list[list[str]] = []
    current: list[str] = []
    listed = False  # only a run joined by "and"/"or" is a list; "X, Y learned" is not
    for a, b in pairwise(chunks):
        gap = sentence[a.end : b.start].strip().lower()
        if gap in (",", "and", ", and", "or", ", the", "and the", ", and the"):
            if not current:
                current = [a.key]
            current.append(b.key)
            listed = listed or "and" in gap or "or" in gap
        else:
            if current and listed:
                groups.append(current)
            current, listed = [], False
    if current and listed:
        groups.append(current)
    return groups


# ---------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------


def _date_facts(sentence: str) -> list[Fact]:
    facts = []
    for m in _DATE_RE.finditer(sentence):
        facts.append(Fact(FactType.DATE, m.group(), m.start(), m.end(), m.group().lower()))
    for m in _RANGE_RE.finditer(sentence):
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


def _name_facts(sentence: str, lexicon: _Lexicon) -> list[Fact]:
    facts = []
    for chunk in _chunks(sentence, lexicon.case):
        if _adjective(chunk):
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


def _find_facts(sentence: str, lexicon: _Lexicon) -> list[Fact]:
    """All facts of a prepared sentence, left to right, without overlaps: the first found
    in the order dates, numbers, names wins ("July 27" is a date, not a number)."""
    found: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for fact in [*_date_facts(sentence), *_number_facts(sentence), *_name_facts(sentence, lexicon)]:
        if any(fact.start < e and s < fact.end for s, e in taken):
            continue
        if _LIST_ITEM.match(sentence) and fact.start == 0:
            continue
        found.append(fact)
        taken.append((fact.start, fact.end))
    return sorted(found, key=lambda f: f.start)


# ---------------------------------------------------------------------------------------
# Distractor pools
# ---------------------------------------------------------------------------------------


@dataclass
class _Pools:
    """Every fact of the course by type, for distractors of the same type."""

    names: dict[FactType, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    forms: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    years: set[int] = field(default_factory=set)
    dates: set[tuple[int, int]] = field(default_factory=set)
    months: set[int] = field(default_factory=set)
    decades: set[int] = field(default_factory=set)
    numbers: list[tuple[float, str]] = field(default_factory=list)  # (value, unit)

    def add(self, fact: Fact) -> None:
        if fact.type in NAME_TYPES:
            self.names[fact.type].setdefault(fact.key, _bare(fact.text))
            self.forms[fact.key][re.sub(r"^The ", "the ", fact.text)] += 1
        elif fact.type is FactType.YEAR:
            self.years.add(int(fact.text))
        elif fact.type is FactType.RANGE:
            self.years.update(int(y) for y in re.findall(r"\d{4}", fact.text))
        elif fact.type is FactType.DATE:
            self.dates.add(_parse_date(fact.text))
        elif fact.type is FactType.MONTH:
            self.months.add(_MONTH_INDEX[_month_word(fact.text).lower()])
        elif fact.type is FactType.DECADE:
            self.decades.add(int(fact.key[:4]))
        elif fact.type is FactType.NUMBER:
            parsed = _parse_number(fact.text)
            if parsed:
                self.numbers.append((parsed[1], parsed[3].lower()))

    def display(self, key: str) -> str:
        """A name as the course usually writes it: "the GDR", "Finland"."""
        return self.forms[key].most_common(1)[0][0]


def _bare(name: str) -> str:
    return re.sub(r"^(?:the|The) ", "", name)


def _parse_date(text: str) -> tuple[int, int]:
    m = _DATE_RE.fullmatch(text)
    assert m is not None
    month = m.group("m1") or m.group("m2")
    day = int(m.group("d1") or m.group("d2"))
    return _MONTH_INDEX[month.lower()], day


def _month_word(text: str) -> str:
    m = _MONTH_RE.fullmatch(text)
    assert m is not None
    return m.group("m")


def _parse_number(text: str) -> tuple[str, float, str, str] | None:
    """(text before the numeral, its value, the numeral as written, text after it)."""
    m = re.search(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?", text)
    if not m:
        return None
    return text[: m.start()], float(m.group().replace(",", "")), m.group(), text[m.end() :]


def _format_like(value: float, like: str) -> str:
    """A value written as `like` is: same decimals, thousands commas if it had them."""
    decimals = len(like.split(".")[1]) if "." in like else 0
    if decimals == 0:
        value = round(value)
        text = f"{int(value):,}" if "," in like else str(int(value))
    else:
        text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------
# Distractors: same type, never the answer, never already in the question
# ---------------------------------------------------------------------------------------


def _mentions(text: str, phrase: str) -> bool:
    return bool(re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text, re.IGNORECASE))


def _distinct_words(name: str) -> set[str]:
    """A name's own words, without the generic ones ("Council", "Union", "the")."""
    return {w for w in tokens(name) if w not in STOPWORDS and w not in _ORG_WORDS | _COMPASS}


def _year_candidates(fact: Fact, pools: _Pools) -> list[str]:
    """Two course years near the answer, then made-up ones, then the other course years.

    Made-up years follow one of several offset patterns picked by a hash, so the answer
    lands first, second, third or last among the options; three course years all on one
    side (1962, 1963, 1964 for 1985) or all around it would each be a tell of their own.
    """
    year = int(fact.text)
    course = sorted(pools.years - {year}, key=lambda y: (abs(y - year), y))
    near = [y for y in course if abs(y - year) <= YEAR_WINDOW]
    far = [y for y in course if abs(y - year) > YEAR_WINDOW]
    pattern = _YEAR_OFFSETS[int(_hash(fact.text)[:4], 16) % len(_YEAR_OFFSETS)]
    made = [year + d for d in (*pattern, *_YEAR_OFFSETS[0])]
    return [str(y) for y in near[:COURSE_YEARS] + made + near[COURSE_YEARS:] + far]


def _date_candidates(fact: Fact, pools: _Pools) -> list[str]:
    month, day = _parse_date(fact.text)
    day_first = fact.text[0].isdigit()

    def show(m: int, d: int) -> str:
        return f"{d} {MONTHS[m]}" if day_first else f"{MONTHS[m]} {d}"

    def distance(md: tuple[int, int]) -> tuple[int, tuple[int, int]]:
        return abs((md[0] - month) * 31 + md[1] - day), md

    course = sorted(pools.dates - {(month, day)}, key=distance)
    made = [((month + k) % 12, day) for k in (1, -1, 2, -2, 3)]
    made = [(m, min(d, _MONTH_DAYS[m])) for m, d in made]
    return [show(m, d) for m, d in course + [md for md in made if md not in pools.dates]]


def _month_candidates(fact: Fact, pools: _Pools) -> list[str]:
    word = _month_word(fact.text)
    index = _MONTH_INDEX[word.lower()]
    course = sorted(pools.months - {index}, key=lambda m: (abs(m - index), m))
    made = [(index + k) % 12 for k in (1, -1, 2, -2, 3, -3)]
    order = course + [m for m in made if m not in pools.months]
    return [fact.text.replace(word, MONTHS[m]) for m in order]


def _decade_candidates(fact: Fact, pools: _Pools) -> list[str]:
    decade = int(fact.key[:4])
    course = sorted(pools.decades - {decade}, key=lambda d: (abs(d - decade), d))
    made = [decade + d for d in (10, -10, 20, -20, 30)]
    return [f"{d}s" for d in course + [d for d in made if d not in pools.decades]]


def _ordinal_candidates(fact: Fact) -> list[str]:
    n = int(re.sub(r"\D", "", fact.text))
    return [_ordinal(k) for k in (n - 1, n + 1, n + 2, n - 2, n + 3) if k > 0]


def _number_candidates(fact: Fact, pools: _Pools) -> list[str]:
    """Course numbers of the same unit and similar magnitude, then multiples of the answer."""
    parsed = _parse_number(fact.text)
    if not parsed:
        return []
    before, value, numeral, after = parsed
    if value == 0:
        return []
    similar = sorted(
        {v for v, unit in pools.numbers if unit == after.lower() and v > 0 and v != value},
        key=lambda v: (abs(math.log(v / value)), v),
    )
    similar = [v for v in similar if 0.25 <= v / value <= 4]
    made = [value * k for k in (2, 0.5, 1.5, 3, 0.25)]
    values: list[float] = []
    for v in similar + made:
        # skip values too close to the answer or to an option already chosen
        if all(abs(v - w) > 0.1 * max(v, w) for w in [value, *values]):
            values.append(v)
    return [f"{before}{_format_like(v, numeral)}{after}" for v in values]


def _name_candidates(fact: Fact, pools: _Pools, topics: set[str]) -> list[str]:
    """Names of the same type (then other kinds of place for a place), ordered by shape and
    then by a hash, so each question gets its own stable choice. A region may also get a
    continent the course does not name."""
    bare = _bare(fact.text)
    own = _distinct_words(bare)
    names = [(key, text, 0) for key, text in pools.names[fact.type].items()]
    if fact.type is FactType.REGION:
        names += [(c.lower(), c, 1) for c in _CONTINENTS if c.lower() not in pools.forms]
    if fact.type in PLACE_TYPES:
        others = [t for t in PLACE_TYPES if t not in (fact.type, FactType.REGION)]
        names += [(key, text, 2) for t in others for key, text in pools.names[t].items()]
    ranked: list[tuple[int, int, str, str]] = []
    for key, text, rank in names:
        if key == fact.key or key in topics or text.isupper() != bare.isupper():
            continue
        words = _distinct_words(text)
        if words & own or not words or not own:
            continue  # "East Berlin" for "West Berlin", "Warsaw …" for "Warsaw Pact"
        shown = pools.display(key) if key in pools.forms else text
        if fact.text.startswith("The ") and shown.startswith("the "):
            shown = "T" + shown[1:]
        shape = abs(len(text.split()) - len(bare.split()))
        ranked.append((rank, shape, _hash(fact.text, text), shown))
    return [shown for *_, shown in sorted(ranked)]


def _distractors(fact: Fact, pools: _Pools, topics: set[str], stem: str) -> list[str]:
    """Wrong answers of the fact's type, best first, none in the stem or equal to the answer."""
    kind = fact.type
    if kind is FactType.YEAR:
        candidates = _year_candidates(fact, pools)
    elif kind is FactType.DATE:
        candidates = _date_candidates(fact, pools)
    elif kind is FactType.MONTH:
        candidates = _month_candidates(fact, pools)
    elif kind is FactType.DECADE:
        candidates = _decade_candidates(fact, pools)
    elif kind is FactType.ORDINAL:
        candidates = _ordinal_candidates(fact)
    elif kind is FactType.NUMBER:
        candidates = _number_candidates(fact, pools)
    elif kind in NAME_TYPES:
        candidates = _name_candidates(fact, pools, topics)
    else:
        candidates = []
    chosen: list[str] = []
    seen = {fact.text.lower()}
    for text in candidates:
        if text.lower() in seen or _mentions(stem, text):
            continue
        seen.add(text.lower())
        chosen.append(text)
    return chosen


# ---------------------------------------------------------------------------------------
# Units: sentences that stand alone (or with the sentence before) and their usable facts
# ---------------------------------------------------------------------------------------


def _topics(course: Course, lexicon: _Lexicon, facts: dict[int, list[Fact]]) -> set[str]:
    """Identities of the course's topic entities: named in a document title, or in a tenth
    of all sentences. Blanking them is trivial, offering them as distractors is confusing."""
    topics: set[str] = set()
    for doc in course.documents.values():
        topics.update(f.key for f in _find_facts(doc.title, lexicon) if f.type in NAME_TYPES)
    seen = Counter(key for found in facts.values() for key in {f.key for f in found})
    threshold = max(TOPIC_MIN_SENTENCES, TOPIC_SHARE * len(course.passages))
    topics.update(key for key, n in seen.items() if n >= threshold)
    return topics


def _section_keys(title: str, lexicon: _Lexicon) -> set[str]:
    return {f.key for f in _find_facts(title, lexicon)} | {title.lower()}


def _title_ranges(course: Course) -> set[str]:
    titles = [d.title for d in course.documents.values()]
    titles += [s.title for d in course.documents.values() for s in d.sections]
    return {re.sub(r"\s", "", m.group()) for t in titles for m in _RANGE_RE.finditer(t)}


def _usable(fact: Fact, context: str, sentence: str, banned: set[str], ranges: set[str]) -> bool:
    """A fact worth blanking: not the topic, said once, and not given away by the stem."""
    if fact.key in banned:
        return False
    if fact.type is FactType.RANGE and re.sub(r"\s", "", fact.text) in ranges:
        return False  # the course's own period ("1953-1964" in its title)
    rest = f"{context} {sentence[: fact.start]}{BLANK}{sentence[fact.end :]}"
    if _mentions(rest, fact.text):
        return False
    numbers = re.findall(r"\d+(?:\.\d+)?", fact.text)
    if any(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", rest) for n in numbers):
        return False
    return not (fact.type in NAME_TYPES and _distinct_words(fact.text) & set(tokens(rest)))


def _units(
    course: Course,
    prepared: dict[int, str | None],
    facts: dict[int, list[Fact]],
    lexicon: _Lexicon,
    topics: set[str],
) -> Iterator[Unit]:
    ranges = _title_ranges(course)
    for passage in course.passages:
        sentence = prepared[passage.passage_id]
        if not sentence or not facts.get(passage.passage_id):
            continue
        first, context = passage, ""
        lean = _leans(sentence)
        if lean is not Lean.NONE:
            before = course.neighbour(passage.passage_id, -1)
            shown = prepared[before.passage_id] if before else None
            if before and shown and not leans_back(shown):
                first, context = before, shown
            elif lean is Lean.HARD:
                continue  # nothing it could lean on that stands alone itself
        banned = topics | _section_keys(passage.section, lexicon)
        usable = tuple(
            f for f in facts[passage.passage_id] if _usable(f, context, sentence, banned, ranges)
        )
        if usable:
            yield Unit(first, passage, context, sentence, usable)


# ---------------------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    """One line, no space before punctuation (a blank may leave one), a capital first
    letter and a final "." or "?"."""
    text = _collapse(text)
    text = re.sub(r"\s+([,.;:?!])(?=\s|$)", r"\1", text)
    text = re.sub(r"!$", ".", text)
    if text and text[-1] not in ".?":
        text += "."
    return text[0].upper() + text[1:] if text else text


def _cloze(unit: Unit, fact: Fact) -> str:
    blanked = unit.sentence[: fact.start] + BLANK + unit.sentence[fact.end :]
    return _tidy(f"Fill in the blank: {unit.context} {blanked}")


_WH_FOR = {
    (FactType.YEAR, "in"): "In what year",
    (FactType.YEAR, "by"): "By what year",
    (FactType.YEAR, "until"): "Until what year",
    (FactType.YEAR, "since"): "Since what year",
    (FactType.DATE, "on"): "On what date",
}
_SUBJECT = r"(?P<subj>[^,;:\"]{2,80}?)"


def _lower_first(phrase: str) -> str:
    word = phrase.split(" ", 1)[0]
    return phrase[0].lower() + phrase[1:] if word.lower() in STOPWORDS else phrase


def _wh_question(unit: Unit, fact: Fact) -> str | None:
    """A wh-question for the few shapes that invert safely; None for the rest.

    "In 1957, X was headed by Y." → "In what year was X headed by Y?"
    "X was tested in 1957."       → "In what year was X tested?"
    "Gromyko made a contribution…" → "Who made a contribution…?"
    """
    s = unit.sentence.rstrip(".")
    if not unit.sentence.endswith(".") or "?" in s:
        return None
    before, after = s[: fact.start], s[fact.end :]
    question = None
    lead = re.fullmatch(r"(?P<prep>In|On|By|Until|Since) ", before)
    if lead:
        wh = _WH_FOR.get((fact.type, lead.group("prep").lower()))
        m = re.fullmatch(rf",? {_SUBJECT} (?P<aux>was|were) (?P<rest>.+)", after)
        if wh and m and len(m.group("subj").split()) <= 10:
            question = f"{wh} {m.group('aux')} {_lower_first(m.group('subj'))} {m.group('rest')}"
    tail = re.fullmatch(
        rf"{_SUBJECT} (?P<aux>was|were) (?P<rest>.+) (?P<prep>in|on|by|until|since) ", before
    )
    if question is None and tail and not after:
        wh = _WH_FOR.get((fact.type, tail.group("prep")))
        if wh and len(tail.group("subj").split()) <= 10:
            subj = _lower_first(tail.group("subj"))
            question = f"{wh} {tail.group('aux')} {subj} {tail.group('rest')}"
    if question is None and fact.type is FactType.PERSON and fact.start == 0:
        m = re.match(r" ([a-z]+) ", after)
        if m and m.group(1) not in STOPWORDS and len(after.split()) >= 6:
            question = "Who" + after
    if question is None:
        return None
    return _tidy(f"{unit.context} {question}".strip() + "?")


# ---------------------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------------------


def _citation(course: Course, unit: Unit) -> Citation:
    doc = course.documents[unit.first.doc_id]
    start, end = unit.first.start, unit.last.end
    return Citation(doc.doc_id, unit.last.section, start, end, doc.text[start:end])


def _quiz_id(kind: str, question: str, answer: str, citation: Citation) -> str:
    """ "q-" and 12 hex digits of the SHA-1 of the fields joined by U+001F: stable across runs."""
    parts = (kind, question, answer, citation.doc_id, str(citation.start), str(citation.end))
    return "q-" + _hash(*parts)[:12]


def _item(
    kind: str,
    question: str,
    answer: str,
    citation: Citation,
    options: tuple[str, ...] | None = None,
) -> QuizItem:
    quiz_id = _quiz_id(kind, question, answer, citation)
    if options is not None:
        # shuffled by the item's id: stable across runs, different from item to item
        options = tuple(sorted(options, key=lambda o: _hash(quiz_id, o)))
    return QuizItem(quiz_id, kind, question, answer, citation, options, citation.section)


def _truth_guard(course: Course, unit: Unit, fact: Fact, swap: str) -> bool:
    """True when no course sentence could make the swapped statement true: none that holds
    the swapped value shares most of the original sentence's other words."""
    others = set(content_words(unit.sentence[: fact.start] + " " + unit.sentence[fact.end :]))
    if not others:
        return True
    for passage in course.passages:
        if passage.passage_id == unit.last.passage_id or not _mentions(passage.text, swap):
            continue
        if len(others & set(content_words(passage.text))) >= 0.5 * len(others):
            return False
    return True


class _Maker:
    """Builds the items of one course; holds what every unit shares."""

    def __init__(self, course: Course, pools: _Pools, topics: set[str]):
        self.course = course
        self.pools = pools
        self.topics = topics

    def items(self, unit: Unit) -> list[QuizItem]:
        citation = _citation(self.course, unit)
        made: list[QuizItem] = []
        options = {f: _distractors(f, self.pools, self.topics, unit.stem) for f in unit.facts}
        ordered = sorted(unit.facts, key=lambda f: (PRIORITY.index(f.type), f.start))
        mc, sa = self._choose(ordered, options, unit)
        if mc:
            question = _wh_question(unit, mc) or _cloze(unit, mc)
            chosen = (mc.text, *options[mc][: OPTIONS - 1])
            made.append(_item(MULTIPLE_CHOICE, question, mc.text, citation, chosen))
        if sa:
            question = _wh_question(unit, sa) or _cloze(unit, sa)
            made.append(_item(SHORT_ANSWER, question, sa.text, citation))
        made.append(self._true_false(unit, ordered, options, citation, avoid={mc, sa}))
        return made

    @staticmethod
    def _choose(
        ordered: list[Fact], options: dict[Fact, list[str]], unit: Unit
    ) -> tuple[Fact | None, Fact | None]:
        """The facts asked as multiple choice and as short answer: different ones when the
        sentence has two, the short answer preferring one a wh-question can ask (it reads
        better without options), the multiple choice one with three distractors."""
        choosable = [f for f in ordered if len(options[f]) >= OPTIONS - 1]
        if len(ordered) == 1:
            return (ordered[0], None) if choosable else (None, ordered[0])
        sa = next((f for f in ordered if _wh_question(unit, f)), None)
        mc = next((f for f in choosable if f is not sa), None)
        if mc is None and sa in choosable:
            mc, sa = sa, None  # the wh-able fact is the only one with distractors
        if sa is None:
            sa = next(f for f in ordered if f is not mc)
        return mc, sa

    def _true_false(
        self,
        unit: Unit,
        ordered: list[Fact],
        options: dict[Fact, list[str]],
        citation: Citation,
        avoid: set[Fact | None],
    ) -> QuizItem:
        statement = _tidy(unit.stem)
        wants_false = int(_hash(unit.stem)[:8], 16) % 5 < FALSE_SHARE
        swappable = sorted(ordered, key=lambda f: f in avoid)  # prefer a fact not yet asked
        for fact in swappable if wants_false else []:
            swap = next(
                (o for o in options[fact] if _truth_guard(self.course, unit, fact, o)), None
            )
            if swap:
                changed = unit.sentence[: fact.start] + swap + unit.sentence[fact.end :]
                false = _tidy(f"{unit.context} {changed}")
                return _item(TRUE_FALSE, f"True or false: {false}", "false", citation)
        return _item(TRUE_FALSE, f"True or false: {statement}", "true", citation)


def _acceptable(course: Course, item: QuizItem) -> bool:
    """The last check every item passes: an exact citation, an answer the quote holds and
    the question does not give away, four distinct options holding the answer."""
    c = item.citation
    if course.documents[c.doc_id].text[c.start : c.end] != c.quote:
        return False
    if item.kind == TRUE_FALSE:
        return item.answer in ("true", "false") and item.options is None
    if item.answer not in c.quote or item.answer.lower() in item.question.lower():
        return False
    if item.kind == MULTIPLE_CHOICE:
        opts = item.options or ()
        if len(opts) != OPTIONS or len({o.lower() for o in opts}) != OPTIONS:
            return False
        if item.answer not in opts:
            return False
    return True


def _course_facts(course: Course) -> tuple[dict[int, str | None], _Lexicon, dict[int, list[Fact]]]:
    titles = tuple(
        {d.title: None for d in course.documents.values()}
        | {s.title: None for d in course.documents.values() for s in d.sections}
    )
    prepared = {p.passage_id: _prepare(p.text, titles) for p in course.passages}
    lexicon = _Lexicon([s for s in prepared.values() if s])
    facts = {pid: _find_facts(s, lexicon) for pid, s in prepared.items() if s}
    return prepared, lexicon, facts


def course_facts(course: Course) -> list[tuple[Passage, str, tuple[Fact, ...]]]:
    """Every sentence that can stand as a fact, prepared (connective dropped, fragments
    glued), with its facts: what calibration turns into questions the course answers."""
    prepared, _, facts = _course_facts(course)
    out = []
    for passage in course.passages:
        sentence = prepared.get(passage.passage_id)
        if sentence:
            out.append((passage, sentence, tuple(facts.get(passage.passage_id, ()))))
    return out


def generate_items(course: Course) -> list[QuizItem]:
    """Quiz items over the whole course, in course order: deterministic, ids stable."""
    prepared, lexicon, facts = _course_facts(course)
    pools = _Pools()
    for found in facts.values():
        for fact in found:
            pools.add(fact)
    topics = _topics(course, lexicon, facts)
    maker = _Maker(course, pools, topics)
    items: list[QuizItem] = []
    seen: set[str] = set()
    for unit in _units(course, prepared, facts, lexicon, topics):
        for item in maker.items(unit):
            if item.quiz_id in seen or item.question in seen or not _acceptable(course, item):
                continue
            seen.update((item.quiz_id, item.question))
            items.append(item)
    return items


def dump_items(items: list[QuizItem]) -> str:
    """The items as JSON lines, one item per line with every field (`tutor quiz --dump`)."""
    return "".join(json.dumps(item_to_dict(i), ensure_ascii=False) + "\n" for i in items)
