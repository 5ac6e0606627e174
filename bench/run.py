"""The benchmark: `make bench` (full) or `python -m bench.run --quick` (short, no 100k).

Writes bench/results.json (every raw figure and ratio) and bench/results.md (the table).
Steps, in order, so nothing else competes for the two cores while each is measured:

1. the model is loaded in this process as the server loads it (one BLAS thread) and the
   floor (one query, `floor_calls` times) is measured a first time;
2. the seed index is built with `tutor index` into a temporary data folder;
3. cold start: a fresh `python -c` constructs the embedder (bare model load), then
   `tutor serve` is started and timed to its first answer, alternately, several times;
4. the last server takes `/v1/ask` load: sequential over one keep-alive connection, a repeat
   probe (one question again and again: does a cache answer it?), then 1, 8 and 32
   concurrent clients; its /proc status gives RSS at start and end and the peak (VmHWM);
5. the server is stopped; the floor is measured a second time (the target uses both runs),
   then `Tutor.ask` in-process without HTTP, and the bare batch throughput;
6. index builds of the seed course and of synthetic courses, with search figures on each.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from index.embedder import SentenceTransformerEmbedder

from . import load, model
from .questions import QuestionStream, base_questions, variants
from .report import evaluate, markdown
from .server import Server, bare_model_load, build_index_cli, proc_status
from .stats import median, summary_ms

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COLD_QUESTION = "When was the Berlin Wall erected?"
BIG = 100_000


@dataclass(frozen=True)
class Plan:
    quick: bool
    cold_starts: int
    sequential: int
    probe: int
    concurrency: tuple[int, ...]
    run_seconds: float
    run_max_requests: int
    floor_calls: int
    batch_texts: int
    sizes: tuple[int, ...]
    search_queries: int
    build_budget_s: float

    @classmethod
    def make(cls, quick: bool, sizes: tuple[int, ...] | None, budget_s: float) -> Plan:
        if quick:
            return cls(
                True, 1, 60, 10, (1, 8, 32), 3.0, 200, 200, 2048, sizes or (1000,), 200, budget_s
            )
        return cls(
            False,
            3,
            300,
            30,
            (1, 8, 32),
            15.0,
            1000,
            200,
            5120,
            sizes or (1000, 10_000, BIG),
            200,
            budget_s,
        )


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop the server


def machine() -> dict[str, Any]:
    import faiss
    import sentence_transformers
    import torch

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
            ).stdout.strip()
        except OSError:
            return ""

    changed = [line for line in git("status", "--porcelain").splitlines() if "bench/" not in line]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "faiss": faiss.__version__,
        "sentence_transformers": sentence_transformers.__version__,
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes_outside_bench": len(changed),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def server_part(
    plan: Plan,
    work: Path,
    data: Path,
    stream: QuestionStream,
    embedder: SentenceTransformerEmbedder,
) -> dict[str, Any]:
    log("building the seed index with `tutor index` (also warms the page cache)")
    out: dict[str, Any] = {"index_cli": build_index_cli(data)}
    bare: list[dict[str, float]] = []
    cold: list[dict[str, float]] = []
    server: Server | None = None
    try:
        for i in range(plan.cold_starts):
            if server is not None:
                server.stop()
            bare.append(bare_model_load())
            server = Server(data, work / f"server-{i}.log")
            server.start()
            cold.append(server.wait_ready(COLD_QUESTION))
            log(
                f"cold start {i + 1}/{plan.cold_starts}: bare model {bare[-1]['ready_s']:.2f} s, "
                f"server first answer {cold[-1]['first_answer_s']:.2f} s"
            )
        assert server is not None
        out["bare_model_load"] = {
            "runs": bare,
            "median_ready_s": median([b["ready_s"] for b in bare]),
            "median_ready_and_first_embed_s": median([b["ready_and_first_embed_s"] for b in bare]),
        }
        out["cold_start"] = {
            "runs": cold,
            "median_healthz_s": median([c["healthz_s"] for c in cold]),
            "median_first_answer_s": median([c["first_answer_s"] for c in cold]),
        }
        out["rss_start_kb"] = proc_status(server.pid)

        log(f"sequential: {plan.sequential} questions over one keep-alive connection")
        out["sequential"] = load.sequential(
            server.url, stream, plan.sequential, server.pid, floor=lambda q: embedder.embed([q])
        )
        log(
            f"sequential p50 {out['sequential']['p50_ms']:.1f} ms, "
            f"p95 {out['sequential']['p95_ms']:.1f} ms"
        )
        out["repeat_probe"] = load.repeat_probe(server.url, COLD_QUESTION, plan.probe)
        out["concurrent"] = []
        for c in plan.concurrency:
            log(f"{c} concurrent clients for {plan.run_seconds:.0f} s or {plan.run_max_requests}")
            run = load.concurrent(
                server.url, stream, c, plan.run_seconds, plan.run_max_requests, server.pid
            )
            log(
                f"{c} clients: {run['answers_per_s']} answers/s, p50 {run.get('p50_ms')} ms, "
                f"p95 {run.get('p95_ms')} ms, errors {run['errors']}"
            )
            out["concurrent"].append(run)
        out["rss_end_kb"] = proc_status(server.pid)
        out["server_log_tail"] = server.tail(1500).splitlines()[-8:]
    finally:
        if server is not None:
            server.stop()
    out["questions"] = {"distinct": stream.distinct, "asked": stream.handed}
    return out


def floor_part(
    plan: Plan, embedder: SentenceTransformerEmbedder, asked: list[str], before: list[float]
) -> dict[str, Any]:
    """The floor from two runs of `floor_calls`, before and after the server part: the
    machine's speed drifts by 10-20 % over minutes, and the server is measured in between."""
    after = model.floor_times(embedder, asked, plan.floor_calls)
    out: dict[str, Any] = summary_ms(before + after)
    out["before_server"] = summary_ms(before)
    out["after_server"] = summary_ms(after)
    out["distinct_questions"] = min(plan.floor_calls, len(asked) - 20)
    log(
        f"floor: embed one query p50 {out['p50_ms']:.2f} ms (before the server "
        f"{out['before_server']['p50_ms']:.2f}, after {out['after_server']['p50_ms']:.2f})"
    )
    return out


def model_part(
    plan: Plan, work: Path, data: Path, asked: list[str], embedder: SentenceTransformerEmbedder
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["in_process_ask"] = model.in_process_ask(data, asked)
    log(f"Tutor.ask in-process (no HTTP) p50 {out['in_process_ask']['p50_ms']:.2f} ms")
    out["batch"] = model.batch_throughput(embedder, plan.batch_texts)
    log(f"bare batch throughput {out['batch']['texts_per_s']:.1f} texts/s")
    out["question_batches"] = model.question_batches(embedder, asked, (8, 16, 32, 64))
    log(
        "the model's ceiling with perfect batching: "
        f"{out['question_batches']['best_questions_per_s']} questions/s"
    )
    lexicon, out["lexicon"] = model.build_lexicon_once(embedder, work / "lexicon")
    log(f"lexicon: {out['lexicon']['words']} words in {out['lexicon']['wall_s']} s, once per model")

    builds: dict[str, Any] = {}
    seed_queries = embedder.embed(asked[: plan.search_queries])
    log("building the seed course in-process")
    builds["seed"], _ = model.measure_build(
        "seed", ROOT / "corpus", embedder, seed_queries, lexicon=lexicon
    )
    largest: tuple[int, dict[str, Any], Any, Any] | None = None  # size, figures, vectors, queries
    for size in plan.sizes:
        label = f"{size // 1000}k" if size >= 1000 else str(size)
        if size >= BIG and largest is not None:
            base_size, base, base_vectors, base_queries = largest
            estimate = base["wall_s"] * size / base["chunks"]
            if estimate > plan.build_budget_s:
                log(
                    f"{label}: a full build would take ~{estimate / 60:.0f} min (from the "
                    f"{base_size // 1000}k build); FAISS over clustered vectors instead"
                )
                figures = model.clustered_index(base_vectors, size, base_queries)
                figures["full_build_estimate_s"] = round(estimate, 1)
                figures["build_throughput_from"] = f"{base_size // 1000}k"
                builds[label] = figures
                continue
        log(f"{label}: synthetic course of {size} sentences")
        figures, vectors, queries = model.synthetic_build(
            label,
            size,
            embedder,
            keep_vectors=True,
            queries_n=plan.search_queries,
            lexicon=lexicon,
        )
        builds[label] = figures
        log(
            f"{label}: {figures['chunks_per_s']:.1f} chunks/s, search p50 "
            f"{figures['search']['p50_ms']:.3f} ms, recall@10 {figures['search']['recall_at_k']}"
        )
        largest = (size, figures, vectors, queries)
    out["builds"] = builds
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short run: fewer requests, no 100k")
    parser.add_argument(
        "--sizes",
        default=None,
        help="synthetic course sizes in sentences, comma-separated (default 1000,10000,100000)",
    )
    parser.add_argument(
        "--build-budget",
        type=float,
        default=600.0,
        help="seconds a 100k build may take; above it, FAISS over clustered vectors instead",
    )
    parser.add_argument("--out", default=str(HERE), help="folder for results.json and .md")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    plan = Plan.make(args.quick, sizes, args.build_budget)
    signal.signal(signal.SIGTERM, _on_sigterm)

    bases = base_questions()
    all_variants = variants(bases)
    stream = QuestionStream(all_variants)
    results: dict[str, Any] = {
        "mode": "quick" if plan.quick else "full",
        "machine": machine(),
        "plan": plan.__dict__,
    }
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        # The floor asks the questions the sequential run asks (after its 3 warm-ups).
        asked = all_variants[3 : 3 + 20 + plan.floor_calls]
        log("loading the model in this process (one BLAS thread, as the server does)")
        embedder, load_s = model.load_embedder()
        results["in_process_load_s"] = round(load_s, 3)
        before = model.floor_times(embedder, asked, plan.floor_calls)
        log(f"floor before the server part: p50 {median(before):.2f} ms")
        data = work / "data"
        data.mkdir()
        results["server"] = server_part(plan, work, data, stream, embedder)
        results["floor"] = floor_part(plan, embedder, asked, before)
        results |= model_part(plan, work, data, asked, embedder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["elapsed_s"] = round(time.perf_counter() - started, 1)
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = evaluate(results)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    text = markdown(results)
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {out / 'results.json'} and {out / 'results.md'} in {results['elapsed_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
