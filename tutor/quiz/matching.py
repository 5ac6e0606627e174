"""Whether a learner's free text says an expected answer: the short-answer rules (see
`kinds.short_answer`), also used to read the text of a chosen option.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ..text import STOPWORDS, WORD, stem, tokens
from .words import MONTH_NAMES, Part, is_content, normalise, same_word, word_distance, words_of

# Hedges that carry a negation but do not negate the answer ("not sure, maybe Vienna").
_HEDGE = re.compile(
    r"\b(?:(?:i'm|i am|im)\s+)?not\s+(?:(?:entirely|totally|completely|quite|really|so|too)\s+)?"
    r"(?:sure|certain)\b|\bi\s+(?:don't|do not|dont)\s+know\b|\bno\s+idea\b"
)
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
_MONTH_ALT = "|".join(sorted(MONTH_NAMES, key=len, reverse=True))
_ANSWER_TIME = re.compile(
    rf"\b(?:before|after|since|until|till|prior to|later than|earlier than)\s+"
    rf"(?:(?:the\s+)?(?:early|late|mid|end of|start of|beginning of)\s+)?(?=\d|(?:{_MONTH_ALT})\b)"
)


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    reason: str = ""  # why not: empty, list, negation, number, month, qualifier, missing, extra
    distance: int = 0  # typo edits forgiven on the way to "ok"


@dataclass(frozen=True, slots=True)
class Context:
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


def context_of(question: str, quote: str) -> Context:
    words: set[str] = set()
    numbers: list[Decimal] = []
    months: set[str] = set()
    for unit in words_of(normalise(question), wanted=frozenset()):
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
    for m in WORD.finditer(raw):
        word = m.group(0)
        stems = {stem(p.text) for unit in words_of(normalise(word)) for p in unit}
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
    return Context(
        question_words, frozenset(words), tuple(numbers), frozenset(months), tuple(names)
    )


def _segments_with_content(text: str, sep: re.Pattern[str], skip: frozenset[str]) -> int:
    count = 0
    for segment in sep.split(text):
        for unit in words_of(segment, may_is_month=False, wanted=frozenset()):
            if any(
                is_content(p) and p.text not in _FILLER and stem(p.text) not in skip for p in unit
            ):
                count += 1
                break
    return count


def match_answer(expected: str, answer: str, ctx: Context) -> Verdict:
    """Whether `answer` says `expected` (see the module docstring for the rules)."""
    exp_text = normalise(expected)
    ans_text = _HEDGE.sub(" ", normalise(answer))

    qualifier = _QUALIFIER.match(exp_text)
    direction = ""
    if qualifier:
        phrase = qualifier.group(1)
        direction = "up" if phrase in _UP else "down" if phrase in _DOWN else "approx"
        exp_text = exp_text[qualifier.end() :]

    exp_units = [u for u in words_of(exp_text) if any(is_content(p) for p in u)]
    if not exp_units:
        # Nothing to weigh word by word (an expected answer of stop words only): compare whole.
        same = tokens(exp_text) == tokens(ans_text) and bool(tokens(exp_text))
        return Verdict(same, "" if same else "missing")
    exp_parts = [p for u in exp_units for p in u]
    exp_numbers = [p.value for p in exp_parts if p.kind == "num" and p.value is not None]
    exp_months = {p.text for p in exp_parts if p.kind == "month"}
    exp_codes = {p.text for p in exp_parts if p.kind == "code"}
    # A hyphenated word counts once and "2.3 thousand" twice: the count the student sees.
    n_content = sum(
        1 for w in tokens(exp_text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())
    )

    ans_units = words_of(ans_text, may_is_month=bool(exp_months), wanted=frozenset(exp_numbers))
    ans = [p for u in ans_units for p in u]
    if not ans:
        return Verdict(False, "empty")

    exp_stems = {stem(p.text) for p in exp_parts if p.kind == "word"}
    name_words = frozenset().union(*(run for run in ctx.names if run & exp_stems))

    # Lists of candidates.
    exp_strong = _segments_with_content(exp_text, _STRONG_SEP, frozenset())
    if _segments_with_content(ans_text, _STRONG_SEP, frozenset()) > max(1, exp_strong):
        return Verdict(False, "list")
    exp_weak = _segments_with_content(exp_text, _WEAK_SEP, frozenset())
    both = re.compile(f"{_STRONG_SEP.pattern}|{_WEAK_SEP.pattern}")
    # Quote words are not skipped here: "missiles and bombers" lists two things from the quote.
    skip = ctx.question_words | name_words
    if _segments_with_content(ans_text, both, skip) > max(1, exp_weak):
        return Verdict(False, "list")

    if any(p.text in _NEGATIONS for p in ans) and not any(p.text in _NEGATIONS for p in exp_parts):
        return Verdict(False, "negation")

    if exp_numbers or exp_months:
        # A contrary or added qualifier changes the claim: "less than 70", "before 1957".
        if _ANSWER_UP.search(ans_text) and direction != "up":
            return Verdict(False, "qualifier")
        if _ANSWER_DOWN.search(ans_text) and direction != "down":
            return Verdict(False, "qualifier")
        if _ANSWER_TIME.search(ans_text) and not _ANSWER_TIME.search(exp_text):
            return Verdict(False, "qualifier")

    used = [False] * len(ans)
    distance = 0
    missing_words = 0
    for unit in exp_units:
        # "mig-21": a hyphenated word with a number in it is matched part by part.
        mixed = len(unit) > 1 and any(p.strict for p in unit)
        pieces = [[p] for p in unit] if mixed else [unit]
        for piece in pieces:
            if not any(is_content(p) for p in piece):
                continue
            if piece[0].strict:
                hit = _find_strict(piece[0], ans, used)
                if hit is None:
                    return Verdict(False, "month" if piece[0].kind == "month" else "number")
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
        return Verdict(False, "missing")

    for k, part in enumerate(ans):
        if used[k]:
            continue
        if part.kind == "num":
            # A number the question states restates it ("March 9, 1610" for "From
            # March 2 to ___, 1610"); it cannot be the answer, so it is no hedge.
            if not any(part.value == v for v in [*exp_numbers, *ctx.numbers]):
                return Verdict(False, "number")
        elif part.kind == "month":
            if part.text not in exp_months and part.text not in ctx.months:
                return Verdict(False, "month")
        elif part.kind == "code":
            if not any(_same_code(part.text, c) for c in exp_codes):
                return Verdict(False, "number")
        elif (
            part.text in STOPWORDS
            or part.text in _FILLER
            or len(part.text) == 1
            or stem(part.text) in ctx.words
            or stem(part.text) in name_words
            or any(
                word_distance(e.text, part.text) is not None for e in exp_parts if e.kind == "word"
            )
        ):
            continue
        else:
            return Verdict(False, "extra")
    return Verdict(True, distance=distance)


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


def _find_strict(part: Part, ans: list[Part], used: list[bool]) -> int | None:
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


def _find_words(unit: list[Part], ans: list[Part], used: list[bool]) -> tuple[int, int, int] | None:
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
                same_word(e.text, a.text) for a, e in zip(window, unit, strict=True)
            ):
                d: int | None = 0
            else:
                d = word_distance(target, "".join(p.text for p in window))
            if d is not None and (best is None or d < best[2]):
                best = (start, length, d)
                if d == 0:
                    return best
    return best
