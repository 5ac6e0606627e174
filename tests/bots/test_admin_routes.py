"""The admin routes over a real socket: courses and keys made, listed, removed and revoked
over HTTP, and what a course's routes answer before its first document and after removal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bots.http_app import create_app
from tests.bots.test_course_matrix import A, settings_in, two_courses
from tests.servers import serve


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    campus = two_courses(tmp_path)
    admin = {"X-API-Key": campus.create_key("head", "admin")}
    with (
        serve(create_app(settings_in(tmp_path / "unused"), campus)) as url,
        httpx.Client(base_url=url, timeout=60) as c,
    ):
        yield c, admin
    campus.close()


def test_courses_are_made_listed_and_removed(client: tuple[httpx.Client, dict[str, str]]) -> None:
    c, admin = client
    made = c.post("/v1/courses", json={"course_id": "chem-9", "title": "Chemistry"}, headers=admin)
    assert made.status_code == 201
    assert made.json()["course_id"] == "chem-9" and made.json()["title"] == "Chemistry"
    listed = c.get("/v1/courses", headers=admin).json()
    assert [x["course_id"] for x in listed] == ["default", A, "geology", "chem-9"]
    assert listed[0]["created_at"] is None and listed[-1]["created_at"].endswith("+00:00")
    taken = c.post("/v1/courses", json={"course_id": "chem-9"}, headers=admin)
    assert taken.status_code == 400 and "exists already" in taken.json()["detail"]
    bad = c.post("/v1/courses", json={"course_id": "Chem 9"}, headers=admin)
    assert bad.status_code == 400 and "lowercase" in bad.json()["detail"]

    # a course without documents: questions and quizzes get 409 and say why
    for path, body in (("ask", {"question": "What is an acid?"}), ("quiz", {})):
        empty = c.post(f"/v1/courses/chem-9/{path}", json=body, headers=admin)
        assert empty.status_code == 409, empty.text
        assert "no documents yet" in empty.json()["detail"]
    assert c.get("/v1/courses/chem-9/documents", headers=admin).json() == []

    student = c.post(
        "/v1/keys",
        json={"name": "chem-lms", "role": "student", "courses": ["chem-9"]},
        headers=admin,
    ).json()["key"]
    both = c.post(
        "/v1/keys",
        json={"name": "two-lms", "role": "student", "courses": ["chem-9", A]},
        headers=admin,
    ).json()["key"]
    assert c.delete("/v1/courses/chem-9", headers=admin).status_code == 204
    gone = c.post("/v1/courses/chem-9/ask", json={"question": "x"}, headers=admin)
    assert gone.status_code == 404 and gone.json()["detail"] == "no course 'chem-9'"
    assert c.delete("/v1/courses/chem-9", headers=admin).status_code == 404
    # the removed course is taken off the keys: one left with none is revoked, and a course
    # made again with the same id is not open to the keys of the old one
    keys = {k["name"]: k for k in c.get("/v1/keys", headers=admin).json()}
    assert keys["chem-lms"]["revoked"] is True and keys["two-lms"]["courses"] == [A]
    assert c.post("/v1/courses", json={"course_id": "chem-9"}, headers=admin).status_code == 201
    again = c.post("/v1/courses/chem-9/ask", json={"question": "x"}, headers={"X-API-Key": both})
    assert again.status_code == 403
    revoked = c.post(
        "/v1/courses/chem-9/ask", json={"question": "x"}, headers={"X-API-Key": student}
    )
    assert revoked.status_code == 401
    kept = c.delete("/v1/courses/default", headers=admin)
    assert kept.status_code == 400 and "cannot be removed" in kept.json()["detail"]


def test_keys_are_shown_once_scoped_and_revoked(
    client: tuple[httpx.Client, dict[str, str]],
) -> None:
    c, admin = client
    made = c.post(
        "/v1/keys", json={"name": "bio-lms", "role": "student", "courses": [A]}, headers=admin
    )
    assert made.status_code == 201
    body = made.json()
    assert body["name"] == "bio-lms" and body["role"] == "student" and body["courses"] == [A]
    assert body["key"].startswith("tk_") and body["revoked"] is False
    listed = c.get("/v1/keys", headers=admin)
    assert body["key"] not in listed.text, "a key is shown once"
    rows = {k["name"]: k for k in listed.json()}
    assert rows["head"]["courses"] == [] and rows["bio-lms"]["courses"] == [A]
    key = {"X-API-Key": body["key"]}
    ask = {"question": "How do ferns reproduce?"}
    assert c.post(f"/v1/courses/{A}/ask", json=ask, headers=key).status_code == 200
    assert c.post("/v1/courses/geology/ask", json=ask, headers=key).status_code == 403
    assert c.post("/v1/ask", json=ask, headers=key).status_code == 403
    assert c.get("/v1/keys", headers=key).status_code == 403

    default = c.post("/v1/keys", json={"name": "old-style", "role": "teacher"}, headers=admin)
    assert default.json()["courses"] == ["default"], "no course named: the default one"
    for wrong, why in (
        ({"name": "x", "role": "student", "courses": ["nope"]}, 404),
        ({"name": "y", "role": "admin", "courses": [A]}, 400),
        ({"name": "bio-lms", "role": "student"}, 400),
        ({"name": "z", "role": "owner"}, 422),
    ):
        assert c.post("/v1/keys", json=wrong, headers=admin).status_code == why, wrong

    assert c.delete("/v1/keys/bio-lms", headers=admin).status_code == 204
    assert c.post(f"/v1/courses/{A}/ask", json=ask, headers=key).status_code == 401
    assert c.delete("/v1/keys/bio-lms", headers=admin).status_code == 404
    revoked = {k["name"]: k["revoked"] for k in c.get("/v1/keys", headers=admin).json()}
    assert revoked == {"head": False, "bio-lms": True, "old-style": False}
