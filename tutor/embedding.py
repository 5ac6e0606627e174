"""Embedder wrappers for serving: a bounded cache, a read-only lexicon of precomputed
word vectors, and batching of concurrent calls.

All implement the `Embedder` seam over another embedder, so the core never knows which
model sits underneath.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future

import numpy as np

from .observe import NO_OBSERVER, Observer
from .ports import Embedder

log = logging.getLogger(__name__)


class _Wrapper:
    """Passes the wrapped embedder's name and dimension through."""

    def __init__(self, inner: Embedder):
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim


class CachingEmbedder(_Wrapper):
    """Remembers the vectors of the last `capacity` texts (questions repeat; words more so)."""

    def __init__(self, inner: Embedder, capacity: int = 8192):
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        super().__init__(inner)
        self.capacity = capacity
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out: list[np.ndarray | None] = [None] * len(texts)
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                found = self._cache.get(text)
                if found is None:
                    missing.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = found
            self.hits += len(texts) - len(missing)
            self.misses += len(missing)
        if missing:
            unique = list(dict.fromkeys(texts[i] for i in missing))
            # Copies: a row of a batched result is a view that would keep the whole batch
            # (up to 64 rows) alive for as long as the row stays cached.
            by_text = {
                t: np.array(v, dtype=np.float32)
                for t, v in zip(unique, self.inner.embed(unique), strict=True)
            }
            with self._lock:
                for text, vector in by_text.items():
                    self._cache[text] = vector
                    self._cache.move_to_end(text)
                while len(self._cache) > self.capacity:
                    self._cache.popitem(last=False)
            for i in missing:
                out[i] = by_text[texts[i]]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([v for v in out if v is not None]).astype(np.float32, copy=False)


class Lexicon:
    """Precomputed vectors of single words, each exactly as the model embeds the word alone.

    `vectors` may be a read-only memory map: only the rows a question touches are paged in.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray):
        if len(words) != len(vectors):
            raise ValueError(f"{len(words)} words but {len(vectors)} vectors")
        self._rows = {w: i for i, w in enumerate(words)}
        # a plain ndarray over the same (mapped) memory: indexing a np.memmap builds a memmap
        # per row, several times the cost of the lookup itself
        self._vectors = vectors.view(np.ndarray) if isinstance(vectors, np.memmap) else vectors

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, word: object) -> bool:
        return word in self._rows

    def get(self, word: str) -> np.ndarray | None:
        row = self._rows.get(word)
        return None if row is None else np.asarray(self._vectors[row], dtype=np.float32)


class LexiconEmbedder(_Wrapper):
    """Answers texts found in a lexicon without the model; passes the rest through.

    A question's words that the course lacks are embedded for soft matching ("erected" for
    "built"). Alone they cost as much as the question itself; looked up, almost nothing.
    The lexicon may come later (`use`, once a background build is done): until then every
    text goes to the model, which gives the same vectors.
    """

    def __init__(self, inner: Embedder, lexicon: Lexicon | None = None):
        super().__init__(inner)
        self.lexicon = lexicon

    def use(self, lexicon: Lexicon) -> None:
        """Look words up in `lexicon` from now on (one reference swap: calls in flight finish
        with the lexicon they started with)."""
        self.lexicon = lexicon

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        lexicon = self.lexicon
        if lexicon is None:
            return self.inner.embed(texts)
        found = [lexicon.get(t) for t in texts]
        missing = [t for t, v in zip(texts, found, strict=True) if v is None]
        if not missing:
            if not texts:
                return np.zeros((0, self.dim), dtype=np.float32)
            return np.stack([v for v in found if v is not None])
        embedded = iter(self.inner.embed(missing))
        return np.stack([v if v is not None else next(embedded) for v in found]).astype(
            np.float32, copy=False
        )


class BatchingEmbedder(_Wrapper):
    """Turns concurrent embed() calls from many threads into few model calls.

    Each of `workers` threads takes every request waiting in the queue and embeds them
    together; a lone request is embedded at once (no waiting), and requests that arrive while
    the workers are busy form the next batches. A batch of 8 short questions costs about a
    third of 8 single calls on a CPU. With one worker per core, each running the model on one
    thread, two batches run side by side instead of two threads of one batch waiting for each
    other whenever request handling needs a core too.
    """

    def __init__(
        self,
        inner: Embedder,
        max_batch: int = 64,
        workers: int = 1,
        observer: Observer = NO_OBSERVER,
    ):
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        super().__init__(inner)
        self.max_batch = max_batch
        self.workers = workers
        self.observer = observer  # told each model call's size and its requests' queue waits
        # (texts, their result, when they were queued)
        self._queue: queue.SimpleQueue[tuple[list[str], Future[np.ndarray], float]] = (
            queue.SimpleQueue()
        )
        self._threads: list[threading.Thread] = []
        self._start = threading.Lock()
        self._count = threading.Lock()
        self.batches = 0
        self.requests = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._ensure_workers()
        done: Future[np.ndarray] = Future()
        self._queue.put((list(texts), done, time.perf_counter()))
        return done.result()

    def queued(self) -> int:
        """Requests waiting for a model call (not those in one)."""
        return self._queue.qsize()

    def _ensure_workers(self) -> None:
        if not self._threads:
            with self._start:
                if not self._threads:
                    for i in range(self.workers):
                        worker = threading.Thread(
                            target=self._run, name=f"embedding-batcher-{i}", daemon=True
                        )
                        worker.start()
                        self._threads.append(worker)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            size = len(batch[0][0])
            while size < self.max_batch:
                try:
                    waiting = self._queue.get_nowait()
                except queue.Empty:
                    break
                batch.append(waiting)
                size += len(waiting[0])
            texts = [t for request, _, _ in batch for t in request]
            started = time.perf_counter()
            try:
                vectors = self.inner.embed(texts)
            except BaseException as exc:  # hand the failure to every waiting caller
                for _, done, _ in batch:
                    done.set_exception(exc)
                continue
            seconds = time.perf_counter() - started
            with self._count:
                self.batches += 1
                self.requests += len(batch)
            offset = 0
            for request, done, _ in batch:
                done.set_result(vectors[offset : offset + len(request)])
                offset += len(request)
            try:  # after the callers have their vectors: reporting is off their path
                self.observer.embedded(len(texts), [started - at for _, _, at in batch], seconds)
            except Exception:  # a broken observer must not stop the worker every caller needs
                log.exception("the embedding observer failed")


def batchers(embedder: Embedder) -> list[BatchingEmbedder]:
    """The batching embedders in a chain of wrappers (each holds the next in `inner`)."""
    found: list[BatchingEmbedder] = []
    current: object = embedder
    while current is not None:
        if isinstance(current, BatchingEmbedder):
            found.append(current)
        current = getattr(current, "inner", None)
    return found
