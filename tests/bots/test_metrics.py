"""GET /metrics over a real socket, on the fake-backed tutor: off, token-protected, and what it
counts (answers and refusals per channel, latency per route template, the model's batches,
state store errors, the index)."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from starlette.testclient import TestClient

from bots.http_app import create_app
from bots.logsafe import Redactor, secrets_of
from bots.metrics import Metrics
from bots.wiring import ensure_index
from tests.conftest import SEED_CORPUS, make_course, seed_files
from tests.servers import serve
from tests.tutor.test_state_outage import OutageStore
from tutor import Tutor
from tutor.embedding import BatchingEmbedder, Lexicon
from tutor.fakes import HashingEmbedder
from tutor.settings import Settings

BERLIN = {"question": "When was the Berlin Wall erected?"}
OFF_COURSE = {"question": "How do I bake sourdough bread?"}
DOC = "ussr-foreign-policy-1953-1964"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    """Every sample of an exposition, by name and labels."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def scrape(client: httpx.Client) -> Samples:
    r = client.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return samples(r.text)


@pytest.fixture
def store() -> OutageStore:
    return OutageStore()


@pytest.fixture
def tutor(store: OutageStore) -> Tutor:
    """The seed course on the hashing embedder behind the real batcher."""
    embedder = HashingEmbedder()
    return Tutor(make_course(seed_files(), embedder), BatchingEmbedder(embedder), store)


@pytest.fixture
def client(tutor: Tutor) -> Iterator[httpx.Client]:
    with (
        serve(create_app(Settings(metrics="open"), tutor)) as url,
        httpx.Client(base_url=url) as c,
    ):
        yield c


def test_metrics_off_is_not_found(tutor: Tutor) -> None:
    with (
        serve(create_app(Settings(metrics="off"), tutor)) as url,
        httpx.Client(base_url=url) as c,
    ):
        assert c.post("/v1/ask", json=BERLIN).status_code == 200
        assert c.get("/metrics").status_code == 404


def test_metrics_with_a_token_needs_the_bearer_token(tutor: Tutor) -> None:
    settings = Settings(metrics="token", metrics_token="s3cret-scraper-token")
    with serve(create_app(settings, tutor)) as url, httpx.Client(base_url=url) as c:
        bare = c.get("/metrics")
        assert bare.status_code == 401 and bare.headers["www-authenticate"] == "Bearer"
        assert "tutor_" not in bare.text
        wrong = c.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status_code == 401
        # a student key opens student routes, never the metrics
        assert c.get("/metrics", headers={"X-API-Key": "s3cret-scraper-token"}).status_code == 401
        ok = c.get("/metrics", headers={"Authorization": "Bearer s3cret-scraper-token"})
        assert ok.status_code == 200 and "tutor_answers_total" in ok.text


def test_token_mode_without_a_token_is_a_settings_error() -> None:
    with pytest.raises(ValidationError, match="TUTOR_METRICS_TOKEN"):
        Settings(metrics="token")
    with pytest.raises(ValidationError):
        Settings(metrics="public")


def test_answers_and_refusals_are_counted_per_channel(client: httpx.Client) -> None:
    before = scrape(client)
    assert value(before, "tutor_answers_total", channel="http", outcome="answered") == 0
    assert value(before, "tutor_answers_total", channel="telegram", outcome="refused") == 0
    assert client.post("/v1/ask", json=BERLIN).json()["answerable"] is True
    assert client.post("/v1/ask", json=BERLIN).json()["answerable"] is True
    assert client.post("/v1/ask", json=OFF_COURSE).json()["answerable"] is False
    widget = client.post("/v1/ask", json=OFF_COURSE, headers={"X-Tutor-Channel": "widget"})
    assert widget.json()["answerable"] is False
    assert client.post("/v1/ask", json={"question": ""}).status_code == 400  # not an answer
    after = scrape(client)
    assert value(after, "tutor_answers_total", channel="http", outcome="answered") == 2
    assert value(after, "tutor_answers_total", channel="http", outcome="refused") == 1
    assert value(after, "tutor_answers_total", channel="widget", outcome="refused") == 1
    assert value(after, "tutor_answers_total", channel="widget", outcome="answered") == 0


def test_latency_is_labelled_by_route_template_not_raw_path(client: httpx.Client) -> None:
    assert client.get(f"/v1/documents/{DOC}").status_code == 200
    assert client.get("/v1/documents/no-such-document").status_code == 404
    assert client.get("/wp-admin/setup.php").status_code == 404
    assert client.put("/v1/ask", json=BERLIN).status_code == 405
    text = client.get("/metrics").text
    found = samples(text)
    count = "tutor_http_request_duration_seconds_count"
    route = "/v1/documents/{doc_id}"
    assert value(found, count, route=route, method="GET", status="200") == 1
    assert value(found, count, route=route, method="GET", status="404") == 1
    assert value(found, count, route="unmatched", method="GET", status="404") == 1
    assert value(found, count, route="/v1/ask", method="PUT", status="405") == 1
    bucket = "tutor_http_request_duration_seconds_bucket"
    assert value(found, bucket, route=route, method="GET", status="200", le="+Inf") == 1
    assert DOC not in text and "wp-admin" not in text  # no raw path becomes a label


def test_a_body_refused_before_routing_keeps_its_route(client: httpx.Client) -> None:
    big = {"question": "x" * 70_000}  # over the 64 KiB body limit: a 413 from the middleware
    assert client.post("/v1/ask", json=big).status_code == 413
    count = "tutor_http_request_duration_seconds_count"
    # the 413 is sent before the body is drained, and the request is timed once the
    # middleware returns: the client can read it a moment before the metric is there
    deadline = time.monotonic() + 5
    while True:
        seen = value(scrape(client), count, route="/v1/ask", method="POST", status="413")
        if seen or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert seen == 1


def test_the_model_batches_and_queue_waits_show_after_questions(client: httpx.Client) -> None:
    before = scrape(client)
    assert value(before, "tutor_embedding_batch_size_count") == 0
    for _ in range(3):
        assert client.post("/v1/ask", json=OFF_COURSE).status_code == 200
    after = scrape(client)
    calls = value(after, "tutor_embedding_batch_size_count")
    assert calls >= 3
    assert value(after, "tutor_embedding_batch_size_sum") >= calls  # at least a text each
    assert value(after, "tutor_embedding_batch_requests_count") == calls
    assert value(after, "tutor_embedding_queue_wait_seconds_count") >= calls
    assert value(after, "tutor_embedding_call_seconds_count") == calls
    assert value(after, "tutor_embedding_batch_size_bucket", le="64.0") == calls


def test_state_store_errors_are_counted(client: httpx.Client, store: OutageStore) -> None:
    assert client.post("/v1/ask", json=BERLIN).status_code == 200  # learns the service is open
    store.down = True
    assert client.post("/v1/ask", json=BERLIN).status_code == 200  # answered, not remembered
    assert client.post("/v1/quiz", json={}).status_code == 503
    found = scrape(client)
    errors = "tutor_state_store_errors_total"
    assert value(found, errors, effect="not_remembered") >= 1
    assert value(found, errors, effect="request_failed") == 1
    store.down = False
    assert value(scrape(client), errors, effect="request_failed") == 1


def test_the_index_version_and_size_are_shown(client: httpx.Client, tutor: Tutor) -> None:
    found = scrape(client)
    assert value(found, "tutor_index_info", version=tutor.index_version) == 1
    assert value(found, "tutor_index_passages") == len(tutor.course.passages) > 0
    assert value(found, "process_resident_memory_bytes") > 0


def test_metrics_are_not_in_the_openapi_document(client: httpx.Client) -> None:
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_two_apps_in_one_process_keep_their_own_counts(tutor: Tutor) -> None:
    embedder = HashingEmbedder()
    other = Tutor(make_course(seed_files(), embedder), embedder, OutageStore())
    first, second = create_app(Settings(), tutor), create_app(Settings(), other)
    with (
        serve(first) as url1,
        serve(second) as url2,
        httpx.Client(base_url=url1) as c1,
        httpx.Client(base_url=url2) as c2,
    ):
        assert c1.post("/v1/ask", json=BERLIN).status_code == 200
        answered = {"channel": "http", "outcome": "answered"}
        assert value(scrape(c1), "tutor_answers_total", **answered) == 1
        assert value(scrape(c2), "tutor_answers_total", **answered) == 0


def test_an_index_build_is_timed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    embedder = HashingEmbedder()
    metrics = Metrics(lambda: None)
    no_words = Lexicon([], np.zeros((0, embedder.dim), dtype=np.float32))

    def build() -> str | None:
        return ensure_index(settings, embedder, progress=False, lexicon=no_words, observer=metrics)

    assert build() == "no index has been built"
    assert build() is None
    found = samples(metrics.exposition().decode())
    assert value(found, "tutor_index_build_seconds_count") == 1  # the second found it current
    assert value(found, "tutor_index_build_seconds_sum") > 0


def test_the_metrics_token_is_kept_out_of_logs_and_repr() -> None:
    settings = Settings(metrics="token", metrics_token="s3cret-scraper-token")
    assert "s3cret-scraper-token" not in repr(settings)
    masked = Redactor(secrets_of(settings))("GET /metrics Bearer s3cret-scraper-token")
    assert masked == "GET /metrics Bearer ***"


def test_a_crash_counts_as_500(tutor: Tutor, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(tutor, "documents", crash)
    # in process: over a socket uvicorn resets the connection after a crash's 500
    with TestClient(create_app(Settings(), tutor), raise_server_exceptions=False) as c:
        assert c.get("/v1/documents").status_code == 500
        found = samples(c.get("/metrics").text)
    count = "tutor_http_request_duration_seconds_count"
    assert value(found, count, route="/v1/documents", method="GET", status="500") == 1


def test_a_client_that_leaves_mid_body_counts_as_499(client: httpx.Client) -> None:
    host, port = client.base_url.host, client.base_url.port
    with socket.create_connection((host, port)) as raw:  # half a body, then gone
        raw.sendall(b'POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"q')
    count = "tutor_http_request_duration_seconds_count"
    deadline = time.monotonic() + 10
    while value(scrape(client), count, route="/v1/ask", method="POST", status="499") != 1:
        assert time.monotonic() < deadline, "the abandoned request was not counted"
        time.sleep(0.05)
    assert value(scrape(client), count, route="/v1/ask", method="POST", status="500") == 0
