"""The class view's figures, from hand-made records (the pure function), and from a tutor on
fakes (where a refused question is placed)."""

from __future__ import annotations

import pytest

from tests.conftest import make_course
from tutor.class_report import ClassReport, MissedItem, SectionReport, class_report
from tutor.domain import Attempt, AuditRecord, Citation, QuizItem
from tutor.fakes import HashingEmbedder
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore
from tutor.teaching import UncoveredTopic

TITLES = ["Building", "Fall", "Sputnik"]


def cite(section: str) -> Citation:
    return Citation("doc", section, 0, 10, "A quote.")


def record(audit_id: int, session: str, question: str, section: str | None) -> AuditRecord:
    """An answered record citing `section`, or a refused one (None)."""
    cites = (cite(section),) if section else ()
    return AuditRecord(
        audit_id, 100.0 + audit_id, "http", session, question, "…", bool(section), 0.5, cites, "v"
    )


def item(quiz_id: str, section: str) -> QuizItem:
    return QuizItem(quiz_id, "short_answer", f"Question {quiz_id}?", "x", cite(section))


def one_group_each(records: list[AuditRecord]) -> list[UncoveredTopic]:
    """A stand-in for grouping by meaning: every question a group of its own."""
    return [UncoveredTopic(r.question, 1, (r.question,), r.at) for r in records]


RECORDS = [
    record(1, "s1", "When was the wall built?", "Building"),
    record(2, "s1", "Who designed the towers?", None),
    record(3, "s2", "When did the wall fall?", "Fall"),
    record(4, "s2", "What colour were the towers?", None),
    record(5, "s2", "What did the old chapter say?", "Old chapter"),
]
PLACES = {2: "Fall", 4: "Fall"}  # where the refused questions' nearest sentences are
ITEMS = {"qA": item("qA", "Building"), "qB": item("qB", "Fall"), "qD": item("qD", "Sputnik")}


def attempt(quiz_id: str, correct: bool, number: int, at: float = 200.0) -> Attempt:
    return Attempt(quiz_id, "…", correct, at, number)


ATTEMPTS = [
    ("s1", attempt("qA", False, 1)),
    ("s1", attempt("qA", True, 2)),
    ("s1", attempt("qB", True, 1)),
    ("s1", attempt("qD", False, 1)),
    ("s2", attempt("qA", False, 1)),
    ("s2", attempt("qA", True, 2)),
    ("s2", attempt("qB", False, 1)),
    ("s2", attempt("qB", False, 2)),
    ("s2", attempt("qZ", True, 1)),  # an item neither the bank nor the store knows
]


@pytest.fixture
def report() -> ClassReport:
    return class_report(
        TITLES, RECORDS, PLACES, ATTEMPTS, ITEMS, one_group_each, since=50.0, truncated=False
    )


def figures(s: SectionReport) -> tuple[object, ...]:
    return (
        s.section,
        s.asked,
        s.answered,
        s.refused,
        s.attempts,
        s.correct_attempts,
        s.first_attempts,
        s.correct_first_attempts,
        s.learners,
        s.first_try_correct,
    )


def test_figures_per_section_in_course_order_then_sections_gone(report: ClassReport) -> None:
    assert [figures(s) for s in report.sections] == [
        ("Building", 1, 1, 0, 4, 2, 2, 0, 2, 0.0),
        ("Fall", 3, 1, 2, 3, 1, 2, 1, 2, 0.5),
        ("Sputnik", 0, 0, 0, 1, 0, 1, 0, 1, 0.0),
        ("Old chapter", 1, 1, 0, 0, 0, 0, 0, 0, None),
    ]
    assert figures(report.total) == ("", 5, 3, 2, 8, 3, 5, 1, 2, 0.2)
    assert report.since == 50.0 and report.truncated is False


def test_struggling_sections_say_why_and_one_slip_is_not_a_pattern(report: ClassReport) -> None:
    why = {s.section: s.struggling for s in report.sections}
    assert why == {
        "Building": ("first tries right 0 of 2 times",),
        "Fall": ("2 of 3 questions not answered by the course",),
        "Sputnik": (),  # one wrong first try
        "Old chapter": (),
    }
    fall = report.sections[1]
    assert fall.refused_share == pytest.approx(2 / 3)


def test_most_missed_items_by_misses_then_the_larger_share(report: ClassReport) -> None:
    building, fall, sputnik, _ = report.sections
    assert building.missed == (MissedItem("qA", "Question qA?", "Building", 2, 4, 2),)
    assert fall.missed == (MissedItem("qB", "Question qB?", "Fall", 2, 3, 1),)
    assert [(m.quiz_id, m.misses, m.attempts) for m in report.total.missed] == [
        ("qB", 2, 3),  # missed as often as qA, in fewer attempts
        ("qA", 2, 4),
        ("qD", 1, 1),
    ]
    assert sputnik.missed[0].learners == 1


def test_refused_questions_are_grouped_in_their_section_and_in_the_class(
    report: ClassReport,
) -> None:
    fall = report.sections[1]
    assert [t.question for t in fall.uncovered] == [
        "Who designed the towers?",
        "What colour were the towers?",
    ]
    assert [t.question for t in report.total.uncovered] == [t.question for t in fall.uncovered]
    assert report.sections[0].uncovered == ()


def test_every_section_is_listed_with_no_activity() -> None:
    empty = class_report(TITLES, [], {}, [], {}, one_group_each)
    assert [figures(s) for s in empty.sections] == [
        (t, 0, 0, 0, 0, 0, 0, 0, 0, None) for t in TITLES
    ]
    assert all(s.struggling == () and s.missed == () for s in empty.sections)


COURSE = {
    "wall.md": "# The Berlin Wall\n\n## Building\n\n"
    "The Berlin Wall was erected in August 1961 by the East German government.\n\n"
    "## Fall\n\nThe wall fell on 9 November 1989 after mass protests in Leipzig.\n",
    "sputnik.txt": "Sputnik\n\nSputnik 1 was launched by the Soviet Union in October 1957.\n",
}


def test_the_tutor_places_a_refused_question_near_its_section() -> None:
    embedder = HashingEmbedder()
    tutor = Tutor(make_course(COURSE, embedder), embedder, MemoryStateStore())
    record_id = tutor.store.record_answer(
        AuditRecord(0, 10.0, "http", "s1", "protests Leipzig crowd size", "", False, 0.1, (), "v")
    )
    tutor.store.record_answer(
        AuditRecord(0, 20.0, "http", "s1", "launched satellite", "…", True, 0.9, (), "v")
    )
    report = tutor.class_report()
    assert record_id == 1
    by_title = {s.section: s for s in report.sections}
    assert list(by_title) == tutor.section_titles()
    assert (by_title["Fall"].asked, by_title["Fall"].refused) == (1, 1)
    assert by_title["Fall"].uncovered[0].questions == ("protests Leipzig crowd size",)
    # an answered record without a citation (none is written so; kept from older data) is
    # placed the same way
    assert (by_title["Sputnik"].asked, by_title["Sputnik"].answered) == (1, 1)
    later = tutor.class_report(since=15.0)
    assert later.total.asked == 1 and later.since == 15.0
