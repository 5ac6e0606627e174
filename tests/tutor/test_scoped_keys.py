"""Keys scoped to courses, in the core: which courses a new key is for, the admin role, a
key's grant (kept through a short state store outage), and a course's tutor whose keys are
the deployment's."""

from __future__ import annotations

import pytest

from tests.conftest import make_course, seed_files
from tests.tutor import test_state_outage as outage
from tests.tutor.test_quizzes import Clock
from tests.tutor.test_state_outage import OutageStore
from tutor import DEFAULT_COURSE, Grant, InvalidInput, Tutor, Unavailable
from tutor.fakes import HashingEmbedder
from tutor.service import KEY_GRACE
from tutor.stores.memory import MemoryStateStore
from tutor.teaching import key_courses


def test_which_courses_a_new_key_is_for() -> None:
    assert key_courses("student", None) == (DEFAULT_COURSE,)
    assert key_courses("teacher", ["bio", "chem", "bio"]) == ("bio", "chem")
    assert key_courses("admin", None) == ()
    assert key_courses("admin", []) == ()
    with pytest.raises(InvalidInput, match="admin key spans every course"):
        key_courses("admin", ["bio"])
    with pytest.raises(InvalidInput, match="at least one course"):
        key_courses("student", [])
    with pytest.raises(InvalidInput, match="at least one course"):
        key_courses("student", "bio")  # a string is not a list of courses
    with pytest.raises(InvalidInput, match="lowercase letters"):
        key_courses("teacher", ["Bio"])


# the seed course over a store that can go down, on a clock the test moves
store, clock, tutor = outage.store, outage.clock, outage.tutor


def test_keys_carry_their_grants(tutor: Tutor) -> None:
    student = tutor.create_key("lms", "student", ["bio", "chem"])
    teacher = tutor.create_key("ms-smith", "teacher")
    admin = tutor.create_key("root", "admin")
    assert tutor.grant_of(student) == Grant("student", ("bio", "chem"))
    assert tutor.grant_of(teacher) == Grant("teacher", (DEFAULT_COURSE,))
    assert tutor.grant_of(admin) == Grant("admin", ())
    assert tutor.role_of(admin) == "admin"  # what today's routes read
    assert tutor.grant_of("tk_unknown") is None and tutor.role_of("tk_unknown") is None
    listed = tutor.keys()
    assert [(k.name, k.courses) for k in listed] == [
        ("lms", ("bio", "chem")),
        ("ms-smith", (DEFAULT_COURSE,)),
        ("root", ()),
    ]
    with pytest.raises(InvalidInput, match="role must be one of student, teacher, admin"):
        tutor.create_key("x", "owner")


def test_a_grant_checked_before_an_outage_holds_for_a_while(
    tutor: Tutor, store: OutageStore, clock: Clock
) -> None:
    key = tutor.create_key("lms", "student", ["bio"])
    other = tutor.create_key("other", "student", ["bio"])
    assert tutor.grant_of(key) == Grant("student", ("bio",))
    store.down = True
    assert tutor.grant_of(key) == Grant("student", ("bio",))
    with pytest.raises(Unavailable):
        tutor.grant_of(other)  # never checked by this process
    clock.now += KEY_GRACE + 1
    with pytest.raises(Unavailable):
        tutor.grant_of(key)


def test_a_course_tutor_keeps_keys_in_the_deployments_store() -> None:
    embedder = HashingEmbedder()
    campus, course_store = MemoryStateStore(), MemoryStateStore()
    tutor = Tutor(make_course(seed_files(), embedder), embedder, course_store, keys=campus)
    key = tutor.create_key("lms", "student", ["bio"])
    kept = campus.keys()
    assert course_store.keys() == [] and [k.name for k in kept] == ["lms"]
    assert tutor.grant_of(key) == Grant("student", ("bio",))
    tutor.ask("When was the Berlin Wall erected?", "s1")
    assert course_store.history("s1") and campus.history("s1") == []  # learners: the course's
