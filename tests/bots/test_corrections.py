"""Teachers' corrections pinned to the source (issue 14, part 2), over a real socket: the
routes and their refusals, the note carried by every answer citing the span, quiz items on
the span no longer served, and what a re-index does to a correction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.bots.test_documents import COURSE, Served, serving
from tutor.quiz import to_aiken

SENTENCE = "The Berlin Wall was erected in August 1961 by the East German government."
QUESTION = "When was the Berlin Wall erected by the East German government?"
NOTE = "Work began in the night of 12 to 13 August 1961."


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serving(tmp_path)


def span_of(served: Served, doc_id: str, quote: str) -> tuple[int, int]:
    text = served.client.get(f"/v1/documents/{doc_id}").json()["text"]
    start = text.index(quote)
    return start, start + len(quote)


def correct(served: Served, **body: object) -> httpx.Response:
    return served.client.post("/v1/corrections", json=body, headers=served.teacher)


def listed(served: Served) -> list[dict[str, object]]:
    found = served.client.get("/v1/corrections", headers=served.teacher)
    assert found.status_code == 200, found.text
    return list(found.json())


def ask(served: Served) -> dict[str, object]:
    answer = served.client.post("/v1/ask", json={"question": QUESTION}, headers=served.teacher)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_correction_is_kept_listed_attached_and_removed(served: Served) -> None:
    start, end = span_of(served, "wall", SENTENCE)
    before = ask(served)
    assert before["citations"][0]["corrections"] == []  # type: ignore[index]
    quiz = before["followup_quiz"]
    assert quiz["citation"]["start"] < end and start < quiz["citation"]["end"]  # type: ignore[index]
    made = correct(served, doc_id="wall", start=start, end=end, note=f"  {NOTE} ")
    assert made.status_code == 201, made.text
    body = made.json()
    cid = body.pop("id")
    assert body == {
        "doc_id": "wall",
        "start": start,
        "end": end,
        "note": NOTE,
        "quote": SENTENCE,
        "stale": False,
    }
    assert listed(served) == [{**body, "id": cid}]

    answer = ask(served)
    cited = answer["citations"][0]  # type: ignore[index]
    assert cited["start"] < end and start < cited["end"], "the answer cites the sentence"
    assert cited["corrections"] == [{"id": cid, "note": NOTE, "start": start, "end": end}]
    assert answer["followup_quiz"] is None, "no follow-up quiz on the corrected sentence"
    page = served.client.get("/teacher", headers=served.teacher).text
    (latest, *_) = page.split("</article>")  # newest answer first
    assert latest.index(SENTENCE) < latest.index(f"Correction: {NOTE}")
    listing = served.client.get("/teacher?view=corrections", headers=served.teacher).text
    assert f"<mark>{SENTENCE}</mark>" in listing and f"Correction: {NOTE}" in listing
    assert "stale" not in listing

    gone = served.client.delete(f"/v1/corrections/{cid}", headers=served.teacher)
    assert gone.status_code == 204, gone.text
    assert listed(served) == []
    assert ask(served)["citations"][0]["corrections"] == []  # type: ignore[index]
    again = served.client.delete(f"/v1/corrections/{cid}", headers=served.teacher)
    assert again.status_code == 404 and cid in again.json()["detail"]


def test_only_overlapping_citations_carry_a_correction(served: Served) -> None:
    start, end = span_of(served, "sputnik", "Sputnik 1 was launched")
    assert correct(served, doc_id="sputnik", start=start, end=end, note="x").status_code == 201
    assert ask(served)["citations"][0]["corrections"] == []  # type: ignore[index]


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"doc_id": "wall", "start": 5, "end": 5, "note": "n"}, 400, "empty"),
        ({"doc_id": "wall", "start": 9, "end": 3, "note": "n"}, 400, "[9:3]"),
        ({"doc_id": "wall", "start": 0, "end": 10**6, "note": "n"}, 400, "not inside"),
        ({"doc_id": "nowhere", "start": 0, "end": 5, "note": "n"}, 404, "nowhere"),
        ({"doc_id": "wall", "start": 0, "end": 5, "note": "   "}, 400, "note"),
        ({"doc_id": "wall", "start": 0, "end": 5, "note": ""}, 422, "note"),
        ({"doc_id": "wall", "start": 0, "end": 5, "note": "n" * 1001}, 422, "note"),
        ({"doc_id": "wall", "start": -1, "end": 5, "note": "n"}, 422, "start"),
        ({"doc_id": "wall", "start": 0, "end": 5}, 422, "note"),
    ],
)
def test_a_bad_correction_is_refused_naming_the_reason(
    served: Served, body: dict[str, object], status: int, reason: str
) -> None:
    refused = correct(served, **body)
    assert refused.status_code == status, refused.text
    assert reason in refused.text
    assert listed(served) == []


def test_a_whitespace_span_is_refused(served: Served) -> None:
    text = served.client.get("/v1/documents/wall").json()["text"]
    at = text.index("\n\n")
    refused = correct(served, doc_id="wall", start=at, end=at + 2, note="n")
    assert refused.status_code == 400 and "whitespace" in refused.text


def test_the_routes_need_a_teacher_key(served: Served) -> None:
    student = served.tutor.create_key("pupil", "student")
    for key in (None, student):
        headers = {"X-API-Key": key} if key else {}
        body = {"doc_id": "wall", "start": 0, "end": 5, "note": "n"}
        assert served.client.post("/v1/corrections", json=body, headers=headers).status_code in (
            401,
            403,
        )
        assert served.client.get("/v1/corrections", headers=headers).status_code in (401, 403)
        assert served.client.delete("/v1/corrections/x", headers=headers).status_code in (401, 403)


def reindex(served: Served, text: str) -> None:
    sent = served.upload("wall.md", text.encode())
    assert sent.status_code == 202, sent.text
    served.ready()


def test_a_correction_follows_its_quote_through_a_reindex_and_goes_stale_when_it_changes(
    served: Served,
) -> None:
    start, end = span_of(served, "wall", SENTENCE)
    cid = correct(served, doc_id="wall", start=start, end=end, note=NOTE).json()["id"]
    moved = COURSE["wall.md"].replace("## Building\n\n", "## Building\n\nA new first sentence. ")
    reindex(served, moved)
    new_start, new_end = span_of(served, "wall", SENTENCE)
    assert new_start > start
    (found,) = listed(served)
    assert (found["start"], found["end"], found["stale"]) == (new_start, new_end, False)
    cited = ask(served)["citations"][0]  # type: ignore[index]
    assert cited["corrections"] == [{"id": cid, "note": NOTE, "start": new_start, "end": new_end}]

    reindex(served, moved.replace("August 1961", "the summer of 1961"))
    (found,) = listed(served)
    assert found["stale"] is True and found["quote"] == SENTENCE
    listing = served.client.get("/teacher?view=corrections", headers=served.teacher).text
    assert "stale: the document no longer holds this text" in listing
    assert all(c["corrections"] == [] for c in ask(served)["citations"])  # type: ignore[union-attr]


def test_quiz_items_on_a_corrected_span_are_not_served(served: Served) -> None:
    tutor = served.tutor
    on_wall = [i for i in tutor.quiz_items() if i.citation.doc_id == "wall"]
    assert on_wall, "the course has quiz items on the wall document"
    text = tutor.document("wall").text
    made = correct(served, doc_id="wall", start=0, end=len(text), note="all of it is wrong")
    assert made.status_code == 201, made.text
    assert set(tutor.corrected_items()) == {i.quiz_id for i in on_wall}
    gift = served.client.get("/v1/quiz/export", headers=served.teacher).text
    for item in tutor.quiz_items():
        marked = f"// CORRECTED SOURCE: all of it is wrong\n::{item.quiz_id} " in gift
        assert marked == (item.citation.doc_id == "wall"), item.quiz_id
    aiken = served.client.get("/v1/quiz/export?format=aiken", headers=served.teacher).text
    others = [i for i in tutor.quiz_items() if i.citation.doc_id != "wall"]
    assert aiken == to_aiken(others) != to_aiken(tutor.quiz_items())
    shown = set()
    for body in [{"session_id": "s1"}] * len(tutor.quiz_items()) + [{"topic": "Berlin Wall"}]:
        item = served.client.post("/v1/quiz", json=body, headers=served.teacher)
        if item.status_code == 404:
            continue
        assert item.status_code == 200, item.text
        shown.add(item.json()["citation"]["doc_id"])
    assert shown == {"sputnik"}
