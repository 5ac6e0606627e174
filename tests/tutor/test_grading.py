"""Grading quiz answers: a table of attempts per kind, then feedback, `expected` and limits."""

from __future__ import annotations

import pytest

from tutor.domain import Citation, QuizItem
from tutor.errors import InvalidInput
from tutor.quiz import MAX_ANSWER_CHARS, MAX_FEEDBACK_CHARS, grade

VIENNA = "In June 1961, Khrushchev met Kennedy in Vienna."
SPUTNIK = "The first satellite, Sputnik, was launched in 1957."
WALL = "On August 13, the Berlin Wall was erected."
GROMYKO = "Foreign Minister Gromyko signed the treaty for the USSR."
SEVENTY = "More than 70 countries recognised the new government."
BORDER = "The new border was 4.5 thousand km long."
PORKKALA = "In 1955 the USSR returned Porkkala-Udd to Finland."
PACT = "In 1955 the Warsaw Pact was founded as a counterweight to NATO."
CONGRESS = "At the 20th Party Congress in 1956, Khrushchev denounced Stalin."
MISSILES = "The USSR deployed medium-range missiles and bombers in Cuba."


def citation(quote: str) -> Citation:
    return Citation(doc_id="d", section="S", start=0, end=len(quote), quote=quote)


def short(answer: str, question: str, quote: str) -> QuizItem:
    return QuizItem("q-sa", "short_answer", question, answer, citation(quote))


def choice(answer: str, options: tuple[str, ...], quote: str = VIENNA) -> QuizItem:
    return QuizItem(
        "q-mc",
        "multiple_choice",
        "Where did Khrushchev meet Kennedy in June 1961?",
        answer,
        citation(quote),
        options=options,
    )


def true_false(answer: str, statement: str, quote: str) -> QuizItem:
    return QuizItem("q-tf", "true_false", statement, answer, citation(quote))


CITIES = ("Berlin", "Vienna", "Moscow", "Geneva")
MC = choice("Vienna", CITIES)
MC_YEARS = choice("1957", ("1955", "1957", "1959", "1961"), quote=SPUTNIK)
TF_FALSE = true_false("false", "Sputnik was launched in 1959.", SPUTNIK)
TF_TRUE = true_false("true", "Sputnik was launched in 1957.", SPUTNIK)
SA_VIENNA = short("Vienna", "Where did Khrushchev meet Kennedy in June 1961?", VIENNA)
SA_1957 = short("1957", "When was Sputnik launched?", SPUTNIK)
SA_AUG = short("August 13", "When was the Berlin Wall erected?", WALL)
SA_GROMYKO = short("Gromyko", "Who signed the treaty for the USSR?", GROMYKO)
SA_70 = short("more than 70", "How many countries recognised the new government?", SEVENTY)
SA_KM = short("4.5 thousand km", "How long was the new border?", BORDER)
SA_PORKKALA = short("Porkkala-Udd", "What did the USSR return to Finland in 1955?", PORKKALA)
SA_PACT = short("the Warsaw Pact", "What was founded in 1955 as a counterweight to NATO?", PACT)
SA_CONGRESS = short("20th Party Congress", "Where did Khrushchev denounce Stalin?", CONGRESS)
SA_MISSILES = short("medium-range missiles", "What weapons did the USSR deploy?", MISSILES)
SA_KHRUSHCHEV = short("Khrushchev", "Who met Kennedy in Vienna in June 1961?", VIENNA)
SA_NAGY = short(
    "Nagy", "Who led the Hungarian government in 1956?", "In 1956 Imre Nagy led the government."
)
SA_VISIT = short(
    "September 27",
    "Fill in the blank: From September 15 to _____, 1959 Khrushchev paid a visit to America.",
    "From September 15 to September 27, 1959 Khrushchev paid a visit to America.",
)
SA_DECADE = short(
    "50's",
    "Fill in the blank: In the _____, Malenkov began to talk about detente.",
    "In the 50's, Malenkov began to talk about detente.",
)
MC_SMALL = choice("3", ("2", "3", "4", "5"), quote="Three delegations came.")


TABLE: list[tuple[str, QuizItem, str, bool]] = [
    # -- multiple choice: the option's text --------------------------------------------------
    ("mc text", MC, "Vienna", True),
    ("mc text case and punctuation", MC, "  vIENNA!! ", True),
    ("mc text typo", MC, "Viena", True),
    ("mc text accent", MC, "Viénna", True),
    ("mc text of a wrong option", MC, "Berlin", False),
    ("mc text typo of a wrong option", MC, "Genva", False),
    ("mc text not an option", MC, "Paris", False),
    ("mc two options", MC, "Vienna or Berlin", False),
    ("mc two options with a comma", MC, "Vienna, Berlin", False),
    # -- multiple choice: letters ------------------------------------------------------------
    ("mc letter", MC, "b", True),
    ("mc letter upper", MC, "B", True),
    ("mc letter paren", MC, "B)", True),
    ("mc letter in parens", MC, "(b)", True),
    ("mc letter dot", MC, "b.", True),
    ("mc option B", MC, "option B", True),
    ("mc answer: B", MC, "answer: B", True),
    ("mc the answer is B", MC, "The answer is B.", True),
    ("mc I think B", MC, "I think B", True),
    ("mc full-width letter", MC, "Ｂ", True),
    ("mc letter and matching text", MC, "B) Vienna", True),
    ("mc letter and other option's text", MC, "C) Vienna", False),
    ("mc wrong letter", MC, "A", False),
    ("mc wrong letter lower", MC, "d", False),
    ("mc letter out of range", MC, "E", False),
    ("mc two letters", MC, "B or C", False),
    # -- multiple choice: numbers ------------------------------------------------------------
    ("mc number", MC, "2", True),
    ("mc number paren", MC, "2)", True),
    ("mc number hash", MC, "#2", True),
    ("mc option number", MC, "option 2", True),
    ("mc wrong number", MC, "3", False),
    ("mc number out of range", MC, "5", False),
    ("mc number zero", MC, "0", False),
    ("mc numeric option text wins over position", MC_YEARS, "1957", True),
    ("mc position among numeric options", MC_YEARS, "2", True),
    ("mc numeric option off by two", MC_YEARS, "1959", False),
    ("mc small number is the text, not the position", MC_SMALL, "3", True),
    ("mc letter among small numbers", MC_SMALL, "B", True),
    ("mc small number of a wrong option", MC_SMALL, "4", False),
    # -- true / false ------------------------------------------------------------------------
    ("tf false", TF_FALSE, "false", True),
    ("tf False.", TF_FALSE, "False.", True),
    ("tf FALSE", TF_FALSE, "FALSE", True),
    ("tf f", TF_FALSE, "f", True),
    ("tf n", TF_FALSE, "N", True),
    ("tf no!", TF_FALSE, "No!", True),
    ("tf incorrect", TF_FALSE, "incorrect", True),
    ("tf wrong", TF_FALSE, "wrong", True),
    ("tf it's false", TF_FALSE, "it's false", True),
    ("tf it is not true", TF_FALSE, "It is not true.", True),
    ("tf true for a false statement", TF_FALSE, "true", False),
    ("tf yes for a false statement", TF_FALSE, "yes", False),
    ("tf not false for a false statement", TF_FALSE, "not false", False),
    ("tf true", TF_TRUE, "true", True),
    ("tf True.", TF_TRUE, "True.", True),
    ("tf t", TF_TRUE, "T", True),
    ("tf y", TF_TRUE, "y", True),
    ("tf yes", TF_TRUE, "Yes", True),
    ("tf correct", TF_TRUE, "correct", True),
    ("tf right", TF_TRUE, "right!", True),
    ("tf it's true", TF_TRUE, "it’s true", True),
    ("tf false for a true statement", TF_TRUE, "false", False),
    ("tf neither", TF_TRUE, "maybe", False),
    ("tf both", TF_TRUE, "true or false", False),
    ("tf a sentence", TF_TRUE, "Sputnik was launched in 1957", False),
    ("tf empty", TF_TRUE, "", False),
    # -- short answer: names and filler ------------------------------------------------------
    ("sa exact", SA_VIENNA, "Vienna", True),
    ("sa case and punctuation", SA_VIENNA, "vienna.", True),
    ("sa filler it was in", SA_VIENNA, "it was in Vienna", True),
    ("sa filler after comma", SA_VIENNA, "In Vienna, I think", True),
    ("sa hedge", SA_VIENNA, "I'm not sure, maybe Vienna", True),
    ("sa restating the question", SA_VIENNA, "Khrushchev and Kennedy met in Vienna", True),
    ("sa typo in 6 letters", SA_VIENNA, "Viena", True),
    ("sa list with or", SA_VIENNA, "Vienna or Berlin", False),
    ("sa list with comma", SA_VIENNA, "Vienna, Berlin", False),
    ("sa list with slash", SA_VIENNA, "Vienna/Moscow", False),
    ("sa another name beside it", SA_VIENNA, "Vienna Austria", False),
    ("sa negated", SA_VIENNA, "not Vienna", False),
    ("sa wrong city", SA_VIENNA, "Berlin", False),
    ("sa Cyrillic", SA_VIENNA, "Вена", False),
    ("sa emoji", SA_VIENNA, "🙂", False),
    ("sa empty", SA_VIENNA, "", False),
    ("sa whitespace", SA_VIENNA, "  \t\n", False),
    ("sa punctuation only", SA_VIENNA, "?!…", False),
    ("sa I think it's", SA_GROMYKO, "I think it's Gromyko", True),
    ("sa typo Gromiko", SA_GROMYKO, "Gromiko", True),
    ("sa swapped neighbours Gromkyo", SA_GROMYKO, "Gromkyo", True),
    ("sa two swaps Grmoky too far", SA_GROMYKO, "Grmoky", False),
    ("sa accent Gromykó", SA_GROMYKO, "Gromykó", True),
    ("sa two typos in 7 letters", SA_GROMYKO, "Grmiko", False),
    ("sa Cyrillic Gromyko", SA_GROMYKO, "Громыко", False),
    ("sa other person", SA_GROMYKO, "Molotov", False),
    ("sa list of people", SA_GROMYKO, "Gromyko or Molotov", False),
    ("sa name with emoji", SA_GROMYKO, "Gromyko 🙂", True),
    ("sa two typos in 10 letters", SA_KHRUSHCHEV, "Krushchov", True),
    ("sa three typos in 10 letters", SA_KHRUSHCHEV, "Krushcov", False),
    ("sa restating with a name from the question", SA_KHRUSHCHEV, "Khrushchev met Kennedy", True),
    ("sa list with a name from the question", SA_KHRUSHCHEV, "Khrushchev or Kennedy", False),
    ("sa short word exact", SA_NAGY, "Imre Nagy", True),
    ("sa short word accent", SA_NAGY, "Nágy", True),
    ("sa short word typo", SA_NAGY, "Nagi", False),
    ("sa month from the question", SA_VIENNA, "Vienna in June", True),
    ("sa year from the question", SA_VIENNA, "in Vienna in 1961", True),
    ("sa another month", SA_VIENNA, "Vienna in July", False),
    # -- short answer: numbers and dates -----------------------------------------------------
    ("sa year", SA_1957, "1957", True),
    ("sa year with in", SA_1957, "in 1957", True),
    ("sa the answer is", SA_1957, "the answer is 1957", True),
    ("sa restated sentence", SA_1957, "Sputnik was launched in 1957.", True),
    ("sa year off by two", SA_1957, "1959", False),
    ("sa year off by one digit", SA_1957, "1967", False),
    ("sa two years", SA_1957, "1957 and 1959", False),
    ("sa before the year", SA_1957, "before 1957", False),
    ("sa decade for a year", SA_1957, "the 1950s", False),
    ("sa after the year", SA_1957, "after 1957", False),
    ("sa another number beside it", SA_1957, "1957 1959", False),
    ("sa date", SA_AUG, "August 13", True),
    ("sa date day first", SA_AUG, "13 August", True),
    ("sa date abbreviated month", SA_AUG, "Aug. 13", True),
    ("sa date ordinal", SA_AUG, "on the 13th of August", True),
    ("sa date digits swapped", SA_AUG, "August 31", False),
    ("sa date other month", SA_AUG, "September 13", False),
    ("sa date month typo forgiven", SA_AUG, "Agust 13", True),
    ("sa date month typo wrong day", SA_AUG, "Agust 31", False),
    ("sa date without day", SA_AUG, "August", False),
    ("sa date without month", SA_AUG, "13", False),
    ("sa date with the year the question states", SA_VISIT, "September 27, 1959", True),
    ("sa date of the question instead", SA_VISIT, "September 15", False),
    ("sa date with a year the question lacks", SA_VISIT, "September 27, 1960", False),
    ("sa decade", SA_DECADE, "the 50s", True),
    ("sa decade with century", SA_DECADE, "1950s", True),
    ("sa other decade", SA_DECADE, "the 60's", False),
    ("sa year for a decade", SA_DECADE, "1950", False),
    ("sa more than: bare number", SA_70, "70", True),
    ("sa more than: in full", SA_70, "more than 70", True),
    ("sa more than: over", SA_70, "over 70 countries", True),
    ("sa more than: number word", SA_70, "seventy", True),
    ("sa more than: contrary", SA_70, "less than 70", False),
    ("sa more than: contrary stop word", SA_70, "under 70", False),
    ("sa more than: about", SA_70, "about 70", True),
    ("sa more than: other number", SA_70, "71", False),
    ("sa more than: qualifier without number", SA_70, "more than", False),
    ("sa quantity", SA_KM, "4.5 thousand km", True),
    ("sa quantity in digits", SA_KM, "4,500 km", True),
    ("sa quantity without unit", SA_KM, "4.5 thousand", True),
    ("sa quantity wrong decimal", SA_KM, "4.6 thousand km", False),
    ("sa quantity wrong magnitude", SA_KM, "4.5 km", False),
    ("sa quantity with a qualifier not in the source", SA_KM, "over 4.5 thousand km", False),
    ("sa ordinal", SA_CONGRESS, "20th Party Congress", True),
    ("sa ordinal as cardinal", SA_CONGRESS, "the 20 party congress", True),
    ("sa ordinal one word missing", SA_CONGRESS, "the 20th Congress", True),
    ("sa ordinal spelled", SA_CONGRESS, "the Twentieth Party Congress", True),
    ("sa ordinal wrong", SA_CONGRESS, "22nd Party Congress", False),
    ("sa ordinal missing number", SA_CONGRESS, "Party Congress", False),
    ("sa ordinal two words missing", SA_CONGRESS, "20th", False),
    # -- short answer: multi-word spans ------------------------------------------------------
    ("sa hyphenated", SA_PORKKALA, "Porkkala-Udd", True),
    ("sa hyphen as space", SA_PORKKALA, "porkkala udd", True),
    ("sa hyphen as en dash", SA_PORKKALA, "Porkkala–Udd", True),
    ("sa hyphenated typo", SA_PORKKALA, "Porkala-Udd", True),
    ("sa hyphenated half", SA_PORKKALA, "Porkkala", False),
    ("sa article dropped", SA_PACT, "Warsaw Pact", True),
    ("sa article and case", SA_PACT, "THE warsaw pact", True),
    ("sa two-word span half", SA_PACT, "Warsaw", False),
    ("sa other alliance", SA_PACT, "NATO", False),
    ("sa with the year of the question", SA_PACT, "the Warsaw Pact in 1955", True),
    ("sa with another year", SA_PACT, "the Warsaw Pact in 1956", False),
    ("sa two-word span", SA_MISSILES, "medium range missiles", True),
    ("sa singular", SA_MISSILES, "a medium-range missile", True),
    ("sa two-word span missing modifier", SA_MISSILES, "missiles", False),
    ("sa another item from the quote", SA_MISSILES, "medium-range missiles and bombers", False),
    (
        "sa restating with the question's words",
        SA_MISSILES,
        "the USSR deployed medium-range missiles",
        True,
    ),
    ("sa a name from the quote beside it", SA_MISSILES, "medium-range missiles Cuba", False),
    ("sa common words from the quote", SA_1957, "the satellite was launched in 1957", True),
]


@pytest.mark.parametrize(
    ("item", "answer", "correct"),
    [pytest.param(item, answer, ok, id=name) for name, item, answer, ok in TABLE],
)
def test_grading_table(item: QuizItem, answer: str, correct: bool) -> None:
    result = grade(item, answer)
    assert result.correct is correct, result.feedback


def test_table_is_large_and_covers_every_kind() -> None:
    kinds = {item.kind for _, item, _, _ in TABLE}
    assert kinds == {"multiple_choice", "true_false", "short_answer"}
    assert len(TABLE) >= 60
    assert len({name for name, *_ in TABLE}) == len(TABLE)  # ids are unique


# -- expected, feedback and citation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (MC, "Vienna"),
        (MC_YEARS, "1957"),
        (TF_FALSE, "false"),
        (TF_TRUE, "true"),
        (true_false("True", "Sputnik was launched in 1957.", SPUTNIK), "true"),
        (SA_70, "more than 70"),
        (SA_PACT, "the Warsaw Pact"),
    ],
)
@pytest.mark.parametrize("answer", ["Berlin", "b", "true", ""])
def test_expected_is_the_right_answer_whatever_was_said(
    item: QuizItem, expected: str, answer: str
) -> None:
    assert grade(item, answer).expected == expected


def test_expected_for_multiple_choice_is_the_option_text_as_displayed() -> None:
    item = choice("the Warsaw Pact", ("NATO", "The Warsaw Pact", "SEATO", "CENTO"), PACT)
    result = grade(item, "b")
    assert result.correct
    assert result.expected == "The Warsaw Pact"


@pytest.mark.parametrize(
    ("item", "answer"),
    [
        (MC, "B"),
        (MC, "A"),
        (MC, "E"),
        (TF_FALSE, "false"),
        (TF_FALSE, "true"),
        (TF_TRUE, "what?"),
        (SA_VIENNA, "Vienna"),
        (SA_VIENNA, "Vienna or Berlin"),
        (SA_1957, "1959"),
        (SA_GROMYKO, ""),
    ],
)
def test_feedback_quotes_the_full_source_sentence(item: QuizItem, answer: str) -> None:
    result = grade(item, answer)
    assert f"“{item.citation.quote}”" in result.feedback
    assert result.citation == item.citation
    assert len(result.feedback) <= MAX_FEEDBACK_CHARS


def test_feedback_on_a_false_statement_quotes_the_true_sentence() -> None:
    result = grade(TF_FALSE, "true")
    assert not result.correct
    assert "false" in result.feedback
    assert SPUTNIK in result.feedback


@pytest.mark.parametrize(
    ("item", "answer", "opening"),
    [
        (SA_VIENNA, "Vienna", "Correct."),
        (SA_GROMYKO, "Gromiko", "Correct (it is spelled “Gromyko”)."),
        (SA_VIENNA, "Berlin", "Not quite: the answer is “Vienna”."),
        (SA_VIENNA, "Vienna or Berlin", "Give one answer, not several: the answer is “Vienna”."),
        (SA_1957, "1959", "Check the number: the answer is “1957”."),
        (SA_AUG, "September 13", "Check the date: the answer is “August 13”."),
        (SA_VIENNA, " ", "No answer given: the answer is “Vienna”."),
        (MC, "2", "Correct: B, “Vienna”."),
        (MC, "a", "Not quite: you chose A, “Berlin”; the answer is B, “Vienna”."),
        (MC, "E", "There is no option E: the answer is B, “Vienna”."),
        (TF_FALSE, "no", "Correct: the statement is false."),
        (TF_FALSE, "yes", "Not quite: the statement is false."),
        (TF_FALSE, "perhaps", "Answer true or false: the statement is false."),
    ],
)
def test_feedback_says_why(item: QuizItem, answer: str, opening: str) -> None:
    assert grade(item, answer).feedback.startswith(opening + " The source says: “")


def test_a_very_long_quote_is_shortened_with_an_ellipsis() -> None:
    quote = "Vienna hosted the meeting. " + "The talks went on and on. " * 60
    item = short("Vienna", "Where was the meeting?", quote.strip())
    result = grade(item, "Vienna")
    assert result.correct
    assert len(result.feedback) <= MAX_FEEDBACK_CHARS
    assert result.feedback.endswith("…”")
    assert "The source says: “Vienna hosted the meeting. The talks" in result.feedback


def test_a_very_long_expected_option_still_leaves_room_for_the_quote() -> None:
    long_option = "Vienna, " + "the capital of a neutral country, " * 20
    item = choice(long_option, ("Berlin", long_option, "Moscow", "Geneva"))
    result = grade(item, "B")
    assert result.correct
    assert result.expected == long_option
    assert f"“{VIENNA}”" in result.feedback
    assert len(result.feedback) <= MAX_FEEDBACK_CHARS


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", [None, 2, b"Vienna", ["Vienna"], 1.5])
def test_an_answer_that_is_not_a_string_is_invalid_input(answer: object) -> None:
    with pytest.raises(InvalidInput, match="string"):
        grade(SA_VIENNA, answer)  # type: ignore[arg-type]


@pytest.mark.parametrize("item", [MC, TF_TRUE, SA_VIENNA])
def test_an_answer_over_the_limit_is_invalid_input(item: QuizItem) -> None:
    with pytest.raises(InvalidInput, match=str(MAX_ANSWER_CHARS)):
        grade(item, "Vienna " + "x" * MAX_ANSWER_CHARS)


def test_an_answer_at_the_limit_is_graded() -> None:
    answer = "Vienna" + " " * (MAX_ANSWER_CHARS - len("Vienna"))
    assert len(answer) == MAX_ANSWER_CHARS
    assert grade(SA_VIENNA, answer).correct


def test_the_limit_is_500_characters() -> None:
    assert MAX_ANSWER_CHARS == 500


@pytest.mark.parametrize(
    "item",
    [
        QuizItem("q", "essay", "Q?", "x", citation(VIENNA)),
        choice("Paris", CITIES),
        QuizItem("q", "multiple_choice", "Q?", "Vienna", citation(VIENNA), options=None),
        true_false("maybe", "Q?", VIENNA),
    ],
    ids=["unknown kind", "answer not an option", "no options", "tf answer not a verdict"],
)
def test_a_malformed_item_is_a_bug_not_a_wrong_answer(item: QuizItem) -> None:
    with pytest.raises(ValueError):
        grade(item, "Vienna")


@pytest.mark.parametrize(
    ("answer", "correct"),
    [
        ("Ｖｉｅｎｎａ", True),  # full-width, folded by NFKC
        ("Vienna\u200b", True),  # a zero-width space is not part of the word
        ("\u0301Vienna", True),  # a stray combining accent is dropped
        ("ﬁ", False),
        ("\x00", False),
        ("😀" * 100, False),
        ("\U0001f1e6\U0001f1f9", False),  # a flag
        ("Vi\u0308enna", True),  # a combining diaeresis on a letter: one edit at most
    ],
)
def test_odd_unicode_never_crashes(answer: str, correct: bool) -> None:
    assert grade(SA_VIENNA, answer).correct is correct
