"""The bare model, every target's yardstick: sentence-transformers' own `encode` on torch, in
this process, with nothing of the service around it.

Issue 12 judges the service against it in the same run: a lone question (the better of one and
two torch threads), the ceiling (distinct questions in batches of 32) and the batch rate on the
texts an index build embeds.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from index.embedder import bundled_model_path

CEILING_BATCH = 32


class BareModel:
    """`SentenceTransformer.encode` on torch, loaded as a user of the library would."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        t0 = time.perf_counter()
        self.model = SentenceTransformer(
            str(bundled_model_path()), device="cpu", local_files_only=True
        )
        self.load_s = time.perf_counter() - t0
        self.model.encode(["warm-up"])

    @contextmanager
    def threads(self, n: int) -> Iterator[None]:
        before = self._torch.get_num_threads()
        self._torch.set_num_threads(n)
        try:
            yield
        finally:
            self._torch.set_num_threads(before)

    def encode(self, texts: Sequence[str], batch_size: int = CEILING_BATCH) -> Any:
        return self.model.encode(list(texts), batch_size=batch_size, show_progress_bar=False)

    def single_ms(self, questions: Sequence[str], threads: int) -> list[float]:
        """Milliseconds of `encode([q])`, one distinct question at a time."""
        out = []
        with self.threads(threads):
            self.encode(questions[:5])
            for q in questions:
                t0 = time.perf_counter()
                self.encode([q])
                out.append((time.perf_counter() - t0) * 1000)
        return out

    def ceiling(self, questions: Sequence[str], threads: int) -> list[float]:
        """Questions per second of each `encode` of CEILING_BATCH distinct questions."""
        out = []
        with self.threads(threads):
            self.encode(questions[:CEILING_BATCH])
            for start in range(0, len(questions) - CEILING_BATCH + 1, CEILING_BATCH):
                batch = questions[start : start + CEILING_BATCH]
                t0 = time.perf_counter()
                self.encode(batch)
                out.append(CEILING_BATCH / (time.perf_counter() - t0))
        return out

    def batch_rate(self, texts: Sequence[str]) -> dict[str, Any]:
        """Texts per second of `encode` over all of `texts` (its default batch of 32), at 1
        and at 2 threads: the texts longest first in quarters, each quarter at both counts in
        turn. The better count is the rate (two threads collapse when anything else takes a
        core, as on this shared machine)."""
        ordered = sorted(texts, key=len, reverse=True)
        walls = {1: 0.0, 2: 0.0}
        step = max(1, -(-len(ordered) // 4))
        for start in range(0, len(ordered), step):
            part = ordered[start : start + step]
            for threads in walls:
                with self.threads(threads):
                    t0 = time.perf_counter()
                    self.encode(part)
                    walls[threads] += time.perf_counter() - t0
        best = min(walls, key=lambda t: walls[t])
        return {
            "texts": len(texts),
            "texts_per_s_by_threads": {str(t): round(len(texts) / w, 1) for t, w in walls.items()},
            "threads": best,
            "wall_s": round(walls[best], 3),
            "texts_per_s": round(len(texts) / walls[best], 1),
        }


def yardsticks(bare: BareModel, questions: Sequence[str], calls: int) -> dict[str, Any]:
    """A lone question at 1 and 2 threads (alternating blocks) and the batch-32 ceiling at both:
    `calls` questions each. Run twice, before and after the server is measured; the targets use
    both halves, since this machine's speed drifts by minutes."""
    single: dict[int, list[float]] = {1: [], 2: []}
    ceiling: dict[int, list[float]] = {1: [], 2: []}
    block = max(10, calls // 4)
    for start in range(0, calls, block):
        for threads in (1, 2):
            single[threads] += bare.single_ms(questions[start : start + block], threads)
    for threads in (1, 2):
        ceiling[threads] = bare.ceiling(questions[calls : calls + 8 * CEILING_BATCH], threads)
    return {
        "single_ms": {str(t): v for t, v in single.items()},
        "ceiling_qps": {str(t): v for t, v in ceiling.items()},
    }


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The two halves together: medians per thread count, and the figures the targets use."""
    single = {
        t: statistics.median([x for r in runs for x in r["single_ms"][t]]) for t in ("1", "2")
    }
    ceiling = {
        t: statistics.median([x for r in runs for x in r["ceiling_qps"][t]]) for t in ("1", "2")
    }
    best_single = min(single, key=lambda t: single[t])
    best_ceiling = max(ceiling, key=lambda t: ceiling[t])
    return {
        "single_p50_ms_by_threads": {t: round(v, 3) for t, v in single.items()},
        "single_p50_ms": round(single[best_single], 3),
        "single_threads": int(best_single),
        "ceiling_qps_by_threads": {t: round(v, 1) for t, v in ceiling.items()},
        "ceiling_qps": round(ceiling[best_ceiling], 1),
        "ceiling_threads": int(best_ceiling),
        "halves": [
            {
                "single_p50_ms": {
                    t: round(statistics.median(r["single_ms"][t]), 3) for t in ("1", "2")
                },
                "ceiling_qps": {
                    t: round(statistics.median(r["ceiling_qps"][t]), 1) for t in ("1", "2")
                },
            }
            for r in runs
        ],
    }
