"""The state store down: questions are still answered, just not remembered; keys checked
before the outage keep working for a while; attempts are never acknowledged unrecorded."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.conftest import make_course, seed_files
from tests.tutor.test_quizzes import Clock
from tutor import Tutor, Unavailable
from tutor.domain import AuditFilter
from tutor.fakes import HashingEmbedder
from tutor.service import KEY_GRACE
from tutor.stores.memory import MemoryStateStore

BERLIN = "When was the Berlin Wall erected?"


class OutageStore(MemoryStateStore):
    """An in-memory store whose every call raises Unavailable while `down` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def __getattribute__(self, name: str) -> Any:
        attr = super().__getattribute__(name)
        if (
            callable(attr)
            and not name.startswith("_")
            and name != "close"
            and super().__getattribute__("down")
        ):

            def refuse(*args: object, **kwargs: object) -> Any:
                raise Unavailable(f"state store unreachable ({name})")

            return refuse
        return attr


def names(tutor: Tutor) -> list[str]:
    return [k.name for k in tutor.keys()]  # noqa: SIM118  # a method, not a dict's keys


@pytest.fixture
def store() -> OutageStore:
    return OutageStore()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tutor(store: OutageStore, clock: Clock) -> Tutor:
    embedder = HashingEmbedder()
    return Tutor(make_course(seed_files(), embedder), embedder, store, clock=clock)


def test_outage_store_really_fails(store: OutageStore) -> None:
    store.down = True
    with pytest.raises(Unavailable):
        store.history("s", 5)
    store.down = False
    assert store.history("s", 5) == []


def test_a_question_is_answered_without_the_store_and_not_remembered(
    tutor: Tutor, store: OutageStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.down = True
    with caplog.at_level(logging.WARNING, logger="tutor.service"):
        answer = tutor.ask(BERLIN, "s1")
    assert answer.answerable and "August 13" in answer.text and answer.citations
    assert answer.followup_quiz is None  # it could be shown but never graded
    store.down = False
    assert store.history("s1", 5) == [] and store.audit(AuditFilter()) == []
    assert [r.message for r in caplog.records if "without remembering" in r.message]


def test_an_off_topic_question_is_refused_without_the_store(
    tutor: Tutor, store: OutageStore
) -> None:
    store.down = True
    answer = tutor.ask("How do I bake sourdough bread?", "s1")
    assert not answer.answerable and answer.suggestions


def test_the_warning_is_not_repeated_for_every_call(
    tutor: Tutor, store: OutageStore, caplog: pytest.LogCaptureFixture
) -> None:
    store.down = True
    with caplog.at_level(logging.WARNING, logger="tutor.service"):
        for _ in range(5):
            tutor.ask(BERLIN, "s1")
    assert len([r for r in caplog.records if "without remembering" in r.message]) == 1


def test_answers_are_remembered_again_once_the_store_is_back(
    tutor: Tutor, store: OutageStore
) -> None:
    store.down = True
    tutor.ask(BERLIN, "s1")
    store.down = False
    tutor.ask(BERLIN, "s1")
    assert len(store.history("s1", 5)) == 1


def test_a_quiz_attempt_is_refused_not_acknowledged_unrecorded(
    tutor: Tutor, store: OutageStore
) -> None:
    item, sid = tutor.quiz("s1")
    store.down = True
    with pytest.raises(Unavailable):
        tutor.answer_quiz(item.quiz_id, "anything", sid)
    store.down = False
    assert store.attempts(sid) == []


def test_a_key_checked_before_the_outage_keeps_its_role_for_a_while(
    tutor: Tutor, store: OutageStore, clock: Clock
) -> None:
    teacher = tutor.create_key("ms-smith", "teacher")
    student = tutor.create_key("lms", "student")
    assert tutor.role_of(teacher) == "teacher"
    assert names(tutor) == ["ms-smith", "lms"]
    store.down = True
    assert tutor.role_of(teacher) == "teacher"
    assert names(tutor) == ["ms-smith", "lms"]
    with pytest.raises(Unavailable):
        tutor.role_of(student)  # never checked by this process: refused, not let through
    with pytest.raises(Unavailable):
        tutor.role_of("tk_made-up-key-made-up-key")
    clock.now += KEY_GRACE + 1
    with pytest.raises(Unavailable):
        tutor.role_of(teacher)


def test_a_revoked_key_is_forgotten_when_the_store_says_so(
    tutor: Tutor, store: OutageStore
) -> None:
    key = tutor.create_key("lms", "student")
    assert tutor.role_of(key) == "student"
    tutor.revoke_key("lms")
    assert tutor.role_of(key) is None
    store.down = True
    with pytest.raises(Unavailable):
        tutor.role_of(key)


def test_whether_keys_exist_is_unknown_if_the_store_was_never_reached(
    tutor: Tutor, store: OutageStore
) -> None:
    store.down = True
    with pytest.raises(Unavailable):
        tutor.keys()  # an open service cannot be told from a locked one: refuse
