"""Wrong answers of a fact's type, from the course first: nearby years and dates, numbers of
similar magnitude and unit, names of the same type; never the answer, never already in the
question.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..text import MONTHS
from .facts import MONTH_INDEX, month_word, parse_date
from .gazetteer import CONTINENTS, distinct_words
from .values import NAME_TYPES, PLACE_TYPES, Fact, FactType, mentions, text_hash

YEAR_WINDOW = 30  # course years this close to the answer make good distractors

COURSE_YEARS = 2  # …and this many of them go before made-up ones

# Made-up year offsets: the answer lands first, second, third or last among the options.
_YEAR_OFFSETS = ((2, 5, 9), (-3, 4, 7), (-6, -2, 3), (-8, -4, -1))

_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass
class Pools:
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
            self.dates.add(parse_date(fact.text))
        elif fact.type is FactType.MONTH:
            self.months.add(MONTH_INDEX[month_word(fact.text).lower()])
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


def _year_candidates(fact: Fact, pools: Pools) -> list[str]:
    """Two course years near the answer, then made-up ones, then the other course years.

    Made-up years follow one of several offset patterns picked by a hash, so the answer
    lands first, second, third or last among the options; three course years all on one
    side (1962, 1963, 1964 for 1985) or all around it would each be a tell of their own.
    """
    year = int(fact.text)
    course = sorted(pools.years - {year}, key=lambda y: (abs(y - year), y))
    near = [y for y in course if abs(y - year) <= YEAR_WINDOW]
    far = [y for y in course if abs(y - year) > YEAR_WINDOW]
    pattern = _YEAR_OFFSETS[int(text_hash(fact.text)[:4], 16) % len(_YEAR_OFFSETS)]
    made = [year + d for d in (*pattern, *_YEAR_OFFSETS[0])]
    return [str(y) for y in near[:COURSE_YEARS] + made + near[COURSE_YEARS:] + far]


def _date_candidates(fact: Fact, pools: Pools) -> list[str]:
    month, day = parse_date(fact.text)
    day_first = fact.text[0].isdigit()

    def show(m: int, d: int) -> str:
        return f"{d} {MONTHS[m]}" if day_first else f"{MONTHS[m]} {d}"

    def distance(md: tuple[int, int]) -> tuple[int, tuple[int, int]]:
        return abs((md[0] - month) * 31 + md[1] - day), md

    course = sorted(pools.dates - {(month, day)}, key=distance)
    made = [((month + k) % 12, day) for k in (1, -1, 2, -2, 3)]
    made = [(m, min(d, _MONTH_DAYS[m])) for m, d in made]
    return [show(m, d) for m, d in course + [md for md in made if md not in pools.dates]]


def _month_candidates(fact: Fact, pools: Pools) -> list[str]:
    word = month_word(fact.text)
    index = MONTH_INDEX[word.lower()]
    course = sorted(pools.months - {index}, key=lambda m: (abs(m - index), m))
    made = [(index + k) % 12 for k in (1, -1, 2, -2, 3, -3)]
    order = course + [m for m in made if m not in pools.months]
    return [fact.text.replace(word, MONTHS[m]) for m in order]


def _decade_candidates(fact: Fact, pools: Pools) -> list[str]:
    decade = int(fact.key[:4])
    course = sorted(pools.decades - {decade}, key=lambda d: (abs(d - decade), d))
    made = [decade + d for d in (10, -10, 20, -20, 30)]
    return [f"{d}s" for d in course + [d for d in made if d not in pools.decades]]


def _ordinal_candidates(fact: Fact) -> list[str]:
    n = int(re.sub(r"\D", "", fact.text))
    return [_ordinal(k) for k in (n - 1, n + 1, n + 2, n - 2, n + 3) if k > 0]


def _number_candidates(fact: Fact, pools: Pools) -> list[str]:
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


def _name_candidates(fact: Fact, pools: Pools, topics: set[str]) -> list[str]:
    """Names of the same type (then other kinds of place for a place), ordered by shape and
    then by a hash, so each question gets its own stable choice. A region may also get a
    continent the course does not name."""
    bare = _bare(fact.text)
    own = distinct_words(bare)
    names = [(key, text, 0) for key, text in pools.names[fact.type].items()]
    if fact.type is FactType.REGION:
        names += [(c.lower(), c, 1) for c in CONTINENTS if c.lower() not in pools.forms]
    if fact.type in PLACE_TYPES:
        others = [t for t in PLACE_TYPES if t not in (fact.type, FactType.REGION)]
        names += [(key, text, 2) for t in others for key, text in pools.names[t].items()]
    ranked: list[tuple[int, int, str, str]] = []
    for key, text, rank in names:
        if key == fact.key or key in topics or text.isupper() != bare.isupper():
            continue
        words = distinct_words(text)
        if words & own or not words or not own:
            continue  # "East Berlin" for "West Berlin", "Hanse …" for "Hanseatic League"
        shown = pools.display(key) if key in pools.forms else text
        if fact.text.startswith("The ") and shown.startswith("the "):
            shown = "T" + shown[1:]
        shape = abs(len(text.split()) - len(bare.split()))
        ranked.append((rank, shape, text_hash(fact.text, text), shown))
    return [shown for *_, shown in sorted(ranked)]


def distractors(fact: Fact, pools: Pools, topics: set[str], stem: str) -> list[str]:
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
        if text.lower() in seen or mentions(stem, text):
            continue
        seen.add(text.lower())
        chosen.append(text)
    return chosen
