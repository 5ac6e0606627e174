"""The review routes over a real socket, on a fake clock: the due items in scheduling order
with their sections' counts and the streak, and the summary after answering them over the
ordinary quiz route."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bots.http_app import create_app
from tests.fake_clock import FakeClock
from tests.servers import serve
from tutor import Tutor, kind_of

DAY = 86_400.0


@pytest.fixture
def client(clocked_tutor: Tutor) -> Iterator[httpx.Client]:
    with serve(create_app(tutor=clocked_tutor)) as url, httpx.Client(base_url=url) as c:
        yield c


def test_nothing_due_for_a_new_learner(client: httpx.Client) -> None:
    body = client.get("/v1/sessions/s-new/review").json()
    assert body["items"] == [] and body["sections"] == [] and body["streak_days"] == 0
    summary = client.post(
        "/v1/sessions/s-new/review/summary", json={"quiz_ids": [], "since": body["now"]}
    ).json()
    assert (summary["reviewed"], summary["right"], summary["next_due_at"]) == (0, 0, None)


def test_a_review_over_http(client: httpx.Client, clocked_tutor: Tutor, clock: FakeClock) -> None:
    sid = "s-review"
    for _ in range(4):  # four items answered wrong: due again ten minutes later
        item, _ = clocked_tutor.quiz(sid)
        clocked_tutor.answer_quiz(item.quiz_id, "zzz", sid)
        clock.advance(60)
    clock.advance(10 * 60)
    body = client.get(f"/v1/sessions/{sid}/review", params={"zone": "Europe/Berlin"}).json()
    expected = [i.quiz_id for i in clocked_tutor.due_items(sid)]
    assert [i["quiz_id"] for i in body["items"]] == expected and len(expected) == 4
    assert "answer" not in body["items"][0], "the expected answer must not leak"
    assert sum(s["due"] for s in body["sections"]) == 4
    assert body["streak_days"] == 1 and body["now"] == clock()

    since = body["now"]
    for n, item in enumerate(body["items"]):
        clock.advance(20)
        # the first two right (on a second try where the first missed: the first counts)
        kind = kind_of(item["kind"])
        path = f"/v1/quiz/{item['quiz_id']}/answer"
        if n < 2:
            right = clocked_tutor.quiz_item(item["quiz_id"])
            choices = kind.choices(right)
            given = choices[0][choices[1]] if choices else right.answer
        else:
            given = "zzz"
        assert client.post(path, json={"session_id": sid, "answer": given}).status_code == 200
    summary = client.post(
        f"/v1/sessions/{sid}/review/summary",
        json={"quiz_ids": [i["quiz_id"] for i in body["items"]], "since": since, "zone": "UTC"},
    ).json()
    assert (summary["reviewed"], summary["right"]) == (4, 2)
    assert summary["next_due_at"] > summary["now"] == clock()
    assert summary["next_due"] >= 2  # the two missed, ten minutes from their answers
    assert client.get(f"/v1/sessions/{sid}/review").json()["items"] == []


def test_bad_zones_and_ids_are_4xx(client: httpx.Client) -> None:
    r = client.get("/v1/sessions/s1/review", params={"zone": "Mars/Olympus"})
    assert r.status_code == 400 and "IANA" in r.json()["detail"]
    assert client.get("/v1/sessions/" + "x" * 129 + "/review").status_code == 422
    assert client.get("/v1/sessions/bad%20id/review").status_code == 400
    r = client.post("/v1/sessions/s1/review/summary", json={"quiz_ids": "q", "since": 0})
    assert r.status_code == 422
