"""API keys, the audit log, flags, CSV and the review page, over a real socket."""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bots.access import RedactKeys
from bots.http_app import create_app
from tests.servers import serve
from tests.tutor.test_quizzes import make_tutor
from tutor.domain import Document
from tutor.service import Tutor
from tutor.settings import Settings


@pytest.fixture
def tutor() -> Tutor:
    return make_tutor()


@pytest.fixture
def client(tutor: Tutor) -> Iterator[httpx.Client]:
    with serve(create_app(Settings(), tutor)) as url, httpx.Client(base_url=url) as c:
        yield c


ASK = {"question": "When was the Berlin Wall erected?"}


def test_student_endpoints_are_open_until_a_key_exists(client: httpx.Client, tutor: Tutor) -> None:
    assert client.post("/v1/ask", json=ASK).status_code == 200
    student = tutor.create_key("lms", "student")
    assert client.post("/v1/ask", json=ASK).status_code == 401
    assert client.post("/v1/ask", json=ASK, headers={"X-API-Key": "nope"}).status_code == 401
    assert client.post("/v1/ask", json=ASK, headers={"X-API-Key": student}).status_code == 200
    assert client.post("/v1/quiz", json={}, headers={"X-API-Key": student}).status_code == 200
    assert client.post("/v1/quiz", json={}).status_code == 401
    assert client.get("/v1/sessions/s1/progress").status_code == 401
    tutor.revoke_key("lms")
    revoked = client.post("/v1/ask", json=ASK, headers={"X-API-Key": student})
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    assert client.get("/healthz").status_code == 200, "health stays open"


def test_require_api_key_closes_the_open_default(tutor: Tutor) -> None:
    with serve(create_app(Settings(require_api_key=True), tutor)) as url:
        assert httpx.post(f"{url}/v1/ask", json=ASK).status_code == 401


def test_teacher_endpoints_need_a_teacher_key(client: httpx.Client, tutor: Tutor) -> None:
    student = tutor.create_key("lms", "student")
    teacher = tutor.create_key("ms-smith", "teacher")
    for path in ("/v1/audit", "/v1/quiz/export", "/teacher"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"X-API-Key": student}).status_code == 403, path
        assert client.get(path, headers={"X-API-Key": teacher}).status_code == 200, path
    assert client.get("/teacher", params={"key": teacher}).status_code == 200
    assert client.get("/v1/audit", params={"key": teacher}).status_code == 401, "header only"
    assert client.post("/v1/audit/1/flag", json={"note": "x"}).status_code == 401


def test_audit_records_every_answer_and_filters(client: httpx.Client, tutor: Tutor) -> None:
    teacher = {"X-API-Key": tutor.create_key("t", "teacher")}
    student = {"X-API-Key": tutor.create_key("s", "student")}
    sid = client.post("/v1/ask", json=ASK, headers=student).json()["session_id"]
    client.post("/v1/ask", json={"question": "How do I bake sourdough bread?"}, headers=student)
    client.post("/v1/ask", json=ASK, headers={**student, "X-Tutor-Channel": "widget"})
    tutor.ask("What is the capital of Australia?", None, "telegram")
    rows = client.get("/v1/audit", headers=teacher).json()
    assert [r["channel"] for r in rows] == ["telegram", "widget", "http", "http"]
    first = rows[-1]
    assert first["session_id"] == sid and first["answerable"] is True
    assert first["index_version"] == tutor.index_version
    assert first["citations"][0]["verified"] is True
    assert {"doc_id", "section", "start", "end", "quote"} <= set(first["citations"][0])
    assert len(client.get("/v1/audit", params={"answerable": False}, headers=teacher).json()) == 2
    assert len(client.get("/v1/audit", params={"channel": "widget"}, headers=teacher).json()) == 1
    assert len(client.get("/v1/audit", params={"session": sid}, headers=teacher).json()) == 1
    low = client.get("/v1/audit", params={"max_confidence": 0.5}, headers=teacher).json()
    assert all(r["confidence"] <= 0.5 for r in low)
    assert client.get("/v1/audit", params={"since": "2999-01-01"}, headers=teacher).json() == []
    assert (
        client.get("/v1/audit", params={"since": "yesterday"}, headers=teacher).status_code == 400
    )
    assert client.get("/v1/audit", params={"channel": "fax"}, headers=teacher).status_code == 422


def test_csv_is_valid_and_round_trips_quotes(client: httpx.Client, tutor: Tutor) -> None:
    teacher = {"X-API-Key": tutor.create_key("t", "teacher")}
    client.post(
        "/v1/ask", json={"question": 'What did "it", the Wall, become?\nAnd then?'}, headers=teacher
    )
    client.post("/v1/ask", json=ASK, headers=teacher)
    r = client.get("/v1/audit", params={"format": "csv"}, headers=teacher)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:4] == ["id", "at", "channel", "session_id"]
    assert len(rows) == 3 and all(len(row) == len(rows[0]) for row in rows)
    assert rows[2][4] == 'What did "it", the Wall, become? And then?'
    assert rows[1][rows[0].index("citations_verified")] == "True"


def test_flag_round_trip(client: httpx.Client, tutor: Tutor) -> None:
    teacher = {"X-API-Key": tutor.create_key("t", "teacher")}
    client.post("/v1/ask", json=ASK, headers=teacher)
    audit_id = client.get("/v1/audit", headers=teacher).json()[0]["id"]
    r = client.post(f"/v1/audit/{audit_id}/flag", json={"note": "wrong date"}, headers=teacher)
    assert r.status_code == 200 and r.json()["flagged"] is True
    flagged = client.get("/v1/audit", params={"flagged": True}, headers=teacher).json()
    assert [(f["id"], f["note"]) for f in flagged] == [(audit_id, "wrong date")]
    assert client.post("/v1/audit/999/flag", json={"note": "x"}, headers=teacher).status_code == 404
    page = client.get("/teacher", params={"key": teacher["X-API-Key"], "flagged": "true"})
    assert "wrong date" in page.text


def test_a_changed_source_shows_as_unverified(client: httpx.Client, tutor: Tutor) -> None:
    teacher = {"X-API-Key": tutor.create_key("t", "teacher")}
    client.post("/v1/ask", json=ASK, headers=teacher)
    doc_id = "ussr-foreign-policy-1953-1964"
    old = tutor.course.documents[doc_id]
    tutor.course.documents[doc_id] = dataclasses.replace(
        old, text=old.text.replace("August 13", "August 31")
    )
    try:
        record = client.get("/v1/audit", headers=teacher).json()[0]
        assert record["citations"][0]["verified"] is False
        page = client.get("/teacher", headers=teacher).text
        assert "source changed" in page
    finally:
        tutor.course.documents[doc_id] = old
    page = client.get("/teacher", headers=teacher).text
    assert (
        "✓ verified" in page and "<mark>On August 13, the Berlin Wall was erected.</mark>" in page
    )


def test_review_page_escapes_and_groups_uncovered_questions(
    client: httpx.Client, tutor: Tutor
) -> None:
    key = tutor.create_key("t", "teacher")
    for q in (
        "Who won the 1964 Summer Olympics?",
        "Which country won the most medals at the 1964 Olympics?",
        "How do I bake sourdough bread? <script>alert(1)</script>",
    ):
        tutor.ask(q)
    page = client.get("/teacher", params={"key": key, "view": "uncovered"})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    topics = tutor.uncovered()
    assert sum(t.count for t in topics) == 3
    assert isinstance(tutor.course.documents["ussr-foreign-policy-1953-1964"], Document)


def test_keys_in_urls_never_reach_the_access_log() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", "/teacher?view=x&key=tk_secret123&low=1", "1.1", 200),
        None,
    )
    RedactKeys().filter(record)
    line = record.getMessage()
    assert "tk_secret123" not in line and "key=***" in line and "low=1" in line


def test_cors_allows_configured_origins_only(tutor: Tutor) -> None:
    settings = Settings(cors_origins=["https://lms.example.edu"])
    with serve(create_app(settings, tutor)) as url:
        pre = {
            "Origin": "https://lms.example.edu",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key,content-type",
        }
        ok = httpx.options(f"{url}/v1/ask", headers=pre)
        assert ok.headers["access-control-allow-origin"] == "https://lms.example.edu"
        assert "access-control-allow-credentials" not in ok.headers
        bad = httpx.options(f"{url}/v1/ask", headers={**pre, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in bad.headers


def test_every_teacher_route_refuses_no_key_and_a_students_key(
    client: httpx.Client, tutor: Tutor, tmp_path: Path
) -> None:
    """Every route of the teacher router, found by walking it (a new one is covered too)."""
    from fastapi.routing import APIRoute

    from bots.class_report import router as class_router
    from bots.teacher import router
    from bots.teacher_page import router as page_router
    from index.library import CorpusLibrary

    # a teacher's key gets past the check to the document routes' own refusals: nothing to
    # rebuild (an unknown file type, an unknown document)
    tutor.manage_documents(CorpusLibrary(tmp_path / "corpus", tmp_path / "data"))
    past_the_key = {
        ("POST", "/v1/documents"): 415,
        ("DELETE", "/v1/documents/nope"): 404,
        ("POST", "/v1/corrections"): 422,  # {"note": "x"} names no span
        ("DELETE", "/v1/corrections/nope"): 404,
    }
    student = tutor.create_key("lms", "student")
    teacher = tutor.create_key("ms-smith", "teacher")
    tutor.ask(ASK["question"])  # an audit record for the flag route
    routes = [
        r
        for r in (*router.routes, *class_router.routes, *page_router.routes)
        if isinstance(r, APIRoute)
    ]
    assert len(routes) >= 4
    calls = [
        (
            method,
            r.path.replace("{audit_id}", "1")
            .replace("{doc_id}", "nope")
            .replace("{correction_id}", "nope"),
        )
        for r in routes
        for method in r.methods
    ]
    for method, path in calls:

        def send(**kw: Any) -> int:
            if (method, path) == ("POST", "/v1/documents"):  # noqa: B023
                kw["files"] = {"file": ("notes.exe", b"MZ")}
            else:
                kw["json"] = {"note": "x"}
            return client.request(method, path, **kw).status_code  # noqa: B023

        assert send() == 401, (method, path)
        assert send(headers={"X-API-Key": "tk_not-a-real-key"}) == 401, (method, path)
        assert send(headers={"X-API-Key": student}) == 403, (method, path)
        assert send(params={"key": student}) in (401, 403), (method, path)  # never let in
        wanted = past_the_key.get((method, path), 200)
        assert send(headers={"X-API-Key": teacher}) == wanted, (method, path)
    tutor.revoke_key("ms-smith")
    assert client.get("/v1/audit", headers={"X-API-Key": teacher}).status_code == 401
    assert client.get("/teacher", params={"key": teacher}).status_code == 401
