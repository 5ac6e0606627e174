"""The quiz bank a build keeps: made once with the index, read back when the course is
loaded, made anew (and never written) for other code or a build from before banks were kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import index.quizbank as quizbank
import index.store as store
from index.store import build_index, current_build, kept_items, load_course
from tests.conftest import make_course
from tests.tutor.test_campus import BOTANY
from tutor.course import Course
from tutor.domain import QuizItem
from tutor.fakes import HashingEmbedder
from tutor.quiz import generate_items


class Counting:
    def __init__(self) -> None:
        self.made = 0

    def __call__(self, course: Course) -> list[QuizItem]:
        self.made += 1
        return generate_items(course)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in BOTANY.items():
        (corpus / name).write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    build_index(corpus, data, HashingEmbedder())
    return data


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> Counting:
    made = Counting()
    monkeypatch.setattr(store, "generate_items", made)
    return made


def files_of(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_a_build_keeps_its_items_and_a_load_reads_them(built: Path, counting: Counting) -> None:
    folder = current_build(built)
    assert folder is not None and (folder / quizbank.FILE).is_file()
    course = load_course(built)
    before = files_of(built)
    items = kept_items(built)(course)
    assert counting.made == 0 and items == generate_items(course)
    assert files_of(built) == before  # serving only reads the index folder


def test_items_made_by_other_code_or_before_banks_are_made_anew(
    built: Path, counting: Counting, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = load_course(built)
    expected = generate_items(course)
    folder = current_build(built)
    assert folder is not None
    before = files_of(built)
    monkeypatch.setattr(quizbank, "code_version", lambda: "other-code")
    assert kept_items(built)(course) == expected and counting.made == 1
    monkeypatch.undo()
    monkeypatch.setattr(store, "generate_items", counting)

    (folder / quizbank.FILE).write_text("[{not json", encoding="utf-8")
    assert kept_items(built)(course) == expected and counting.made == 2
    (folder / quizbank.FILE).unlink()  # a build from before quiz banks were kept
    assert kept_items(built)(course) == expected and counting.made == 3
    del before[str(folder / quizbank.FILE)]
    assert files_of(built) == before  # nothing written back


def test_a_course_that_is_no_build_has_its_items_made(tmp_path: Path, counting: Counting) -> None:
    assert kept_items(tmp_path)(Course.empty(8)) == []
    course = dataclasses.replace(make_course(BOTANY), version="test")
    assert kept_items(tmp_path)(course) == generate_items(course)
    assert counting.made == 2
