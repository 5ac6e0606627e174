"""The measured server and the bare-model process: start, time to ready, memory, CPU, stop."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# A fresh interpreter that constructs the embedder the way the server does (no other work),
# printing one line when it is ready and one after its first (warm-up) embedding.
BARE_LOAD = """
import json, sys, time
t0 = time.perf_counter()
from index.embedder import SentenceTransformerEmbedder, bundled_model_path
t1 = time.perf_counter()
e = SentenceTransformerEmbedder(bundled_model_path())
t2 = time.perf_counter()
print(json.dumps({"stage": "loaded", "import_s": t1 - t0, "construct_s": t2 - t1}), flush=True)
e.embed(["When was the Berlin Wall erected?"])
t3 = time.perf_counter()
print(json.dumps({"stage": "embedded", "first_embed_s": t3 - t2}), flush=True)
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path) -> dict[str, str]:
    """This process's environment plus the three TUTOR_* variables, nothing else."""
    env = dict(os.environ)
    env["TUTOR_DATA_DIR"] = str(data_dir)
    env["TUTOR_CORPUS_DIR"] = "corpus"
    env["TUTOR_STATE_URL"] = f"sqlite:///{data_dir / 'state.sqlite3'}"
    return env


@contextmanager
def tutor_serve(
    env: dict[str, str], log_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`tutor serve` on a free port with `env`, its output in `log_path`: yields the process
    and its base URL as soon as it started (not when it is ready); stops it afterwards."""
    port = free_port()
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bots.cli", "serve", "--host", HOST, "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield proc, f"http://{HOST}:{port}"
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (peak RSS) and Threads of a process, from /proc (memory in kB)."""
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                out[key] = int(value.split()[0])
    return out


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def build_index_cli(data_dir: Path) -> dict[str, Any]:
    """`python -m bots.cli index` into data_dir, timed from process start to exit; it also
    builds the model's lexicon if the cache lacks it, so no server measured here builds it."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bots.cli", "index", "--quiet", "--lexicon"],
        cwd=ROOT,
        env=server_env(data_dir),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"`tutor index` failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"wall_s": round(wall, 3), "output": done.stdout.strip()}


def _readline(stream: IO[str], deadline: float) -> str:
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError("the process printed nothing in time")
        ready, _, _ = select.select([stream], [], [], left)
        if ready:
            return stream.readline()


def bare_model_load(timeout_s: float = 300) -> dict[str, float]:
    """Wall time from starting a fresh interpreter until the embedder is constructed."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", BARE_LOAD],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        deadline = t0 + timeout_s
        first = _readline(proc.stdout, deadline)
        t_loaded = time.perf_counter()
        second = _readline(proc.stdout, deadline)
        t_embedded = time.perf_counter()
        if not first or not second:
            raise RuntimeError("the bare-model process exited before it was ready")
        inner = json.loads(first) | json.loads(second)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return {
        "ready_s": round(t_loaded - t0, 3),
        "ready_and_first_embed_s": round(t_embedded - t0, 3),
        "import_s": round(float(inner["import_s"]), 3),
        "construct_s": round(float(inner["construct_s"]), 3),
        "first_embed_s": round(float(inner["first_embed_s"]), 3),
    }


@dataclass
class Server:
    """`python -m bots.cli serve` on a free loopback port; always stopped by `stop()`."""

    data_dir: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bots.cli", "serve", "--host", HOST, "--port", str(self.port)],
            cwd=ROOT,
            env=server_env(self.data_dir),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, question: str, timeout_s: float = 300) -> dict[str, float]:
        """Poll /healthz, then /readyz, then ask once; seconds from process start to each."""
        assert self.proc is not None
        deadline = self.started_at + timeout_s
        healthy_at = ready_at = answered_at = 0.0
        with httpx.Client(base_url=self.url, timeout=5.0) as client:
            while time.perf_counter() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"the server exited ({self.proc.returncode}):\n{self.tail()}"
                    )
                try:
                    if client.get("/healthz").status_code == 200:
                        healthy_at = time.perf_counter()
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.01)
            else:
                raise TimeoutError(f"the server was not healthy in {timeout_s} s:\n{self.tail()}")
            while time.perf_counter() < deadline:  # index, model and state store all work
                if client.get("/readyz").status_code == 200:
                    ready_at = time.perf_counter()
                    break
                time.sleep(0.01)
            else:
                raise TimeoutError(f"the server was not ready in {timeout_s} s:\n{self.tail()}")
            r = client.post("/v1/ask", json={"question": question}, timeout=60.0)
            if r.status_code != 200:
                raise RuntimeError(f"first /v1/ask failed: {r.status_code} {r.text[:500]}")
            answered_at = time.perf_counter()
        return {
            "healthz_s": round(healthy_at - self.started_at, 3),
            "readyz_s": round(ready_at - self.started_at, 3),
            "first_answer_s": round(answered_at - self.started_at, 3),
        }

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        if self._log is not None:
            self._log.close()
            self._log = None
