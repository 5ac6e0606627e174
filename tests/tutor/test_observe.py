"""What the core reports through its Observer port: answers and refusals per channel, state
store failures, and each model call's batch size and queue waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from tests.conftest import make_course, seed_files
from tests.tutor.test_state_outage import OutageStore
from tutor import Tutor
from tutor.embedding import BatchingEmbedder, CachingEmbedder
from tutor.fakes import GatedEmbedder, HashingEmbedder
from tutor.stores.memory import MemoryStateStore

BERLIN = "When was the Berlin Wall erected?"
OFF_COURSE = "How do I bake sourdough bread?"


class Recorder:
    def __init__(self) -> None:
        self.answers: list[tuple[str, bool]] = []
        self.store_failures: list[str] = []
        self.calls: list[tuple[int, list[float], float]] = []
        self.builds: list[float] = []

    def answered(self, channel: str, answerable: bool) -> None:
        self.answers.append((channel, answerable))

    def store_failed(self, effect: str) -> None:
        self.store_failures.append(effect)

    def embedded(self, texts: int, waits: Sequence[float], seconds: float) -> None:
        self.calls.append((texts, list(waits), seconds))

    def index_built(self, seconds: float) -> None:
        self.builds.append(seconds)


def test_answers_and_refusals_are_reported_with_their_channel() -> None:
    embedder = HashingEmbedder()
    tutor = Tutor(make_course(seed_files(), embedder), embedder, MemoryStateStore())
    seen = Recorder()
    tutor.observe(seen)
    tutor.ask(BERLIN, channel="telegram")
    tutor.ask(OFF_COURSE, channel="widget")
    tutor.ask(BERLIN, channel="somewhere else")  # unknown channels count as http, as audited
    assert seen.answers == [("telegram", True), ("widget", False), ("http", True)]
    assert seen.store_failures == []


def test_a_question_answered_without_the_store_reports_each_failed_call() -> None:
    embedder = HashingEmbedder()
    store = OutageStore()
    tutor = Tutor(make_course(seed_files(), embedder), embedder, store)
    seen = Recorder()
    tutor.observe(seen)
    store.down = True
    assert tutor.ask(BERLIN).answerable
    # history, the turn, the follow-up quiz, the audit record: each not remembered
    assert seen.store_failures and set(seen.store_failures) == {"not_remembered"}
    assert seen.answers == [("http", True)]


def test_observe_reaches_the_batcher_behind_other_wrappers() -> None:
    batching = BatchingEmbedder(HashingEmbedder())
    tutor = Tutor(make_course(seed_files()), CachingEmbedder(batching), MemoryStateStore())
    seen = Recorder()
    tutor.observe(seen)
    assert batching.observer is seen
    tutor.ask(BERLIN)
    assert seen.calls and all(texts >= 1 and len(waits) >= 1 for texts, waits, _ in seen.calls)


def test_the_batcher_reports_batch_sizes_and_how_long_requests_queued() -> None:
    gate = GatedEmbedder()
    seen = Recorder()
    batching = BatchingEmbedder(gate, observer=seen)
    first = threading.Thread(target=batching.embed, args=(["first"],))
    first.start()
    assert gate.inside.wait(timeout=10)
    queued = [threading.Thread(target=batching.embed, args=([f"q{n}", f"w{n}"],)) for n in range(3)]
    for t in queued:
        t.start()
    deadline = time.monotonic() + 10
    while batching._queue.qsize() < 3:  # all three wait behind the held call
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.05)  # they keep waiting while the first call is held
    gate.release.set()
    for t in [first, *queued]:
        t.join(timeout=10)
    assert [(texts, len(waits)) for texts, waits, _ in seen.calls] == [(1, 1), (6, 3)]
    assert min(seen.calls[1][1]) >= 0.05  # queued behind the held call for at least its hold
    assert seen.calls[0][2] >= 0.05  # the held call's own time


def test_a_failing_observer_does_not_stop_the_batcher() -> None:
    class Broken(Recorder):
        def embedded(self, texts: int, waits: Sequence[float], seconds: float) -> None:
            raise RuntimeError("metrics down")

    batching = BatchingEmbedder(HashingEmbedder(), observer=Broken())
    assert batching.embed(["one"]).shape == (1, 256)
    assert batching.embed(["two"]).shape == (1, 256)  # the worker is still there
