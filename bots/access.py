"""Who may call what: API keys scoped to courses, and keys kept out of logs.

A key has a role and the courses it is for (`tutor.Grant`): a student key may ask, take
quizzes and read documents in the courses it names; a teacher key may also change and review
them; an admin key may do all of that in every course, and create and remove courses and
keys. The checks for a route of course C, in this order:

    no key                  student routes are open while no key has ever been created and
                            TUTOR_REQUIRE_API_KEY is off (a teacher's laptop); the default
                            course's documents are always open; anything else is 401
    unknown or revoked key  401
    a key not for C         403, whether C exists or not: a key learns nothing of the ids of
                            courses it is not for
    a key for C, short of the route's role
                            403
    C unknown               404 (to an admin key, a key naming a course removed since, or
                            the open service)

These are plain functions of the request; `deps` makes FastAPI dependencies of them.
"""

from __future__ import annotations

import logging
import re

from fastapi import HTTPException, Request

from tutor import DEFAULT_COURSE, Campus, Grant, Settings

STUDENT, TEACHER, ADMIN = "student", "teacher", "admin"
_WANTED = {STUDENT: "an API key", TEACHER: "a teacher's key", ADMIN: "an admin key"}
_KEY_IN_URL = re.compile(r"([?&]key=)[^&\s\"]+")


def key_from(request: Request, *, allow_query: bool = False) -> str:
    key = request.headers.get("X-API-Key", "")
    if not key and allow_query:
        key = request.query_params.get("key", "")
    return key.strip()


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(401, detail=detail, headers={"WWW-Authenticate": "ApiKey"})


def _grant(request: Request, campus: Campus, need: str, *, allow_query: bool) -> Grant:
    """The grant of the key sent; 401 without a valid one."""
    key = key_from(request, allow_query=allow_query)
    if not key:
        raise _unauthorised(f"{_WANTED[need]} is required: send it in the X-API-Key header")
    grant = campus.grant_of(key)
    if grant is None:
        raise _unauthorised("the API key is invalid or revoked")
    return grant


def is_open(settings: Settings, campus: Campus) -> bool:
    """Whether student routes take callers without a key: no key was ever created and
    TUTOR_REQUIRE_API_KEY is off."""
    return not settings.require_api_key and not campus.keys()


def grant_in(
    request: Request,
    settings: Settings,
    campus: Campus,
    course_id: str,
    need: str,
    *,
    allow_query: bool = False,
) -> Grant | None:
    """The caller's grant when it may do what role `need` does in `course_id`; None for a
    caller without a key on the open service (student routes only). 401 or 403 otherwise."""
    keyless = not key_from(request, allow_query=allow_query)
    if need == STUDENT and keyless and is_open(settings, campus):
        return None
    grant = _grant(request, campus, need, allow_query=allow_query)
    if not grant.allows(course_id):
        raise HTTPException(403, detail="this key is not for this course")
    if need == TEACHER and not grant.teaches(course_id):
        raise HTTPException(403, detail="this needs a teacher's key")
    return grant


def reader_grant(
    request: Request, settings: Settings, campus: Campus, course_id: str
) -> Grant | None:
    """Reading a course's documents: open for the default course (as it always was), a
    student's right elsewhere."""
    if course_id == DEFAULT_COURSE:
        return None
    return grant_in(request, settings, campus, course_id, STUDENT)


def admin_grant(request: Request, campus: Campus) -> Grant:
    """Managing courses and keys: an admin key (401 without a valid key, 403 with another)."""
    grant = _grant(request, campus, ADMIN, allow_query=False)
    if grant.role != ADMIN:
        raise HTTPException(403, detail="this needs an admin key")
    return grant


class RedactKeys(logging.Filter):
    """Replaces the value of a `key=` URL parameter in access-log lines with ***."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _KEY_IN_URL.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = _KEY_IN_URL.sub(r"\1***", record.msg)
        return True


def redact_access_log() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactKeys) for f in logger.filters):
        logger.addFilter(RedactKeys())
