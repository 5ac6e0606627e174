"""The extractive composer: answer text, widening and exact citations."""

from __future__ import annotations

import pytest

from tests.conftest import make_course
from tutor.answer_types import AnswerType, expected_type
from tutor.answering import (
    MAX_ANSWER_CHARS,
    MAX_CITATIONS,
    MAX_QUOTE_CHARS,
    ExtractiveComposer,
    clean_sentence,
)
from tutor.course import Course
from tutor.domain import Citation
from tutor.fakes import HashingEmbedder
from tutor.retrieval import Retrieval, Retriever, Scored


def answer(files: dict[str, str], question: str):  # type: ignore[no-untyped-def]
    course = make_course(files)
    retrieval = Retriever(course, HashingEmbedder()).retrieve(question)
    return course, ExtractiveComposer(course).compose(retrieval)


def hand_made(course: Course, question: str, ranked: list[tuple[int, float]]) -> Retrieval:
    """A retrieval that ranks the given passage ids with the given scores."""
    scored = tuple(Scored(course.passages[pid], score, 0.9, 1.0, True) for pid, score in ranked)
    return Retrieval(question, question, expected_type(question), scored, 0.0)


def assert_exact(course: Course, citations: tuple[Citation, ...]) -> None:
    assert citations
    for c in citations:
        assert course.documents[c.doc_id].text[c.start : c.end] == c.quote
        assert len(c.quote) <= MAX_QUOTE_CHARS


PIPELINE = {
    "pipes.txt": (
        "Pipelines\n\n"
        "The Druzhba pipeline was built to carry oil west. Its length was 4000 km.\n\n"
        "The harbour was frozen in winter. Ships waited for spring.\n"
    )
}
TREATIES = {
    "treaties.txt": (
        "Treaties\n\n"
        "The conference ended without agreement. Thus, the Austrian treaty was signed in May "
        "1955.\n\n"
        "However, the Geneva summit failed to settle the German question.\n"
    )
}


def test_every_citation_is_an_exact_span() -> None:
    course, composed = answer(PIPELINE, "How long was the Druzhba pipeline?")
    assert_exact(course, composed.citations)
    # the answer span only: the other sentences rank far below it and support nothing
    assert len(composed.citations) == 1


def test_answer_holds_quantity_from_the_sentence_that_names_it() -> None:
    course, composed = answer(
        {"pipes.txt": "Pipelines\n\nThe X pipeline was built. Its length was 40 km.\n"},
        "How long was the X pipeline?",
    )
    assert "40 km" in composed.text
    assert composed.text == "40 km: The X pipeline was built. Its length was 40 km."
    assert composed.typed is True
    assert len(composed.citations) == 1
    assert composed.citations[0].quote == "The X pipeline was built. Its length was 40 km."
    assert_exact(course, composed.citations)


def test_best_sentence_without_the_type_widens_to_the_next_sentence() -> None:
    course = make_course(
        {"pipes.txt": "Pipelines\n\nThe X pipeline was built. Its length was 40 km.\n"}
    )
    question = "How long was the X pipeline?"
    composed = ExtractiveComposer(course).compose(hand_made(course, question, [(0, 0.8)]))
    assert composed.text == "40 km: The X pipeline was built. Its length was 40 km."
    assert composed.citations[0].start == course.passages[0].start
    assert composed.citations[0].end == course.passages[1].end
    assert composed.typed is True


def test_best_sentence_without_the_type_widens_to_the_previous_sentence() -> None:
    course = make_course(
        {"t.txt": "Talks\n\nThe talks opened in 1955. The Soviet delegation arrived first.\n"}
    )
    question = "When did the Soviet delegation arrive?"
    composed = ExtractiveComposer(course).compose(hand_made(course, question, [(1, 0.8)]))
    assert composed.text == "1955: The talks opened in 1955. The Soviet delegation arrived first."
    assert composed.citations[0].start == course.passages[0].start
    assert composed.typed is True


def test_untyped_answer_is_flagged_when_no_neighbour_has_the_type() -> None:
    course = make_course({"t.txt": "Talks\n\nThe talks opened. The delegation arrived.\n"})
    composed = ExtractiveComposer(course).compose(
        hand_made(course, "When did the delegation arrive?", [(1, 0.8)])
    )
    assert composed.text == "The delegation arrived."
    assert composed.typed is False


@pytest.mark.parametrize("opener", ["It", "Its route"])
def test_sentence_leaning_back_is_widened_to_the_previous_one(opener: str) -> None:
    text = (
        "Pipelines\n\n"
        f"The Druzhba pipeline was finished in 1964. {opener} carried oil to Hungary.\n"
    )
    course = make_course({"p.txt": text})
    composed = ExtractiveComposer(course).compose(
        hand_made(course, "What did the pipeline carry?", [(1, 0.8)])
    )
    expected = f"The Druzhba pipeline was finished in 1964. {opener} carried oil to Hungary."
    assert composed.text == expected
    assert len(composed.citations) == 1
    citation = composed.citations[0]
    assert (citation.start, citation.end) == (course.passages[0].start, course.passages[1].end)
    assert citation.quote == expected
    assert_exact(course, composed.citations)


def test_leaning_sentence_through_retrieval_cites_both_sentences() -> None:
    course, composed = answer(
        {"p.txt": "Pipes\n\nThe Druzhba pipeline was finished. It carried crude oil to Hungary.\n"},
        "Where did it carry crude oil to Hungary?",
    )
    assert composed.text == "The Druzhba pipeline was finished. It carried crude oil to Hungary."
    assert composed.citations[0].quote == composed.text
    assert composed.citations[0].start == course.passages[0].start


def test_leaning_sentence_at_paragraph_start_is_not_widened_across_paragraphs() -> None:
    course = make_course(
        {"p.txt": "Pipes\n\nThe Druzhba pipeline was finished.\n\nIt carried oil to Hungary.\n"}
    )
    assert course.passages[0].paragraph != course.passages[1].paragraph
    composed = ExtractiveComposer(course).compose(
        hand_made(course, "What did it carry?", [(1, 0.8)])
    )
    assert composed.text == "It carried oil to Hungary."
    assert composed.citations[0].quote == "It carried oil to Hungary."


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "When was the Austrian treaty signed?",
            "May 1955: The Austrian treaty was signed in May 1955.",
        ),
        (
            "What did the Geneva summit fail to settle?",
            "The Geneva summit failed to settle the German question.",
        ),
    ],
)
def test_leading_connective_is_removed_and_answer_recapitalised(
    question: str, expected: str
) -> None:
    course, composed = answer(TREATIES, question)
    assert composed.text == expected
    # the citation keeps the original wording
    assert composed.citations[0].quote in {
        "Thus, the Austrian treaty was signed in May 1955.",
        "However, the Geneva summit failed to settle the German question.",
    }
    assert_exact(course, composed.citations)


LONG = "The grain programme " + " ".join(f"covered region{i} and farm{i}" for i in range(80)) + "."


def test_very_long_sentence_is_quoted_and_answered_in_bounds() -> None:
    assert len(LONG) > 2000
    course, composed = answer(
        {"l.txt": f"Farming\n\n{LONG} The harvest was poor.\n"},
        "What did the grain programme cover?",
    )
    first = composed.citations[0]
    assert course.passages[0].text == LONG
    assert 0 < len(first.quote) <= MAX_QUOTE_CHARS
    assert LONG.startswith(first.quote)
    assert not first.quote.endswith(" ")  # cut at a word boundary
    assert_exact(course, composed.citations)
    assert len(composed.text) <= MAX_ANSWER_CHARS
    assert composed.text.endswith("…")
    assert first.quote.startswith(composed.text[:-1])  # nothing in the answer that is not quoted


def test_sentence_without_spaces_is_cut_at_exactly_the_quote_limit() -> None:
    word = "X" + "x" * 699
    course = make_course({"l.txt": f"Words\n\n{word}.\n"})
    composed = ExtractiveComposer(course).compose(hand_made(course, "What word?", [(0, 0.5)]))
    quote = composed.citations[0].quote
    assert quote == word[:MAX_QUOTE_CHARS]
    assert_exact(course, composed.citations)
    assert len(composed.text) == MAX_ANSWER_CHARS
    assert composed.text == word[: MAX_ANSWER_CHARS - 1] + "…"


def test_long_two_sentence_span_is_still_bounded() -> None:
    course = make_course({"l.txt": f"Farming\n\n{LONG} It failed.\n"})
    composed = ExtractiveComposer(course).compose(hand_made(course, "What failed?", [(1, 0.5)]))
    citation = composed.citations[0]
    assert citation.start == course.passages[0].start  # widened back because of "It"
    assert len(citation.quote) <= MAX_QUOTE_CHARS
    assert len(composed.text) <= MAX_ANSWER_CHARS
    assert_exact(course, composed.citations)


JOIN = {
    "j.txt": (
        "Summit\n\n"
        "The Geneva summit opened in July. The leaders discussed disarmament. "
        "The press was excluded.\n\n"
        "Trade grew slowly.\n"
    )
}


def test_close_next_sentence_joins_the_answer() -> None:
    course = make_course(JOIN)
    retrieval = hand_made(course, "What was discussed?", [(1, 1.0), (2, 0.95)])
    composed = ExtractiveComposer(course).compose(retrieval)
    assert composed.text == "The leaders discussed disarmament. The press was excluded."
    assert [c.quote for c in composed.citations] == [
        "The leaders discussed disarmament.",
        "The press was excluded.",
    ]


def test_lower_scoring_sentence_is_cited_but_not_joined() -> None:
    course = make_course(JOIN)
    retrieval = hand_made(course, "What was discussed?", [(1, 1.0), (2, 0.5)])
    composed = ExtractiveComposer(course).compose(retrieval)
    assert composed.text == "The leaders discussed disarmament."
    assert len(composed.citations) == 1  # half the score supports nothing
    close = hand_made(course, "What was discussed?", [(1, 1.0), (2, 0.95)])
    assert len(ExtractiveComposer(course).compose(close).citations) == 2


def test_sentence_from_another_paragraph_does_not_join() -> None:
    course = make_course(JOIN)
    retrieval = hand_made(course, "What was discussed?", [(2, 1.0), (3, 0.99)])
    composed = ExtractiveComposer(course).compose(retrieval)
    assert composed.text == "The press was excluded."
    assert [c.quote for c in composed.citations] == [
        "The press was excluded.",
        "Trade grew slowly.",
    ]


def test_at_most_three_citations_and_no_duplicates() -> None:
    course = make_course(JOIN)
    ranked = [(1, 1.0), (1, 0.99), (0, 0.98), (2, 0.97), (3, 0.96)]
    composed = ExtractiveComposer(course).compose(hand_made(course, "What?", ranked))
    assert len(composed.citations) == MAX_CITATIONS == 3
    starts = [c.start for c in composed.citations]
    assert len(set(starts)) == 3
    assert_exact(course, composed.citations)


def test_citation_carries_score_rounded() -> None:
    course = make_course(JOIN)
    composed = ExtractiveComposer(course).compose(hand_made(course, "What?", [(1, 0.123456789)]))
    assert composed.citations[0].score == 0.1235
    assert composed.citations[0].section == "Summit"
    assert composed.citations[0].doc_id == "j"


def test_empty_retrieval_composes_nothing() -> None:
    course = make_course(JOIN)
    empty = Retrieval("What?", "What?", AnswerType.NONE, (), 1.0)
    composed = ExtractiveComposer(course).compose(empty)
    assert (composed.text, composed.citations, composed.typed) == ("", (), False)


@pytest.mark.parametrize(
    ("sentence", "cleaned"),
    [
        ("Thus, in 1953, an armistice was concluded.", "In 1953, an armistice was concluded."),
        ("However, the plan failed.", "The plan failed."),
        ("In turn, Kennedy could not achieve a ban.", "Kennedy could not achieve a ban."),
        ("At the same time Khrushchev spoke.", "Khrushchev spoke."),
        ("But this proposal was rejected.", "This proposal was rejected."),
        ("Andropov spoke.", "Andropov spoke."),  # a connective must be a whole word
        ("So-called talks began.", "So-called talks began."),
        ("de Gaulle visited Moscow.", "de Gaulle visited Moscow."),  # untouched, not capitalised
    ],
)
def test_clean_sentence(sentence: str, cleaned: str) -> None:
    assert clean_sentence(sentence) == cleaned


@pytest.mark.parametrize(
    "sentence",
    [
        "As a result of the crisis, relations worsened.",
        "In addition to Austria, Finland signed.",
        "Besides the USSR, three states signed.",
    ],
)
def test_clean_sentence_keeps_prepositional_openers(sentence: str) -> None:
    assert clean_sentence(sentence) == sentence


def test_lead_moves_to_a_nearby_sentence_holding_the_asked_type() -> None:
    from tests.conftest import make_course
    from tutor.fakes import HashingEmbedder
    from tutor.retrieval import Retriever

    course = make_course(
        {
            "grid.txt": "Grids\n\nA common energy grid Mir was created in 1960. "
            "It linked the networks of many states. Most of the costs were borne by Moscow.\n"
        }
    )
    retriever = Retriever(course, HashingEmbedder())
    retrieval = retriever.retrieve("Who bore most of the costs of the Mir energy grid?")
    composed = ExtractiveComposer(course).compose(retrieval)
    assert composed.citations[0].quote == "Most of the costs were borne by Moscow."
    assert "Moscow" in composed.text


def test_answer_leads_with_the_name_the_question_asks_for() -> None:
    course = make_course(
        {"t.txt": "Talks\n\nIn 1962 a call took place between the premier and Kennedy.\n"}
    )
    composed = ExtractiveComposer(course).compose(
        hand_made(course, "Who was on the call with the premier?", [(0, 0.8)])
    )
    assert composed.text.startswith("Kennedy: In 1962 a call")
    assert composed.citations[0].quote in composed.text  # the cited words follow unchanged


def test_answer_does_not_lead_with_what_the_question_gives() -> None:
    course = make_course({"t.txt": "Crisis\n\nThe Cuban crisis ended when Moscow agreed.\n"})
    composed = ExtractiveComposer(course).compose(
        hand_made(course, "Who settled the crisis over Cuba?", [(0, 0.8)])
    )
    assert composed.text.startswith("Moscow: ")


def test_which_class_question_leads_with_the_name_of_that_class() -> None:
    """ "Which general…?" is answered by "U.S. General Ann Lee", not by another name of the
    sentence; the abbreviation stays whole and the class word is no given part of it."""
    course = make_course(
        {
            "t.txt": "War\n\n"
            "As Northern forces withdrew, UN troops under U.S. General Ann Lee followed.\n"
        }
    )
    composed = ExtractiveComposer(course).compose(
        hand_made(course, "Which American general commanded the UN troops?", [(0, 0.8)])
    )
    assert composed.text.startswith("U.S. General Ann Lee: As Northern forces")


def test_answer_already_opening_with_the_date_is_not_prefixed() -> None:
    course = make_course({"t.txt": "Walls\n\nOn August 13, the wall was erected.\n"})
    composed = ExtractiveComposer(course).compose(
        hand_made(course, "When was the wall erected?", [(0, 0.8)])
    )
    assert composed.text == "On August 13, the wall was erected."


def test_a_sentence_of_another_document_is_not_cited_as_support() -> None:
    course = make_course(
        {
            "a.txt": "Alpha\n\nThe treaty was signed in Vienna.\n",
            "b.txt": "Beta\n\nA treaty was signed in Paris.\n",
        }
    )
    composed = ExtractiveComposer(course).compose(
        hand_made(course, "What was signed?", [(0, 1.0), (1, 0.99)])
    )
    assert [c.doc_id for c in composed.citations] == ["a"]
