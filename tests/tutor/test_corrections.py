"""Corrections against a course: where a quote is pinned after the text moves, when it goes
stale, which citations carry it, and how the GIFT and Aiken exports treat a corrected item."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import make_course
from tutor.corrections import new_correction, pin, with_corrections
from tutor.domain import Citation, CitedCorrection, Correction, PinnedCorrection, QuizItem
from tutor.errors import InvalidInput, NotFound
from tutor.quiz import to_aiken, to_gift

QUOTE = "The dam was finished in 1959."
TEXT = f"Kariba\n\n{QUOTE} It flooded a valley. {QUOTE} Again."


def course(text: str = TEXT):  # type: ignore[no-untyped-def]
    return make_course({"kariba.txt": text})


def first(text: str) -> Correction:
    c = course(text)
    at = c.document("kariba").text.index(QUOTE)
    return new_correction(c, "kariba", at, at + len(QUOTE), " wrong year ", 5.0)


def test_a_new_correction_keeps_its_quote_and_a_stripped_note() -> None:
    made = first(TEXT)
    assert (made.quote, made.note, made.created_at) == (QUOTE, "wrong year", 5.0)
    assert pin(course(), made) == PinnedCorrection(made, made.start, made.end, False)


@pytest.mark.parametrize(
    ("doc", "start", "end", "note", "error", "reason"),
    [
        ("nope", 0, 3, "n", NotFound, "nope"),
        ("kariba", 3, 3, "n", InvalidInput, "empty"),
        ("kariba", 0, 10**5, "n", InvalidInput, "not inside"),
        ("kariba", 0, 3, " ", InvalidInput, "note"),
        ("kariba", 0, 3, "n" * 1001, InvalidInput, "at most 1000"),
    ],
)
def test_a_bad_correction_names_the_reason(
    doc: str, start: int, end: int, note: str, error: type[Exception], reason: str
) -> None:
    with pytest.raises(error, match=reason):
        new_correction(course(), doc, start, end, note, 0.0)


def test_a_moved_quote_is_found_again_nearest_its_old_place() -> None:
    made = first(TEXT)
    old = course().document("kariba").text
    moved = course(TEXT.replace("Kariba\n\n", "Kariba\n\nNow. "))  # shifts both by 5
    text = moved.document("kariba").text
    pinned = pin(moved, made)
    assert not pinned.stale
    assert (pinned.start, pinned.end) == (made.start + 5, made.end + 5)
    assert text[pinned.start : pinned.end] == QUOTE
    # a correction on the second occurrence stays on the second
    at = old.rindex(QUOTE)
    second = dataclasses.replace(made, start=at, end=at + len(QUOTE))
    assert pin(moved, second).start == text.rindex(QUOTE) == at + 5


def test_a_changed_quote_or_a_removed_document_is_stale() -> None:
    made = first(TEXT)
    assert pin(course(TEXT.replace("1959", "1960")), made).stale
    assert pin(make_course({"other.txt": "Other\n\nSomething else entirely."}), made).stale


def test_only_overlapping_live_corrections_are_attached() -> None:
    made = first(TEXT)
    live = PinnedCorrection(made, made.start, made.end, False)
    stale = PinnedCorrection(dataclasses.replace(made, correction_id="s"), 0, 10**4, True)
    touching = Citation("kariba", "Kariba", made.end, made.end + 5, "x")
    inside = Citation("kariba", "Kariba", made.start + 1, made.end - 1, "x")
    other_doc = Citation("other", "Kariba", made.start, made.end, "x")
    assert with_corrections(touching, [live, stale]).corrections == ()
    assert with_corrections(other_doc, [live]).corrections == ()
    expected = (CitedCorrection(made.correction_id, "wrong year", made.start, made.end),)
    assert with_corrections(inside, [live, stale]).corrections == expected


def item(quiz_id: str) -> QuizItem:
    cite = Citation("kariba", "Kariba", 0, 5, "Kariba was finished.")
    return QuizItem(quiz_id, "true_false", "Was it finished?", "true", cite, ("true", "false"))


def test_gift_marks_a_corrected_item_and_aiken_leaves_it_out() -> None:
    items = [item("q1"), item("q2")]
    gift = to_gift(items, {"q2": "wrong\nyear"})
    assert "// CORRECTED SOURCE: wrong year\n::q2 " in gift
    assert gift.count("CORRECTED") == 1
    assert to_gift(items) == to_gift(items, {})
    assert to_aiken(items, {"q2": "x"}) == to_aiken(items[:1])
