"""The key matrix: every route of the app, found by walking it, called by every kind of caller
on every kind of course, over a real socket; the outcomes asserted as tables.

Callers: no key, a student and a teacher of course A, of course B and of the default course
(every key made before courses existed is one of those), and an admin. Courses: A, B, the
default one by its course path (`/v1/courses/default/…`) and by the paths from before courses
(`/v1/…`), and one that does not exist. An outcome is 401, 403, 404 (the course is unknown) or
"ok": past the key and course checks (the route's own answer, a 2xx or a 4xx of its own such as
a refused file or an unknown document). A route nobody classified fails the test, so a new one
cannot go unchecked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from bots import wiring
from bots.http_app import create_app
from tests.bots.test_courses import seed_settings
from tests.servers import serve
from tests.tutor.test_campus import BOTANY, GEOLOGY, SHARED_NAME
from tutor import Campus, Settings
from tutor.fakes import HashingEmbedder

A, B, GHOST = "botany", "geology", "no-such-course"
ROLES = ("none", "stu-A", "tea-A", "stu-B", "tea-B", "stu-D", "tea-D", "admin")
COURSES = ("A", "B", "default", "old paths", "ghost")

# What each route needs, by method and path under a course's root (course routes) or as served
# (admin routes). "reader": a course's documents, open for the default course.
NEEDS = {
    ("POST", "/ask"): "student",
    ("POST", "/quiz"): "student",
    ("POST", "/quiz/{quiz_id}/answer"): "student",
    ("GET", "/sessions/{session_id}/progress"): "student",
    ("GET", "/sessions/{session_id}/review"): "student",
    ("POST", "/sessions/{session_id}/review/summary"): "student",
    ("GET", "/documents"): "reader",
    ("GET", "/documents/{doc_id}"): "reader",
    ("POST", "/documents"): "teacher",
    ("DELETE", "/documents/{doc_id}"): "teacher",
    ("GET", "/index"): "teacher",
    ("GET", "/audit"): "teacher",
    ("POST", "/audit/{audit_id}/flag"): "teacher",
    ("GET", "/quiz/export"): "teacher",
    ("POST", "/corrections"): "teacher",
    ("GET", "/corrections"): "teacher",
    ("DELETE", "/corrections/{correction_id}"): "teacher",
    ("GET", "/class/report"): "teacher",
    ("GET", "/teacher"): "teacher",  # the review page
    ("POST", "/v1/courses"): "admin",
    ("GET", "/v1/courses"): "admin",
    ("DELETE", "/v1/courses/{course_id}"): "admin",
    ("POST", "/v1/keys"): "admin",
    ("GET", "/v1/keys"): "admin",
    ("DELETE", "/v1/keys/{name}"): "admin",
}

# The outcomes, by course (rows) and caller (columns, in the order of ROLES).
#              none   stu-A  tea-A  stu-B  tea-B  stu-D  tea-D  admin
STUDENT = {
    "A": ("401", "ok", "ok", "403", "403", "403", "403", "ok"),
    "B": ("401", "403", "403", "ok", "ok", "403", "403", "ok"),
    "default": ("401", "403", "403", "403", "403", "ok", "ok", "ok"),
    "old paths": ("401", "403", "403", "403", "403", "ok", "ok", "ok"),
    "ghost": ("401", "403", "403", "403", "403", "403", "403", "404"),
}
READER = {
    "A": ("401", "ok", "ok", "403", "403", "403", "403", "ok"),
    "B": ("401", "403", "403", "ok", "ok", "403", "403", "ok"),
    "default": ("ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "old paths": ("ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "ghost": ("401", "403", "403", "403", "403", "403", "403", "404"),
}
TEACHER = {
    "A": ("401", "403", "ok", "403", "403", "403", "403", "ok"),
    "B": ("401", "403", "403", "403", "ok", "403", "403", "ok"),
    "default": ("401", "403", "403", "403", "403", "403", "ok", "ok"),
    "old paths": ("401", "403", "403", "403", "403", "403", "ok", "ok"),
    "ghost": ("401", "403", "403", "403", "403", "403", "403", "404"),
}
ADMIN = ("401", "403", "403", "403", "403", "403", "403", "ok")
ADMIN_ON_GHOST = ("401", "403", "403", "403", "403", "403", "403", "404")  # removing it
TABLES = {"student": STUDENT, "reader": READER, "teacher": TEACHER}

# Values for path parameters: unknown ids, so that a call past the checks changes nothing.
PARAMS = {
    "{quiz_id}": "q-nope",
    "{session_id}": "s1",
    "{doc_id}": "nope",
    "{audit_id}": "1",
    "{correction_id}": "nope",
    "{name}": "nobody",
}
COUNTER = itertools.count()


def body_of(method: str, path: str) -> dict[str, Any]:
    """What a call sends: enough to pass validation, nothing that rebuilds an index."""
    if method != "POST":
        return {}
    if path.endswith("/documents"):
        return {"files": {"file": ("notes.exe", b"MZ")}}  # refused (415) past the checks
    bodies: dict[str, Any] = {
        "/ask": {"question": SHARED_NAME},
        "/quiz/{quiz_id}/answer": {"answer": "x"},
        "/flag": {"note": "x"},
        "/corrections": {"doc_id": "nope", "start": 0, "end": 1, "note": "x"},
        "/v1/courses": {"course_id": f"made-{next(COUNTER)}"},
        "/v1/keys": {"name": f"made-{next(COUNTER)}", "role": "student"},
    }
    for end, body in bodies.items():
        if path.endswith(end):
            return {"json": body}
    return {"json": {}}


def outcome(r: httpx.Response) -> str:
    assert r.status_code < 500, (r.request.method, r.request.url, r.text)
    if r.status_code in (401, 403):
        return str(r.status_code)
    if r.status_code == 404 and str(r.json()["detail"]).startswith("no course"):
        return "404"
    return "ok"


@dataclass
class Deployment:
    app: FastAPI
    campus: Campus
    client: httpx.Client
    keys: dict[str, str]  # role -> key

    def call(self, method: str, path: str, role: str) -> str:
        headers = {"X-API-Key": self.keys[role]} if role != "none" else {}
        filled = path
        for name, value in PARAMS.items():
            filled = filled.replace(name, value)
        return outcome(
            self.client.request(method, filled, headers=headers, **body_of(method, path))
        )


def routes_of(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app serves under /v1 and the review pages."""
    found = []
    for context in iter_route_contexts(app.routes):
        path = str(context.path)
        if path.startswith("/v1/") or path.endswith("/teacher"):
            found.extend((method, path) for method in sorted(context.methods or ()))
    return found


def settings_in(tmp_path: Path) -> Settings:
    """`seed_settings`, without a rate limit: the matrix sends hundreds of requests at once."""
    return seed_settings(tmp_path).model_copy(update={"rate_limit_per_minute": 0})


def two_courses(tmp_path: Path) -> Campus:
    """The seed as the default course, botany (A) and geology (B), over the hashing embedder."""
    campus = wiring.build_campus(settings_in(tmp_path), embedder=HashingEmbedder())
    for course_id, files in ((A, BOTANY), (B, GEOLOGY)):
        campus.create_course(course_id)
        corpus = campus.registry.folders(course_id).corpus_dir
        for name, text in files.items():
            (corpus / name).write_text(text, encoding="utf-8")
    return campus


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    campus = two_courses(tmp_path)
    keys = {
        "stu-A": campus.create_key("stu-a", "student", [A]),
        "tea-A": campus.create_key("tea-a", "teacher", [A]),
        "stu-B": campus.create_key("stu-b", "student", [B]),
        "tea-B": campus.create_key("tea-b", "teacher", [B]),
        "stu-D": campus.create_key("stu-d", "student"),  # the default course, as before courses
        "tea-D": campus.create_key("tea-d", "teacher"),
        "admin": campus.create_key("head", "admin"),
    }
    app = create_app(settings_in(tmp_path / "unused"), campus)
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield Deployment(app, campus, client, keys)
    campus.close()


def split(path: str) -> tuple[str, str] | None:
    """(root, path under it) of a course route; None for the others."""
    for root in ("/v1/courses/{course_id}", "/courses/{course_id}"):
        if path.startswith(root + "/"):
            return root, path[len(root) :]
    return None


def test_every_route_by_every_caller_on_every_course(deployment: Deployment) -> None:
    served = routes_of(deployment.app)
    course_routes = {(m, rest) for m, p in served if (parts := split(p)) for rest in [parts[1]]}
    others = {(m, p) for m, p in served if split(p) is None}
    admin_routes = {k for k, need in NEEDS.items() if need == "admin"}
    # every course route is also served at its path from before courses, and nothing else is
    old_twins = {(m, ("" if rest == "/teacher" else "/v1") + rest) for m, rest in course_routes}
    assert others == old_twins | admin_routes, sorted(others ^ (old_twins | admin_routes))
    assert course_routes | admin_routes == set(NEEDS), "classify new routes in NEEDS"
    assert len(course_routes) >= 17

    wrong = []
    for method, rest in sorted(course_routes):
        root = "" if rest == "/teacher" else "/v1"
        paths = {
            "A": f"{root}/courses/{A}{rest}",
            "B": f"{root}/courses/{B}{rest}",
            "default": f"{root}/courses/default{rest}",
            "old paths": f"{root}{rest}",
            "ghost": f"{root}/courses/{GHOST}{rest}",
        }
        table = TABLES[NEEDS[(method, rest)]]
        for course in COURSES:
            seen = tuple(deployment.call(method, paths[course], role) for role in ROLES)
            if seen != table[course]:
                wrong.append((method, paths[course], seen, table[course]))
    for method, path in sorted(admin_routes):
        filled = path.replace("{course_id}", GHOST)
        seen = tuple(deployment.call(method, filled, role) for role in ROLES)
        expected = ADMIN_ON_GHOST if "{course_id}" in path else ADMIN
        if seen != expected:
            wrong.append((method, filled, seen, expected))
    assert not wrong, "\n".join(f"{m} {p}: saw {s}, expected {e}" for m, p, s, e in wrong)


def test_the_review_page_takes_the_key_in_its_address(deployment: Deployment) -> None:
    keys, client = deployment.keys, deployment.client
    assert client.get(f"/courses/{A}/teacher", params={"key": keys["tea-A"]}).status_code == 200
    assert client.get(f"/courses/{B}/teacher", params={"key": keys["tea-A"]}).status_code == 403
    assert client.get(f"/courses/{A}/teacher", params={"key": keys["stu-A"]}).status_code == 403
    assert client.get(f"/v1/courses/{A}/index", params={"key": keys["tea-A"]}).status_code == 401


def test_an_open_service_opens_student_routes_only(tmp_path: Path) -> None:
    """No key ever created and TUTOR_REQUIRE_API_KEY off: the student routes are open, on the
    default course as before and on the others; teacher and admin routes still need a key."""
    campus = two_courses(tmp_path)
    try:
        with serve(create_app(settings_in(tmp_path / "unused"), campus)) as url:
            ask = {"question": SHARED_NAME}
            for root in ("/v1", f"/v1/courses/{A}", "/v1/courses/default"):
                assert httpx.post(f"{url}{root}/ask", json=ask, timeout=60).status_code == 200
                assert httpx.get(f"{url}{root}/documents").status_code == 200
                assert httpx.get(f"{url}{root}/index").status_code == 401
            assert httpx.post(f"{url}/v1/courses/{GHOST}/ask", json=ask).status_code == 404
            assert httpx.get(f"{url}/v1/courses").status_code == 401
            assert httpx.get(f"{url}/courses/{A}/teacher").status_code == 401
    finally:
        campus.close()
