"""Quiz items made from the course's own sentences, without a model.

The approach is classic cloze generation over surface patterns:

1. **Prepare** every sentence (`sentences`): drop a leading connective ("Thus,", "However,"),
   collapse whitespace, glue a short date fragment onto the sentence it belongs to ("In the
   50's. Malenkov began…" → "In the 50's, Malenkov began…") and refuse sentences that open with
   a heading's words ("Foreign policy in the USSR in 1953-1964. Was focused…"), list items and
   lead-ins ending with ":".
2. **Find facts** in a sentence (`facts`, `names`, `gazetteer`): years, month-day dates,
   months, decades, year ranges, numbers (with a "more than" and a unit when present),
   ordinals, and capitalised names. Without a tagger, a name's type comes from a built-in
   gazetteer of countries, cities and regions, from keywords (Council, Pact, Ministry… →
   organisation; Wall, Crisis, War… → event) and, for the rest, from votes over every place the
   name occurs in the course: "in/near/from X" says place, "President X", "X announced", "X's
   death", "death of X" say person, and a name listed next to a known person or place ("X and
   Kennedy") takes its type. A name with no evidence is never quizzed: a wrong type makes wrong
   distractors.
3. **Units** (`questions`): a fact's sentence must stand alone; when it leans on the sentence
   before ("It had…", "During the visit…", "his leadership", "the same year", or it is very
   short) the previous sentence of the paragraph is shown too and the citation spans both.
   Facts that name the course or section topic (its title words, or an entity in a tenth of all
   sentences), that occur twice in the stem, or whose words appear elsewhere in the stem are
   not blanked: they would be trivial or ambiguous.
4. **Items** per unit, each made by its kind's module (`kinds`), unless the sentence is too
   vague to ask about (`vague`: an indefinite, abstract subject and no fact but the one
   asked, "In 1833, there was a shift in regional trade"): one multiple-choice item
   (on a fact with three same-type distractors: nearby years, nearby dates, numbers of
   similar magnitude, names of the same type from the course: `distractors`), one
   short-answer item on another fact, and one true/false item whose statement is the
   sentence itself or the sentence with one fact swapped for a distractor. Each question is
   a wh-question where the sentence's shape allows one (`wh`: "On March 3, the harbour
   wall was finished." → "On what date was the harbour wall finished?"), otherwise a cloze
   stem with "_____"; the facts are chosen so that as many items as possible are
   wh-questions. Of the items that copy the sentence (clozes, the true/false statement),
   a unit keeps one: a learner should not read the same sentence three times.
5. **Check** every item (exact citation here, then its kind's `check`: answer in quote, answer
   not in the question, four distinct options) and drop any that fails, so a heuristic slip
   costs an item, never a wrong one.

Everything is deterministic: no randomness except hashes of the item's own text.
"""

from __future__ import annotations

import json

from ..course import Course
from ..domain import QuizItem
from ..stores.codec import item_to_dict
from .distractors import Pools, distractors
from .facts import analyse
from .kinds import kind_of, multiple_choice, short_answer, true_false
from .questions import citation_of, course_topics, shape_of, units, wh_question
from .vague import vague
from .values import PRIORITY, Fact, Unit


class _Maker:
    """Builds the items of one course; holds what every unit shares."""

    def __init__(self, course: Course, pools: Pools, topics: set[str]):
        self.course = course
        self.pools = pools
        self.topics = topics

    def items(self, unit: Unit) -> list[QuizItem]:
        if all(vague(unit, f) for f in unit.facts):
            return []  # nothing in it a learner could be asked, nor judge true or false
        citation = citation_of(self.course, unit)
        made: list[QuizItem] = []
        options = {f: distractors(f, self.pools, self.topics, unit.stem) for f in unit.facts}
        ordered = sorted(unit.facts, key=lambda f: (PRIORITY.index(f.type), f.start))
        mc, sa = self._choose(ordered, options, unit)
        if mc:
            made.append(multiple_choice.make(unit, mc, options[mc], citation))
        if sa:
            made.append(short_answer.make(unit, sa, citation))
        if sum(shape_of(i) == "question" for i in made) >= 2:
            return made  # asked twice already: no copy of the sentence (`_one_copy`)
        avoid = {mc, sa}
        statement = true_false.make(self.course, unit, ordered, options, citation, avoid)
        return _one_copy(made, statement)

    @staticmethod
    def _choose(
        ordered: list[Fact], options: dict[Fact, list[str]], unit: Unit
    ) -> tuple[Fact | None, Fact | None]:
        """The facts asked as multiple choice and as short answer: different ones when the
        sentence has two, the multiple choice one with three distractors. Of the pairs that
        make the most items, the one with the most wh-questions wins (a wh-question rather
        than a cloze), then the one whose short answer is a wh-question (it reads better
        without options), then the facts first by `PRIORITY`."""
        choosable = [f for f in ordered if len(options[f]) >= multiple_choice.OPTIONS - 1]
        if len(ordered) == 1:
            return (ordered[0], None) if choosable else (None, ordered[0])
        asked = {f for f in ordered if wh_question(unit, f)}
        best: tuple[tuple[int, int, int, int], Fact | None, Fact | None] | None = None
        for mc in [*choosable, None]:
            for sa in [*ordered, None]:
                if sa is not None and sa is mc:
                    continue
                picked = [f for f in (mc, sa) if f is not None]
                rank = (
                    len(picked),
                    sum(f in asked for f in picked),
                    int(sa in asked),
                    -sum(ordered.index(f) for f in picked),
                )
                if best is None or rank > best[0]:
                    best = (rank, mc, sa)
        assert best is not None
        return best[1], best[2]


def _one_copy(asked: list[QuizItem], statement: QuizItem) -> list[QuizItem]:
    """The unit's wh-questions, and one item that copies its sentence when it has fewer
    than two: a cloze and a true/false statement of the same sentence would have the learner
    read it twice, and a sentence asked twice needs no third item. A false statement is
    kept before a cloze (it tests a swapped fact), a cloze before a true statement (it tests
    recall rather than reading)."""
    questions = [i for i in asked if shape_of(i) == "question"]
    clozes = [i for i in asked if shape_of(i) == "cloze"]
    copy = statement if statement.answer == "false" or not clozes else clozes[0]
    return [*questions, copy]


def _acceptable(course: Course, item: QuizItem) -> bool:
    """The last check every item passes: an exact citation, and what its kind checks (an
    answer the quote holds and the question does not give away, four distinct options…)."""
    c = item.citation
    if course.documents[c.doc_id].text[c.start : c.end] != c.quote:
        return False
    return kind_of(item.kind).check(item)


def generate_items(course: Course) -> list[QuizItem]:
    """Quiz items over the whole course, in course order: deterministic, ids stable."""
    prepared, lexicon, facts = analyse(course)
    pools = Pools()
    for found in facts.values():
        for fact in found:
            pools.add(fact)
    topics = course_topics(course, lexicon, facts)
    maker = _Maker(course, pools, topics)
    items: list[QuizItem] = []
    seen: set[str] = set()
    for unit in units(course, prepared, facts, lexicon, topics):
        for item in maker.items(unit):
            if item.quiz_id in seen or item.question in seen or not _acceptable(course, item):
                continue
            seen.update((item.quiz_id, item.question))
            items.append(item)
    return items


def dump_items(items: list[QuizItem]) -> str:
    """The items as JSON lines, one item per line with every field (`tutor quiz --dump`)."""
    return "".join(json.dumps(item_to_dict(i), ensure_ascii=False) + "\n" for i in items)
