"""The HTTP API over a real socket, with the core on fakes (fast)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from bots.http_app import create_app
from tests.servers import serve
from tutor.service import Tutor


@pytest.fixture
def client(fake_tutor: Tutor) -> Iterator[httpx.Client]:
    with serve(create_app(tutor=fake_tutor)) as url, httpx.Client(base_url=url) as c:
        yield c


def test_health(client: httpx.Client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_ask_returns_cited_answer_whose_offsets_match_the_document(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json={"question": "When was the Berlin Wall erected?"})
    assert r.status_code == 200
    body = r.json()
    assert body["answerable"] is True
    assert "August 13" in body["answer"]
    assert len(body["answer"]) <= 500
    assert 0.0 <= body["confidence"] <= 1.0
    assert body["session_id"]
    assert "followup_quiz" in body
    doc = client.get(f"/v1/documents/{body['citations'][0]['doc_id']}").json()
    for c in body["citations"]:
        assert doc["text"][c["start"] : c["end"]] == c["quote"]
        assert len(c["quote"]) <= 600
    assert body["citations"][0]["section"] == "New negotiations"


def test_session_is_kept_and_follow_up_uses_it(client: httpx.Client) -> None:
    first = client.post("/v1/ask", json={"question": "When was the Berlin Wall erected?"}).json()
    sid = first["session_id"]
    second = client.post("/v1/ask", json={"question": "What did it become?", "session_id": sid})
    assert second.status_code == 200
    assert second.json()["session_id"] == sid
    assert "Iron Curtain" in second.json()["answer"]


def test_unanswerable_question_abstains_with_suggestions(client: httpx.Client) -> None:
    body = client.post("/v1/ask", json={"question": "How do I bake sourdough bread?"}).json()
    assert body["answerable"] is False
    assert body["citations"] == []
    assert "doesn't cover" in body["answer"]
    assert body["suggestions"]


def test_documents_list_and_text(client: httpx.Client) -> None:
    docs = client.get("/v1/documents").json()
    assert [d["doc_id"] for d in docs] == ["ussr-foreign-policy-1953-1964"]
    assert "Caribbean crisis" in docs[0]["sections"]
    doc = client.get("/v1/documents/ussr-foreign-policy-1953-1964").json()
    assert doc["title"].startswith("Foreign policy in the USSR")
    assert "Similar articles" not in doc["text"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"question": ""}, 400),
        ({"question": "   "}, 400),
        ({"question": "x" * 1001}, 400),
        ({"question": "Berlin\u0000Wall?"}, 400),
        ({"question": 42}, 422),
        ({"question": None}, 422),
        ({}, 422),
        ({"question": "Berlin Wall?", "session_id": "../../etc/passwd"}, 400),
        ({"question": "Berlin Wall?", "session_id": "a" * 129}, 422),
        ({"question": "Berlin Wall?", "session_id": 7}, 422),
    ],
)
def test_bad_input_is_a_json_4xx(client: httpx.Client, body: object, status: int) -> None:
    r = client.post("/v1/ask", json=body)
    assert r.status_code == status, r.text
    assert "detail" in r.json()


def test_malformed_json_is_a_4xx(client: httpx.Client) -> None:
    r = client.post(
        "/v1/ask", content=b'{"question": ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert "detail" in r.json()


def test_unknown_document_is_404(client: httpx.Client) -> None:
    r = client.get("/v1/documents/no-such-doc")
    assert r.status_code == 404
    assert "no-such-doc" in r.json()["detail"]


def test_openapi_lists_the_contract(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/ask", "/v1/documents", "/v1/documents/{doc_id}", "/healthz"} <= set(spec["paths"])
    ask = spec["components"]["schemas"]["AskResponse"]["properties"]
    assert {
        "answer",
        "answerable",
        "confidence",
        "citations",
        "session_id",
        "followup_quiz",
    } <= set(ask)
