"""Answer typing: what a question asks for and whether a sentence holds a new span of it."""

from __future__ import annotations

import pytest

from tutor.answer_types import (
    AnswerType,
    counted_words,
    counts_any,
    expected_type,
    has_new_answer,
    numbers_in,
    spans_of_type,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When was the Berlin Wall erected?", AnswerType.DATE),
        ("What year did Stalin die?", AnswerType.DATE),
        ("In what year was the treaty signed?", AnswerType.DATE),
        ("What date was the armistice concluded?", AnswerType.DATE),
        ("Until what year did Gromyko lead the ministry?", AnswerType.DATE),
        ("How many states signed the pact?", AnswerType.NUMBER),
        ("How much grain was sold?", AnswerType.NUMBER),
        ("How long was the pipeline?", AnswerType.QUANTITY),
        ("How long did the crisis last?", AnswerType.QUANTITY),
        ("How far is Vienna from Moscow?", AnswerType.QUANTITY),
        ("Who headed the Foreign Ministry?", AnswerType.NAME),
        ("Whose idea was the free city?", AnswerType.NAME),
        ("Where was the naval base?", AnswerType.NAME),
        ("Which country left the pact?", AnswerType.NAME),
        ("What city hosted the summit?", AnswerType.NAME),
        ("What was the Warsaw Pact?", AnswerType.NONE),
        ("Why was the wall built?", AnswerType.REASON),
        ("Explain the Caribbean crisis.", AnswerType.NONE),
    ],
)
def test_expected_type(question: str, kind: AnswerType) -> None:
    assert expected_type(question) is kind


def test_date_spans() -> None:
    assert spans_of_type("On August 13, the Berlin Wall was erected.", AnswerType.DATE) == [
        "August 13"
    ]
    assert spans_of_type(
        "In 1955, in mid-May, an agreement was signed with Austria.", AnswerType.DATE
    ) == ["1955", "mid-May"]
    assert spans_of_type("By the end of the 1950s, the 50's trade grew.", AnswerType.DATE) == [
        "1950s",
        "50's",
    ]


def test_number_spans_exclude_years() -> None:
    assert spans_of_type("In 1956, 70 states signed and three others.", AnswerType.NUMBER) == [
        "70",
        "three",
    ]


def test_quantity_spans_need_a_unit() -> None:
    sentence = "Its length was 4.5 thousand km and it took three years, with 70 delays."
    assert spans_of_type(sentence, AnswerType.QUANTITY) == ["4.5 thousand km", "three years"]


def test_name_spans_skip_sentence_opener() -> None:
    assert spans_of_type("In May Khrushchev met Kennedy in Vienna.", AnswerType.NAME) == [
        "Khrushchev",
        "Kennedy",
        "Vienna",
    ]
    assert spans_of_type("The Berlin Wall fell.", AnswerType.NAME) == ["Berlin Wall"]


@pytest.mark.parametrize(
    "sentence",
    ["The treaty was signed in August.", "On Monday the talks resumed.", "In May talks began."],
)
def test_months_and_weekdays_are_not_names(sentence: str) -> None:
    assert spans_of_type(sentence, AnswerType.NAME) == []


def test_none_type_has_no_spans() -> None:
    assert spans_of_type("On August 13, Kennedy spoke.", AnswerType.NONE) == []


def test_has_new_answer_false_when_only_span_is_in_question() -> None:
    sentence = "In 1955 the treaty was signed."
    assert has_new_answer(sentence, AnswerType.DATE, "What happened in 1955?") is False
    assert has_new_answer(sentence, AnswerType.DATE, "When was the treaty signed?") is True


def test_has_new_answer_for_names() -> None:
    assert has_new_answer("Khrushchev met Kennedy.", AnswerType.NAME, "Who met Kennedy?")
    assert not has_new_answer("Kennedy arrived.", AnswerType.NAME, "Who was Kennedy?")


def test_month_alone_is_a_date_not_a_name() -> None:
    sentence = "The talks began in August."
    assert has_new_answer(sentence, AnswerType.DATE, "When did the talks begin?")
    assert not has_new_answer(sentence, AnswerType.NAME, "Who began the talks?")


def test_has_new_answer_false_for_none_type() -> None:
    assert not has_new_answer("In 1955 Kennedy came.", AnswerType.NONE, "What happened?")


def test_has_new_answer_for_quantity() -> None:
    question = "How long was the X pipeline?"
    assert has_new_answer("Its length was 40 km.", AnswerType.QUANTITY, question)
    assert not has_new_answer("The X pipeline was built.", AnswerType.QUANTITY, question)


def test_numbers_in() -> None:
    assert numbers_in("In 1956, 70 states and 4.5 km.") == {"1956", "70", "4.5"}
    assert numbers_in("No digits here.") == set()


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What were the reasons for the split?", AnswerType.REASON),
        ("How was the crisis resolved?", AnswerType.OUTCOME),
        ("How did the war end?", AnswerType.OUTCOME),
        ("What was the outcome of the talks?", AnswerType.OUTCOME),
        ("How was the wall built?", AnswerType.NONE),
    ],
)
def test_reason_and_outcome_questions(question: str, kind: AnswerType) -> None:
    assert expected_type(question) is kind


def test_reason_and_outcome_cues_in_sentences() -> None:
    assert has_new_answer("They were caused by the transition.", AnswerType.REASON, "Why?")
    assert not has_new_answer("The doctrine was changed.", AnswerType.REASON, "Why?")
    assert has_new_answer(
        "As a result, the rockets were withdrawn.", AnswerType.OUTCOME, "How did it end?"
    )
    assert not has_new_answer("Tension grew.", AnswerType.OUTCOME, "How did it end?")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        (
            "How did America respond when the USSR decided to put missiles in Cuba?",
            AnswerType.RESPONSE,
        ),
        ("How did Moscow react?", AnswerType.RESPONSE),
        ("What was the American reaction?", AnswerType.RESPONSE),
        ("Where did they go when the war ended?", AnswerType.NAME),
        ("In what year was the pact signed?", AnswerType.DATE),
    ],
)
def test_the_leading_wh_phrase_decides(question: str, kind: AnswerType) -> None:
    assert expected_type(question) is kind


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many American soldiers died in Korea?", ["american", "soldiers"]),
        ("how many volcanoes were erupting?", ["volcanoes"]),
        ("How many did they send?", []),
        # "how much" measures an amount in a unit of its own: nothing it must count
        ("How much aid did Europe get?", []),
        ("io lava coverage how much of the surface", []),
    ],
)
def test_counted_words(question: str, counted: list[str]) -> None:
    assert counted_words(question) == counted


def test_a_count_must_count_what_was_asked() -> None:
    same = lambda a, b: a == b  # noqa: E731
    assert counts_any("around 36,500 were U.S. soldiers", ["soldiers"], same)
    assert not counts_any("around 36,500 were U.S. soldiers", ["planes"], same)
    assert not counts_any("in 1949 the soldiers left", ["soldiers"], same)  # a year counts nothing


def test_a_name_the_question_gives_by_another_form_is_no_new_answer() -> None:
    who = "Who was the president during the Cuban crisis?"
    assert not has_new_answer("The arms were sent to Cuba.", AnswerType.NAME, who)
    assert has_new_answer("Kennedy spoke with Khrushchev.", AnswerType.NAME, who)
    # a name with a word the question lacks is new: "West Germany" answers "Which German state?"
    which = "Which German state opened relations?"
    assert has_new_answer("Relations were opened with West Germany.", AnswerType.NAME, which)
    # the class a question asks for is not given: "General Lee" answers "Which general…?"
    general = "Which general led the troops?"
    assert has_new_answer("The troops followed General Lee.", AnswerType.NAME, general)


def test_the_course_subject_is_no_new_name() -> None:
    who = "Who placed missiles in Cuba?"
    sentence = "The Soviet Union placed missiles there."
    assert has_new_answer(sentence, AnswerType.NAME, who)
    assert not has_new_answer(
        sentence, AnswerType.NAME, who, subject=frozenset({"soviet", "union"})
    )
