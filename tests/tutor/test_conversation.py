"""Follow-up detection, topics and rewriting."""

from __future__ import annotations

import pytest

from tutor.conversation import followup_context, is_followup, lead_of, rewrite, topic_of
from tutor.domain import Turn
from tutor.retrieval import FollowupContext


def turn(topic: str, answerable: bool = True, ids: tuple[int, ...] = (4,)) -> Turn:
    return Turn(f"q about {topic}", f"q about {topic}", "a", answerable, ids, topic)


@pytest.mark.parametrize(
    "question",
    [
        "How long was it?",
        "And how did Moscow react?",
        "Why?",
        "What about Austria?",
        "But why was the Berlin Wall erected?",
        "What did they sign?",
        "Tell me more about that.",
    ],
)
def test_is_followup_true(question: str) -> None:
    assert is_followup(question) is True


@pytest.mark.parametrize(
    "question",
    [
        "When was the Berlin Wall erected?",
        "Who headed the Foreign Ministry in 1957?",
        "What was the Caribbean crisis about?",
        "",
    ],
)
def test_is_followup_false(question: str) -> None:
    assert is_followup(question) is False


def test_rewrite_puts_topic_in_place_of_first_pronoun() -> None:
    assert (
        rewrite("How was it resolved?", "Caribbean crisis") == "How was Caribbean crisis resolved?"
    )
    assert rewrite("How did they react?", "Warsaw Pact") == "How did Warsaw Pact react?"


def test_rewrite_possessive_pronoun_becomes_possessive_topic() -> None:
    assert rewrite("What was its length?", "X pipeline") == "What was X pipeline's length?"
    assert rewrite("Who were their members?", "COMECON") == "Who were COMECON's members?"


def test_rewrite_replaces_only_the_first_pronoun() -> None:
    assert rewrite("Was it before its end?", "Wall") == "Was Wall before its end?"


def test_rewrite_appends_topic_when_there_is_no_pronoun() -> None:
    assert rewrite("Why?", "Berlin Wall") == "Why Berlin Wall?"
    assert rewrite("And how did Moscow react?", "Suez") == "And how did Moscow react Suez?"
    assert rewrite("What about the treaty", "Warsaw Pact") == "What about the treaty Warsaw Pact?"


def test_topic_of_drops_wh_words_stop_words_and_generic_verbs() -> None:
    assert topic_of("What was the Caribbean crisis about?") == "Caribbean crisis"
    assert topic_of("What happened at the Geneva summit?") == "Geneva summit"
    assert topic_of("What is the Warsaw Pact known for?") == "Warsaw Pact"
    assert topic_of("When did the Berlin Wall happen?") == "Berlin Wall"


def test_topic_of_keeps_order_and_casing() -> None:
    assert topic_of("Who headed the Foreign Ministry in 1957?") == "headed Foreign Ministry 1957"


def test_topic_of_falls_back_to_the_question() -> None:
    assert topic_of("Why?") == "Why?"


def test_followup_context_none_without_history() -> None:
    assert followup_context("How long was it?", []) is None


def test_followup_context_none_for_self_contained_question() -> None:
    assert followup_context("When was the Berlin Wall erected?", [turn("Caribbean crisis")]) is None


def test_followup_context_borrows_topic_and_passages() -> None:
    context = followup_context("When was it erected?", [turn("Berlin Wall", ids=(7, 8))])
    assert context == FollowupContext(
        topic="Berlin Wall",
        passage_ids=(7, 8),
        query="When was Berlin Wall erected?",
        said="q about Berlin Wall a",
    )


def test_lead_of_takes_the_span_an_answer_leads_with() -> None:
    assert lead_of("August 13, 1961: On August 13, 1961, the wall was built.") == "August 13, 1961"
    # no lead marker: the opening words, where the asked span stands when the sentence has it
    assert lead_of("Eight volcanoes were seen erupting, and six were still active.") == (
        "Eight volcanoes were"
    )
    # a colon inside a sentence is no lead
    assert lead_of("It said this. Then: more") == "It said this."


def test_followup_context_uses_last_answerable_turn() -> None:
    history = [
        turn("Warsaw Pact", ids=(1,)),
        turn("Berlin Wall", ids=(9,)),
        turn("sourdough bread", answerable=False, ids=()),
    ]
    context = followup_context("How long was it?", history)
    assert context is not None
    assert context.topic == "Berlin Wall"
    assert context.passage_ids == (9,)
    assert context.query == "How long was Berlin Wall?"


def test_followup_context_none_when_no_turn_was_answered() -> None:
    history = [turn("sourdough", answerable=False), turn("pizza", answerable=False)]
    assert followup_context("Why?", history) is None
