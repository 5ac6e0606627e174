"""The quiz bank kept beside a course's index: read back for the same course and code, made
anew for another course version or other code, and never in the way when the folder is not
writable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import index.quizbank as quizbank
from tests.conftest import make_course
from tests.tutor.test_campus import BOTANY, GEOLOGY
from tutor.course import Course
from tutor.domain import QuizItem
from tutor.quiz import generate_items


class Counting:
    def __init__(self) -> None:
        self.made: list[str] = []

    def __call__(self, course: Course) -> list[QuizItem]:
        self.made.append(course.version)
        return generate_items(course)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    made = Counting()
    monkeypatch.setattr(quizbank, "generate_items", made)
    return made


def test_items_are_read_back_for_the_same_course_and_code(
    tmp_path: Path, counting: Counting, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = dataclasses.replace(make_course(BOTANY), version="build-1:abc")
    items = quizbank.cached_items(tmp_path)(course)
    assert items and counting.made == ["build-1:abc"]
    assert quizbank.cached_items(tmp_path)(course) == items
    assert counting.made == ["build-1:abc"]  # read, not made

    other = dataclasses.replace(make_course(GEOLOGY), version="build-2:def")
    assert quizbank.cached_items(tmp_path)(other) == generate_items(other)
    assert counting.made == ["build-1:abc", "build-2:def"]

    monkeypatch.setattr(quizbank, "code_version", lambda: "other-code")
    assert quizbank.cached_items(tmp_path)(course) == items
    assert counting.made[-1] == "build-1:abc"  # made again by the new code


def test_an_unreadable_or_unwritable_bank_only_costs_a_generation(
    tmp_path: Path, counting: Counting
) -> None:
    course = dataclasses.replace(make_course(BOTANY), version="v1")
    items = quizbank.cached_items(tmp_path)(course)
    (kept,) = (tmp_path / "quiz-bank").glob("*.json")
    kept.write_text("[{not json", encoding="utf-8")
    assert quizbank.cached_items(tmp_path)(course) == items
    assert len(counting.made) == 2
    assert quizbank.cached_items(tmp_path)(course) == items  # mended by the last one
    assert len(counting.made) == 2

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert quizbank.cached_items(blocked)(course) == items


def test_only_the_latest_banks_are_kept(tmp_path: Path, counting: Counting) -> None:
    course = make_course(BOTANY)
    for n in range(quizbank.KEEP + 3):
        quizbank.cached_items(tmp_path)(dataclasses.replace(course, version=f"v{n}"))
    assert len(list((tmp_path / "quiz-bank").glob("*.json"))) == quizbank.KEEP


def test_a_course_without_sentences_has_no_items_and_no_file(tmp_path: Path) -> None:
    assert quizbank.cached_items(tmp_path)(Course.empty(8)) == []
    assert not (tmp_path / "quiz-bank").exists()
