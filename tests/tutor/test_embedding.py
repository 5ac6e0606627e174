"""The serving wrappers around an embedder: cache and batching."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from tutor.embedding import BatchingEmbedder, CachingEmbedder, Lexicon, LexiconEmbedder
from tutor.fakes import GatedEmbedder, HashingEmbedder


class Counting(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.sizes: list[int] = []
        self.lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self.lock:
            self.texts.extend(texts)
            self.sizes.append(len(texts))
        return super().embed(texts)


def test_cache_returns_the_inner_vectors_and_embeds_each_text_once() -> None:
    inner = Counting()
    cached = CachingEmbedder(inner, capacity=3)
    first = cached.embed(["berlin wall", "cuba", "berlin wall"])
    assert np.allclose(first, HashingEmbedder().embed(["berlin wall", "cuba", "berlin wall"]))
    assert inner.texts == ["berlin wall", "cuba"]
    cached.embed(["cuba"])
    assert inner.texts == ["berlin wall", "cuba"] and cached.hits == 1
    cached.embed(["a", "b"])  # evicts the least recently used ("berlin wall")
    cached.embed(["berlin wall"])
    assert inner.texts.count("berlin wall") == 2
    assert cached.embed([]).shape == (0, inner.dim)
    with pytest.raises(ValueError, match="capacity"):
        CachingEmbedder(inner, capacity=0)


def test_batching_gives_every_caller_its_own_rows() -> None:
    inner = Counting()
    batching = BatchingEmbedder(inner)
    reference = HashingEmbedder()
    results: dict[int, np.ndarray] = {}
    start = threading.Barrier(16)

    def call(n: int) -> None:
        start.wait()
        results[n] = batching.embed([f"question {n}", f"word{n}"])

    threads = [threading.Thread(target=call, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n in range(16):
        assert np.allclose(results[n], reference.embed([f"question {n}", f"word{n}"]))
    assert sum(inner.sizes) == 32
    assert batching.requests == 16 and batching.batches <= 16


def _ask_while_busy(
    batching: BatchingEmbedder, inner: GatedEmbedder, waiting: int
) -> dict[int, np.ndarray]:
    """One request occupies the model; `waiting` more queue behind it; then the model is
    let go. Returns every caller's rows."""
    results: dict[int, np.ndarray] = {}

    def call(n: int) -> None:
        results[n] = batching.embed([f"question {n}"])

    first = threading.Thread(target=call, args=(0,))
    first.start()
    assert inner.inside.wait(timeout=10)
    others = [threading.Thread(target=call, args=(n,)) for n in range(1, waiting + 1)]
    for t in others:
        t.start()
    deadline = time.monotonic() + 10
    while batching.queued() < waiting and time.monotonic() < deadline:
        time.sleep(0.001)
    inner.release.set()
    for t in [first, *others]:
        t.join(timeout=10)
    return results


def test_requests_that_queue_while_the_model_is_busy_share_one_model_call() -> None:
    inner = GatedEmbedder()
    batching = BatchingEmbedder(inner, max_batch=64)
    results = _ask_while_busy(batching, inner, 15)
    # one call for the request that found the model idle, one for the 15 that queued
    assert inner.sizes == [1, 15]
    assert batching.batches == 2 and batching.requests == 16
    reference = HashingEmbedder()
    for n in range(16):
        assert np.allclose(results[n], reference.embed([f"question {n}"]))


def test_a_batch_stops_at_max_batch_texts() -> None:
    inner = GatedEmbedder()
    batching = BatchingEmbedder(inner, max_batch=8)
    _ask_while_busy(batching, inner, 15)
    assert inner.sizes == [1, 8, 7]


def test_a_lone_request_is_embedded_at_once() -> None:
    inner = Counting()
    batching = BatchingEmbedder(inner)
    batching.embed(["warm-up"])  # starts the worker
    took = []
    for n in range(20):
        t0 = time.perf_counter()
        batching.embed([f"question {n}"])
        took.append(time.perf_counter() - t0)
    # no waiting for company: a fixed wait of even 5 ms per call would show here
    assert sorted(took)[10] < 0.005
    assert inner.sizes == [1] * 21


def test_batching_passes_errors_to_the_callers() -> None:
    class Broken(HashingEmbedder):
        def embed(self, texts: Sequence[str]) -> np.ndarray:
            raise RuntimeError("model crashed")

    batching = BatchingEmbedder(Broken())
    with pytest.raises(RuntimeError, match="model crashed"):
        batching.embed(["x"])
    assert batching.embed([]).shape == (0, 256)


def test_two_workers_run_two_model_calls_side_by_side() -> None:
    class Rendezvous(HashingEmbedder):
        """Each call waits until a second call is inside the model too."""

        def __init__(self) -> None:
            super().__init__()
            self.meet = threading.Barrier(2, timeout=5)

        def embed(self, texts: Sequence[str]) -> np.ndarray:
            self.meet.wait()  # one worker alone would wait here until the timeout
            return super().embed(texts)

    batching = BatchingEmbedder(Rendezvous(), max_batch=1, workers=2)
    results: dict[int, np.ndarray] = {}

    def call(n: int) -> None:
        results[n] = batching.embed([f"question {n}"])

    threads = [threading.Thread(target=call, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(results) == [0, 1]
    assert batching.batches == 2 and batching.requests == 2
    with pytest.raises(ValueError, match="workers"):
        BatchingEmbedder(HashingEmbedder(), workers=0)


def test_lexicon_answers_its_words_and_passes_only_the_rest_to_the_model() -> None:
    inner = Counting()
    words = ["treaty", "wall"]
    lexicon = Lexicon(words, HashingEmbedder().embed(words))
    embedder = LexiconEmbedder(inner, lexicon)
    texts = ["wall", "When was the wall built?", "treaty", "erected"]
    vectors = embedder.embed(texts)
    assert inner.texts == ["When was the wall built?", "erected"]
    np.testing.assert_allclose(vectors, HashingEmbedder().embed(texts), atol=1e-6)
    inner.texts.clear()
    assert embedder.embed(["treaty", "wall"]).shape == (2, inner.dim)
    assert inner.texts == [] and inner.sizes[-1] == 2  # no model call for lexicon words
    assert embedder.embed([]).shape == (0, inner.dim)
    assert "wall" in lexicon and "erected" not in lexicon and len(lexicon) == 2


def test_lexicon_needs_one_vector_per_word() -> None:
    with pytest.raises(ValueError, match="2 words but 1 vectors"):
        Lexicon(["a", "b"], np.zeros((1, 8), dtype=np.float32))


def test_cached_rows_do_not_keep_their_batch_alive() -> None:
    class Batch(HashingEmbedder):
        def embed(self, texts: Sequence[str]) -> np.ndarray:
            return super().embed(list(texts) + ["padding"] * 63)[: len(texts)]  # views of 64 rows

    cached = CachingEmbedder(Batch(), capacity=16)
    cached.embed(["one question"])
    (row,) = cached._cache.values()
    assert row.base is None and row.nbytes == row.shape[0] * 4  # owns just its own row
