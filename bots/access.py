"""Who may call what: API keys for students and teachers, and keys kept out of logs.

Student endpoints are open while no key has ever been created and TUTOR_REQUIRE_API_KEY is
off (a teacher's laptop); otherwise they need a valid key. Teacher endpoints always need a
teacher key: 401 without a valid key, 403 with a student's.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from tutor import Tutor

from .deps import TutorDep, settings_of

_KEY_IN_URL = re.compile(r"([?&]key=)[^&\s\"]+")


def key_from(request: Request, *, allow_query: bool = False) -> str:
    key = request.headers.get("X-API-Key", "")
    if not key and allow_query:
        key = request.query_params.get("key", "")
    return key.strip()


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(401, detail=detail, headers={"WWW-Authenticate": "ApiKey"})


def student_role(request: Request, tutor: TutorDep) -> str | None:
    """The caller's role; None on an open service without a key."""
    key = key_from(request)
    if key:
        role = tutor.role_of(key)
        if role is None:
            raise _unauthorised("the API key is invalid or revoked")
        return role
    if settings_of(request).require_api_key or tutor.keys():
        raise _unauthorised("an API key is required: send it in the X-API-Key header")
    return None


def teacher_role(request: Request, tutor: TutorDep) -> str:
    return _teacher(request, tutor, allow_query=False)


def teacher_page_role(request: Request, tutor: TutorDep) -> str:
    """As teacher_role, also taking ?key= (the review page is opened in a browser)."""
    return _teacher(request, tutor, allow_query=True)


def _teacher(request: Request, tutor: Tutor, *, allow_query: bool) -> str:
    key = key_from(request, allow_query=allow_query)
    if not key:
        raise _unauthorised("a teacher's API key is required")
    role = tutor.role_of(key)
    if role is None:
        raise _unauthorised("the API key is invalid or revoked")
    if role != "teacher":
        raise HTTPException(403, detail="this needs a teacher's key")
    return role


StudentAccess = Annotated[str | None, Depends(student_role)]
TeacherAccess = Annotated[str, Depends(teacher_role)]
TeacherPageAccess = Annotated[str, Depends(teacher_page_role)]


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
