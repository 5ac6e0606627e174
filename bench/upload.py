"""Seconds from a teacher's upload to its first cited answer: `make upload-bench`.

    .venv/bin/python -m bench.upload [--course four|seed] [--out bench/upload.json]

A `tutor serve` is started on the four-document course of `bench.first_answer` (about 100 KB)
in a new data folder with a teacher key, and waited for. Then a document is uploaded as .docx,
as .html and as .pdf, one after the other, over `POST /v1/documents`; each is timed from the
upload to the first `/v1/ask` answered from it with an exact citation (`text[start:end] ==
quote` against `GET /v1/documents/{doc_id}`). The rebuild embeds and calibrates the whole
course again, so this is the figure a teacher waits for. Target (issue 14): 60 s each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from tests.upload_files import UPLOADS, upload_file

from .first_answer import make_course
from .server import tutor_serve

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_S = 60.0
TEACHER_KEY = ("--name", "bench", "--role", "teacher")


def log(message: str) -> None:
    print(f"[upload] {message}", file=sys.stderr, flush=True)


def teacher_key(env: dict[str, str]) -> str:
    made = subprocess.run(
        [sys.executable, "-m", "bots.cli", "keys", "create", *TEACHER_KEY],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return made.stdout.strip().splitlines()[-1]


def wait_ready(client: httpx.Client, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode})")
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError("the server was not ready by the deadline")


def upload_to_answer(client: httpx.Client, key: dict[str, str], kind: str) -> dict[str, Any]:
    """Upload one file; seconds until a question about it is answered with an exact citation."""
    doc_id, _, _, question = UPLOADS[kind]
    name, data = upload_file(kind)
    before = client.get("/v1/index", headers=key).json()["version"]
    t0 = time.perf_counter()
    sent = client.post("/v1/documents", files={"file": (name, data)}, headers=key)
    if sent.status_code != 202:
        raise RuntimeError(f"upload refused: {sent.status_code} {sent.text}")
    while True:
        state = client.get("/v1/index", headers=key).json()
        if state["status"] == "ready" and state["version"] != before:
            break
        if state.get("last_error"):
            raise RuntimeError(f"the rebuild failed: {state['last_error']}")
        time.sleep(0.1)
    built = time.perf_counter() - t0
    answer = client.post("/v1/ask", json={"question": question}, headers=key).json()
    took = time.perf_counter() - t0
    text = client.get(f"/v1/documents/{doc_id}", headers=key).json()["text"]
    cited = answer["citations"][0] if answer.get("citations") else None
    exact = bool(
        answer.get("answerable")
        and cited is not None
        and cited["doc_id"] == doc_id
        and text[cited["start"] : cited["end"]] == cited["quote"]
    )
    return {
        "kind": kind,
        "doc_id": doc_id,
        "rebuilt_s": round(built, 2),
        "answered_s": round(took, 2),
        "exact_citation": exact,
        "quote": cited["quote"] if cited else None,
    }


def measure(course: str, timeout_s: float = 900.0) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    corpus = make_course(course, work)
    data = work / "data"
    env = {
        **os.environ,
        "TUTOR_DATA_DIR": str(data),
        "TUTOR_CORPUS_DIR": str(corpus),
        "TUTOR_STATE_URL": f"sqlite:///{work / 'state.sqlite3'}",
    }
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "course": course,
        "corpus_kb": round(sum(p.stat().st_size for p in corpus.iterdir()) / 1024, 1),
        "documents_before": len(list(corpus.iterdir())),
        "target_s": TARGET_S,
    }
    try:
        key = {"X-API-Key": teacher_key(env)}
        with (
            tutor_serve(env, work / "server.log") as (proc, url),
            httpx.Client(base_url=url, timeout=60.0) as client,
        ):
            wait_ready(client, proc, time.perf_counter() + timeout_s)
            results["uploads"] = []
            for kind in UPLOADS:
                results["uploads"].append(upload_to_answer(client, key, kind))
                log(json.dumps(results["uploads"][-1]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def table(results: dict[str, Any]) -> str:
    rows = [
        f"Upload to first cited answer ({results['date']}, load average "
        f"{results['loadavg_at_start'][0]}; course '{results['course']}', "
        f"{results['documents_before']} documents, {results['corpus_kb']} KB before the upload)",
        "",
        "| file | index rebuilt s | answered s | exact citation | target s | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for u in results["uploads"]:
        met = u["exact_citation"] and u["answered_s"] <= results["target_s"]
        rows.append(
            f"| .{u['kind']} | {u['rebuilt_s']} | {u['answered_s']} | {u['exact_citation']} | "
            f"{results['target_s']:.0f} | {'yes' if met else 'no'} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__)
    parser.add_argument("--course", choices=["four", "seed"], default="four")
    parser.add_argument("--out", type=Path, default=HERE / "upload.json")
    args = parser.parse_args(argv)
    results = measure(args.course)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    met = [u["exact_citation"] and u["answered_s"] <= TARGET_S for u in results["uploads"]]
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
