"""Hybrid retrieval over a small inline course (hashing embedder, exact index)."""

from __future__ import annotations

import pytest

from tests.conftest import make_course
from tutor.answer_types import AnswerType
from tutor.course import Course
from tutor.fakes import HashingEmbedder
from tutor.retrieval import FollowupContext, Retriever
from tutor.text import states_no_fact

TEXT = (
    "Pipelines\n\n"
    "The Druzhba pipeline was built in 1964. Its length was 4000 km.\n\n"
    "The harbour of Odessa was frozen in winter. Ships waited for spring.\n"
)


@pytest.fixture(scope="module")
def course() -> Course:
    return make_course({"pipes.txt": TEXT})


@pytest.fixture(scope="module")
def retriever(course: Course) -> Retriever:
    return Retriever(course, HashingEmbedder())


def ids(retrieval) -> list[int]:  # type: ignore[no-untyped-def]
    return [s.passage.passage_id for s in retrieval.ranked]


def test_course_is_parsed_into_sentences(course: Course) -> None:
    assert [p.text for p in course.passages] == [
        "The Druzhba pipeline was built in 1964.",
        "Its length was 4000 km.",
        "The harbour of Odessa was frozen in winter.",
        "Ships waited for spring.",
    ]


def test_best_sentence_for_a_matching_question(retriever: Retriever) -> None:
    r = retriever.retrieve("When was the harbour of Odessa frozen?")
    assert r.kind is AnswerType.DATE
    assert r.best is not None
    assert r.best.passage.passage_id == 2
    assert r.unknown_share == 0.0
    assert r.best.coverage == pytest.approx(1.0)
    assert r.query == r.question == "When was the harbour of Odessa frozen?"


def test_ranked_is_sorted_and_limited(retriever: Retriever) -> None:
    r = retriever.retrieve("When was the harbour of Odessa frozen?")
    scores = [s.score for s in r.ranked]
    assert scores == sorted(scores, reverse=True)
    assert sorted(ids(r)) == [0, 1, 2, 3]
    assert len(retriever.retrieve("When was the harbour frozen?", k=2).ranked) == 2


def test_typed_flag_marks_sentences_holding_the_asked_type(retriever: Retriever) -> None:
    r = retriever.retrieve("When was the Druzhba pipeline built?")
    by_id = {s.passage.passage_id: s for s in r.ranked}
    assert r.best is not None and r.best.passage.passage_id == 0
    assert by_id[0].typed is True  # "1964"
    assert by_id[3].typed is False


def test_numbers_in_the_question_favour_sentences_that_hold_them(retriever: Retriever) -> None:
    r = retriever.retrieve("What happened in 1964?")
    assert ids(r)[0] == 0


def test_names_the_course_never_uses_are_unknown(retriever: Retriever) -> None:
    assert retriever.retrieve("When did Brezhnev visit Suez?").unknown_share == 1.0
    assert retriever.retrieve("When did Brezhnev visit Odessa?").unknown_share < 1.0


def test_off_topic_question_is_all_unknown_but_names_nothing(retriever: Retriever) -> None:
    r = retriever.retrieve("How do I bake sourdough bread?")
    assert r.unknown_share == 1.0
    assert all(s.coverage == 0.0 for s in r.ranked)


def test_followup_uses_the_rewritten_query_and_the_topic(retriever: Retriever) -> None:
    plain = retriever.retrieve("How long was it?")
    context = FollowupContext("Druzhba pipeline", (0,), "How long was Druzhba pipeline?")
    followup = retriever.retrieve("How long was it?", context)
    assert followup.query == "How long was Druzhba pipeline?"
    assert followup.question == "How long was it?"
    assert followup.kind is AnswerType.QUANTITY
    assert ids(followup)[0] == 1  # the sentence after the one cited before, holding "4000 km"
    assert followup.best is not None and plain.best is not None
    assert followup.best.score > plain.best.score + 0.1
    assert followup.unknown_share < plain.unknown_share == 1.0


def test_followup_without_query_appends_the_topic(retriever: Retriever) -> None:
    r = retriever.retrieve("What about it?", FollowupContext("Odessa harbour"))
    assert r.query == "What about it? Odessa harbour"


def test_followup_without_own_words_is_not_all_unknown(retriever: Retriever) -> None:
    context = FollowupContext("Druzhba pipeline", (0,), "Why Druzhba pipeline?")
    assert retriever.retrieve("Why?", context).unknown_share < 0.5


def test_empty_course_retrieves_nothing() -> None:
    r = Retriever(make_course({}), HashingEmbedder()).retrieve("When was it built?")
    assert r.ranked == ()
    assert r.best is None
    assert r.unknown_share == 1.0
    assert r.kind is AnswerType.DATE


COUNTS = (
    "Volcanoes\n\n"
    "Eight volcanoes were erupting in March, and six of these were still active in July.\n"
    "The probe counted more than 50 eruptions a year later.\n"
)


def test_followup_recites_a_sentence_holding_a_value_not_given_yet() -> None:
    """ "…and how many were still active?" after "Eight volcanoes…, and six of these…": the
    cited sentence holds a count the conversation has not given, so it is no repeat."""
    retriever = Retriever(make_course({"v.txt": COUNTS}), HashingEmbedder())
    question = "and how many of them were still active?"
    given = FollowupContext(
        "volcanoes erupting", (0,), question + " volcanoes erupting", said="how many? Eight"
    )
    assert ids(retriever.retrieve(question, given))[0] == 0
    # once the second count was given too, the sentence would only repeat itself
    told = FollowupContext(
        "volcanoes erupting", (0,), question + " volcanoes erupting", said="Eight and six"
    )
    assert ids(retriever.retrieve(question, told))[0] == 1


OBJECTIVES = (
    "Moons\n\n"
    "By the end of this section, you will be able to:\n\n"
    "- Describe the major distinguishing feature of Io\n\n"
    "What makes Io special?\n\n"
    "The major distinguishing feature of Io is its active volcanoes.\n"
)


def test_questions_and_exercises_of_the_course_are_never_answers() -> None:
    course = make_course({"m.txt": OBJECTIVES})
    retriever = Retriever(course, HashingEmbedder())
    r = retriever.retrieve("What is the major distinguishing feature of Io?")
    texts = [s.passage.text for s in r.ranked]
    assert texts[0] == "The major distinguishing feature of Io is its active volcanoes."
    assert not any(t.startswith("- Describe") or t.endswith("?") for t in texts)


@pytest.mark.parametrize(
    ("sentence", "no_fact"),
    [
        ("- Describe the major features of Callisto", True),
        ("Explain how tidal forces heat Io.", True),
        ("Is it possible that life exists under the ice?", True),
        ("Describing the moon took years.", False),
        ("The plan was described as bribery.", False),
        ("He asked: “Why not?” and left.", False),
    ],
)
def test_states_no_fact(sentence: str, no_fact: bool) -> None:
    assert states_no_fact(sentence) is no_fact
