"""Grading a student's answer to a quiz item: `grade(item, answer) -> Grade`.

Every verdict comes with feedback that quotes the cited source sentence, so a student can see
why. The rules, by kind of item:

- multiple choice: the text of an option (case, punctuation, spacing, articles and accents
  ignored; a typo of one edit in a word of 5-8 letters, two in a longer word), its letter
  ("b", "B)", "(b)", "b.", "option B", "answer: B", "I think B") or its number ("2", "2)",
  "#2"), or both ("B) Vienna", which must agree). A letter or number outside the options is
  wrong; a text that matches no option, or as well as another one, is wrong. A bare number
  that is itself the text of an option means that option, not a position.
- true/false: true/yes/t/y/correct/right or false/no/f/n/incorrect/wrong, in any case, with
  trailing punctuation or a short frame ("it's true", "the statement is false"); "not"
  flips the word after it ("it's not true"). Anything else, or both at once, is wrong.
- short answer: the content words of the expected span must all be in the answer, fuzzily as
  above, except that one of three or more may be missing; numbers and month names are strict:
  every one in the expected answer must be there exactly (ordinals equal their number, "4.5
  thousand" equals "4500", small number words equal their digits, "50's" equals "1950s"), and
  the answer may carry no other number or month than those the question itself states. A
  leading "more than" / "about" / "over" (...) of the expected answer is optional, but a
  contrary or added qualifier ("less than 70" for "more than 70", "before 1957" for "1957")
  is wrong. Tolerated around the answer: filler ("I think it's", "the answer is", "in"), the
  question's words, the quote's common (lower-case) words and the rest of the name the answer
  is part of in the quote ("Imre Nagy" for "Nagy"). Any other word names something else and
  makes the answer wrong, as do negations ("not Vienna") and lists of candidates: "Vienna or
  Berlin", "Vienna/Moscow" always; "Vienna, Berlin", "1957 and 1959" when the other item is
  not already in the question.

An empty answer is wrong; an answer that is not a string, or longer than
`MAX_ANSWER_CHARS`, raises `InvalidInput`. Text is NFKC-normalised and accents are dropped
before comparison, so any Unicode is graded, never a crash.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz.distance import OSA

from .domain import Grade, QuizItem
from .errors import InvalidInput
from .text import STOPWORDS, stem, tokens

MAX_ANSWER_CHARS = 500
MAX_FEEDBACK_CHARS = 800
_MAX_SHOWN = 200  # the longest expected answer echoed in feedback, so the quote keeps its room

# ---------------------------------------------------------------------------------------------
# Normalisation and tokens
# ---------------------------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u0060\u00b4]")
# "70,000" is one number, not the list "70, 000".
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# "August 13, 1961": the comma between day and year is not a list separator.
_DAY_COMMA_YEAR = re.compile(r"(?<=\d)(?:st|nd|rd|th)?\s*,\s*(?=\d{4}(?!\d))")
# Hedges that carry a negation but do not negate the answer ("not sure, maybe Vienna").
_HEDGE = re.compile(
    r"\b(?:(?:i'm|i am|im)\s+)?not\s+(?:(?:entirely|totally|completely|quite|really|so|too)\s+)?"
    r"(?:sure|certain)\b|\bi\s+(?:don't|do not|dont)\s+know\b|\bno\s+idea\b"
)


def _normalise(text: str) -> str:
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


_MONTHS = {
    m: m
    for m in (
        "january february march april may june july august september october november december"
    ).split()
}
_MONTHS.update(
    jan="january",
    feb="february",
    mar="march",
    apr="april",
    jun="june",
    jul="july",
    aug="august",
    sep="september",
    sept="september",
    oct="october",
    nov="november",
    dec="december",
)
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
class _Part:
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


def _classify(word: str, *, may_is_month: bool, wanted: frozenset[Decimal] | None) -> _Part:
    numeral = _NUMERAL.fullmatch(word)
    if numeral:
        return _Part(word, "num", Decimal(numeral.group(1)))
    spelled = _number_word(word, wanted)
    if spelled is not None:
        return _Part(word, "num", spelled)
    if word in _MONTHS and (word != "may" or may_is_month):
        # "may" is usually a verb ("it may be Vienna"); a month only when a date is expected.
        return _Part(_MONTHS[word], "month")
    misspelt = _misspelt_month(word)
    if misspelt is not None:
        return _Part(misspelt, "month")
    if any(c.isdigit() for c in word):
        return _Part(word, "code")
    return _Part(word, "word")


def _misspelt_month(word: str) -> str | None:
    """The month a long word misspells ("Setpember"), when it is near exactly one month.

    Dates stay strict in their values; a typo in a month's name does not change the date.
    """
    if len(word) < 5 or not word.isalpha():
        return None
    near = {
        month
        for month in set(_MONTHS.values())
        if len(month) >= 5
        and OSA.distance(month, word, score_cutoff=_typo_budget(len(month)))
        <= _typo_budget(len(month))
    }
    return near.pop() if len(near) == 1 else None


def _units(
    text: str, *, may_is_month: bool = True, wanted: frozenset[Decimal] | None = None
) -> list[list[_Part]]:
    """The words of a normalised text, each split at hyphens into parts ("porkkala-udd").

    A number followed by a multiplier becomes one value ("4.5 thousand" → 4500) and a
    hyphenated tens-and-ones word one number ("twenty-five" → 25). `wanted`, when given, is
    the set of numbers an ambiguous number word ("one", "first") may stand for.
    """
    # "Stalin's" is Stalin; "50's" is a decade, written "50s" like "1950s".
    words = [
        w[:-2] + ("s" if w[:-2].isdigit() else "") if w.endswith("'s") else w for w in tokens(text)
    ]
    out: list[list[_Part]] = []
    i = 0
    while i < len(words):
        compound = _number_word(words[i], wanted) if "-" in words[i] else None
        if compound is not None:
            parts = [_Part(words[i], "num", compound)]
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
            parts[-1] = _Part(last.text, "num", last.value * _MULTIPLIERS[words[i + 1]])
            i += 1
        if parts:
            out.append(parts)
        i += 1
    return out


def _is_content(part: _Part) -> bool:
    return part.strict or (part.text not in STOPWORDS and len(part.text) > 1)


def _typo_budget(length: int) -> int:
    """Edits forgiven in a word: none below 5 letters, one up to 8, two from 9."""
    return 0 if length < 5 else 1 if length <= 8 else 2


def _same_word(a: str, b: str) -> bool:
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


def _word_distance(expected: str, given: str) -> int | None:
    """Edits between two words if within the typo budget of the expected one, else None."""
    if _same_word(expected, given):
        return 0
    if not expected.isalpha() or not given.isalpha():
        return None
    budget = _typo_budget(len(expected))
    if budget == 0:
        return None
    # OSA counts a swap of two neighbouring letters ("Stlain") as one typo, not two.
    d = OSA.distance(expected, given, score_cutoff=budget)
    return d if d <= budget else None


# ---------------------------------------------------------------------------------------------
# Short answers (also used to match an option's text)
# ---------------------------------------------------------------------------------------------

# Words that frame an answer without naming anything ("I think it's …", "the answer is …").
_FILLER = frozenset(
    """think believe guess guessing suppose reckon answer maybe probably perhaps possibly likely
    sure pretty certainly definitely surely correct right yes yeah yep well hmm um uh ok okay oh
    i'm im i'd i've actually basically year city called named known may might""".split()
)
_NEGATIONS = frozenset(
    """not never isn't wasn't weren't aren't don't didn't doesn't dont didnt wasnt isnt can't
    cannot couldn't won't wouldn't neither nor none nothing nobody nowhere""".split()
)
# "or" and "/" offer alternatives; "and" and "," may also join a restated question
# ("Khrushchev and Kennedy met in Vienna"), so those segments count only when they add words
# the question does not have.
_STRONG_SEP = re.compile(r"\bor\b|\bnor\b|\beither\b|\bvs\b\.?|\bversus\b|[/\\|]")
_WEAK_SEP = re.compile(r"[,;&+]|\band\b|\bplus\b|\bas well as\b")
_QUALIFIER = re.compile(
    r"^\s*(more than|over|above|at least|in excess of|upwards of|about|around|approximately|"
    r"roughly|some|circa|nearly|almost|less than|fewer than|under|below|up to|at most)\s+(?=\d)"
)
_UP = frozenset(["more than", "over", "above", "at least", "in excess of", "upwards of"])
_DOWN = frozenset(
    ["nearly", "almost", "less than", "fewer than", "under", "below", "up to", "at most"]
)
_ANSWER_UP = re.compile(
    r"\b(?:more than|over|above|at least|in excess of|upwards of|exceeding|beyond)\s+(?=\d)"
)
_ANSWER_DOWN = re.compile(
    r"\b(?:less than|fewer than|under|below|up to|at most|nearly|almost|just under)\s+(?=\d)"
)
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ANSWER_TIME = re.compile(
    rf"\b(?:before|after|since|until|till|prior to|later than|earlier than)\s+"
    rf"(?:(?:the\s+)?(?:early|late|mid|end of|start of|beginning of)\s+)?(?=\d|(?:{_MONTH_ALT})\b)"
)


@dataclass(frozen=True, slots=True)
class _Verdict:
    ok: bool
    reason: str = ""  # why not: empty, list, negation, number, month, qualifier, missing, extra
    distance: int = 0  # typo edits forgiven on the way to "ok"


@dataclass(frozen=True, slots=True)
class _Context:
    """What an answer may restate besides the expected span: the question's words, numbers
    and months (any: they cannot be the answer, so naming them is no hedge), and the quote's
    common words (lower-case there, or opening a sentence) — not the names it holds."""

    question_words: frozenset[str]
    words: frozenset[str]  # the question's and the quote's
    numbers: tuple[Decimal, ...]
    months: frozenset[str]
    # Runs of capitalised quote words ("Foreign Minister Gromyko", "Imre Nagy"): a run that
    # holds the expected answer is its full name, so its other words name nothing else.
    names: tuple[frozenset[str], ...] = ()


def _context(question: str, quote: str) -> _Context:
    words: set[str] = set()
    numbers: list[Decimal] = []
    months: set[str] = set()
    for unit in _units(_normalise(question), wanted=frozenset()):
        for part in unit:
            if part.kind == "num" and part.value is not None:
                numbers.append(part.value)
            elif part.kind == "month":
                months.add(part.text)
            words.add(stem(part.text))
    question_words = frozenset(words)
    # Capitalised quote words, except at the start of a sentence, name people, places and
    # bodies: restating them is naming something else ("Vienna Berlin"), so only the common
    # words of the quote are allowed.
    raw = unicodedata.normalize("NFKC", quote)
    names: list[frozenset[str]] = []
    run: set[str] = set()
    last_end = -1
    for m in re.finditer(r"[^\W_]+(?:['’.-][^\W_]+)*", raw):
        word = m.group(0)
        stems = {stem(p.text) for unit in _units(_normalise(word)) for p in unit}
        before = raw[: m.start()].rstrip()
        if not before or before[-1] in '.!?:;"“«(' or not word[0].isupper():
            words.update(stems)
        if word[0].isupper():
            if run and not raw[last_end : m.start()].isspace():
                names.append(frozenset(run))  # a comma or a full stop ends the run
                run = set()
            run |= stems
        elif run:
            names.append(frozenset(run))
            run = set()
        last_end = m.end()
    if run:
        names.append(frozenset(run))
    return _Context(
        question_words, frozenset(words), tuple(numbers), frozenset(months), tuple(names)
    )


def _segments_with_content(text: str, sep: re.Pattern[str], skip: frozenset[str]) -> int:
    count = 0
    for segment in sep.split(text):
        for unit in _units(segment, may_is_month=False, wanted=frozenset()):
            if any(
                _is_content(p) and p.text not in _FILLER and stem(p.text) not in skip for p in unit
            ):
                count += 1
                break
    return count


def _match(expected: str, answer: str, ctx: _Context) -> _Verdict:
    """Whether `answer` says `expected` (see the module docstring for the rules)."""
    exp_text = _normalise(expected)
    ans_text = _HEDGE.sub(" ", _normalise(answer))

    qualifier = _QUALIFIER.match(exp_text)
    direction = ""
    if qualifier:
        phrase = qualifier.group(1)
        direction = "up" if phrase in _UP else "down" if phrase in _DOWN else "approx"
        exp_text = exp_text[qualifier.end() :]

    exp_units = [u for u in _units(exp_text) if any(_is_content(p) for p in u)]
    if not exp_units:
        # Nothing to weigh word by word (an expected answer of stop words only): compare whole.
        same = tokens(exp_text) == tokens(ans_text) and bool(tokens(exp_text))
        return _Verdict(same, "" if same else "missing")
    exp_parts = [p for u in exp_units for p in u]
    exp_numbers = [p.value for p in exp_parts if p.kind == "num" and p.value is not None]
    exp_months = {p.text for p in exp_parts if p.kind == "month"}
    exp_codes = {p.text for p in exp_parts if p.kind == "code"}
    # A hyphenated word counts once and "4.5 thousand" twice: the count the student sees.
    n_content = sum(
        1 for w in tokens(exp_text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())
    )

    ans_units = _units(ans_text, may_is_month=bool(exp_months), wanted=frozenset(exp_numbers))
    ans = [p for u in ans_units for p in u]
    if not ans:
        return _Verdict(False, "empty")

    exp_stems = {stem(p.text) for p in exp_parts if p.kind == "word"}
    name_words = frozenset().union(*(run for run in ctx.names if run & exp_stems))

    # Lists of candidates.
    exp_strong = _segments_with_content(exp_text, _STRONG_SEP, frozenset())
    if _segments_with_content(ans_text, _STRONG_SEP, frozenset()) > max(1, exp_strong):
        return _Verdict(False, "list")
    exp_weak = _segments_with_content(exp_text, _WEAK_SEP, frozenset())
    both = re.compile(f"{_STRONG_SEP.pattern}|{_WEAK_SEP.pattern}")
    # Quote words are not skipped here: "missiles and bombers" lists two things from the quote.
    skip = ctx.question_words | name_words
    if _segments_with_content(ans_text, both, skip) > max(1, exp_weak):
        return _Verdict(False, "list")

    if any(p.text in _NEGATIONS for p in ans) and not any(p.text in _NEGATIONS for p in exp_parts):
        return _Verdict(False, "negation")

    if exp_numbers or exp_months:
        # A contrary or added qualifier changes the claim: "less than 70", "before 1957".
        if _ANSWER_UP.search(ans_text) and direction != "up":
            return _Verdict(False, "qualifier")
        if _ANSWER_DOWN.search(ans_text) and direction != "down":
            return _Verdict(False, "qualifier")
        if _ANSWER_TIME.search(ans_text) and not _ANSWER_TIME.search(exp_text):
            return _Verdict(False, "qualifier")

    used = [False] * len(ans)
    distance = 0
    missing_words = 0
    for unit in exp_units:
        # "mig-21": a hyphenated word with a number in it is matched part by part.
        mixed = len(unit) > 1 and any(p.strict for p in unit)
        pieces = [[p] for p in unit] if mixed else [unit]
        for piece in pieces:
            if not any(_is_content(p) for p in piece):
                continue
            if piece[0].strict:
                hit = _find_strict(piece[0], ans, used)
                if hit is None:
                    return _Verdict(False, "month" if piece[0].kind == "month" else "number")
                used[hit] = True
                continue
            found = _find_words(piece, ans, used)
            if found is None:
                missing_words += 1
                continue
            start, length, d = found
            for k in range(start, start + length):
                used[k] = True
            distance += d
    # One content word of three or more may be missing, never a number or month (returned above).
    if missing_words > (1 if n_content >= 3 else 0):
        return _Verdict(False, "missing")

    for k, part in enumerate(ans):
        if used[k]:
            continue
        if part.kind == "num":
            # A number the question states restates it ("September 27, 1959" for "From
            # September 15 to ___, 1959"); it cannot be the answer, so it is no hedge.
            if not any(part.value == v for v in [*exp_numbers, *ctx.numbers]):
                return _Verdict(False, "number")
        elif part.kind == "month":
            if part.text not in exp_months and part.text not in ctx.months:
                return _Verdict(False, "month")
        elif part.kind == "code":
            if not any(_same_code(part.text, c) for c in exp_codes):
                return _Verdict(False, "number")
        elif (
            part.text in STOPWORDS
            or part.text in _FILLER
            or len(part.text) == 1
            or stem(part.text) in ctx.words
            or stem(part.text) in name_words
            or any(
                _word_distance(e.text, part.text) is not None for e in exp_parts if e.kind == "word"
            )
        ):
            continue
        else:
            return _Verdict(False, "extra")
    return _Verdict(True, distance=distance)


def _same_code(a: str, b: str) -> bool:
    """Equal codes; a decade may drop its century ("50s" is "1950s")."""
    if a == b:
        return True
    short, full = sorted((a, b), key=len)
    return (
        bool(re.fullmatch(r"\d\ds", short))
        and bool(re.fullmatch(r"\d\d", full[:-3]))
        and full.endswith(short)
    )


def _find_strict(part: _Part, ans: list[_Part], used: list[bool]) -> int | None:
    for k, given in enumerate(ans):
        if used[k] or given.kind != part.kind:
            continue
        if (
            (part.kind == "num" and given.value == part.value)
            or (part.kind == "month" and given.text == part.text)
            or (part.kind == "code" and _same_code(given.text, part.text))
        ):
            return k
    return None


def _find_words(
    unit: list[_Part], ans: list[_Part], used: list[bool]
) -> tuple[int, int, int] | None:
    """The best window of answer words spelling `unit`: (start, length, edits), or None.

    A hyphenated unit is compared joined, so "Porkkala Udd", "porkkala-udd" and "PorkkalaUdd"
    all spell it; its typo budget is that of the joined word.
    """
    target = "".join(p.text for p in unit)
    best: tuple[int, int, int] | None = None
    for length in sorted({len(unit), 1}):
        for start in range(len(ans) - length + 1):
            window = ans[start : start + length]
            if any(used[start : start + length]) or any(p.kind != "word" for p in window):
                continue
            if length == len(unit) and all(
                _same_word(e.text, a.text) for a, e in zip(window, unit, strict=True)
            ):
                d: int | None = 0
            else:
                d = _word_distance(target, "".join(p.text for p in window))
            if d is not None and (best is None or d < best[2]):
                best = (start, length, d)
                if d == 0:
                    return best
    return best


# ---------------------------------------------------------------------------------------------
# Multiple choice
# ---------------------------------------------------------------------------------------------

_KEY_ONLY = re.compile(
    r"^(?:i\s+(?:think|guess|choose|chose|pick|picked|say|go\s+(?:with|for))\s+)?"
    r"(?:(?:it\s+is|it's|its)\s+)?"
    r"(?:(?:the\s+)?(?:correct\s+|right\s+)?(?:answer|option|choice|letter|number)"
    r"\s*(?:is\s*)?[:#=-]?\s*)?"
    r"[#(\[]?\s*(?P<key>[a-z]|\d{1,2})\s*[)\]]?\s*[.:!?]*\s*$"
)
# "B) Vienna", "(b) Vienna", "2. Vienna" — but "4.5 thousand" is a number, not option 4.
_KEY_AND_TEXT = re.compile(
    r"^(?:(?:option|choice|answer)\s*)?[(\[]?(?P<key>[a-z]|\d{1,2})\s*(?:[)\]:]|\.(?!\d))\s*"
    r"(?:-\s*)?(?P<rest>\S.*)$"
)


def _key_index(key: str, n_options: int) -> int:
    """The 0-based option a letter or number names, or -1 when there is no such option."""
    index = ord(key) - ord("a") if key.isalpha() else int(key) - 1
    return index if 0 <= index < n_options else -1


def _option_tokens(text: str) -> list[str]:
    return [t for t in tokens(_normalise(text)) if t not in ("a", "an", "the")]


def _text_choice(answer: str, options: tuple[str, ...], ctx: _Context) -> int | None:
    """The option whose text the answer gives: exactly, else the unique closest fuzzy match."""
    said = _option_tokens(answer)
    if not said:
        return None
    for i, option in enumerate(options):
        if _option_tokens(option) == said:
            return i
    verdicts = [(i, _match(option, answer, ctx)) for i, option in enumerate(options)]
    hits = sorted((v.distance, i) for i, v in verdicts if v.ok)
    if not hits or (len(hits) > 1 and hits[0][0] == hits[1][0]):
        return None  # no option, or two equally well: the student has not chosen
    return hits[0][1]


@dataclass(frozen=True, slots=True)
class _Choice:
    index: int | None  # the option chosen, None when none could be read
    by_key: str = ""  # the letter or number as typed, when the choice came from one


def _read_choice(answer: str, options: tuple[str, ...], ctx: _Context) -> _Choice:
    text = _normalise(answer).strip()
    # An option's own text wins over a position: with options "1957", "1959"… "1957" is text.
    said = _option_tokens(text)
    for i, option in enumerate(options):
        if said and _option_tokens(option) == said:
            return _Choice(i)
    key = _KEY_ONLY.match(text)
    if key:
        return _Choice(_key_index(key.group("key"), len(options)), key.group("key").upper())
    key = _KEY_AND_TEXT.match(text)
    if key:
        index = _key_index(key.group("key"), len(options))
        by_text = _text_choice(key.group("rest"), options, ctx)
        # Letter and text must agree; "B) Vienna" with Vienna as option C chooses nothing.
        if index >= 0 and by_text == index:
            return _Choice(index)
        if by_text is None and index < 0:
            return _Choice(-1, key.group("key").upper())
        return _Choice(None)
    return _Choice(_text_choice(answer, options, ctx))


def _letter(index: int) -> str:
    return chr(ord("A") + index)


# ---------------------------------------------------------------------------------------------
# True / false
# ---------------------------------------------------------------------------------------------

_TRUE = frozenset(["true", "yes", "t", "y", "correct", "right", "yep", "yeah", "yup"])
_FALSE = frozenset(["false", "no", "f", "n", "incorrect", "wrong", "nope", "nah", "untrue"])
_TF_FRAME = frozenset(
    """it it's its is was that that's this the statement sentence claim answer i i'd i'm im
    think say would guess believe definitely certainly probably surely pretty quite totally
    completely absolutely entirely very sure be must my""".split()
)
_TF_NEGATED = frozenset(["not", "isn't", "wasn't", "isnt", "wasnt"])


def _read_verdict(answer: str) -> bool | None:
    """True or False as the student said it, or None when the answer says neither (or both)."""
    said: set[bool] = set()
    flip = False
    for word in tokens(_normalise(answer)):
        if word in _TF_NEGATED:
            flip = not flip
        elif word in _TRUE or word in _FALSE:
            said.add((word in _TRUE) != flip)
            flip = False
        elif word not in _TF_FRAME:
            return None  # a word that is no part of a verdict: not read as one
    return said.pop() if len(said) == 1 else None


# ---------------------------------------------------------------------------------------------
# Feedback and the entry point
# ---------------------------------------------------------------------------------------------


def _shown(text: str, limit: int = _MAX_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _feedback(head: str, quote: str) -> str:
    """`head` then the quote in full, or shortened with an ellipsis to fit the limit."""
    lead = f"{head} The source says: “"
    room = MAX_FEEDBACK_CHARS - len(lead) - 1
    if len(quote) > room:
        cut = quote[: room - 1]
        space = cut.rfind(" ")
        quote = (cut[:space] if space > room // 2 else cut).rstrip() + "…"
    return f"{lead}{quote}”"


_WHY = {
    "empty": "No answer given",
    "list": "Give one answer, not several",
    "number": "Check the number",
    "month": "Check the date",
    "qualifier": "Not quite",
    "negation": "Not quite",
    "missing": "Not quite",
    "extra": "Not quite",
}


def _validate(answer: object) -> str:
    if not isinstance(answer, str):
        raise InvalidInput(f"answer must be a string, not {type(answer).__name__}")
    if len(answer) > MAX_ANSWER_CHARS:
        raise InvalidInput(
            f"answer is too long: {len(answer)} characters, the limit is {MAX_ANSWER_CHARS}"
        )
    return answer


def grade(item: QuizItem, answer: str) -> Grade:
    """Grade one attempt at `item`; raises `InvalidInput` for a non-string or over-long answer.

    A malformed item (unknown kind, multiple choice whose answer is not one of its options,
    true/false whose answer is neither) is a bug upstream and raises ValueError.
    """
    answer = _validate(answer)
    quote = item.citation.quote
    ctx = _context(item.question, quote)
    blank = not tokens(_normalise(answer))

    if item.kind == "multiple_choice":
        options = item.options or ()
        right = _correct_option(item.answer, options)
        expected = options[right]
        named = f"{_letter(right)}, “{_shown(expected)}”"
        if blank:
            return _grade(item, False, expected, f"No answer given: the answer is {named}.")
        choice = _read_choice(answer, options, ctx)
        if choice.index == right:
            return _grade(item, True, expected, f"Correct: {named}.")
        if choice.index == -1:
            head = f"There is no option {choice.by_key}: the answer is {named}."
        elif choice.index is not None:
            head = (
                f"Not quite: you chose {_letter(choice.index)}, “{_shown(options[choice.index])}”;"
                f" the answer is {named}."
            )
        else:
            head = f"Not quite: the answer is {named}."
        return _grade(item, False, expected, head)

    if item.kind == "true_false":
        truth = _read_verdict(item.answer)
        if truth is None:
            raise ValueError(f"true/false item {item.quiz_id!r} has answer {item.answer!r}")
        expected = "true" if truth else "false"
        said = None if blank else _read_verdict(answer)
        if said is None:
            what = "No answer given" if blank else "Answer true or false"
            return _grade(item, False, expected, f"{what}: the statement is {expected}.")
        if said == truth:
            return _grade(item, True, expected, f"Correct: the statement is {expected}.")
        return _grade(item, False, expected, f"Not quite: the statement is {expected}.")

    if item.kind == "short_answer":
        expected = item.answer
        verdict = _Verdict(False, "empty") if blank else _match(expected, answer, ctx)
        if verdict.ok:
            head = "Correct."
            if verdict.distance:
                head = f"Correct (it is spelled “{_shown(expected)}”)."
            return _grade(item, True, expected, head)
        why = _WHY.get(verdict.reason, "Not quite")
        return _grade(item, False, expected, f"{why}: the answer is “{_shown(expected)}”.")

    raise ValueError(f"unknown quiz kind {item.kind!r}")


def _correct_option(answer: str, options: tuple[str, ...]) -> int:
    if len(options) < 2:
        raise ValueError("a multiple-choice item needs options")
    if answer in options:
        return options.index(answer)
    wanted = _option_tokens(answer)
    for i, option in enumerate(options):
        if _option_tokens(option) == wanted:
            return i
    raise ValueError(f"the answer {answer!r} is not one of the options")


def _grade(item: QuizItem, correct: bool, expected: str, head: str) -> Grade:
    return Grade(correct, expected, _feedback(head, item.citation.quote), item.citation)
