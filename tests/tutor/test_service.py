"""The Tutor facade over the seed course, the hashing embedder and an in-memory store."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_course
from tutor import Answer, InvalidInput, NotFound, Tutor
from tutor.abstention import AbstentionPolicy
from tutor.fakes import HashingEmbedder
from tutor.limits import Limits, check_question, check_session_id
from tutor.service import HISTORY_TURNS
from tutor.stores.memory import MemoryStateStore

BERLIN = "When was the Berlin Wall erected?"
OFF_TOPIC = "How do I bake sourdough bread?"


def last_turn(tutor: Tutor, session_id: str):  # type: ignore[no-untyped-def]
    return tutor.store.history(session_id, 1)[-1]


def assert_citations_exact(tutor: Tutor, answer: Answer) -> None:
    assert answer.citations
    for c in answer.citations:
        assert tutor.document(c.doc_id).text[c.start : c.end] == c.quote


def test_answers_when_the_berlin_wall_was_erected(fake_tutor: Tutor) -> None:
    answer = fake_tutor.ask(BERLIN)
    assert answer.answerable is True
    assert "August 13" in answer.text
    assert answer.text == "On August 13, the Berlin Wall was erected."
    assert answer.confidence > 0.9
    assert_citations_exact(fake_tutor, answer)
    assert "Berlin Wall was erected" in answer.citations[0].quote
    assert answer.suggestions == ()
    assert re.fullmatch(r"s-[0-9a-f]{24}", answer.session_id)


def test_off_topic_question_is_refused_with_course_sections(fake_tutor: Tutor) -> None:
    answer = fake_tutor.ask(OFF_TOPIC)
    assert answer.answerable is False
    assert answer.citations == ()
    assert answer.confidence < 0.5
    assert answer.text.startswith("The course material doesn't cover that")
    titles = fake_tutor.course.section_titles()
    assert len(answer.suggestions) == 3
    assert len(set(answer.suggestions)) == 3
    for title in answer.suggestions:
        assert title in titles
        assert title in answer.text
    turn = last_turn(fake_tutor, answer.session_id)
    assert (turn.answerable, turn.passage_ids, turn.answer) == (False, (), answer.text)


def test_question_about_an_unknown_name_is_refused(fake_tutor: Tutor) -> None:
    assert fake_tutor.ask("What is the capital of Australia?").answerable is False


def test_given_session_id_is_kept(fake_tutor: Tutor) -> None:
    for sid in ("student-1", "a", "A.b_c:d-e", "9" * 128):
        assert fake_tutor.ask(BERLIN, sid).session_id == sid
    assert len(fake_tutor.store.history("student-1")) == 1


@pytest.mark.parametrize("sid", [None, ""])
def test_new_session_id_when_none_given(fake_tutor: Tutor, sid: str | None) -> None:
    first = fake_tutor.ask(BERLIN, sid).session_id
    second = fake_tutor.ask(BERLIN, sid).session_id
    assert first != second
    assert re.fullmatch(r"s-[0-9a-f]{24}", first)
    assert len(fake_tutor.store.history(first)) == 1


@pytest.mark.parametrize(
    "sid", ["../etc", "a b", "x" * 200, "x" * 129, "-abc", ".hidden", "a/b", "naïve", "a\x00b"]
)
def test_invalid_session_ids_are_rejected(fake_tutor: Tutor, sid: str) -> None:
    with pytest.raises(InvalidInput, match="session_id"):
        fake_tutor.ask(BERLIN, sid)
    assert fake_tutor.store.history(sid) == []


def test_non_string_session_id_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        check_session_id(42)  # type: ignore[arg-type]


def test_session_id_with_trailing_newline_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        check_session_id("abc\n")


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * 1001, "1001 characters long; at most 1000"),
        ("When\x00 was it?", "U\\+0000"),
        ("When was\x07 it?", "U\\+0007"),
        ("\x1b[31mWhen?", "U\\+001B"),
        ("When was\x7f it?", "U\\+007F"),
        ("a\x1fb", "U\\+001F"),
    ],
)
def test_invalid_questions_are_rejected(fake_tutor: Tutor, question: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        fake_tutor.ask(question, "s1")
    assert fake_tutor.store.history("s1") == []


@pytest.mark.parametrize("question", [None, 42, b"When?"])
def test_non_string_question_is_rejected(question: object) -> None:
    with pytest.raises(InvalidInput, match="must be a string"):
        check_question(question, Limits())


def test_question_limits_and_whitespace() -> None:
    assert (
        check_question("  When was\n the\tWall   built?  ", Limits()) == "When was the Wall built?"
    )
    assert check_question("x" * 1000, Limits()) == "x" * 1000
    assert check_question("x" * 20, Limits(max_question_chars=20)) == "x" * 20
    with pytest.raises(InvalidInput):
        check_question("x" * 21, Limits(max_question_chars=20))


def test_stored_question_is_normalised(fake_tutor: Tutor) -> None:
    fake_tutor.ask("  When was the Berlin Wall\n erected?  ", "s1")
    assert last_turn(fake_tutor, "s1").question == BERLIN


def test_followup_is_answered_from_the_same_topic(fake_tutor: Tutor) -> None:
    first = fake_tutor.ask("What was the Berlin Wall?", "s1")
    assert first.answerable
    assert last_turn(fake_tutor, "s1").topic == "Berlin Wall"
    second = fake_tutor.ask("When was it erected?", "s1")
    assert second.answerable is True
    assert "August 13" in second.text
    assert_citations_exact(fake_tutor, second)
    turn = last_turn(fake_tutor, "s1")
    assert turn.question == "When was it erected?"
    assert turn.query == "When was Berlin Wall erected?"
    assert turn.topic == "Berlin Wall"
    assert turn.passage_ids and turn.answerable


def test_followup_in_a_fresh_session_is_not_rewritten(fake_tutor: Tutor) -> None:
    fake_tutor.ask("What was the Berlin Wall?", "s1")
    fake_tutor.ask("When was it erected?", "s2")
    assert last_turn(fake_tutor, "s2").query == "When was it erected?"


def test_self_contained_second_question_is_not_rewritten(fake_tutor: Tutor) -> None:
    fake_tutor.ask(BERLIN, "s1")
    question = "Who headed the Foreign Ministry in 1957?"
    answer = fake_tutor.ask(question, "s1")
    assert answer.answerable is True
    assert "Gromyko" in answer.text
    turn = last_turn(fake_tutor, "s1")
    assert turn.query == question
    assert turn.topic == "headed Foreign Ministry 1957"


def test_followup_after_a_refusal_borrows_the_last_answered_topic(fake_tutor: Tutor) -> None:
    fake_tutor.ask("What was the Berlin Wall?", "s1")
    assert fake_tutor.ask(OFF_TOPIC, "s1").answerable is False
    fake_tutor.ask("When was it erected?", "s1")
    assert last_turn(fake_tutor, "s1").query == "When was Berlin Wall erected?"


def test_followup_only_looks_back_a_few_turns(fake_tutor: Tutor) -> None:
    fake_tutor.ask("What was the Berlin Wall?", "s1")
    for _ in range(HISTORY_TURNS):
        fake_tutor.ask(OFF_TOPIC, "s1")
    fake_tutor.ask("When was it erected?", "s1")
    assert last_turn(fake_tutor, "s1").query == "When was it erected?"


def test_one_word_self_contained_question_is_not_hijacked_by_the_previous_topic(
    fake_tutor: Tutor,
) -> None:
    fake_tutor.ask(BERLIN, "s1")
    answer = fake_tutor.ask("Who was Gromyko?", "s1")
    assert last_turn(fake_tutor, "s1").query == "Who was Gromyko?"
    assert "Berlin Wall" not in answer.text


def test_documents_and_version(fake_tutor: Tutor) -> None:
    assert fake_tutor.index_version == "test"
    docs = fake_tutor.documents()
    assert [d.doc_id for d in docs] == ["ussr-foreign-policy-1953-1964"]
    assert fake_tutor.document(docs[0].doc_id) is docs[0]
    with pytest.raises(NotFound, match="no document 'nope'"):
        fake_tutor.document("nope")


def test_small_inline_course() -> None:
    embedder = HashingEmbedder()
    course = make_course(
        {
            "pipes.txt": "Pipelines\n\nThe Druzhba pipeline was built. Its length was 4000 km.\n",
            "ports.txt": "Ports\n\nThe port of Odessa froze in the winter of 1954.\n",
        },
        embedder,
    )
    # a fixed threshold: a real course's is fitted when it is indexed
    policy = AbstentionPolicy(threshold=0.3)
    tutor = Tutor(course, embedder, MemoryStateStore(), policy=policy)
    answer = tutor.ask("How long was the Druzhba pipeline?")
    assert answer.answerable is True
    assert "4000 km" in answer.text
    assert_citations_exact(tutor, answer)
    assert answer.citations[0].doc_id == "pipes"
    refusal = tutor.ask(OFF_TOPIC)
    assert refusal.answerable is False
    assert set(refusal.suggestions) == {"Pipelines", "Ports"}
