"""The benchmark: `make bench`, every figure of issue 12's "done when" in one run, each judged
against the bare model (sentence-transformers' `encode` on torch) measured in that same run.

    .venv/bin/python -m bench.run [--quick] [--fresh-clone] [--sizes 1000,10000,100000]

Writes bench/results.json (every raw figure) and bench/results.md (the tables). Steps, in
order, so nothing else of the bench competes for the two cores while each is measured:

1. the bare model in this process: a lone question at 1 and 2 torch threads, and the ceiling,
   distinct questions `encode`d 32 at a time;
2. `tutor index` of the seed course into a temporary data folder (and the lexicon, if the
   cache lacks it), so the servers below start with an index present;
3. `tutor serve` started three times: seconds to /healthz, to /readyz and to the first answer,
   RSS after it;
4. the last server: the seed's dev set scored (`../shared/eval/score.py`), sequential /v1/ask
   over one keep-alive connection, then 32 concurrent clients (a light raw-socket client:
   httpx would take a quarter of the two cores from the server), /metrics' model batch sizes,
   peak RSS;
5. the bare model again (the targets use both halves: this machine drifts over minutes);
6. an index build of a synthetic 1k-sentence course with the serving model, and the bare model's
   `encode` over the very texts that build embedded;
7. the first answer in a new data folder, with an empty lexicon cache: the seed, and four
   documents (`bench/first_answer.py`);
8. with `--fresh-clone`, `make run` in a fresh clone to its first answer, pip included
   (`bench/fresh_clone.sh`, minutes); otherwise the last such run recorded in
   bench/fresh_clone.json is shown with its date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
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

import httpx

from . import first_answer, load, model
from .bare import BareModel, combine, yardsticks
from .questions import QuestionStream, base_questions, variants
from .report import evaluate, markdown
from .server import Server, build_index_cli, proc_status
from .stats import median
from .synth import write_course

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COLD_QUESTION = "When was the Berlin Wall erected?"
DEV_SET = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
FRESH_CLONE = HERE / "fresh_clone.json"
BIG = 100_000


@dataclass(frozen=True)
class Plan:
    quick: bool
    starts: int
    bare_calls: int
    sequential: int
    clients: int
    run_seconds: float
    build_size: int
    first_answer: tuple[str, ...]
    sizes: tuple[int, ...]

    @classmethod
    def make(cls, quick: bool, sizes: tuple[int, ...]) -> Plan:
        if quick:
            return cls(True, 1, 60, 60, 32, 5.0, 300, ("seed",), sizes)
        return cls(False, 3, 200, 300, 32, 15.0, 600, ("seed", "four"), sizes)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop the server


def machine() -> dict[str, Any]:
    import onnxruntime
    import sentence_transformers
    import torch

    from tutor.settings import Settings

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
    settings = Settings()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
        "sentence_transformers": sentence_transformers.__version__,
        "serving_runtime": settings.embed_runtime
        + (" int8" if settings.embed_runtime == "onnx" and settings.onnx_quantize else ""),
        "embed_workers": settings.embed_workers,
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes_outside_bench": len(changed),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def metrics_batches(url: str) -> dict[str, Any]:
    """The model's batches as `/metrics` shows them: cumulative buckets of texts and of
    requests per model call, and their counts and sums."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    out: dict[str, Any] = {}
    for name in ("tutor_embedding_batch_size", "tutor_embedding_batch_requests"):
        buckets = {
            m.group(1): float(m.group(2))
            for m in re.finditer(rf'^{name}_bucket{{le="([^"]+)"}} (\S+)$', text, re.M)
        }
        count = re.search(rf"^{name}_count (\S+)$", text, re.M)
        total = re.search(rf"^{name}_sum (\S+)$", text, re.M)
        n = float(count.group(1)) if count else 0.0
        out[name] = {
            "buckets": buckets,
            "count": n,
            "sum": float(total.group(1)) if total else 0.0,
            "mean": round(float(total.group(1)) / n, 2) if total and n else None,
        }
    return out


def _delta(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Batches between two /metrics reads: what one run alone reached."""
    out: dict[str, Any] = {}
    for name, a in after.items():
        b = before.get(name, {"buckets": {}, "count": 0.0, "sum": 0.0})
        n = a["count"] - b["count"]
        out[name] = {
            "buckets": {k: v - b["buckets"].get(k, 0.0) for k, v in a["buckets"].items()},
            "count": n,
            "sum": a["sum"] - b["sum"],
            "mean": round((a["sum"] - b["sum"]) / n, 2) if n else None,
        }
    return out


def score_dev_set(url: str) -> dict[str, Any] | None:
    """The seed's dev set through the running server (the shared scorer), or None without it."""
    if not SCORER.is_file() or not DEV_SET.is_file():
        return None
    done = subprocess.run(
        [sys.executable, str(SCORER), "--url", url, "--set", str(DEV_SET), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-500:]}
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


def server_part(plan: Plan, work: Path, data: Path, stream: QuestionStream) -> dict[str, Any]:
    log("`tutor index` of the seed course (also fills the lexicon cache if empty)")
    out: dict[str, Any] = {"index_cli": build_index_cli(data)}
    starts: list[dict[str, Any]] = []
    server: Server | None = None
    try:
        for i in range(plan.starts):
            if server is not None:
                server.stop()
            server = Server(data, work / f"server-{i}.log")
            server.start()
            started = server.wait_ready(COLD_QUESTION)
            started["rss_kb"] = proc_status(server.pid)["VmRSS"]
            starts.append(started)
            log(
                f"start {i + 1}/{plan.starts}: healthy {started['healthz_s']:.2f} s, ready "
                f"{started['readyz_s']:.2f} s, first answer {started['first_answer_s']:.2f} s, "
                f"RSS {started['rss_kb'] / 1024:.0f} MiB"
            )
        assert server is not None
        out["starts"] = {
            "runs": starts,
            "median_healthz_s": median([s["healthz_s"] for s in starts]),
            "median_readyz_s": median([s["readyz_s"] for s in starts]),
            "median_first_answer_s": median([s["first_answer_s"] for s in starts]),
            "median_rss_kb": median([s["rss_kb"] for s in starts]),
        }
        log("the seed's dev set, through this server")
        out["dev_set"] = score_dev_set(server.url)
        log(f"sequential: {plan.sequential} questions over one keep-alive connection")
        out["sequential"] = load.sequential(server.url, stream, plan.sequential, server.pid)
        log(f"sequential p50 {out['sequential']['p50_ms']:.1f} ms")
        before = metrics_batches(server.url)
        log(f"{plan.clients} clients for {plan.run_seconds:.0f} s")
        run = load.concurrent(
            server.url, stream, plan.clients, plan.run_seconds, 100_000, server.pid, raw=True
        )
        run["batches"] = _delta(metrics_batches(server.url), before)
        log(
            f"{plan.clients} clients: {run['answers_per_s']} answers/s, p95 {run.get('p95_ms')} "
            f"ms, {run['batches']['tutor_embedding_batch_requests']['mean']} requests per model "
            f"call, errors {run['errors']}"
        )
        out["concurrent"] = run
        out["rss_end_kb"] = proc_status(server.pid)
    finally:
        if server is not None:
            server.stop()
    out["questions"] = {"distinct": stream.distinct, "asked": stream.handed}
    return out


def build_part(plan: Plan, bare: BareModel) -> dict[str, Any]:
    embedder, lexicon = model.serving_embedder()
    corpus = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    try:
        write_course(corpus, plan.build_size, seed=plan.build_size)
        label = f"{plan.build_size // 1000}k" if plan.build_size >= 1000 else str(plan.build_size)
        log(f"index build of a synthetic {label}-sentence course, then the bare model on its texts")
        out = model.build_against_bare(label, corpus, embedder, lexicon, bare)
    finally:
        shutil.rmtree(corpus, ignore_errors=True)
    log(
        f"build embedded {out['texts_embedded']} texts at {out['embed_texts_per_s']}/s; bare "
        f"encode {out['bare']['texts_per_s']}/s"
    )
    return out


def search_part(sizes: tuple[int, ...]) -> dict[str, Any]:
    """Optional (`--sizes`): builds of larger synthetic courses and FAISS search on them."""
    embedder, lexicon = model.serving_embedder()
    builds: dict[str, Any] = {}
    largest: tuple[int, dict[str, Any], Any, Any] | None = None
    for size in sizes:
        label = f"{size // 1000}k" if size >= 1000 else str(size)
        if size >= BIG and largest is not None:
            base_size, base, base_vectors, base_queries = largest
            log(f"{label}: FAISS over vectors clustered around the {base_size} build's")
            figures = model.clustered_index(base_vectors, size, base_queries)
            figures["full_build_estimate_s"] = round(base["wall_s"] * size / base["chunks"], 1)
            builds[label] = figures
            continue
        figures, vectors, queries = model.synthetic_build(
            label, size, embedder, keep_vectors=True, queries_n=200, lexicon=lexicon
        )
        builds[label] = figures
        largest = (size, figures, vectors, queries)
    return builds


def fresh_clone() -> dict[str, Any]:
    """`bench/fresh_clone.sh` (make run in a fresh clone, pip included), parsed and recorded."""
    done = subprocess.run(
        ["sh", str(HERE / "fresh_clone.sh")], capture_output=True, text=True, check=False
    )
    found = re.search(r"first answer ([\d.]+) s after", done.stdout)
    pip = re.search(r"venv installed \(pip\) ([\d.]+) s", done.stdout)
    figures = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "first_answer_s": float(found.group(1)) if found else None,
        "pip_s": float(pip.group(1)) if pip else None,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "ok": done.returncode == 0 and found is not None,
    }
    FRESH_CLONE.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short run: fewer of everything")
    parser.add_argument(
        "--fresh-clone", action="store_true", help="also time `make run` in a fresh clone"
    )
    parser.add_argument(
        "--sizes",
        default="",
        help="also build synthetic courses of these sizes and measure search (e.g. 10000,100000)",
    )
    parser.add_argument("--out", default=str(HERE), help="folder for results.json and .md")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    plan = Plan.make(args.quick, sizes)
    signal.signal(signal.SIGTERM, _on_sigterm)

    all_variants = variants(base_questions())
    # the bare model asks its own questions: the server's stream never repeats them
    bare_questions, served = all_variants[::5], [q for i, q in enumerate(all_variants) if i % 5]
    stream = QuestionStream(served)
    results: dict[str, Any] = {
        "mode": "quick" if plan.quick else "full",
        "machine": machine(),
        "plan": plan.__dict__,
    }
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        log("the bare model (sentence-transformers on torch) in this process")
        bare = BareModel()
        halves = [yardsticks(bare, bare_questions, plan.bare_calls)]
        log(f"bare: {combine(halves)}")
        data = work / "data"
        data.mkdir()
        results["server"] = server_part(plan, work, data, stream)
        halves.append(yardsticks(bare, bare_questions[::-1], plan.bare_calls))
        results["bare"] = combine(halves) | {"load_s": round(bare.load_s, 2)}
        log(f"bare, both halves: {results['bare']}")
        results["build"] = build_part(plan, bare)
        del bare
        if sizes:
            results["builds"] = search_part(sizes)
        log(f"first answer in a new data folder: {', '.join(plan.first_answer)}")
        results["first_answer"] = first_answer.measure(list(plan.first_answer))
        if args.fresh_clone:
            log("`make run` in a fresh clone (pip included): a few minutes")
            results["fresh_clone"] = fresh_clone()
        elif FRESH_CLONE.is_file():
            results["fresh_clone"] = json.loads(FRESH_CLONE.read_text(encoding="utf-8")) | {
                "recorded_earlier": True
            }
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
