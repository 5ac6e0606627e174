"""Word-level helpers: tokens, stems, content words."""

from __future__ import annotations

import pytest

from tutor.text import STOPWORDS, content_stems, content_words, lexical_terms, stem, tokens


def test_tokens_keep_hyphenated_and_dotted_words_whole() -> None:
    assert tokens("Porkkala-Udd and the U.S. in 4.5 km") == [
        "porkkala-udd",
        "and",
        "the",
        "u.s",
        "in",
        "4.5",
        "km",
    ]


def test_tokens_lower_case_and_normalise_curly_apostrophe() -> None:
    assert tokens("Stalin’s DEATH") == ["stalin's", "death"]


def test_tokens_split_on_underscore_and_punctuation() -> None:
    assert tokens("snake_case, (brackets)! -dash- ...") == ["snake", "case", "brackets", "dash"]


def test_tokens_of_empty_text() -> None:
    assert tokens("") == []
    assert tokens(" ?! ") == []


@pytest.mark.parametrize(
    ("form", "base"),
    [
        ("withdrew", "withdraw"),
        ("withdrawn", "withdraw"),
        ("spoke", "speak"),
        ("spoken", "speak"),
        ("built", "build"),
        ("fought", "fight"),
        ("overthrew", "overthrow"),
        ("Began", "begin"),
    ],
)
def test_stem_maps_irregular_verbs_to_their_base(form: str, base: str) -> None:
    assert stem(form) == stem(base)
    assert stem(form) == base  # these bases are their own snowball stems


def test_stem_exact_values() -> None:
    assert stem("withdrew") == "withdraw"
    assert stem("spoke") == "speak"
    assert stem("negotiations") == stem("negotiation") == "negoti"


def test_stem_drops_possessive() -> None:
    assert stem("Stalin's") == "stalin"


def test_stem_keeps_dotted_acronym_but_not_decimal() -> None:
    assert stem("U.S.") == "u.s."
    assert stem("4.5") == "4.5"


def test_content_words_drop_stop_words() -> None:
    assert content_words("What was the role of the Soviet Union in the war?") == [
        "role",
        "soviet",
        "union",
        "war",
    ]


def test_content_words_drop_single_letters_but_keep_digits() -> None:
    assert content_words("a b 5 x-ray I") == ["5", "x-ray"]


def test_content_words_of_only_stop_words_is_empty() -> None:
    assert content_words("What was it about, and why?") == []


def test_stopwords_hold_wh_words_and_question_verbs() -> None:
    assert {"what", "when", "how", "tell", "explain"} <= STOPWORDS
    assert "treaty" not in STOPWORDS


def test_content_stems_add_hyphen_parts() -> None:
    assert content_stems("Porkkala-Udd") == ["porkkala-udd", "porkkala", "udd"]


def test_lexical_terms_are_content_stems() -> None:
    text = "The Soviet Union withdrew from Porkkala-Udd in 1956."
    assert lexical_terms(text) == content_stems(text)
    assert lexical_terms(text) == [
        "soviet",
        "union",
        "withdraw",
        "porkkala-udd",
        "porkkala",
        "udd",
        "1956",
    ]
