"""Load test: many /v1/ask at many concurrent clients against a real server, watching its memory.

`make loadtest` (or `python -m bench.loadtest`): builds the index of the seed course into a
temporary folder with `tutor index`, starts `tutor serve` on a free loopback port (as
`python -m bots.cli`, the console script's entry point, the way bench/ does), sends 20,000
/v1/ask from 64 concurrent keep-alive clients (each a distinct wording of a dev or held-out
question, never repeated, no session id, so no cache makes it cheap), and samples the
server's RSS from /proc/<pid>/status throughout. It writes bench/loadtest.json and exits 1 when
any request got something other than a 200 or when RSS grew by 10% or more from the first
quarter of the run to the last.

Rate limiting stays at its defaults: every request comes from 127.0.0.1 without a key, so they
all share one per-address bucket, and the default (see `TUTOR_RATE_LIMIT_PER_MINUTE`) is sized
to take this; a 429 would count as an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tutor.settings import Settings

from . import load
from .questions import QuestionStream, base_questions, variants
from .server import Server, build_index_cli, proc_status

HERE = Path(__file__).resolve().parent
MAX_RSS_GROWTH_PCT = 10.0
# bench/questions.py words each question 40 ways (3,920 strings); these endings multiply that
# past 20,000 so no request repeats an earlier one and the server's caches cannot answer it.
ENDINGS = ("", "?", "!", "??", " ?!", "...")


def wordings() -> list[str]:
    """Distinct wordings of the dev and held-out questions, the plain ones first."""
    worded = variants(base_questions())
    return [q + ending for ending in ENDINGS for q in worded]


def log(message: str) -> None:
    print(f"[loadtest] {message}", file=sys.stderr, flush=True)


class RssSampler:
    """Reads a process's VmRSS every `interval` seconds in a thread, with the time of each."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid = pid
        self.interval = interval
        self.samples: list[tuple[float, int]] = []  # (monotonic seconds, kB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic(), proc_status(self.pid)["VmRSS"]))
            except (OSError, KeyError):
                return  # the process is gone
            self._stop.wait(self.interval)

    def quarters(self) -> dict[str, Any]:
        """Median RSS (MiB) of the samples in the first and the last quarter of the time."""
        if len(self.samples) < 4:
            raise RuntimeError(f"only {len(self.samples)} RSS samples: the run was too short")
        t0, t1 = self.samples[0][0], self.samples[-1][0]
        span = t1 - t0
        first = [kb for t, kb in self.samples if t <= t0 + span / 4]
        last = [kb for t, kb in self.samples if t >= t1 - span / 4]
        first_mib = statistics.median(first) / 1024
        last_mib = statistics.median(last) / 1024
        tenths: list[list[int]] = [[] for _ in range(10)]
        for t, kb in self.samples:
            tenths[min(9, int(10 * (t - t0) / span))].append(kb)
        return {
            "samples": len(self.samples),
            "first_quarter_mib": round(first_mib, 1),
            "last_quarter_mib": round(last_mib, 1),
            "growth_pct": round(100 * (last_mib - first_mib) / first_mib, 2),
            "min_mib": round(min(kb for _, kb in self.samples) / 1024, 1),
            "max_mib": round(max(kb for _, kb in self.samples) / 1024, 1),
            # median of each tenth of the run: a leak climbs to the end, a cache levels off
            "by_tenth_mib": [round(statistics.median(x) / 1024, 1) for x in tenths if x],
        }


def run(requests: int, concurrency: int, work: Path) -> dict[str, Any]:
    data = work / "data"
    data.mkdir()
    log("building the index with `tutor index`")
    index = build_index_cli(data)
    server = Server(data, work / "server.log")
    stream = QuestionStream(wordings())
    server.start()
    try:
        ready = server.wait_ready(stream.take())
        log(f"server pid {server.pid} on {server.url}, first answer at {ready['first_answer_s']} s")
        log(f"{requests} /v1/ask at {concurrency} concurrent clients")
        with RssSampler(server.pid) as rss:
            figures = load.concurrent(
                server.url, stream, concurrency, 24 * 3600.0, requests, server.pid
            )
        after = proc_status(server.pid)
    finally:
        server.stop()
    return {
        "index_build_s": index["wall_s"],
        "cold_start": ready,
        "load": figures,
        "rss": rss.quarters() | {"peak_mib (VmHWM)": round(after["VmHWM"] / 1024, 1)},
        "distinct_questions": stream.distinct,
    }


def verdict(out: dict[str, Any]) -> list[str]:
    """Why the run failed; empty when it passed."""
    reasons = []
    errors = out["load"]["errors"]
    if errors:
        reasons.append(f"{errors} requests did not get a 200: {out['load'].get('error_kinds')}")
    growth = out["rss"]["growth_pct"]
    if growth >= MAX_RSS_GROWTH_PCT:
        reasons.append(f"RSS grew {growth}% (limit {MAX_RSS_GROWTH_PCT}%)")
    return reasons


def _on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally that stops the server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--out", default=str(HERE / "loadtest.json"))
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    defaults = Settings()
    started = time.time()
    work = Path(tempfile.mkdtemp(prefix="loadtest-"))
    try:
        result = run(args.requests, args.concurrency, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures = result["load"]
    out: dict[str, Any] = {
        "command": "make loadtest  (python -m bench.loadtest)",
        "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started)),
        "cpus": os.cpu_count(),
        "requests": figures["requests"],
        "concurrency": args.concurrency,
        "answers": figures["answers"],
        "errors": figures["errors"],
        "answers_per_s": figures["answers_per_s"],
        "p50_ms": figures.get("p50_ms"),
        "p95_ms": figures.get("p95_ms"),
        "rss": result["rss"],
        "rate_limit": {
            "per_minute": defaults.rate_limit_per_minute,
            "burst": defaults.rate_limit_burst,
            "keyed_by": "client address (no API key sent)",
        },
        "detail": result,
    }
    out["failures"] = verdict(out | {"load": figures})
    out["passed"] = not out["failures"]
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    rss = out["rss"]
    log(
        f"{out['requests']} requests, {out['errors']} errors, {out['answers_per_s']} answers/s, "
        f"p50 {out['p50_ms']} ms, p95 {out['p95_ms']} ms; RSS {rss['first_quarter_mib']} → "
        f"{rss['last_quarter_mib']} MiB ({rss['growth_pct']:+}%); wrote {args.out}"
    )
    for reason in out["failures"]:
        log(f"FAILED: {reason}")
    return 0 if out["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
