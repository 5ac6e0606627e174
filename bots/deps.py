"""FastAPI dependencies shared by the routers: the campus, the course a request is for, its
tutor, the settings, and who may call (the rules are `access`'s).

Every course route is defined once and served twice (see `http_app`): under `/v1/…` for the
default course, as before courses existed, and under `/v1/courses/{course_id}/…`. The course
comes from the path, and `TutorDep` is the one way a route gets its course's tutor.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from tutor import DEFAULT_COURSE, Campus, Grant, Settings, Tutor, Unavailable

from .access import STUDENT, TEACHER, admin_grant, grant_in, reader_grant

CourseId = Annotated[
    str,
    Path(
        description="the course: 1-64 lowercase letters, digits and '-' "
        f"(`{DEFAULT_COURSE}` is the course the routes without it serve)",
        examples=[DEFAULT_COURSE],
    ),
]


def campus_of(request: Request) -> Campus:
    """The app's campus, built by the lifespan."""
    found: Campus | None = getattr(request.app.state, "campus", None)
    if found is None:
        raise Unavailable("the tutor is still starting")
    return found


async def get_campus(request: Request) -> Campus:
    """`campus_of` as a dependency (async: nothing blocks here)."""
    return campus_of(request)


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def course_of(request: Request) -> str:
    """The course a request is for: its `course_id` path parameter, else the default."""
    return str(request.path_params.get("course_id", DEFAULT_COURSE))


def course_param(course_id: CourseId) -> str:
    """Documents the `course_id` of the course routes (`course_of` reads it)."""
    return course_id


async def get_tutor(request: Request) -> Tutor:
    """The tutor of the request's course (async: a loaded course is at hand, and a sync
    dependency would cost every request a trip to a worker thread).

    A course not loaded is loaded in a worker thread, and only for a caller that may use it:
    a stranger does not make the server load courses. (It may be unloaded between the two
    calls; then `tutor` loads it here, which the memory budget makes rare.)
    """
    campus = campus_of(request)
    course_id = course_of(request)
    if course_id in campus.loaded():
        return campus.tutor(course_id)
    return await run_in_threadpool(_load, request, campus, course_id)


def _load(request: Request, campus: Campus, course_id: str) -> Tutor:
    # ?key= too: the review page is opened with one; the route's own check comes next
    _checked(request, STUDENT, allow_query=True)
    return campus.tutor(course_id)


def _checked(request: Request, need: str, *, allow_query: bool = False) -> Grant | None:
    campus, course_id = campus_of(request), course_of(request)
    return grant_in(request, settings_of(request), campus, course_id, need, allow_query=allow_query)


def student_access(request: Request) -> Grant | None:
    """Asking, quizzes, progress: a key valid for the course (or the open service)."""
    return _checked(request, STUDENT)


def reader_access(request: Request) -> Grant | None:
    """A course's documents: open for the default course, a student's right elsewhere."""
    return reader_grant(request, settings_of(request), campus_of(request), course_of(request))


def teacher_access(request: Request) -> Grant | None:
    """Changing and reviewing a course: a teacher's key for it (or an admin's)."""
    return _checked(request, TEACHER)


def teacher_page_access(request: Request) -> Grant | None:
    """As teacher_access, also taking ?key= (the review page is opened in a browser)."""
    return _checked(request, TEACHER, allow_query=True)


def admin_access(request: Request) -> Grant:
    """Creating and removing courses and keys: an admin key."""
    return admin_grant(request, campus_of(request))


CampusDep = Annotated[Campus, Depends(get_campus)]
TutorDep = Annotated[Tutor, Depends(get_tutor)]
StudentAccess = Annotated[Grant | None, Depends(student_access)]
ReaderAccess = Annotated[Grant | None, Depends(reader_access)]
TeacherAccess = Annotated[Grant | None, Depends(teacher_access)]
TeacherPageAccess = Annotated[Grant | None, Depends(teacher_page_access)]
AdminAccess = Annotated[Grant, Depends(admin_access)]
