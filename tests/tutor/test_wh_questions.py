"""Facts turned into wh-questions, sentences too vague to ask about, and the share of items
that are real questions (on the seed course and on a made-up one)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import make_course, seed_files
from tutor import shape_of
from tutor.course import Course
from tutor.quiz import generate_items
from tutor.quiz.facts import analyse
from tutor.quiz.questions import course_topics, units, wh_question
from tutor.quiz.reach import free_tail
from tutor.quiz.vague import vague
from tutor.quiz.values import Unit
from tutor.quiz.verbs import past_base

# A made-up course: every sentence here is ours, none comes from an eval question set.
ORRIN = {
    "orrin.md": (
        "# The Orrin valley\n\n"
        "The Orrin valley lies between the Sallow hills and the sea; its story is told here.\n\n"
        "## Mills\n\n"
        "In 1821, the old mill at Castmoor was rebuilt by farmers. "
        "The merchant Aldo Brenn sold flour to Dunholt.\n\n"
        "The old mill of Castmoor burned down in 1840. "
        "Brenn's apprentices carried 600 sacks to the harbour in one week.\n\n"
        "On March 3, the guild of Pellin adopted a charter for the millers.\n\n"
        "## Trade\n\n"
        "In 1833, there was a shift in regional trade. "
        "In 1836, a certain tension in the guild's finances was felt. "
        "In 1838, a bridge over the Sallow was opened by Mayor Ilsa Varr. "
        "Traders came from Castmoor, Dunholt and Pellin. "
        "Mayor Ilsa Varr, a former miller, opened the first school in Dunholt. "
        "The harbour of Pellin was 40 metres deep at its mouth.\n"
    )
}


@pytest.fixture(scope="module")
def orrin() -> Course:
    return make_course(ORRIN)


def course_units(course: Course) -> list[Unit]:
    prepared, lexicon, facts = analyse(course)
    return list(units(course, prepared, facts, lexicon, course_topics(course, lexicon, facts)))


def asked(course: Course, sentence_start: str, answer: str) -> str | None:
    """The wh-question on the fact `answer` of the unit whose sentence starts so."""
    for unit in course_units(course):
        if unit.sentence.startswith(sentence_start):
            fact = next(f for f in unit.facts if f.text == answer)
            return wh_question(unit, fact)
    raise AssertionError(f"no unit starts with {sentence_start!r}")


@pytest.mark.parametrize(
    ("start", "answer", "question"),
    [
        # a date in a fronted adverbial: the clause is inverted around "was"
        ("In 1821,", "1821", "In what year was the old mill at Castmoor rebuilt by farmers?"),
        # the subject itself, with a role word before the name
        ("The merchant Aldo", "Aldo Brenn", "Which merchant sold flour to Dunholt?"),
        # "did" and the base form of a regular past tense
        (
            "On March 3,",
            "March 3",
            "On what date did the guild of Pellin adopt a charter for the millers?",
        ),
        # a date at the end
        ("The old mill of", "1840", "In what year did the old mill of Castmoor burn down?"),
        # a count: "how many" and the noun counted
        (
            "Brenn's apprentices",
            "600",
            "How many sacks did Brenn's apprentices carry to the harbour in one week?",
        ),
        # an agent after a role word
        (
            "In 1838, a bridge",
            "Ilsa Varr",
            "In 1838, by which mayor was a bridge over the Sallow opened?",
        ),
        # a place after "in", the aside about the subject left out
        (
            "Mayor Ilsa Varr, a former",
            "Dunholt",
            "Where did Mayor Ilsa Varr open the first school?",
        ),
        # a measure
        ("The harbour of Pellin", "40 metres", "How deep was the harbour of Pellin at its mouth?"),
    ],
)
def test_facts_become_wh_questions(orrin: Course, start: str, answer: str, question: str) -> None:
    assert asked(orrin, start, answer) == question


def test_two_sentences_in_one_passage_get_no_wh_question() -> None:
    course = make_course({"two.md": "# Two\n\nThe mill was built in 1821. It was sold in 1840.\n"})
    for unit in course_units(course):
        if "It was sold" in unit.sentence and unit.sentence.startswith("The mill"):
            assert all(wh_question(unit, f) is None for f in unit.facts)


def test_a_fact_in_a_list_is_not_asked_as_a_wh_question(orrin: Course) -> None:
    # "Traders came from Castmoor, Dunholt and Pellin": "From which place…" would have three
    # answers
    for answer in ("Castmoor", "Dunholt", "Pellin"):
        assert asked(orrin, "Traders came", answer) is None


@pytest.mark.parametrize(
    ("past", "base"),
    [
        ("adopted", "adopt"), ("announced", "announce"), ("carried", "carry"),
        ("stopped", "stop"), ("remained", "remain"), ("received", "receive"),
        ("negotiated", "negotiate"), ("caused", "cause"), ("focused", "focus"),
        ("united", "unite"), ("visited", "visit"), ("agreed", "agree"), ("broke", "break"),
        ("withdrew", "withdraw"), ("created", "create"), ("changed", "change"),
    ],
)  # fmt: skip
def test_the_base_form_of_a_past_tense(past: str, base: str) -> None:
    assert past_base(past) == base


def test_a_past_tense_whose_base_spelling_cannot_tell_gives_none() -> None:
    assert past_base("controlled") is None  # "control" or "controll"? no question then
    assert past_base("indeed") is None and past_base("speed") is None


# --- vague sentences ---------------------------------------------------------------------


def unit_starting(course: Course, start: str) -> Unit:
    return next(u for u in course_units(course) if u.sentence.startswith(start))


@pytest.mark.parametrize(
    "start",
    [
        "In 1833, there was a shift",  # "there was" + an abstract noun, the year its only fact
        "In 1836, a certain tension",  # hedged ("a certain") and abstract ("tension")
    ],
)
def test_a_sentence_whose_only_anchor_is_the_fact_asked_is_vague(orrin: Course, start: str) -> None:
    unit = unit_starting(orrin, start)
    assert len(unit.facts) == 1
    assert vague(unit, unit.facts[0])


@pytest.mark.parametrize(
    "start",
    [
        "In 1821, the old mill",  # a definite, concrete subject, and a place besides the year
        "In 1838, a bridge",  # indefinite, but concrete, and the mayor anchors it
        "The old mill of",  # definite subject
    ],
)
def test_a_definite_or_anchored_sentence_is_not_vague(orrin: Course, start: str) -> None:
    unit = unit_starting(orrin, start)
    assert not any(vague(unit, f) for f in unit.facts)


def test_vague_sentences_give_no_items(orrin: Course) -> None:
    questions = " ".join(i.question for i in generate_items(orrin))
    assert "shift in regional trade" not in questions
    assert "tension in the guild" not in questions
    assert "rebuilt by farmers" in questions


# --- shares --------------------------------------------------------------------------------


def shares(items: list) -> Counter[str]:  # type: ignore[type-arg]
    return Counter(shape_of(i) for i in items)


def test_at_least_half_the_seed_items_are_wh_questions() -> None:
    items = generate_items(make_course(seed_files()))
    counted = shares(items)
    assert counted["question"] >= 0.5 * len(items), counted
    assert counted["cloze"] < counted["question"]


def test_no_sentence_gets_more_than_two_items_nor_a_cloze_and_a_statement() -> None:
    items = generate_items(make_course(seed_files()))
    per_sentence: dict[tuple[str, int], list[str]] = {}
    for item in items:
        key = (item.citation.doc_id, item.citation.end)
        per_sentence.setdefault(key, []).append(shape_of(item))
    for shapes in per_sentence.values():
        assert len(shapes) <= 2, shapes
        assert shapes.count("cloze") + shapes.count("statement") <= 1, shapes


def test_every_question_is_one_sentence_ending_in_a_question_mark() -> None:
    for item in generate_items(make_course(seed_files())):
        if shape_of(item) == "question":
            assert item.question.endswith("?") and item.question.count("?") == 1
            assert "_____" not in item.question
            assert item.answer.lower() not in item.question.lower()


BRACKETS = {
    "brackets.md": (
        "# The Pellin roads\n\n"
        "On May 9, the old bridge (see the map above) was closed to carts. "
        "The toll was raised by the guild (in 1850) for the last time. "
        "Carts from Dunholt crossed the river at Pellin.\n\n"
        "The village in the valley called Dunholt was crowned with a tower in 1820. "
        "Farmers lived in Dunholt and traded in Pellin.\n"
    )
}


def test_a_bracketed_aside_is_left_out_of_the_question() -> None:
    course = make_course(BRACKETS)
    assert asked(course, "On May 9,", "May 9") == "On what date was the old bridge closed to carts?"


def test_a_fact_inside_brackets_gets_no_wh_question() -> None:
    assert asked(make_course(BRACKETS), "The toll was raised", "1850") is None


@pytest.mark.parametrize("tail", [" was crowned with a tower", " stood on the hill"])
def test_a_name_a_participle_gives_is_not_free_to_move(tail: str) -> None:
    # "the village called Dunholt was crowned…": Dunholt names the village, no object of
    # "called" a question could ask for ("Which city did the village call…")
    assert not free_tail(tail)
    assert free_tail(" with a tower")
