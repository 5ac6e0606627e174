"""The loaded course: neighbours, paragraphs, sections, documents."""

from __future__ import annotations

import pytest

from tests.conftest import make_course
from tutor import Course, NoDocuments, NotFound, Tutor
from tutor.answer_types import AnswerType
from tutor.fakes import HashingEmbedder
from tutor.stores.memory import MemoryStateStore
from tutor.text import stem

FILES = {
    "a.txt": (
        "Alpha\n\n"
        "The army marched north. The navy sailed west.\n\n"
        "The talks failed.\n\n"
        "Beta section\n\n"
        "The treaty was signed.\n"
    ),
    "b.txt": "Gamma\n\nThe harbour froze.\n",
}


def test_passages_are_numbered_across_documents() -> None:
    course = make_course(FILES)
    assert [(p.passage_id, p.doc_id, p.section, p.text) for p in course.passages] == [
        (0, "a", "Alpha", "The army marched north."),
        (1, "a", "Alpha", "The navy sailed west."),
        (2, "a", "Alpha", "The talks failed."),
        (3, "a", "Beta section", "The treaty was signed."),
        (4, "b", "Gamma", "The harbour froze."),
    ]
    for p in course.passages:
        assert course.documents[p.doc_id].text[p.start : p.end] == p.text


def test_neighbour_stays_inside_the_paragraph() -> None:
    course = make_course(FILES)
    after = course.neighbour(0, 1)
    assert after is not None and after.text == "The navy sailed west."
    assert course.neighbour(0, -1) is None
    assert course.neighbour(1, 1) is None  # "The talks failed." opens another paragraph
    assert course.neighbour(3, 1) is None  # the next document
    assert course.neighbour(4, 1) is None  # the last sentence


def test_paragraph_of() -> None:
    course = make_course(FILES)
    assert [p.text for p in course.paragraph_of(1)] == [
        "The army marched north.",
        "The navy sailed west.",
    ]
    assert [p.text for p in course.paragraph_of(2)] == ["The talks failed."]


def test_section_titles_in_course_order() -> None:
    assert make_course(FILES).section_titles() == ["Alpha", "Beta section", "Gamma"]


def test_document_lookup() -> None:
    course = make_course(FILES)
    assert course.document("b").title == "Gamma"
    with pytest.raises(NotFound, match="known: \\['a', 'b'\\]"):
        course.document("c")


def test_proper_names_are_words_capitalised_inside_a_sentence_or_no_ordinary_word() -> None:
    from dataclasses import replace

    course = make_course(
        {
            "c.txt": "Policy\n\n"
            "Features of the policy in 1953-1964. Consisted in the striving of the leadership.\n"
            "In the 50's. Malenkov began to talk about detente with Eisenhower.\n"
        }
    )
    # without the model's ordinary words every capital counts (fakes, old indexes)
    assert {stem("consisted"), stem("malenkov")} <= course.proper_names()
    knowing = replace(course, common_words=frozenset({"consisted", "features", "in", "began"}))
    names = knowing.proper_names()
    assert stem("malenkov") in names and stem("eisenhower") in names
    assert stem("consisted") not in names and stem("features") not in names
    assert knowing.has_new_answer(
        "Malenkov began to talk.", AnswerType.NAME, "Who spoke of detente?"
    )
    assert not knowing.has_new_answer("Consisted in the striving.", AnswerType.NAME, "Who strove?")


def test_passage_at_finds_the_first_sentence_overlapping_a_span() -> None:
    text = "T\n\nThe pipe was built in May. The ship was frozen in ice.\n\nThe port was closed.\n"
    course = make_course({"a.txt": text})
    first, second, third = course.passages
    assert course.passage_at("a", first.start, first.end) == first
    assert course.passage_at("a", first.start + 2, first.start + 3) == first
    assert course.passage_at("a", second.start, third.end) == second
    assert course.passage_at("a", first.end, second.start + 1) == second  # the gap, then in
    assert course.passage_at("a", third.end + 5, third.end + 9) is None
    assert course.passage_at("other", 0, 5) is None


def test_a_course_without_documents_says_so_instead_of_answering() -> None:
    embedder = HashingEmbedder()
    tutor = Tutor(Course.empty(embedder.dim), embedder, MemoryStateStore())
    tutor.prepare_quizzes()
    assert tutor.documents() == [] and tutor.quiz_items() == [] and tutor.index_size() == 0
    assert tutor.index_state().version == "empty"
    with pytest.raises(NoDocuments, match="no documents yet"):
        tutor.ask("When was the wall built?")
    with pytest.raises(NoDocuments):
        tutor.quiz("s1")
    assert issubclass(NoDocuments, NotFound)  # adapters that do not know it answer 404
    assert tutor.progress("s1").attempts == 0
