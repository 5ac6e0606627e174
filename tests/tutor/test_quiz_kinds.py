"""The kinds of quiz item: one name list (`QuizKind`), one module per kind, found by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import make_course, seed_files
from tutor import QuizKind, kind_of
from tutor.domain import QuizItem
from tutor.quiz import generate_items, grade

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_items() -> list[QuizItem]:
    return generate_items(make_course(seed_files()))


def test_every_kind_has_its_module() -> None:
    for kind in QuizKind:
        assert kind_of(kind.value).kind is kind


def test_an_unknown_kind_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="essay"):
        kind_of("essay")


def test_a_kind_is_picked_from_options_or_answered_in_free_text(
    seed_items: list[QuizItem],
) -> None:
    assert {i.kind for i in seed_items} == set(QuizKind)
    for item in seed_items:
        kind = kind_of(item.kind)
        choices = kind.choices(item)
        assert (choices is None) == kind.free_text
        if choices is None:
            continue
        options, correct = choices
        # what a poll reports for each option is graded as that option
        for index in range(len(options)):
            given = kind.answer_for_choice(item, index)
            assert grade(item, given).correct == (index == correct), (item.quiz_id, index)


def test_kind_names_are_written_only_where_quiz_kind_is_defined() -> None:
    names = re.compile("|".join(rf"[\"']{k.value}[\"']" for k in QuizKind))
    found = [
        str(path.relative_to(ROOT))
        for package in ("tutor", "bots", "index")
        for path in sorted((ROOT / package).rglob("*.py"))
        if names.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["tutor/quiz/kind.py"]
