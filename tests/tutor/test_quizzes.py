"""Choosing items, scheduling them, recording attempts and summing up progress.

A small fake generator stands in for the real one: one short-answer item per sentence that
holds a year, so these tests do not depend on what the generator finds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fsrs import Rating

from tests.conftest import make_course, seed_files
from tutor.course import Course
from tutor.domain import Citation, QuizItem, Review
from tutor.errors import InvalidInput, NotFound
from tutor.fakes import HashingEmbedder
from tutor.quiz import choose, next_review
from tutor.quiz.scheduling import DAY, STEP
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore
from tutor.stores.sqlite import SQLiteStateStore

YEAR = re.compile(r"\b1[89]\d\d\b")


def year_items(course: Course) -> list[QuizItem]:
    items = []
    for p in course.passages:
        m = YEAR.search(p.text)
        if not m:
            continue
        question = "Fill in the blank: " + p.text[: m.start()] + "_____" + p.text[m.end() :]
        citation = Citation(p.doc_id, p.section, p.start, p.end, p.text)
        items.append(
            QuizItem(
                f"q-{p.passage_id:06x}",
                "short_answer",
                question,
                m.group(),
                citation,
                None,
                p.section,
            )
        )
    return items


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make_tutor(store=None, clock=None) -> Tutor:  # type: ignore[no-untyped-def]
    embedder = HashingEmbedder()
    return Tutor(
        make_course(seed_files(), embedder),
        embedder,
        store or MemoryStateStore(),
        quiz_generator=year_items,
        clock=clock or Clock(),
    )


def test_fsrs_wrong_comes_back_within_the_session_and_right_answers_push_it_out() -> None:
    now = 1000.0
    wrong = next_review(None, Rating.Again, now)
    right = next_review(None, Rating.Good, now)
    assert wrong.due_at == now + STEP.total_seconds()  # the learning step: ten minutes
    assert wrong.state == "learning" and wrong.step == 0
    assert right.state == "review" and right.stability is not None
    assert right.due_at >= now + DAY
    later = right.due_at
    second = next_review(right, Rating.Good, later)
    assert second.due_at - later > right.due_at - now  # the interval grows
    lapse = next_review(second, Rating.Again, second.due_at)
    assert lapse.state == "relearning"
    assert lapse.due_at == second.due_at + STEP.total_seconds()
    assert lapse.difficulty is not None and second.difficulty is not None
    assert lapse.difficulty > second.difficulty
    easy, hard = next_review(None, Rating.Easy, now), next_review(None, Rating.Hard, now)
    assert easy.due_at > right.due_at
    assert hard.due_at < right.due_at


def test_choose_prefers_due_then_new_sections_then_unseen_then_oldest() -> None:
    course = make_course(seed_files())
    items = year_items(course)
    a, b, c = items[0], items[1], items[-1]
    now = 5000.0
    reviews = {b.quiz_id: Review(now - 1)}
    assert choose(items, {}, reviews, set(), now) is b
    served = {i.quiz_id: 1.0 for i in items if i.citation.section == a.citation.section}
    pick = choose(items, served, {}, {a.citation.section}, now)
    assert pick is not None and pick.citation.section != a.citation.section
    everything = {i.quiz_id: float(n) for n, i in enumerate(items)}
    everything[c.quiz_id] = -1.0
    assert choose(items, everything, {}, set(), now) is c
    assert choose([], {}, {}, set(), now) is None


def test_twenty_quizzes_in_a_session_do_not_repeat() -> None:
    tutor = make_tutor()
    ids = [tutor.quiz("learner-1")[0].quiz_id for _ in range(20)]
    assert len(set(ids)) == 20
    sections = {tutor.quizzes.get(q).citation.section for q in ids[:8]}  # type: ignore[union-attr]
    assert len(sections) >= 6, "unpractised sections come first"


def test_topic_and_kind_narrow_the_choice() -> None:
    tutor = make_tutor()
    item, sid = tutor.quiz(None, topic="Caribbean crisis")
    assert sid and item.citation.section == "Caribbean crisis"
    assert tutor.quiz(sid, kind="short_answer")[0].kind == "short_answer"
    with pytest.raises(NotFound):
        tutor.quiz(sid, kind="true_false")
    with pytest.raises(InvalidInput):
        tutor.quiz(sid, kind="essay")
    with pytest.raises(InvalidInput):
        tutor.quiz(sid, topic="x" * 201)


def test_attempts_are_graded_recorded_and_scheduled() -> None:
    clock = Clock()
    tutor = make_tutor(clock=clock)
    item, sid = tutor.quiz("learner-2")
    wrong, _ = tutor.answer_quiz(item.quiz_id, "1066", sid)
    right, _ = tutor.answer_quiz(item.quiz_id, item.answer, sid)
    assert (wrong.correct, right.correct) == (False, True)
    assert right.expected == item.answer and item.citation.quote in right.feedback
    attempts = tutor.store.attempts(sid)
    assert [(a.correct, a.number) for a in attempts] == [(False, 1), (True, 2)]
    progress = tutor.progress(sid)
    section = next(s for s in progress.sections if s.section == item.citation.section)
    assert (section.attempts, section.correct_attempts, section.correct_first_attempts) == (2, 1, 0)
    assert section.practised == 1 and 0 < section.mastery <= 1
    assert progress.due == ()
    clock.now += 2 * DAY
    assert [d.quiz_id for d in tutor.progress(sid).due] == [item.quiz_id]
    assert tutor.quiz(sid)[0].quiz_id == item.quiz_id, "a due review comes first"


def test_unknown_quiz_and_bad_answers_are_client_errors() -> None:
    tutor = make_tutor()
    item, sid = tutor.quiz("learner-3")
    with pytest.raises(NotFound):
        tutor.answer_quiz("q-000000000000", "1957", sid)
    with pytest.raises(NotFound):
        tutor.answer_quiz("../../etc", "1957", sid)
    with pytest.raises(InvalidInput):
        tutor.answer_quiz(item.quiz_id, 1957, sid)
    with pytest.raises(InvalidInput):
        tutor.answer_quiz(item.quiz_id, "x" * 501, sid)
    with pytest.raises(InvalidInput):
        tutor.answer_quiz(item.quiz_id, "19\x0057", sid)
    assert tutor.store.attempts(sid) == []


def test_progress_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    first = make_tutor(SQLiteStateStore(db))
    sid = "learner-restart"
    for _ in range(3):
        item, _ = first.quiz(sid)
        first.answer_quiz(item.quiz_id, item.answer, sid)
    wrong_item, _ = first.quiz(sid)
    first.answer_quiz(wrong_item.quiz_id, "0", sid)
    before = first.progress(sid)
    first.store.close()

    second = make_tutor(SQLiteStateStore(db))
    after = second.progress(sid)
    assert after == before
    assert after.attempts == 4 and after.correct_attempts == 3
    served_before = set(second.store.served(sid))
    assert len(served_before) == 4
    after_restart = second.quiz(sid)[0].quiz_id
    assert after_restart == wrong_item.quiz_id or after_restart not in served_before


def test_sqlite_keeps_items_even_when_the_course_no_longer_makes_them(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite3"
    first = make_tutor(SQLiteStateStore(db))
    item, sid = first.quiz("learner-4")
    first.store.close()
    embedder = HashingEmbedder()
    changed = Tutor(
        make_course({"other.txt": "Other\n\nNothing dated here.\n"}, embedder),
        embedder,
        SQLiteStateStore(db),
        quiz_generator=year_items,
    )
    grade, _ = changed.answer_quiz(item.quiz_id, item.answer, sid)
    assert grade.correct


def test_concurrent_attempts_are_all_recorded_with_distinct_numbers(tmp_path: Path) -> None:
    import threading

    store = SQLiteStateStore(tmp_path / "state.sqlite3")
    review = Review(0.0, "review", None, 1.0, 5.0, 0.0)

    def answer_many(n: int) -> None:
        for k in range(25):
            store.record_attempt("shared", f"q-{k % 3:012x}", f"a{n}-{k}", k % 2 == 0, review, k)

    threads = [threading.Thread(target=answer_many, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    attempts = store.attempts("shared")
    assert len(attempts) == 200
    for quiz_id in {a.quiz_id for a in attempts}:
        numbers = sorted(a.number for a in attempts if a.quiz_id == quiz_id)
        assert numbers == list(range(1, len(numbers) + 1))
    store.close()


def test_items_on_a_span_match_a_plain_scan() -> None:
    from tutor.quiz import QuizBook, generate_items

    course = make_course(seed_files())
    items = generate_items(course)
    book = QuizBook(lambda: items)
    spans = [(p.doc_id, p.start, p.end) for p in course.passages]
    spans += [(p.doc_id, p.start, p.end + 300) for p in course.passages[::7]]
    for doc_id, start, end in spans:
        plain = [
            i
            for i in items
            if i.citation.doc_id == doc_id and i.citation.start < end and start < i.citation.end
        ]
        assert book.on_span(doc_id, start, end) == plain
    assert book.on_span("no-such-doc", 0, 10) == []
