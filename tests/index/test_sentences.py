"""Unit tests for index.sentences.split_sentences: boundaries and exact offsets."""

from __future__ import annotations

import pytest

from index.sentences import split_sentences


def sentences(text: str) -> list[str]:
    """The sentences as strings, after checking every span is exact and trimmed."""
    spans = split_sentences(text)
    out = []
    previous_end = 0
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert start >= previous_end, "spans must be ordered and must not overlap"
        piece = text[start:end]
        assert piece == piece.strip(), f"span {piece!r} is not trimmed"
        out.append(piece)
        previous_end = end
    return out


# --- offsets ---------------------------------------------------------------------------------


def test_offsets_are_exact_character_positions() -> None:
    text = "Stalin was buried in Moscow. Khrushchev became First Secretary."
    assert split_sentences(text) == [(0, 28), (29, 63)]
    assert text[0:28] == "Stalin was buried in Moscow."
    assert text[29:63] == "Khrushchev became First Secretary."


def test_leading_and_trailing_white_space_is_trimmed_from_spans() -> None:
    text = "   The treaty was signed.  \n  The war ended.\t\n"
    assert split_sentences(text) == [(3, 25), (30, 44)]
    assert sentences(text) == ["The treaty was signed.", "The war ended."]


def test_start_and_end_bound_the_search_and_offsets_stay_absolute() -> None:
    text = "IGNORED HEAD. The pact was signed. The army was united. IGNORED TAIL."
    start = text.index("The pact")
    end = text.index(" IGNORED TAIL")
    spans = split_sentences(text, start, end)
    assert [text[s:e] for s, e in spans] == ["The pact was signed.", "The army was united."]
    assert spans[0][0] == start
    assert spans[-1][1] == end


def test_text_without_final_punctuation_is_one_sentence() -> None:
    assert sentences("The talks continued for weeks") == ["The talks continued for weeks"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_empty_or_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_lower_case_after_a_full_stop_is_not_a_boundary() -> None:
    text = "The state was called the U.S.S.R. by diplomats. It was founded in 1922."
    assert sentences(text) == [
        "The state was called the U.S.S.R. by diplomats.",
        "It was founded in 1922.",
    ]


def test_digit_after_a_full_stop_starts_a_new_sentence() -> None:
    assert sentences("The pipeline was built. 1961 was a tense year.") == [
        "The pipeline was built.",
        "1961 was a tense year.",
    ]


# --- abbreviations, initials, decimals -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones in Moscow. They talked.",
            ["Mr. Smith met Dr. Jones in Moscow.", "They talked."],
        ),
        (
            "He met Mrs. Kennedy at the embassy. She smiled.",
            ["He met Mrs. Kennedy at the embassy.", "She smiled."],
        ),
        (
            "The U.S. government protested. Moscow replied.",
            ["The U.S. government protested.", "Moscow replied."],
        ),
        (
            "The U.S.S.R. signed it. Then it ended.",
            ["The U.S.S.R. signed it.", "Then it ended."],
        ),
        (
            "Some states, e.g. Cuba, joined later. Others did not.",
            ["Some states, e.g. Cuba, joined later.", "Others did not."],
        ),
        (
            "Neutral states, i.e. Austria, stayed out. Others joined.",
            ["Neutral states, i.e. Austria, stayed out.", "Others joined."],
        ),
        (
            "Pres. Eisenhower refused to apologize. He was firm.",
            ["Pres. Eisenhower refused to apologize.", "He was firm."],
        ),
        (
            "It was signed in Moscow on 5 Aug. 1963 by three powers. Many joined.",
            ["It was signed in Moscow on 5 Aug. 1963 by three powers.", "Many joined."],
        ),
    ],
)
def test_abbreviations_do_not_end_a_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_initials_do_not_end_a_sentence() -> None:
    text = "The talks with J. F. Kennedy failed. Khrushchev returned home."
    assert sentences(text) == [
        "The talks with J. F. Kennedy failed.",
        "Khrushchev returned home.",
    ]


def test_a_sentence_may_start_with_an_initial() -> None:
    text = "The book was written by A. Smith. B. Jones reviewed it."
    # "A." and "B." are initials, so only the full stop after "Smith" is a boundary.
    assert sentences(text) == ["The book was written by A. Smith.", "B. Jones reviewed it."]


def test_decimal_numbers_are_not_split() -> None:
    text = "Its length was more than 4.5 thousand km. It was finished in 1964."
    assert sentences(text) == [
        "Its length was more than 4.5 thousand km.",
        "It was finished in 1964.",
    ]


# --- quotes, brackets, ? and ! ---------------------------------------------------------------


def test_full_stops_inside_straight_quotes_do_not_split() -> None:
    text = 'He said "Stop. Now." Then he left.'
    assert sentences(text) == ['He said "Stop. Now."', "Then he left."]
    assert split_sentences(text) == [(0, 20), (21, 34)]


def test_full_stops_inside_curly_quotes_do_not_split() -> None:
    text = "He said “Stop. Now.” Then he left."
    assert sentences(text) == ["He said “Stop. Now.”", "Then he left."]


def test_closing_bracket_stays_with_its_sentence() -> None:
    text = "The treaty was signed (in Moscow.) Then came peace."
    assert sentences(text) == ["The treaty was signed (in Moscow.)", "Then came peace."]


def test_question_inside_a_sentence_followed_by_lower_case_does_not_split() -> None:
    text = '"Why?" he asked the minister. Nobody answered.'
    assert sentences(text) == ['"Why?" he asked the minister.', "Nobody answered."]


def test_question_and_exclamation_marks_end_sentences() -> None:
    text = "Was it a crisis? Yes, it was a crisis! Everyone agreed."
    assert sentences(text) == ["Was it a crisis?", "Yes, it was a crisis!", "Everyone agreed."]


def test_short_questions_and_exclamations_are_never_joined_as_fragments() -> None:
    assert sentences("Wow! Really.") == ["Wow!", "Really."]
    assert sentences("Did he go? He did.") == ["Did he go?", "He did."]


def test_ellipsis_ends_a_sentence_before_a_capital() -> None:
    assert sentences("It ended... Then it began again.") == ["It ended...", "Then it began again."]


# --- numbered items and fragments ------------------------------------------------------------


@pytest.mark.parametrize(
    "item",
    ["1. Trade.", "2. Cultural connections.", "12. Interaction in the field of science."],
)
def test_numbered_list_item_is_one_sentence(item: str) -> None:
    assert split_sentences(item) == [(0, len(item))]


def test_inline_numbered_items_keep_their_number() -> None:
    result = sentences("The areas were: 1. Trade. 2. Culture.")
    assert not any(s.endswith(" 1.") or s.endswith(" 2.") for s in result), result


def test_verbless_fragment_is_joined_to_the_next_sentence() -> None:
    text = "In the 50's. Malenkov began to talk about detente."
    assert split_sentences(text) == [(0, len(text))]


def test_several_fragments_are_joined_to_the_sentence_that_follows() -> None:
    text = "In Paris. In Rome. Khrushchev spoke loudly. He left."
    assert sentences(text) == ["In Paris. In Rome. Khrushchev spoke loudly.", "He left."]


def test_short_sentence_with_a_verb_is_not_a_fragment() -> None:
    text = "Eisenhower refused. His visit was canceled."
    assert sentences(text) == ["Eisenhower refused.", "His visit was canceled."]


def test_a_final_fragment_stays_on_its_own() -> None:
    # There is no following sentence to join it to.
    assert sentences("Khrushchev spoke at the congress. In 1956.") == [
        "Khrushchev spoke at the congress.",
        "In 1956.",
    ]


def test_fragments_of_up_to_ten_words_are_joined_and_longer_ones_are_not() -> None:
    ten = "In the cold winter of the long hard year 1956."
    eleven = "In the cold winter of the long and hard year 1956."
    assert len(ten.rstrip(".").split()) == 10
    assert len(eleven.rstrip(".").split()) == 11
    assert sentences(f"{ten} Khrushchev spoke.") == [f"{ten} Khrushchev spoke."]
    assert sentences(f"{eleven} Khrushchev spoke.") == [eleven, "Khrushchev spoke."]


def test_short_sentence_with_died_is_not_a_fragment() -> None:
    assert sentences("Stalin died in 1953. Khrushchev came to power.") == [
        "Stalin died in 1953.",
        "Khrushchev came to power.",
    ]


# --- Cyrillic --------------------------------------------------------------------------------


def test_cyrillic_capital_starts_a_new_sentence() -> None:
    first = (
        "Внешняя политика СССР в 1953-1964 годах была направлена на мирное сосуществование "
        "государств с разным строем."
    )
    second = "Хрущёв посетил США в сентябре 1959 года вместе с семьёй и большой делегацией!"
    third = "Был ли это успех?"
    text = f"{first} {second} {third}"
    assert sentences(text) == [first, second, third]
    assert split_sentences(text)[1] == (len(first) + 1, len(first) + 1 + len(second))


def test_cyrillic_initials_do_not_end_a_sentence() -> None:
    first = (
        "Н. С. Хрущёв выступил с докладом на XX съезде партии в феврале 1956 года в Москве "
        "перед делегатами."
    )
    second = "Ёлки стояли вдоль дороги к Кремлю, где собрались делегаты со всей страны и гости!"
    assert sentences(f"{first} {second}") == [first, second]


def test_short_cyrillic_sentences_are_split() -> None:
    assert sentences("Сталин умер в марте 1953 года. Хрущёв стал первым секретарём ЦК.") == [
        "Сталин умер в марте 1953 года.",
        "Хрущёв стал первым секретарём ЦК.",
    ]
