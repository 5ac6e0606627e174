"""Review sessions in the core: the due items in scheduling order, each section's count, a
given item served for a review, the summary at the end, and the streak of days."""

from __future__ import annotations

import pytest

from tests.fake_clock import FakeClock
from tutor import NotFound, QuizItem, ReviewSummary, Tutor, kind_of
from tutor.domain import Review

DAY = 86_400.0


@pytest.fixture
def tutor(clocked_tutor: Tutor) -> Tutor:
    return clocked_tutor


def right_answer(item: QuizItem) -> str:
    choices = kind_of(item.kind).choices(item)
    return choices[0][choices[1]] if choices else item.answer


def practise(tutor: Tutor, sid: str, outcomes: list[bool]) -> list[QuizItem]:
    """Serve and answer one item per outcome (right or wrong), a minute apart."""
    items = []
    for correct in outcomes:
        item, _ = tutor.quiz(sid)
        tutor.answer_quiz(item.quiz_id, right_answer(item) if correct else "zzz", sid)
        tutor.clock.advance(60)  # type: ignore[attr-defined]
        items.append(item)
    return items


def test_nothing_is_due_for_a_new_learner(tutor: Tutor) -> None:
    assert tutor.due_items("s1") == [] and tutor.due_by_section("s1") == {}
    assert tutor.review_summary("s1", [], since=0.0) == ReviewSummary(0, 0, None, 0)


def test_due_items_come_earliest_due_first(tutor: Tutor, clock: FakeClock) -> None:
    items = practise(tutor, "s1", [True, False, True, False])
    assert tutor.due_items("s1") == []  # a missed item comes back after ten minutes
    clock.advance(10 * 60)
    missed = [items[1], items[3]]
    assert tutor.due_items("s1") == missed
    clock.advance(30 * DAY)  # everything is due by then
    due = tutor.due_items("s1")
    reviews = tutor.store.reviews("s1")
    assert sorted(due, key=lambda i: reviews[i.quiz_id].due_at) == due
    assert due[:2] == missed and set(due) == set(items)
    assert tutor.quiz("s1")[0] == due[0]  # POST /v1/quiz serves the same one first


def test_due_items_per_section_in_course_order(tutor: Tutor, clock: FakeClock) -> None:
    items = practise(tutor, "s1", [False] * 5)
    clock.advance(11 * 60)
    counts = tutor.due_by_section("s1")
    assert sum(counts.values()) == 5
    expected: dict[str, int] = {}
    for i in items:
        expected[i.citation.section] = expected.get(i.citation.section, 0) + 1
    assert counts == expected
    order = tutor.quizzes.sections()
    assert list(counts) == sorted(counts, key=order.index)


def test_a_corrected_item_is_not_reviewed(tutor: Tutor, clock: FakeClock) -> None:
    [item] = practise(tutor, "s1", [False])
    clock.advance(11 * 60)
    assert tutor.due_items("s1") == [item]
    c = item.citation
    tutor.add_correction(c.doc_id, c.start, c.end, "the date is wrong")
    assert tutor.due_items("s1") == []


def test_a_review_and_its_summary(tutor: Tutor, clock: FakeClock) -> None:
    practise(tutor, "s1", [False, False, False])
    clock.advance(11 * 60)
    due = tutor.due_items("s1")
    assert len(due) == 3
    since = clock()
    for n, item in enumerate(due):
        assert tutor.show_item("s1", item.quiz_id) == item
        assert tutor.store.served("s1")[item.quiz_id] == clock()
        tutor.answer_quiz(item.quiz_id, right_answer(item) if n < 2 else "zzz", "s1")
        clock.advance(20)
    # a second try at the last one does not change how the run went
    tutor.answer_quiz(due[2].quiz_id, right_answer(due[2]), "s1")
    summary = tutor.review_summary("s1", [i.quiz_id for i in due], since)
    assert (summary.reviewed, summary.right) == (3, 2)
    # the last one, answered right on its second try, is the earliest to come back
    reviews = tutor.store.reviews("s1")
    assert summary.next_due_at == min(r.due_at for r in reviews.values())
    assert summary.next_due >= 1
    assert tutor.due_items("s1") == []


def test_the_next_reviews_day_is_the_learners(tutor: Tutor, clock: FakeClock) -> None:
    """Two items due 10 hours apart: the same day in one zone, two days in another."""
    first, second = tutor.quizzes.items[:2]
    for item, due in ((first, "2026-05-11 02:10"), (second, "2026-05-11 12:10")):
        card = Review(due_at=clock.set(due, "UTC"), state="relearning", step=0)
        tutor.store.record_attempt("s1", item.quiz_id, "zzz", False, card, clock() - 600)
    clock.set("2026-05-11 01:00", "UTC")  # before either is due
    utc = tutor.review_summary("s1", [], 0.0, "UTC")
    tokyo = tutor.review_summary("s1", [], 0.0, "Asia/Tokyo")  # 11:10 and 21:10 the same day
    honolulu = tutor.review_summary("s1", [], 0.0, "Pacific/Honolulu")  # 16:10 and 02:10
    assert (utc.next_due, tokyo.next_due, honolulu.next_due) == (2, 2, 1)


def test_show_item_refuses_an_unknown_item(tutor: Tutor) -> None:
    with pytest.raises(NotFound):
        tutor.show_item("s1", "q-000000")


def test_streak_counts_days_in_a_row_in_the_learners_zone(tutor: Tutor, clock: FakeClock) -> None:
    assert tutor.streak("s1") == 0
    for day in ("2026-05-08", "2026-05-09", "2026-05-10"):
        clock.set(f"{day} 20:00", "Europe/Berlin")
        practise(tutor, "s1", [True])
    clock.set("2026-05-11 09:00", "Europe/Berlin")
    assert tutor.streak("s1", "Europe/Berlin") == 3  # today has none yet: not broken
    practise(tutor, "s1", [True])
    assert tutor.streak("s1", "Europe/Berlin") == 4
    # Tokyo: 03:00 on the 9th, 10th and 11th, and today's 16:00 on the 11th again;
    # Honolulu: 08:00 on the 8th, 9th and 10th, and today's answer 21:00 on the 10th
    assert tutor.streak("s1", "Asia/Tokyo") == 3
    assert tutor.streak("s1", "Pacific/Honolulu") == 3
    clock.set("2026-05-13 09:00", "Europe/Berlin")  # a day without answers breaks it
    assert tutor.streak("s1", "Europe/Berlin") == 0
    assert tutor.streak("s2") == 0
