"""Quiz generation: items over the seed course and a made-up one, checked item by item."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from tests.conftest import make_course, seed_files
from tutor.answering import clean_sentence
from tutor.course import Course
from tutor.domain import Passage, QuizItem
from tutor.quiz import BLANK, dump_items, generate_items
from tutor.quiz.gazetteer import static_type
from tutor.quiz.values import FactType
from tutor.text import tokens

KINDS = ("multiple_choice", "short_answer", "true_false")
TF_PREFIX = "True or false: "
YEAR = re.compile(r"^(?:1\d{3}|20\d{2})$")
MONTH_DAY = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}$"
)

VELORIA = {
    "veloria.md": (
        "# A short history of Veloria\n\n"
        "Veloria is a port town on the river Sallow, and its story is told in three parts.\n\n"
        "## Founding\n\n"
        "Veloria was founded in 1204 by the merchant Aldo Brenn. In 1231, the town received a "
        "charter from King Ormund. The first stone bridge was completed in 1247. By 1300, more "
        "than 4000 people lived inside the walls.\n\n"
        "## The guild years\n\n"
        "In 1352, the Weavers Guild took control of the town council. Mayor Ilsa Varr built "
        "the Great Market in 1360. Traders came from Castmoor, Dunholt and Pellin. On March "
        "3, 1388, a fire destroyed the eastern quarter. The fire burned for 3 days.\n\n"
        "## War and recovery\n\n"
        "In 1402, the town joined the Northern League. Veloria sent 600 soldiers to Castmoor "
        "in 1410. General Tomas Rell led the defence of the harbour. The Treaty of Pellin "
        "ended the war on October 12, 1415. After the war, the scholar Mira Osk opened the "
        "first library in Dunholt.\n"
    )
}
VELORIA_PEOPLE = {"Aldo Brenn", "Ormund", "Ilsa Varr", "Tomas Rell", "Mira Osk"}


@pytest.fixture(scope="module")
def seed() -> Course:
    return make_course(seed_files())


@pytest.fixture(scope="module")
def seed_items(seed: Course) -> list[QuizItem]:
    return generate_items(seed)


# --- what every item must satisfy, on any course ----------------------------------------


def cited_passages(course: Course, item: QuizItem) -> list[Passage]:
    c = item.citation
    return [
        p for p in course.passages if p.doc_id == c.doc_id and c.start <= p.start and p.end <= c.end
    ]


def swap_of(course: Course, item: QuizItem) -> tuple[str, str] | None:
    """Where a true/false statement differs from its cleaned quote: (the quote's words, the
    statement's words), or None when it says the same."""
    cleaned = " ".join(clean_sentence(p.text) for p in cited_passages(course, item))
    source, said = tokens(cleaned), tokens(item.question.removeprefix(TF_PREFIX))
    head = 0
    while head < min(len(source), len(said)) and source[head] == said[head]:
        head += 1
    tail = 0
    while tail < min(len(source), len(said)) - head and source[-1 - tail] == said[-1 - tail]:
        tail += 1
    if head + tail == len(source) == len(said):
        return None
    return " ".join(source[head : len(source) - tail]), " ".join(said[head : len(said) - tail])


def assert_valid(course: Course, item: QuizItem) -> None:
    c = item.citation
    assert course.documents[c.doc_id].text[c.start : c.end] == c.quote, item
    assert item.topic == c.section
    assert item.kind in KINDS
    assert item.question == item.question.strip() and "  " not in item.question
    assert item.question[0].isupper() and item.question[-1] in ".?", item.question
    if item.kind == "true_false":
        assert item.question.startswith(TF_PREFIX)
        assert item.answer in ("true", "false") and item.options is None
        swap = swap_of(course, item)
        if item.answer == "true":
            assert swap is None, item.question
        else:
            assert swap is not None, item.question
            original, swapped = swap
            assert original and swapped and original != swapped  # one fact swapped for another
            assert original in " ".join(tokens(c.quote))
            assert not re.search(rf"\b{re.escape(original)}\b", " ".join(tokens(item.question)))
        return
    assert item.answer in c.quote, item
    assert item.answer.lower() not in item.question.lower(), item
    for number in re.findall(r"\d+(?:\.\d+)?", item.answer):
        assert not re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", item.question), item
    if not item.question.endswith("?"):
        assert item.question.startswith("Fill in the blank: ")
        assert item.question.count(BLANK) == 1
    if item.kind == "short_answer":
        assert item.options is None
    else:
        options = item.options or ()
        assert len(options) == 4
        assert len({o.lower() for o in options}) == 4
        assert item.answer in options
        assert sum(o.lower() == item.answer.lower() for o in options) == 1


def assert_same_type_options(item: QuizItem) -> None:
    options = item.options or ()
    distractors = [o for o in options if o != item.answer]
    if YEAR.match(item.answer):
        assert all(YEAR.match(o) for o in options), item
        assert all(abs(int(o) - int(item.answer)) <= 30 for o in distractors), item
    elif MONTH_DAY.match(item.answer):
        assert all(MONTH_DAY.match(o) for o in options), item
    elif re.search(r"\d", item.answer):
        prefix = item.answer[: re.search(r"\d", item.answer).start()]  # type: ignore[union-attr]
        assert all(o.startswith(prefix) and re.search(r"\d", o) for o in options), item
    else:
        assert not any(re.search(r"\d", o) for o in options), item


# --- the seed course -----------------------------------------------------------------


def test_seed_yields_enough_distinct_items_of_every_kind(seed_items: list[QuizItem]) -> None:
    assert len(seed_items) >= 60
    assert len({i.quiz_id for i in seed_items}) == len(seed_items)
    assert len({i.question for i in seed_items}) == len(seed_items)
    kinds = Counter(i.kind for i in seed_items)
    assert all(kinds[k] >= 15 for k in KINDS), kinds


def test_every_seed_section_has_an_item(seed: Course, seed_items: list[QuizItem]) -> None:
    sections = seed.section_titles()
    assert len(sections) == 10
    assert {i.topic for i in seed_items} == set(sections)


def test_every_seed_item_is_valid(seed: Course, seed_items: list[QuizItem]) -> None:
    for item in seed_items:
        assert_valid(seed, item)


def test_multiple_choice_distractors_have_the_answers_type(seed_items: list[QuizItem]) -> None:
    mc = [i for i in seed_items if i.kind == "multiple_choice"]
    assert mc
    for item in mc:
        assert_same_type_options(item)


def test_true_false_mixes_true_and_false(seed_items: list[QuizItem]) -> None:
    answers = Counter(i.answer for i in seed_items if i.kind == "true_false")
    assert answers["true"] > 0
    assert answers["false"] >= 0.4 * (answers["true"] + answers["false"])


def test_items_are_stable_across_calls_and_builds(seed_items: list[QuizItem]) -> None:
    again = generate_items(make_course(seed_files()))
    assert again == seed_items  # same ids, order, options order


def test_seed_items_cover_the_kinds_of_fact(seed_items: list[QuizItem]) -> None:
    answers = {i.answer for i in seed_items if i.kind != "true_false"}
    assert any(YEAR.match(a) for a in answers)
    assert any(MONTH_DAY.match(a) for a in answers)
    assert any(a.startswith("more than") for a in answers)  # a number with its "more than"
    assert {"Khrushchev", "Gromyko"} & answers  # people
    assert {"Cuba", "Hungary", "Poland", "Turkey"} & answers  # countries
    assert {"Warsaw Pact", "Council for Mutual Economic Assistance"} & answers  # organisations


def test_no_trivial_or_giveaway_items(seed_items: list[QuizItem]) -> None:
    for item in seed_items:
        # the course's own period and country are no quiz
        assert item.answer not in ("1953-1964", "USSR", "the USSR", "Soviet Union")
        assert "1953-" + BLANK not in item.question and BLANK + "-1964" not in item.question
        # a bracketed alias would give the name away
        if item.answer == "Warsaw Pact":
            assert "Warsaw" not in item.question
    wall = [i for i in seed_items if i.answer == "August 13"]
    assert wall and all("Berlin Wall" in i.question for i in wall)


def test_questions_lean_on_no_missing_sentence(seed: Course, seed_items: list[QuizItem]) -> None:
    """A sentence opening with "It…"/"Its…" is only asked with the sentence before it."""
    for item in seed_items:
        passages = cited_passages(seed, item)
        assert 1 <= len(passages) <= 2
        if re.match(r"(?:It|Its|They|During it)\b", passages[0].text):
            raise AssertionError(item)


def test_dump_items_writes_one_json_object_per_line(seed_items: list[QuizItem]) -> None:
    dumped = dump_items(seed_items)
    lines = dumped.splitlines()
    assert len(lines) == len(seed_items) and dumped.endswith("\n")
    first = json.loads(lines[0])
    assert set(first) == {"quiz_id", "kind", "question", "options", "answer", "topic", "citation"}
    assert set(first["citation"]) == {"doc_id", "section", "start", "end", "quote", "score"}
    for line, item in zip(lines, seed_items, strict=True):
        record = json.loads(line)
        assert record["quiz_id"] == item.quiz_id
        assert record["options"] == (list(item.options) if item.options else None)
        assert record["citation"]["quote"] == item.citation.quote
    assert dump_items([]) == ""


# --- beyond the seed ------------------------------------------------------------------


def test_a_made_up_course_gets_valid_items_of_every_kind() -> None:
    course = make_course(VELORIA)
    items = generate_items(course)
    assert len(items) >= 20
    assert {i.kind for i in items} == set(KINDS)
    assert {i.topic for i in items} == {"Founding", "The guild years", "War and recovery"}
    for item in items:
        assert_valid(course, item)
        if item.kind == "multiple_choice":
            assert_same_type_options(item)
    answers = {i.answer for i in items}
    assert {"1204", "1247", "1360"} & answers
    assert VELORIA_PEOPLE & answers
    assert {"Castmoor", "Dunholt", "Pellin"} & answers
    assert {"3 days", "600", "more than 4000"} & answers


def test_made_up_people_are_offered_only_people() -> None:
    items = generate_items(make_course(VELORIA))
    people = [i for i in items if i.kind == "multiple_choice" and i.answer in VELORIA_PEOPLE]
    assert people
    for item in people:
        assert set(item.options or ()) <= VELORIA_PEOPLE


def test_the_course_subject_is_never_asked_or_offered() -> None:
    for item in generate_items(make_course(VELORIA)):
        assert item.answer != "Veloria"
        assert "Veloria" not in (item.options or ())


def test_a_course_without_facts_yields_no_items() -> None:
    course = make_course(
        {
            "garden.txt": (
                "Gardening\n\n"
                "Water the plants every morning. Keep the soil moist but not wet. Prune dead "
                "leaves when you see them, and let the roots breathe.\n"
            )
        }
    )
    assert generate_items(course) == []


def test_a_lone_year_gets_nearby_made_up_years_as_distractors() -> None:
    course = make_course(
        {"mill.txt": "The mill\n\nThe old mill by the river was rebuilt in 1821 by farmers.\n"}
    )
    items = generate_items(course)
    mc = [i for i in items if i.kind == "multiple_choice"]
    assert len(mc) == 1 and mc[0].answer == "1821"
    assert all(abs(int(o) - 1821) <= 10 for o in mc[0].options or ())
    assert any(i.kind == "true_false" for i in items)
    for item in items:
        assert_valid(course, item)


def test_a_sentence_leaning_on_the_one_before_is_asked_and_cited_with_it() -> None:
    course = make_course(
        {
            "canal.txt": (
                "The canal\n\n"
                "The Orrin canal was dug in 1790 by hundreds of workers. Its length was more "
                "than 40 km.\n"
            )
        }
    )
    items = generate_items(course)
    length = [i for i in items if i.answer == "more than 40 km"]
    assert length
    for item in length:
        assert_valid(course, item)
        assert item.citation.quote.startswith("The Orrin canal was dug in 1790")
        assert "The Orrin canal" in item.question


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        (("Great", "Salt", "War", "II"), FactType.EVENT),  # a numbered war is still a war
        (("Second", "Harbour", "Council", "2"), FactType.ORG),
        (("Harbour", "War"), FactType.EVENT),
    ],
)
def test_a_numeral_after_the_head_word_keeps_the_names_type(
    words: tuple[str, ...], kind: FactType
) -> None:
    found = static_type(words)
    assert found is not None and found[0] is kind
