"""Two courses over HTTP with the real model: each answers only from its own documents.

An admin creates two courses and their keys over HTTP, each course's teacher uploads its two
documents, and each course's student asks. The four documents are made up for this test, and
both courses name the same captain, his daughter and their town, for different things: a
question about them is answered in each course from that course's documents, every citation
holds in the text the course serves (`text[start:end] == quote`), and a question only the
other course answers is refused or answered from this course's documents.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from bots.http_app import create_app
from tests.servers import serve
from tutor import Settings, Tutor

pytestmark = pytest.mark.slow

HISTORY, NATURE = "alder-history", "alder-nature"
DOCUMENTS = {
    HISTORY: {
        "harbour.md": """# The Harbour of Port Alder

## Founding

Port Alder was founded in 1791 by herring fishermen who sailed south from the Skerrow islands.
The first settlers built their houses on the sheltered eastern shore of the bay.

## The stone pier

Captain Odell Marrow built the first stone pier of Port Alder in 1802. He hauled the granite
blocks from the Kessel quarry on ox carts. The pier was lengthened by forty metres in 1858
after a winter storm wrecked three boats.

## Trade

By 1840 Port Alder shipped salted herring to eleven ports along the coast. The harbour master
kept a ledger of every cargo, and the ledgers survive in the town hall.
""",
        "lighthouse.md": """# The Vessin Lighthouse

## Building the tower

The Vessin lighthouse stands on a rock two kilometres west of Port Alder. Masons from the
town of Grell built its brick tower between 1830 and 1834. The light was lit for the first
time on the night of 9 November 1834.

## The keepers

Elsbeth Marrow, the daughter of Captain Odell Marrow, kept the light for thirty-one years.
She recorded the weather three times a day in a logbook.

## The lamp

The lamp burned whale oil until 1871, when the keepers switched to kerosene. An electric lamp
replaced it in 1926.
""",
    },
    NATURE: {
        "orchids.md": """# Orchids of Port Alder

## The marsh orchid

The Alder marsh orchid grows only in the wet meadows north of Port Alder. Its purple flowers
open in the second week of June and last about ten days.

## Discovery

Captain Odell Marrow collected the first specimen of the marsh orchid in 1815, while walking
the meadows after a storm. He pressed the flower in a ship's log and sent it to the herbarium
of Hollin College.

## Protection

The meadows became a nature reserve in 1962. Sheep are kept out of them from May to August so
that the orchids can set seed.
""",
        "lichens.md": """# Lichens of the Sea Cliffs

## Crust lichens

Grey crust lichens cover the sea cliffs south of Port Alder. Grey crust lichens grow about one
millimetre a year, so a patch the size of a plate may be centuries old.

## Orange lichens

Orange lichens grow where seabirds nest, because the birds' droppings feed them with nitrogen.
Elsbeth Marrow sketched the orange lichens below the lighthouse rock in her notebooks.

## Air quality

Lichens are sensitive to sulphur in the air. Botanists count the lichen species on the cliffs
every five years to follow changes in air quality.
""",
    },
}
OWN_DOCS = {
    course: {name.removesuffix(".md") for name in docs} for course, docs in DOCUMENTS.items()
}

# (question, a fact the answer or its first quote holds, the document it comes from)
QUESTIONS = {
    HISTORY: [
        ("When did Captain Odell Marrow build the first stone pier?", "1802", "harbour"),
        ("When was the Vessin lighthouse lit for the first time?", "1834", "lighthouse"),
        ("How long did Elsbeth Marrow keep the light?", "thirty-one years", "lighthouse"),
    ],
    NATURE: [
        ("When did Captain Odell Marrow collect the first marsh orchid?", "1815", "orchids"),
        ("Where do grey crust lichens grow?", "sea cliffs", "lichens"),
        ("What did Elsbeth Marrow sketch?", "orange lichens", "lichens"),
    ],
}
# Only the other course answers these.
ELSEWHERE = {
    HISTORY: ["When do the marsh orchids open their flowers?", "How fast do crust lichens grow?"],
    NATURE: ["When was the Vessin lighthouse lit for the first time?", "Who built the stone pier?"],
}
READY_WITHIN_S = 300.0  # two rebuilds a course with the real model on a busy host: far less


@dataclass
class Run:
    client: httpx.Client
    students: dict[str, dict[str, str]]  # course -> header


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory,
    real_tutor_for_module: Tutor,
) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("two-courses")
    settings = Settings(
        corpus_dir=root / "corpus",
        data_dir=root / "data",
        courses_dir=root / "courses",
        state_url="memory:",
        index_poll_seconds=0,
        rate_limit_per_minute=0,
    )
    admin = {"X-API-Key": real_tutor_for_module.create_key("head", "admin")}
    with (
        serve(create_app(settings, real_tutor_for_module)) as url,
        httpx.Client(base_url=url, timeout=120) as client,
    ):
        students = {}
        for course, docs in DOCUMENTS.items():
            made = client.post("/v1/courses", json={"course_id": course}, headers=admin)
            assert made.status_code == 201, made.text
            teacher = {"X-API-Key": new_key(client, admin, f"{course}-teacher", "teacher", course)}
            students[course] = {
                "X-API-Key": new_key(client, admin, f"{course}-lms", "student", course)
            }
            for name, text in docs.items():
                sent = client.post(
                    f"/v1/courses/{course}/documents",
                    files={"file": (name, text.encode())},
                    headers=teacher,
                )
                assert sent.status_code == 202, sent.text
            wait_until_indexed(client, course, teacher)
        yield Run(client, students)


@pytest.fixture(scope="module")
def real_tutor_for_module(seed_course, real_embedder) -> Tutor:  # type: ignore[no-untyped-def]
    """The seed course as the default one, with the real model and a fresh memory store."""
    from tutor.stores.memory import MemoryStateStore

    return Tutor(seed_course, real_embedder, MemoryStateStore())


def new_key(client: httpx.Client, admin: dict[str, str], name: str, role: str, course: str) -> str:
    made = client.post(
        "/v1/keys", json={"name": name, "role": role, "courses": [course]}, headers=admin
    )
    assert made.status_code == 201, made.text
    assert made.json()["courses"] == [course]
    return str(made.json()["key"])


def wait_until_indexed(client: httpx.Client, course: str, teacher: dict[str, str]) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while True:
        state = client.get(f"/v1/courses/{course}/index", headers=teacher).json()
        served = {d["doc_id"] for d in state["documents"]}
        if state["status"] == "ready" and served == OWN_DOCS[course]:
            return
        assert state["last_error"] is None, state["last_error"]
        assert time.monotonic() < deadline, state
        time.sleep(0.5)


def ask(run: Run, course: str, question: str) -> dict[str, Any]:
    sent = run.client.post(
        f"/v1/courses/{course}/ask", json={"question": question}, headers=run.students[course]
    )
    assert sent.status_code == 200, sent.text
    reply: dict[str, Any] = sent.json()
    return reply


def assert_cites_only(run: Run, course: str, reply: dict[str, Any]) -> None:
    """Every citation is of the course's documents and holds in the text it serves."""
    for c in reply["citations"]:
        assert c["doc_id"] in OWN_DOCS[course], (course, c)
        doc = run.client.get(
            f"/v1/courses/{course}/documents/{c['doc_id']}", headers=run.students[course]
        )
        assert doc.status_code == 200
        assert doc.json()["text"][c["start"] : c["end"]] == c["quote"], c


@pytest.mark.parametrize(
    ("course", "question", "fact", "doc_id"),
    [(course, *q) for course, questions in QUESTIONS.items() for q in questions],
)
def test_each_course_answers_from_its_own_documents(
    run: Run, course: str, question: str, fact: str, doc_id: str
) -> None:
    reply = ask(run, course, question)
    assert reply["answerable"], reply
    assert_cites_only(run, course, reply)
    first = reply["citations"][0]
    assert first["doc_id"] == doc_id, reply
    assert fact in (reply["answer"] + " " + first["quote"]).lower(), reply


def test_a_name_both_courses_use_is_answered_in_each_from_its_own(run: Run) -> None:
    question = "What did Captain Odell Marrow do?"
    quotes = {}
    for course in DOCUMENTS:
        reply = ask(run, course, question)
        assert reply["answerable"], (course, reply)
        assert_cites_only(run, course, reply)
        quotes[course] = reply["citations"][0]["quote"]
    # each from a sentence of its own course that names him: what he did there
    assert all("Odell Marrow" in q for q in quotes.values()), quotes
    assert "orchid" in quotes[NATURE] and "orchid" not in quotes[HISTORY], quotes


@pytest.mark.parametrize(
    ("course", "question"), [(c, q) for c, questions in ELSEWHERE.items() for q in questions]
)
def test_what_only_the_other_course_answers_is_refused_or_cited_from_this_one(
    run: Run, course: str, question: str
) -> None:
    reply = ask(run, course, question)
    assert_cites_only(run, course, reply)
    if reply["answerable"]:  # then from this course's text: it holds no answer to give
        other = next(c for c in DOCUMENTS if c != course)
        answers = {fact for q, fact, _ in QUESTIONS[other]} | {"second week of june", "kessel"}
        assert not any(a in reply["answer"].lower() for a in answers), reply


def test_a_student_of_one_course_is_refused_the_other(run: Run) -> None:
    sent = run.client.post(
        f"/v1/courses/{NATURE}/ask",
        json={"question": "Where do grey crust lichens grow?"},
        headers=run.students[HISTORY],
    )
    assert sent.status_code == 403
    default = run.client.post(
        "/v1/ask", json={"question": "What did Captain Odell Marrow do?"}, headers={}
    )
    assert default.status_code == 401, "keys exist: the default course is closed too"
