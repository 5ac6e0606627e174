"""Quiz endpoints over a real socket, with the core on fakes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bots.http_app import create_app
from tests.servers import serve
from tests.tutor.test_quizzes import make_tutor


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with serve(create_app(tutor=make_tutor())) as url, httpx.Client(base_url=url) as c:
        yield c


def test_ask_carries_a_followup_quiz_on_the_cited_passage(client: httpx.Client) -> None:
    body = client.post(
        "/v1/ask", json={"question": "When was the armistice in Korea concluded?"}
    ).json()
    quiz = body["followup_quiz"]
    assert quiz is not None
    lead = body["citations"][0]
    assert quiz["citation"]["doc_id"] == lead["doc_id"]
    assert quiz["citation"]["start"] < lead["end"] and lead["start"] < quiz["citation"]["end"]
    assert "answer" not in quiz, "the expected answer must not leak"


def test_quiz_answer_progress_round_trip(client: httpx.Client) -> None:
    item = client.post("/v1/quiz", json={"session_id": None, "topic": None, "kind": None}).json()
    sid = item["session_id"]
    assert item["kind"] == "short_answer" and item["options"] is None
    r = client.post(
        f"/v1/quiz/{item['quiz_id']}/answer", json={"session_id": sid, "answer": "no idea"}
    )
    assert r.status_code == 200
    graded = r.json()
    assert graded["correct"] is False
    assert graded["expected"] in graded["citation"]["quote"]
    assert graded["citation"]["quote"] in graded["feedback"]
    right = client.post(
        f"/v1/quiz/{item['quiz_id']}/answer", json={"session_id": sid, "answer": graded["expected"]}
    ).json()
    assert right["correct"] is True
    progress = client.get(f"/v1/sessions/{sid}/progress").json()
    assert progress["attempts"] == 2 and progress["correct_attempts"] == 1
    section = next(s for s in progress["sections"] if s["attempts"])
    assert section["correct_first_attempts"] == 0 and section["practised"] == 1


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/v1/quiz", {"kind": "essay"}, 422),
        ("/v1/quiz", {"topic": 5}, 422),
        ("/v1/quiz", {"session_id": "bad id"}, 400),
        ("/v1/quiz", {"kind": "true_false"}, 404),
        ("/v1/quiz/q-000000000000/answer", {"answer": "1957"}, 404),
        ("/v1/quiz/..%2F..%2Fetc/answer", {"answer": "1957"}, 404),
        ("/v1/quiz/q-000000000000/answer", {}, 422),
        ("/v1/quiz/q-000000000000/answer", {"answer": ["a"]}, 422),
        ("/v1/quiz/q-000000000000/answer", {"answer": "1957", "seconds": 0}, 422),
        ("/v1/quiz/q-000000000000/answer", {"answer": "1957", "seconds": -2.5}, 422),
        ("/v1/quiz/q-000000000000/answer", {"answer": "1957", "seconds": 90_000}, 422),
        ("/v1/quiz/q-000000000000/answer", {"answer": "1957", "seconds": "fast"}, 422),
    ],
)
def test_bad_quiz_requests_are_json_4xx(
    client: httpx.Client, path: str, body: dict[str, object], status: int
) -> None:
    r = client.post(path, json=body)
    assert r.status_code == status, r.text
    assert "detail" in r.json()


def test_an_answer_may_say_how_long_it_took(client: httpx.Client) -> None:
    """`seconds` is optional: the schedule it gives shows in what is due, never in the grade."""
    item = client.post("/v1/quiz", json={}).json()
    sid = item["session_id"]
    r = client.post(
        f"/v1/quiz/{item['quiz_id']}/answer",
        json={"session_id": sid, "answer": "no idea", "seconds": 12.5},
    )
    assert r.status_code == 200, r.text
    assert r.json()["correct"] is False
    assert set(r.json()) == {"correct", "expected", "feedback", "citation", "session_id"}


def test_progress_of_a_bad_session_id_is_400(client: httpx.Client) -> None:
    r = client.get("/v1/sessions/bad%20id/progress")
    assert r.status_code == 400
