"""The words of a learner's answer as the grader compares them: Unicode normalised, numbers by
value ("2.3 thousand" is 2300, "seventy" is 70), months by name, other words by spelling
within a typo budget.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz.distance import OSA

from ..text import MONTH_ABBREVIATIONS, MONTHS, STOPWORDS, stem, tokens

_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")

_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u0060\u00b4]")

# "70,000" is one number, not the list "70, 000".
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

# "August 13, 1961": the comma between day and year is not a list separator.
_DAY_COMMA_YEAR = re.compile(r"(?<=\d)(?:st|nd|rd|th)?\s*,\s*(?=\d{4}(?!\d))")


def normalise(text: str) -> str:
    """NFKC, accents dropped, one kind of dash and apostrophe, case-folded."""
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", text)
    text = _APOSTROPHES.sub("'", text)
    # Dropping combining marks makes "Gromykó" compare as "Gromyko"; other scripts survive
    # (their words simply match nothing Latin).
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text).casefold()
    text = _THOUSANDS.sub("", text)
    return _DAY_COMMA_YEAR.sub(" ", text)


# Month names and their short forms, each to its full lower-case name.
MONTH_NAMES = {m.lower(): m.lower() for m in MONTHS} | MONTH_ABBREVIATIONS

_MULTIPLIERS = {
    "hundred": Decimal(100),
    "thousand": Decimal(1000),
    "million": Decimal(10**6),
    "billion": Decimal(10**9),
    "trillion": Decimal(10**12),
}

_CARDINALS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()

_ORDINALS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()

_NUMBER_WORDS = {w: Decimal(i) for words in (_CARDINALS, _ORDINALS) for i, w in enumerate(words)}
_NUMBER_WORDS.update(
    {
        w: Decimal(10 * i)
        for words in (
            "thirty forty fifty sixty seventy eighty ninety",
            "thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth",
        )
        for i, w in enumerate(words.split(), 3)
    }
)
# Number words that are more often something else: "the one in Vienna", "the first
# satellite", "a second front". They count as numbers only where that number is expected.
_AMBIGUOUS_NUMBER_WORDS = frozenset(["one", "first", "second"])
_NUMERAL = re.compile(r"(\d+(?:\.\d+)?)(?:st|nd|rd|th)?")


@dataclass(frozen=True, slots=True)
class Part:
    """One word of a text. kind: "num" (value set), "month", "code" (digits mixed with
    letters, "1950s": matched exactly) or "word"."""

    text: str
    kind: str
    value: Decimal | None = None

    @property
    def strict(self) -> bool:
        return self.kind != "word"


def _number_word(word: str, wanted: frozenset[Decimal] | None) -> Decimal | None:
    """The value of a spelled number ("seventy", "twenty-five", "twentieth"), or None."""
    value = _NUMBER_WORDS.get(word)
    if value is None:
        tens, _, ones = word.partition("-")
        if tens in _NUMBER_WORDS and ones in _NUMBER_WORDS:
            low, high = _NUMBER_WORDS[ones], _NUMBER_WORDS[tens]
            if high >= 20 and high % 10 == 0 and 0 < low < 10:
                return high + low
        return None
    if word in _AMBIGUOUS_NUMBER_WORDS and wanted is not None and value not in wanted:
        return None
    return value


def _classify(word: str, *, may_is_month: bool, wanted: frozenset[Decimal] | None) -> Part:
    numeral = _NUMERAL.fullmatch(word)
    if numeral:
        return Part(word, "num", Decimal(numeral.group(1)))
    spelled = _number_word(word, wanted)
    if spelled is not None:
        return Part(word, "num", spelled)
    if word in MONTH_NAMES and (word != "may" or may_is_month):
        # "may" is usually a verb ("it may be Vienna"); a month only when a date is expected.
        return Part(MONTH_NAMES[word], "month")
    misspelt = _misspelt_month(word)
    if misspelt is not None:
        return Part(misspelt, "month")
    if any(c.isdigit() for c in word):
        return Part(word, "code")
    return Part(word, "word")


def _misspelt_month(word: str) -> str | None:
    """The month a long word misspells ("Setpember"), when it is near exactly one month.

    Dates stay strict in their values; a typo in a month's name does not change the date.
    """
    if len(word) < 5 or not word.isalpha():
        return None
    near = {
        month
        for month in set(MONTH_NAMES.values())
        if len(month) >= 5
        and OSA.distance(month, word, score_cutoff=_typo_budget(len(month)))
        <= _typo_budget(len(month))
    }
    return near.pop() if len(near) == 1 else None


def words_of(
    text: str, *, may_is_month: bool = True, wanted: frozenset[Decimal] | None = None
) -> list[list[Part]]:
    """The words of a normalised text, each split at hyphens into parts ("porkkala-udd").

    A number followed by a multiplier becomes one value ("2.3 thousand" → 2300) and a
    hyphenated tens-and-ones word one number ("twenty-five" → 25). `wanted`, when given, is
    the set of numbers an ambiguous number word ("one", "first") may stand for.
    """
    # "Stalin's" is Stalin; "50's" is a decade, written "50s" like "1950s".
    words = [
        w[:-2] + ("s" if w[:-2].isdigit() else "") if w.endswith("'s") else w for w in tokens(text)
    ]
    out: list[list[Part]] = []
    i = 0
    while i < len(words):
        compound = _number_word(words[i], wanted) if "-" in words[i] else None
        if compound is not None:
            parts = [Part(words[i], "num", compound)]
        else:
            parts = [
                _classify(p, may_is_month=may_is_month, wanted=wanted)
                for p in words[i].split("-")
                if p
            ]
        last = parts[-1] if parts else None
        if (
            last is not None
            and last.kind == "num"
            and last.value is not None
            and i + 1 < len(words)
            and words[i + 1] in _MULTIPLIERS
        ):
            parts[-1] = Part(last.text, "num", last.value * _MULTIPLIERS[words[i + 1]])
            i += 1
        if parts:
            out.append(parts)
        i += 1
    return out


def is_content(part: Part) -> bool:
    return part.strict or (part.text not in STOPWORDS and len(part.text) > 1)


def _typo_budget(length: int) -> int:
    """Edits forgiven in a word: none below 5 letters, one up to 8, two from 9."""
    return 0 if length < 5 else 1 if length <= 8 else 2


def same_word(a: str, b: str) -> bool:
    """Equal, or inflections of one word ("missile" / "missiles", "recognised" / "recognise").

    Equal stems alone are not enough for short words: the stemmer maps "nagy" to "nagi".
    """
    if a == b:
        return True
    if stem(a) != stem(b):
        return False
    shorter = min(len(a), len(b))
    shared = next((i for i in range(shorter) if a[i] != b[i]), shorter)
    return shared == shorter or shared >= 5


def word_distance(expected: str, given: str) -> int | None:
    """Edits between two words if within the typo budget of the expected one, else None."""
    if same_word(expected, given):
        return 0
    if not expected.isalpha() or not given.isalpha():
        return None
    budget = _typo_budget(len(expected))
    if budget == 0:
        return None
    # OSA counts a swap of two neighbouring letters ("Stlain") as one typo, not two.
    d = OSA.distance(expected, given, score_cutoff=budget)
    return d if d <= budget else None
