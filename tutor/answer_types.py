"""What kind of answer a question asks for, and whether a sentence holds one.

Classic question-answering typing without a tagger: the wh-phrase names the type (a date, a
number, a quantity with a unit, a name) and surface patterns find it in a sentence. A match
only counts when the span is new, i.e. not already part of the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from functools import lru_cache

from .text import MONTHS, STOPWORDS, WEEKDAYS, stem, tokens


class AnswerType(Enum):
    DATE = "date"
    NUMBER = "number"
    QUANTITY = "quantity"  # a number with a unit: "2.3 million tonnes", "five weeks"
    NAME = "name"  # a person, place or organisation
    REASON = "reason"  # a cause or purpose: "because…", "caused by…", "in order to…"
    OUTCOME = "outcome"  # how something ended: "as a result…", "reached a compromise"
    RESPONSE = "response"  # how someone reacted: "in response…", "recalled its envoy"
    NONE = "none"


# Kinds recognised by a cue word rather than a span of their own.
CUE_KINDS = (AnswerType.REASON, AnswerType.OUTCOME, AnswerType.RESPONSE)

_MONTHS = "|".join(m.lower() for m in MONTHS)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    "fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|dozens|"
    "hundreds|thousands|millions"
)
_UNITS = (
    "km|kilometres?|kilometers?|miles?|metres?|meters?|m|cm|mm|tons?|tonnes?|kg|kilograms?|"
    "years?|months?|weeks?|days?|hours?|minutes?|seconds?|percent|%|dollars?|roubles?|rubles?|"
    "people|men|soldiers|troops|states|countries|members|degrees?|°[cf]?|kelvin|k"
)

DATE_RE = re.compile(
    rf"\b(?:(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})"
    rf"|(?:early|mid|late)[- ](?:{_MONTHS})|(?:{_MONTHS})"
    rf"|(?:1[0-9]|20)\d{{2}}s?|\d0'?s)\b",
    re.IGNORECASE,
)
NUMBER_RE = re.compile(
    rf"(?<![\w.])(?:\d+(?:[.,]\d+)*(?:st|nd|rd|th)?|(?:{_NUMBER_WORDS}))(?![\w-])", re.IGNORECASE
)
QUANTITY_RE = re.compile(
    rf"(?<![\w.])(?:\d+(?:[.,]\d+)*|(?:{_NUMBER_WORDS}))(?:\s+(?:{_NUMBER_WORDS}))?\s*"
    rf"(?:{_UNITS})\b",
    re.IGNORECASE,
)
REASON_RE = re.compile(
    r"\b(?:because|caused by|due to|owing to|thanks to|as a result of|in order to|so that|"
    r"led to|leading to|the reason|in connection with|in response to|aimed at|for fear)\b",
    re.IGNORECASE,
)
OUTCOME_RE = re.compile(
    r"\b(?:as a result|in the end|finally|eventually|ended|resolved|settled|"
    r"agreement was (?:reached|signed|concluded)|was signed|consequently|"
    r"led to|resulted in)\b",
    re.IGNORECASE,
)
# Words that report a reaction, whoever reacted to what.
RESPONSE_RE = re.compile(
    r"\b(?:in response|responded|reacted|reaction|replied|retaliated|condemned|refused|"
    r"rejected|answered|countered)\b",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"^(?:1[0-9]|20)\d{2}s?$")
# A capitalised word, or an abbreviation with dots ("U.S."), and the capitalised words after it.
_CAPITAL_WORD = r"(?:[A-ZА-ЯЁ](?:\.[A-ZА-ЯЁ])+\.?|[A-ZА-ЯЁ][\w'’-]*)"
_CAPITALISED = re.compile(rf"\b{_CAPITAL_WORD}(?:\s+{_CAPITAL_WORD})*")

_CALENDAR = frozenset([*_MONTHS.split("|"), *(d.lower() for d in WEEKDAYS)])
_SENTENCE_OPENERS = frozenset(
    """a an the in on at by of for from to this that these those it its he she they his her
    their there then thus however but and as after before during since until when while
    although most some many much all both each every another such our we you i""".split()
)


_WH = frozenset("what when where which who whom whose why how".split())
_AUXILIARIES = frozenset("did do does was were is are has have had will would can could".split())


def _wh_phrase(words: list[str]) -> str:
    """The question's wh-phrase: its first wh-word and the three words after it, with a
    preposition before it ("until what year"). A later "when" ("…react when the council
    voted…") opens a clause, not the question."""
    for i, word in enumerate(words):
        if word in _WH:
            phrase = words[max(0, i - 1) : i + 4]
            # "where was X when he…": a second wh-word opens a clause of its own
            later = [j for j, w in enumerate(phrase) if w in _WH and j > i - max(0, i - 1)]
            return " ".join(phrase[: later[0]] if later else phrase)
    return ""


def expected_type(question: str) -> AnswerType:
    """The answer type a question's wh-phrase asks for."""
    words = tokens(question)
    q = " ".join(words)
    head = _wh_phrase(words)
    if re.search(r"\bwhy\b|\bwhat (was|were|is|are) the (reasons?|causes?|purpose)\b", head):
        return AnswerType.REASON
    asks_how = bool(re.search(r"\bhow (was|were|did|do|does)\b", head))
    ended = r"\b(resolved?|end|ended|settled?|solved?|finish|finished|concluded?)\b"
    if (asks_how and re.search(ended, q)) or re.search(
        r"\bwhat (was|were) the (outcome|result|results|consequences?)\b", head
    ):
        return AnswerType.OUTCOME
    reacted = r"\b(react|reacted|respond|responded|reply|replied|answer|answered|retaliate)\b"
    if (asks_how and re.search(reacted, q)) or re.search(
        r"\bwhat (was|were) .*\b(reaction|response|reply)\b", q
    ):
        return AnswerType.RESPONSE
    if re.search(
        r"\bhow (long|far|big|large|wide|high|tall|heavy|deep|hot|cold|warm|fast|old|thick|"
        r"small|wide)\b",
        head,
    ):
        return AnswerType.QUANTITY
    if re.search(r"\bhow (many|much)\b|\bwhat (number|percentage|proportion|share)\b", head):
        return AnswerType.NUMBER
    if re.search(r"\b(when|what year|which year|what date|which date|what month|what day)\b", head):
        return AnswerType.DATE
    if re.search(r"\b(who|whom|whose|where)\b", head):
        return AnswerType.NAME
    if asked_class(question):
        return AnswerType.NAME
    return AnswerType.NONE


# Nouns a "which/what N" question names the class of its answer with.
CLASS_NOUNS = frozenset(
    """country countries city cities state states person people leader politician president
    place region republic organisation organization name diplomat minister territory capital
    island sea river town village general commander scientist astronomer company party planet
    moon spacecraft mission ship agency treaty alliance law act""".split()
)


def asked_class(question: str) -> str | None:
    """The class noun of a "which/what (adjective) N" question ("admiral" for "Which Dutch
    admiral led…?"), or None."""
    words = tokens(question)
    head = _wh_phrase(words).split()
    for i, word in enumerate(head):
        if word in ("which", "what"):
            for noun in head[i + 1 : i + 3]:
                if noun in CLASS_NOUNS:
                    return noun
            return None
    return None


def _names(sentence: str) -> list[str]:
    found = []
    for match in _CAPITALISED.finditer(sentence):
        words = match.group().split()
        if match.start() == 0 or sentence[: match.start()].rstrip().endswith((".", ":", '"')):
            # a capital at the start of a sentence says nothing; drop a leading opener
            while words and words[0].lower() in _SENTENCE_OPENERS:
                words = words[1:]
        # months and weekdays are dates, not names
        words = [w for w in words if w.lower() not in _CALENDAR]
        if words:
            found.append(" ".join(words))
    return found


@lru_cache(maxsize=1 << 16)
def _span_words(sentence: str, kind: AnswerType) -> tuple[frozenset[str], ...]:
    """The words of each span of the type, cached: course sentences are asked about often."""
    return tuple(frozenset(tokens(span)) for span in spans_of_type(sentence, kind))


def spans_of_type(sentence: str, kind: AnswerType) -> list[str]:
    """Surface strings of the given type in a sentence."""
    if kind is AnswerType.DATE:
        return [m.group() for m in DATE_RE.finditer(sentence)]
    if kind is AnswerType.QUANTITY:
        return [m.group() for m in QUANTITY_RE.finditer(sentence)]
    if kind is AnswerType.NUMBER:
        return [m.group() for m in NUMBER_RE.finditer(sentence) if not YEAR_RE.match(m.group())]
    if kind is AnswerType.NAME:
        return _names(sentence)
    if kind is AnswerType.REASON:
        return [m.group() for m in REASON_RE.finditer(sentence)]
    if kind is AnswerType.OUTCOME:
        return [m.group() for m in OUTCOME_RE.finditer(sentence)]
    if kind is AnswerType.RESPONSE:
        return [m.group() for m in RESPONSE_RE.finditer(sentence)]
    return []


def numbers_in(text: str) -> set[str]:
    """Numerals of a text (years, counts), for checking that a sentence agrees with a question."""
    return {m.group().rstrip(".,") for m in re.finditer(r"\d+(?:[.,]\d+)*", text)}


def has_new_answer(
    sentence: str,
    kind: AnswerType,
    question: str,
    asked: frozenset[str] | None = None,
    subject: frozenset[str] = frozenset(),
    names: frozenset[str] | None = None,
) -> bool:
    """True when the sentence holds a span of the type that the question does not mention.

    `asked` is the question's tokens, for a caller that checks many sentences against one
    question; a name whose words are all `subject` stems (the course's own subject, "Soviet
    Union" in a course on Soviet policy) answers no question either, nor, when the course's
    `names` are known, a capitalised word the course does not write as a name.
    """
    if kind is AnswerType.NONE:
        return False
    spans = _span_words(sentence, kind)
    if kind in CUE_KINDS:
        return bool(spans)  # a cue is an answer whatever the question says
    if asked is None:
        asked = question_gives(question)
    if kind is AnswerType.NAME:
        # a name is new unless the question gives all its words ("Peru" is given by "the
        # Peruvian revolt"; "Upper Austria" answers "Which Austrian province?")
        return any(
            named
            and not all(given_by(w, asked) for w in named)
            and not all(stem(w) in subject for w in named)
            and (names is None or any(stem(w) in names for w in named))
            for named in ([w for w in words if w not in STOPWORDS] for words in spans)
        )
    return any(words and not words <= asked for words in spans)


GIVEN_PREFIX = 4  # a word this long that starts a question word, or is started by one, is given


def given_by(word: str, asked: frozenset[str]) -> bool:
    """Whether the question gives the word: it writes it, or a word that shares its start
    ("Peru" ~ "Peruvian", "Romans" ~ "Roman")."""
    if word in asked:
        return True
    if len(word) < GIVEN_PREFIX:
        return False
    starts, long_words = _starts_of(asked)
    # a question word starts with this one, or this one starts with a question word
    return word in starts or any(word[:n] in long_words for n in range(GIVEN_PREFIX, len(word)))


@lru_cache(maxsize=256)
def _starts_of(asked: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Every start (of GIVEN_PREFIX letters or more) of the question's long words, and those
    words: worked out once per question, not once per sentence it is compared with."""
    long_words = frozenset(a for a in asked if len(a) >= GIVEN_PREFIX)
    starts = frozenset(a[:n] for a in long_words for n in range(GIVEN_PREFIX, len(a) + 1))
    return starts, long_words


def question_gives(question: str) -> frozenset[str]:
    """The question's tokens that an answer cannot be, less the class it asks for: "Which
    general…?" is answered by "General Ann Lee"."""
    words = set(tokens(question))
    named_class = asked_class(question)
    if named_class:
        words.discard(named_class)
    return frozenset(words)


WordSimilarity = Callable[[str, str], bool]
# Only "how many" names what it counts: "how much X" measures an amount in a unit of its own
# ("$2 million" of grants, "40%" of the coast) that seldom repeats X.
_HOW_MANY = re.compile(r"\bhow many\s+(.*)", re.IGNORECASE)
COUNTED_WORDS = 2  # content words after "how many" that name what is counted
COUNT_REACH = 4  # tokens after a numeral that may name what it counts


def counted_words(question: str) -> list[str]:
    """What a "how many" question counts: its next content words ("how many Roman
    legions" → roman, legions); none for "how many did they send" or "how much…"."""
    match = _HOW_MANY.search(question)
    if not match:
        return []
    words = tokens(match.group(1))
    if not words or words[0] in _AUXILIARIES:
        return []
    out: list[str] = []
    for word in words:
        if word in _AUXILIARIES:
            break
        if word not in STOPWORDS:
            out.append(word)
        if len(out) == COUNTED_WORDS:
            break
    return out


def counts_any(span: str, counted: list[str], similar: WordSimilarity) -> bool:
    """True when a numeral of the span is followed closely by a word like one counted."""
    words = tokens(span)
    for i, word in enumerate(words):
        if not NUMBER_RE.fullmatch(word) or YEAR_RE.match(word):
            continue
        for after in words[i + 1 : i + 1 + COUNT_REACH]:
            if any(similar(after, c) for c in counted):
                return True
    return False
