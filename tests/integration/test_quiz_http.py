"""Quizzes over real HTTP with the real generator, model and FAISS."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from bots.http_app import create_app
from tests.servers import serve
from tutor.course import Course
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore

pytestmark = pytest.mark.slow
LETTERS = "ABCD"


@pytest.fixture(scope="module")
def client(seed_course: Course, real_embedder) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    tutor = Tutor(seed_course, real_embedder, MemoryStateStore())
    with serve(create_app(tutor=tutor)) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield c


def topics(client: httpx.Client) -> list[str]:
    """Section titles, then capitalised words of the course: topics a student might name."""
    docs = client.get("/v1/documents").json()
    found = [s for d in docs for s in d["sections"]][1:]
    for d in docs:
        text = client.get(f"/v1/documents/{d['doc_id']}").json()["text"]
        for word in re.findall(r"(?<=[a-z,] )[A-Z][a-z]{3,}", text):
            if word not in found:
                found.append(word)
    return found


def change_one_digit(answer: str) -> str:
    i = next(i for i, ch in enumerate(answer) if ch.isdigit())
    return answer[:i] + str((int(answer[i]) + 1) % 10) + answer[i + 1 :]


def swap_letters_in_a_long_word(answer: str) -> str | None:
    for m in re.finditer(r"[A-Za-z]{6,}", answer):
        w = m.group()
        swapped = w[:2] + w[3] + w[2] + w[4:]
        if swapped.lower() != w.lower():
            return answer[: m.start()] + swapped + answer[m.end() :]
    return None


def test_twenty_topics_graded_fairly(client: httpx.Client) -> None:
    sid = None
    served = []
    checks = 0
    for topic in topics(client):
        r = client.post("/v1/quiz", json={"session_id": sid, "topic": topic})
        if r.status_code == 404:
            continue
        assert r.status_code == 200, r.text
        item = r.json()
        sid = item["session_id"]
        if item["quiz_id"] in served:
            continue
        served.append(item["quiz_id"])
        url = f"/v1/quiz/{item['quiz_id']}/answer"

        def attempt(answer: str, _url: str = url, _sid: str = sid) -> dict[str, object]:
            out = client.post(_url, json={"session_id": _sid, "answer": answer})
            assert out.status_code == 200, out.text
            return dict(out.json())

        nonsense = attempt("purple elephants dancing")
        assert nonsense["correct"] is False, (topic, item)
        expected = str(nonsense["expected"])
        assert attempt(expected)["correct"] is True, (topic, item, expected)
        if item["kind"] == "multiple_choice":
            options = item["options"]
            assert len(options) == 4 and len(set(options)) == 4 and expected in options
            letter = LETTERS[options.index(expected)]
            assert attempt(letter)["correct"] is True
            assert attempt(letter.lower() + ")")["correct"] is True
            distractor = next(o for o in options if o != expected)
            assert attempt(distractor)["correct"] is False, (item, distractor)
        elif item["kind"] == "true_false":
            assert expected in ("true", "false")
            assert attempt("no" if expected == "true" else "yes")["correct"] is False
        if item["kind"] != "true_false" and any(ch.isdigit() for ch in expected):
            assert attempt(change_one_digit(expected))["correct"] is False, (item, expected)
            checks += 1
        typo = swap_letters_in_a_long_word(expected)
        if item["kind"] != "true_false" and typo and not any(ch.isdigit() for ch in expected):
            assert attempt(typo)["correct"] is True, (item, typo)
            checks += 1
        if len(served) == 20:
            break
    assert len(served) == 20, f"only {len(served)} topics gave a quiz item"
    assert checks >= 5
    progress = client.get(f"/v1/sessions/{sid}/progress").json()
    assert progress["attempts"] >= 60
    assert sum(s["practised"] for s in progress["sections"]) == 20
