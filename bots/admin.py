"""Admin routes: the deployment's courses and keys, over HTTP (as `tutor courses` and
`tutor keys` do from a shell). Every route needs an admin key: 401 without a valid key, 403
with any other. Ids, names and roles are checked by the core (400 naming the rule)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tutor import DEFAULT_COURSE, ApiKey, CourseInfo

from .deps import AdminAccess, CampusDep
from .schemas import COMMON_ERRORS, problems
from .teacher import iso

router = APIRouter(tags=["admin"])
ADMIN_ERRORS = problems(*COMMON_ERRORS, 401, 403, 404)

CoursePath = Annotated[str, Path(max_length=200, description="the course's id")]
KeyName = Annotated[str, Path(max_length=200, description="the key's name")]


class CourseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course_id: str = Field(
        max_length=200, description="1-64 lowercase letters, digits and '-'", examples=["bio-9"]
    )
    title: str | None = Field(None, max_length=1000, description="default: the id")


class CourseOut(BaseModel):
    course_id: str
    title: str
    created_at: str | None = Field(description="ISO 8601; null for the default course")

    @classmethod
    def of(cls, c: CourseInfo) -> CourseOut:
        made = iso(c.created_at) if c.course_id != DEFAULT_COURSE else None
        return cls(course_id=c.course_id, title=c.title, created_at=made)


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200, description="1-64 letters, digits and . _ -")
    role: Literal["student", "teacher", "admin"]
    courses: list[Annotated[str, Field(max_length=200)]] | None = Field(
        None,
        max_length=1000,
        description=f"the courses it is for; none: `{DEFAULT_COURSE}`; an admin key takes none "
        "(it is for every course)",
    )


class KeyOut(BaseModel):
    name: str
    role: str
    courses: list[str] = Field(description="the courses it is for; empty: every course (admin)")
    created_at: str
    revoked: bool

    @classmethod
    def of(cls, k: ApiKey) -> KeyOut:
        return cls(
            name=k.name,
            role=k.role,
            courses=list(k.courses),
            created_at=iso(k.created_at),
            revoked=k.revoked,
        )


class NewKeyOut(KeyOut):
    key: str = Field(description="the key itself: shown this once, only its hash is kept")


@router.post("/courses", status_code=201, response_model=CourseOut, responses=ADMIN_ERRORS)
def create_course(body: CourseIn, campus: CampusDep, _: AdminAccess) -> CourseOut:
    """A new course without documents (400 for a malformed or taken id). Its teachers upload
    documents at `POST /v1/courses/{course_id}/documents`; until then questions get 409."""
    return CourseOut.of(campus.create_course(body.course_id, body.title))


@router.get("/courses", response_model=list[CourseOut], responses=ADMIN_ERRORS)
def list_courses(campus: CampusDep, _: AdminAccess) -> list[CourseOut]:
    """Every course, the default one first, then the others oldest first."""
    return [CourseOut.of(c) for c in campus.courses()]


@router.delete("/courses/{course_id}", status_code=204, response_model=None, responses=ADMIN_ERRORS)
def remove_course(course_id: CoursePath, campus: CampusDep, _: AdminAccess) -> Response:
    """Remove a course with its documents, index and learners' state (400 for the default
    course). Keys naming it stay, granting nothing there: revoke them first."""
    campus.remove_course(course_id)
    return Response(status_code=204)


@router.post("/keys", status_code=201, response_model=NewKeyOut, responses=ADMIN_ERRORS)
def create_key(body: KeyIn, campus: CampusDep, _: AdminAccess) -> NewKeyOut:
    """A new key for existing courses (404 naming one that is not); the reply holds the key,
    which is never shown again."""
    key = campus.create_key(body.name, body.role, body.courses)
    listed = campus.keys()
    made = next(k for k in listed if k.name == body.name)
    return NewKeyOut(**KeyOut.of(made).model_dump(), key=key)


@router.get("/keys", response_model=list[KeyOut], responses=ADMIN_ERRORS)
def list_keys(campus: CampusDep, _: AdminAccess) -> list[KeyOut]:
    """Every key's name, role, courses and state (never the keys)."""
    listed = campus.keys()
    return [KeyOut.of(k) for k in listed]


@router.delete("/keys/{name}", status_code=204, response_model=None, responses=ADMIN_ERRORS)
def revoke_key(name: KeyName, campus: CampusDep, _: AdminAccess) -> Response:
    """Revoke a key at once (404 for no active key of that name)."""
    campus.revoke_key(name)
    return Response(status_code=204)
