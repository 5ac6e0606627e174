"""Units and the questions asked on them.

A unit is a sentence with usable facts, with the sentence before it when it cannot stand
alone. A question on one of its facts is a wh-question where a safe pattern applies, otherwise
a cloze; every kind of item is built by `make_item`, with a stable id.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ..course import Course
from ..domain import Citation, QuizItem
from ..text import STOPWORDS, leans_back, tokens
from . import wh
from .facts import RANGE_RE, find_facts
from .gazetteer import distinct_words
from .kind import QuizKind
from .names import Lexicon
from .sentences import Lean, collapse, leans
from .values import NAME_TYPES, Fact, FactType, Unit, mentions, text_hash

BLANK = "_____"
CLOZE_PREFIX = "Fill in the blank: "

TOPIC_SHARE = 0.10  # an entity named in this share of all sentences is the course's topic

TOPIC_MIN_SENTENCES = 5  # …and in at least this many (small courses repeat names a lot)


def course_topics(course: Course, lexicon: Lexicon, facts: dict[int, list[Fact]]) -> set[str]:
    """Identities of the course's topic entities: named in a document title, or in a tenth
    of all sentences. Blanking them is trivial, offering them as distractors is confusing."""
    topics: set[str] = set()
    for doc in course.documents.values():
        topics.update(f.key for f in find_facts(doc.title, lexicon) if f.type in NAME_TYPES)
    seen = Counter(key for found in facts.values() for key in {f.key for f in found})
    threshold = max(TOPIC_MIN_SENTENCES, TOPIC_SHARE * len(course.passages))
    topics.update(key for key, n in seen.items() if n >= threshold)
    return topics


def _section_keys(title: str, lexicon: Lexicon) -> set[str]:
    return {f.key for f in find_facts(title, lexicon)} | {title.lower()}


def _title_ranges(course: Course) -> set[str]:
    titles = [d.title for d in course.documents.values()]
    titles += [s.title for d in course.documents.values() for s in d.sections]
    return {re.sub(r"\s", "", m.group()) for t in titles for m in RANGE_RE.finditer(t)}


def _usable(fact: Fact, context: str, sentence: str, banned: set[str], ranges: set[str]) -> bool:
    """A fact worth blanking: not the topic, said once, and not given away by the stem."""
    if fact.key in banned:
        return False
    if fact.type is FactType.RANGE and re.sub(r"\s", "", fact.text) in ranges:
        return False  # the course's own period ("1953-1964" in its title)
    rest = f"{context} {sentence[: fact.start]}{BLANK}{sentence[fact.end :]}"
    if mentions(rest, fact.text):
        return False
    numbers = re.findall(r"\d+(?:\.\d+)?", fact.text)
    if any(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", rest) for n in numbers):
        return False
    return not (fact.type in NAME_TYPES and distinct_words(fact.text) & set(tokens(rest)))


def units(
    course: Course,
    prepared: dict[int, str | None],
    facts: dict[int, list[Fact]],
    lexicon: Lexicon,
    topics: set[str],
) -> Iterator[Unit]:
    ranges = _title_ranges(course)
    for passage in course.passages:
        sentence = prepared[passage.passage_id]
        if not sentence or not facts.get(passage.passage_id):
            continue
        first, context = passage, ""
        lean = leans(sentence)
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
            found = tuple(facts[passage.passage_id])
            named = _opens_with_name(sentence, lexicon)
            yield Unit(first, passage, context, sentence, usable, found, named)


def _opens_with_name(sentence: str, lexicon: Lexicon) -> bool:
    """Whether the sentence's first word is (part of) a name: one the course capitalises
    elsewhere, or one a capitalised word follows ("Great Harbour opened…")."""
    words = sentence.split()
    first = words[0].strip(",;:")
    if lexicon.case.name_like(first):
        return True
    second = words[1] if len(words) > 1 else ""
    return first.lower() not in STOPWORDS and second[:1].isupper()


def tidy(text: str) -> str:
    """One line, no space before punctuation (a blank may leave one), a capital first
    letter and a final "." or "?"."""
    text = collapse(text)
    text = re.sub(r"\s+([,.;:?!])(?=\s|$)", r"\1", text)
    text = re.sub(r"!$", ".", text)
    if text and text[-1] not in ".?":
        text += "."
    return text[0].upper() + text[1:] if text else text


def cloze(unit: Unit, fact: Fact) -> str:
    blanked = unit.sentence[: fact.start] + BLANK + unit.sentence[fact.end :]
    return tidy(f"{CLOZE_PREFIX}{unit.context} {blanked}")


def wh_question(unit: Unit, fact: Fact) -> str | None:
    """A wh-question on the fact (see `wh`), after the sentence before when the unit has
    one; None when the sentence's shape allows none."""
    question = wh.wh_question(unit.sentence, fact, unit.found or unit.facts, unit.named_first)
    if question is None:
        return None
    return tidy(f"{unit.context} {question}".strip())


def ask(unit: Unit, fact: Fact) -> str:
    """The question on one fact: a wh-question when one is safe, a cloze otherwise."""
    return wh_question(unit, fact) or cloze(unit, fact)


def citation_of(course: Course, unit: Unit) -> Citation:
    doc = course.documents[unit.first.doc_id]
    start, end = unit.first.start, unit.last.end
    return Citation(doc.doc_id, unit.last.section, start, end, doc.text[start:end])


def _quiz_id(kind: str, question: str, answer: str, citation: Citation) -> str:
    """ "q-" and 12 hex digits of the SHA-1 of the fields joined by U+001F: stable across runs."""
    parts = (kind, question, answer, citation.doc_id, str(citation.start), str(citation.end))
    return "q-" + text_hash(*parts)[:12]


def make_item(
    kind: QuizKind,
    question: str,
    answer: str,
    citation: Citation,
    options: tuple[str, ...] | None = None,
) -> QuizItem:
    """An item of any kind, its id a hash of its own fields and its options shuffled by it."""
    quiz_id = _quiz_id(kind.value, question, answer, citation)
    if options is not None:
        # shuffled by the item's id: stable across runs, different from item to item
        options = tuple(sorted(options, key=lambda o: text_hash(quiz_id, o)))
    return QuizItem(quiz_id, kind.value, question, answer, citation, options, citation.section)


def shape_of(item: QuizItem) -> str:
    """How an item asks: "question" (a wh-question), "cloze" (a sentence with a blank) or
    "statement" (a sentence to judge true or false)."""
    if item.kind == QuizKind.TRUE_FALSE.value:
        return "statement"
    if item.question.startswith(CLOZE_PREFIX) or BLANK in item.question:
        return "cloze"
    return "question"


def cited_not_given(item: QuizItem) -> bool:
    """The answer is in the quote and not in the question (which would give it away)."""
    return item.answer in item.citation.quote and item.answer.lower() not in item.question.lower()
