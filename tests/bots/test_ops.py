"""`/readyz` over a real socket: ready, then degraded while the state store is down, with
questions still answered; and each check failing on its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from bots.http_app import create_app
from bots.ops import readiness, run_check
from tests.conftest import make_course, seed_files
from tests.servers import serve
from tests.tutor.test_state_outage import OutageStore
from tutor import Tutor
from tutor.fakes import HashingEmbedder
from tutor.settings import Settings

ASK = {"question": "When was the Berlin Wall erected?"}


@pytest.fixture
def store() -> OutageStore:
    return OutageStore()


@pytest.fixture
def tutor(store: OutageStore) -> Tutor:
    embedder = HashingEmbedder()
    return Tutor(make_course(seed_files(), embedder), embedder, store)


@pytest.fixture
def client(tutor: Tutor) -> Iterator[httpx.Client]:
    with serve(create_app(Settings(), tutor)) as url, httpx.Client(base_url=url) as c:
        yield c


def test_ready_when_index_model_and_state_work(client: httpx.Client) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {
        "status": "ready",
        "checks": {"index": "ok", "model": "ok", "state": "ok"},
    }


def test_degraded_state_store_still_answers_and_readyz_says_why(
    client: httpx.Client, store: OutageStore
) -> None:
    assert client.post("/v1/ask", json=ASK).status_code == 200  # learns the service is open
    store.down = True
    r = client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "degraded"
    assert body["checks"]["index"] == "ok" and body["checks"]["model"] == "ok"
    assert body["checks"]["state"].startswith("unavailable: state store unreachable")
    asked = client.post("/v1/ask", json=ASK)
    assert asked.status_code == 200 and "August 13" in asked.json()["answer"]
    assert client.get("/healthz").status_code == 200
    store.down = False
    assert client.get("/readyz").status_code == 200


def test_a_key_checked_before_the_outage_still_asks(
    client: httpx.Client, tutor: Tutor, store: OutageStore
) -> None:
    key = {"X-API-Key": tutor.create_key("lms", "student")}
    assert client.post("/v1/ask", json=ASK, headers=key).status_code == 200
    store.down = True
    assert client.post("/v1/ask", json=ASK, headers=key).status_code == 200
    other = {"X-API-Key": "tk_never-seen-by-this-process-xxxx"}
    assert client.post("/v1/ask", json=ASK, headers=other).status_code == 503


def test_readyz_while_the_tutor_is_starting() -> None:
    status, body = readiness(None)
    assert status == 503 and body["status"] == "degraded"
    assert set(body["checks"]) == {"index", "model", "state"}  # type: ignore[arg-type]


class BrokenEmbedder(HashingEmbedder):
    def embed(self, texts: object) -> np.ndarray:  # type: ignore[override]
        raise RuntimeError("the model process died")


def test_a_broken_model_is_reported(tutor: Tutor) -> None:
    tutor.embedder = BrokenEmbedder()
    status, body = readiness(tutor)
    assert status == 503
    assert body["checks"] == {
        "index": "ok",
        "model": "unavailable: the model process died",
        "state": "ok",
    }


def test_an_empty_index_is_reported(tutor: Tutor) -> None:
    tutor.course = make_course({"empty.txt": ""})
    status, body = readiness(tutor)
    assert status == 503
    assert body["checks"]["index"] == "unavailable: the index holds no passages"  # type: ignore[index]


def test_a_check_that_hangs_is_reported_in_time(tutor: Tutor) -> None:
    release = threading.Event()

    def stuck(_: Tutor) -> None:
        release.wait(30)  # a locked database, an unreachable host

    started = time.monotonic()
    verdict = run_check(stuck, tutor, timeout=0.2)
    release.set()
    assert verdict == "unavailable: no reply within 0.2 s"
    assert time.monotonic() - started < 2
    assert run_check(lambda _: None, tutor) == "ok"
