"""Runtimes and thread layouts of the model, measured side by side in one run.

    .venv/bin/python -m bench.runtimes [--rounds 5] [--out bench/runtimes.md]

For torch and ONNX Runtime (fp32, int8) at 1 or 2 intra-op threads and 1 or 2 batching
workers (tutor.embedding.BatchingEmbedder, as the server wires them), on a quiet host and
with one busy neighbour (a process spinning on a core):

- lone query: one short question at a time through the batcher, p50 / p95;
- batch-32: 32 distinct questions in one model call, questions a second;
- 32 clients: 32 threads asking distinct questions through the batcher, questions a second
  and p95 (what the micro-batcher makes of concurrency).

Each round measures every layout briefly, quiet then busy; the medians over rounds are
reported. This host's speed drifts several-fold within minutes, so layouts are interleaved
finely and figures compare only within one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import ModelEmbedder, SentenceTransformerEmbedder, bundled_model_path
from index.onnx_embedder import OnnxEmbedder, default_root, ensure_export
from tutor.embedding import BatchingEmbedder

from .questions import base_questions, variants
from .stats import pct

CLIENTS = 32


@dataclass(frozen=True)
class Layout:
    runtime: str  # torch | fp32 | int8
    threads: int
    workers: int
    spin: bool = False

    @property
    def label(self) -> str:
        runtime = "torch" if self.runtime == "torch" else f"ONNX {self.runtime}"
        spin = ", spinning pool" if self.spin else ""
        return f"{runtime}, {self.threads} thread(s) x {self.workers} worker(s){spin}"


LAYOUTS = (
    Layout("torch", 2, 1),
    Layout("torch", 1, 1),
    Layout("fp32", 2, 1),
    Layout("fp32", 2, 1, spin=True),
    Layout("fp32", 1, 1),
    Layout("fp32", 1, 2),
    Layout("fp32", 2, 2),
    Layout("int8", 2, 1),
    Layout("int8", 1, 2),
)


def log(message: str) -> None:
    print(f"[runtimes] {message}", file=sys.stderr, flush=True)


@contextmanager
def busy_neighbour(on: bool) -> Iterator[None]:
    """A process that keeps one core busy for the duration (nothing when `on` is false)."""
    if not on:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # let it reach the scheduler's steady state
        yield
    finally:
        spinner.kill()
        spinner.wait()


class Questions:
    """Hands out distinct questions, so no measurement repeats a text."""

    def __init__(self) -> None:
        self._all = variants(base_questions())
        self._next = 0
        self._lock = threading.Lock()

    def take(self, n: int) -> list[str]:
        with self._lock:
            out = [self._all[(self._next + i) % len(self._all)] for i in range(n)]
            self._next += n
        return out


def lone_queries(batcher: BatchingEmbedder, questions: Questions, n: int) -> list[float]:
    times = []
    for q in questions.take(n):
        t0 = time.perf_counter()
        batcher.embed([q])
        times.append((time.perf_counter() - t0) * 1000)
    return times


def batch_rate(model: ModelEmbedder, questions: Questions, calls: int) -> float:
    batches = [questions.take(32) for _ in range(calls)]
    t0 = time.perf_counter()
    for batch in batches:
        model.embed(batch)
    return 32 * calls / (time.perf_counter() - t0)


def clients(batcher: BatchingEmbedder, questions: Questions, each: int) -> tuple[float, float]:
    """Questions a second and p95 ms with CLIENTS threads asking one question at a time."""
    work = [questions.take(each) for _ in range(CLIENTS)]
    times: list[float] = []
    lock = threading.Lock()

    def client(mine: list[str]) -> None:
        local = []
        for q in mine:
            t0 = time.perf_counter()
            batcher.embed([q])
            local.append((time.perf_counter() - t0) * 1000)
        with lock:
            times.extend(local)

    threads = [threading.Thread(target=client, args=(w,)) for w in work]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return CLIENTS * each / (time.perf_counter() - t0), pct(times, 95)


def measure(model: ModelEmbedder, layout: Layout, questions: Questions) -> dict[str, float]:
    model.set_threads(layout.threads)
    batcher = BatchingEmbedder(model, workers=layout.workers)  # its workers are daemons
    lone_queries(batcher, questions, 3)  # warm-up: threads started, pages touched
    lone = lone_queries(batcher, questions, 20)
    rate = batch_rate(model, questions, 2)
    served, p95 = clients(batcher, questions, 3)
    return {
        "lone_p50_ms": pct(lone, 50),
        "lone_p95_ms": pct(lone, 95),
        "batch32_qps": rate,
        "clients_qps": served,
        "clients_p95_ms": p95,
    }


def load_models(layouts: tuple[Layout, ...]) -> dict[str, ModelEmbedder]:
    path = bundled_model_path()
    root = Path(os.environ.get("TUTOR_ONNX_DIR") or default_root())
    models: dict[str, ModelEmbedder] = {}
    for runtime in sorted({lay.runtime for lay in layouts}):
        if runtime == "torch":
            models[runtime] = SentenceTransformerEmbedder(path)
        else:
            folder = ensure_export(path, root, int8=runtime == "int8")
            models[runtime] = OnnxEmbedder(folder)
            if any(lay.spin for lay in layouts if lay.runtime == runtime):
                models[f"{runtime}-spin"] = OnnxEmbedder(folder, spin=True)
    return models


def run(rounds: int, layouts: tuple[Layout, ...] = LAYOUTS) -> dict[tuple[str, bool], Any]:
    from bots.wiring import limit_blas_threads

    limit_blas_threads()
    models = load_models(layouts)
    questions = Questions()
    results: dict[tuple[str, bool], list[dict[str, float]]] = {}
    for r in range(rounds):
        for busy in (False, True):
            with busy_neighbour(busy):
                for layout in layouts:
                    model = models[layout.runtime + ("-spin" if layout.spin else "")]
                    got = measure(model, layout, questions)
                    results.setdefault((layout.label, busy), []).append(got)
                    log(f"round {r + 1} {'busy' if busy else 'quiet'} {layout.label}: {got}")
    return {
        key: {m: float(np.median([run[m] for run in runs])) for m in runs[0]}
        for key, runs in results.items()
    }


def table(medians: dict[tuple[str, bool], Any], layouts: tuple[Layout, ...] = LAYOUTS) -> str:
    lines = [
        "| layout | lone p50 ms, quiet | lone p50 ms, busy neighbour | lone p95 ms, busy "
        "| batch-32 q/s, quiet | batch-32 q/s, busy | 32 clients q/s, quiet "
        "| 32 clients q/s, busy | 32 clients p95 ms, busy |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for layout in layouts:
        q, b = medians[(layout.label, False)], medians[(layout.label, True)]
        lines.append(
            f"| {layout.label} | {q['lone_p50_ms']:.1f} | {b['lone_p50_ms']:.1f} "
            f"| {b['lone_p95_ms']:.1f} | {q['batch32_qps']:.0f} | {b['batch32_qps']:.0f} "
            f"| {q['clients_qps']:.0f} | {b['clients_qps']:.0f} | {b['clients_p95_ms']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    medians = run(args.rounds)
    text = (
        f"Model runtimes and thread layouts, {os.cpu_count()} cores, medians of "
        f"{args.rounds} interleaved rounds (`python -m bench.runtimes --rounds {args.rounds}`):"
        f"\n\n{table(medians)}\n"
    )
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
