"""Rate limiting: the token bucket, the HTTP middleware (per key, else per address) and the
Telegram adapter (per user)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from bots.http_app import create_app
from bots.ratelimit import RateLimiter, caller_of
from tests.bots.telegram_webhook import Chat, webhook_bot
from tests.servers import serve
from tutor.service import Tutor
from tutor.settings import Settings

ASK = {"question": "When was the Berlin Wall erected?"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ------------------------------------------------------------------------------ the bucket


def test_a_burst_then_refusals_then_a_steady_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(60, 3, clock=clock)  # one a second, three at once
    assert [limiter.hit("a").allowed for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5
    refused = limiter.hit("a")
    assert not refused.allowed and refused.retry_after == 1
    clock.now += 0.5
    assert limiter.hit("a").allowed  # one token back after a second
    assert not limiter.hit("a").allowed


def test_retry_after_is_whole_seconds_until_a_token() -> None:
    clock = Clock()
    limiter = RateLimiter(6, 1, clock=clock)  # one every ten seconds
    assert limiter.hit("a").allowed
    assert limiter.hit("a").retry_after == 10
    clock.now += 2.5
    assert limiter.hit("a").retry_after == 8  # 7.5 s to go, rounded up
    clock.now += 7.4
    assert limiter.hit("a").retry_after == 1  # never 0 while refused


def test_first_refusal_is_flagged_once_per_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(60, 1, clock=clock)
    limiter.hit("a")
    assert [limiter.hit("a").first_refusal for _ in range(3)] == [True, False, False]
    clock.now += 1
    assert limiter.hit("a").allowed
    assert limiter.hit("a").first_refusal  # a new burst of refusals


def test_callers_have_separate_buckets() -> None:
    limiter = RateLimiter(60, 1, clock=Clock())
    assert limiter.hit("a").allowed and not limiter.hit("a").allowed
    assert limiter.hit("b").allowed


def test_zero_turns_it_off() -> None:
    limiter = RateLimiter(0, 1)
    assert not limiter.enabled
    assert all(limiter.hit("a").allowed for _ in range(10_000))
    assert len(limiter) == 0


def test_idle_buckets_are_forgotten_and_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(60, 10, max_keys=100, clock=clock)
    for i in range(50):
        limiter.hit(f"old-{i}")
    clock.now += 10  # long enough for every bucket to refill: they are as good as new
    limiter.hit("fresh")
    assert len(limiter) == 1
    for i in range(10_000):  # a flood of distinct callers, e.g. made-up keys
        limiter.hit(f"k-{i}")
    assert len(limiter) == 100


def test_a_tracked_caller_stays_limited_while_others_come_and_go() -> None:
    clock = Clock()
    limiter = RateLimiter(60, 2, max_keys=10, clock=clock)
    limiter.hit("busy")
    limiter.hit("busy")
    assert not limiter.hit("busy").allowed
    for i in range(5):
        limiter.hit(f"other-{i}")
    assert not limiter.hit("busy").allowed  # still tracked: still limited


@pytest.mark.parametrize(("per_minute", "burst"), [(-1, 1), (10, 0)])
def test_bad_limits_are_refused_with_the_value(per_minute: int, burst: int) -> None:
    with pytest.raises(ValueError, match=str(min(per_minute, burst))):
        RateLimiter(per_minute, burst)


def test_caller_is_the_key_hash_else_the_address() -> None:
    with_key = {"headers": [(b"x-api-key", b" secret ")], "client": ("10.0.0.1", 5)}
    without = {"headers": [], "client": ("10.0.0.1", 5)}
    assert caller_of(with_key).startswith("key:") and "secret" not in caller_of(with_key)
    assert caller_of(with_key) == caller_of({**with_key, "client": ("10.9.9.9", 1)})
    assert caller_of(without) == "ip:10.0.0.1"
    assert caller_of({"headers": []}) == "ip:unknown"


# ------------------------------------------------------------------------------------- HTTP


def limited(tutor: Tutor, per_minute: int = 60, burst: int = 3) -> TestClient:
    settings = Settings(rate_limit_per_minute=per_minute, rate_limit_burst=burst)
    return TestClient(create_app(settings, tutor=tutor), raise_server_exceptions=False)


def test_over_the_limit_is_429_with_retry_after_and_a_json_detail(fake_tutor: Tutor) -> None:
    # two a minute: no token comes back during the test, however slow the host
    with limited(fake_tutor, per_minute=2) as c:
        assert [c.post("/v1/ask", json=ASK).status_code for _ in range(3)] == [200] * 3
        r = c.post("/v1/ask", json=ASK)
        assert r.status_code == 429
        assert r.headers["content-type"] == "application/json"
        assert r.headers["retry-after"].isdigit() and int(r.headers["retry-after"]) >= 1
        assert "2 a minute" in r.json()["detail"]
        assert c.get("/v1/documents").status_code == 429  # one bucket for all of /v1/
        assert c.get("/healthz").status_code == 200  # probes are never limited
        assert c.options("/v1/ask").status_code != 429  # nor CORS preflights


def test_each_key_has_its_own_bucket_and_no_key_goes_by_address(fake_tutor: Tutor) -> None:
    first = fake_tutor.create_key("moodle", "student")
    second = fake_tutor.create_key("canvas", "student")
    with limited(fake_tutor, per_minute=2, burst=2) as c:  # no refill during the test
        for _ in range(2):
            assert c.post("/v1/ask", json=ASK, headers={"X-API-Key": first}).status_code == 200
        assert c.post("/v1/ask", json=ASK, headers={"X-API-Key": first}).status_code == 429
        assert c.post("/v1/ask", json=ASK, headers={"X-API-Key": second}).status_code == 200
        # without a key: the client's address, whose bucket is still full (then 401: no key)
        assert c.post("/v1/ask", json=ASK).status_code == 401


def test_the_429_is_documented_for_every_v1_operation(fake_tutor: Tutor) -> None:
    schema = create_app(tutor=fake_tutor).openapi()
    for path, methods in schema["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in methods.items():
            documented = operation["responses"].get("429")
            assert documented, f"{method.upper()} {path} does not document 429"
            assert "Retry-After" in documented["headers"]
            problem = documented["content"]["application/json"]["schema"]["$ref"]
            assert problem.endswith("/Problem")


def test_defaults_are_generous_enough_for_the_tests_and_the_benchmarks() -> None:
    # bench/ sends ~100 answers/s from one address with no key; a school shares one address
    settings = Settings()
    assert settings.rate_limit_per_minute >= 100 * 60
    assert settings.rate_limit_burst >= 64  # the load test's 64 clients starting together


def test_429_over_a_real_socket(fake_tutor: Tutor) -> None:
    settings = Settings(rate_limit_per_minute=6, rate_limit_burst=1)
    with serve(create_app(settings, tutor=fake_tutor)) as url, httpx.Client(base_url=url) as c:
        assert c.post("/v1/ask", json=ASK).status_code == 200
        r = c.post("/v1/ask", json=ASK)
    assert r.status_code == 429 and r.headers["retry-after"] == "10"
    assert set(r.json()) == {"detail"}


# ---------------------------------------------------------------------------------- Telegram


@pytest.fixture
def strict_bot(fake_tutor: Tutor) -> Iterator[tuple[object, str]]:
    with webhook_bot(
        fake_tutor, telegram_rate_limit_per_minute=1, telegram_rate_limit_burst=3
    ) as pair:
        yield pair


def test_telegram_over_the_limit_gets_one_polite_note_then_silence(
    strict_bot: tuple[object, str],
) -> None:
    api, url = strict_bot
    chat = Chat(api, url, 5001)  # type: ignore[arg-type]
    for i in range(6):
        chat.send(f"When was the Berlin Wall erected? ({i})")
    replies = chat.wait(4)
    time.sleep(0.5)  # anything more would have arrived by now
    replies = chat.replies()
    assert len(replies) == 4, replies
    assert sum("August 13" in r for r in replies) == 3
    [note] = [r for r in replies if "faster than I can answer" in r]
    assert "wait 60 s" in note

    other = Chat(api, url, 5002)  # type: ignore[arg-type]
    assert "August 13" in other.say("When was the Berlin Wall erected?")  # others unaffected


def test_telegram_without_a_limit_answers_everything(fake_tutor: Tutor) -> None:
    with webhook_bot(fake_tutor, telegram_rate_limit_per_minute=0) as (api, url):
        chat = Chat(api, url, 5003)
        for _ in range(8):
            chat.send("When was the Berlin Wall erected?")
        assert all("August 13" in r for r in chat.wait(8))
