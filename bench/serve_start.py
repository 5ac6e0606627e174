"""Start-up of `tutor serve` per model runtime, over a data folder whose index is built.

    .venv/bin/python -m bench.serve_start --data /tmp/onnx-data [--runs 2]

For torch, ONNX fp32 and ONNX int8 (TUTOR_EMBED_RUNTIME, TUTOR_ONNX_QUANTIZE), alternately:
seconds from process start to a healthy /healthz and to the first answer, the server's RSS
after that answer, and whether torch's library was mapped into it (/proc/<pid>/maps). The ONNX
exports must exist (`tutor export-onnx`, or any `tutor index`), and so must the lexicon
(TUTOR_LEXICON_DIR): this measures a start with nothing to build.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .server import Server, proc_status

RUNTIMES = {
    "torch": {"TUTOR_EMBED_RUNTIME": "torch"},
    "ONNX fp32": {"TUTOR_EMBED_RUNTIME": "onnx", "TUTOR_ONNX_QUANTIZE": "false"},
    "ONNX int8": {"TUTOR_EMBED_RUNTIME": "onnx", "TUTOR_ONNX_QUANTIZE": "true"},
}
QUESTION = "What is this course about?"


def torch_mapped(pid: int) -> bool:
    with open(f"/proc/{pid}/maps", encoding="ascii", errors="replace") as fh:
        return "libtorch" in fh.read()


def start_once(data: Path, env: dict[str, str], log: Path) -> dict[str, object]:
    os.environ.update(env)
    server = Server(data, log)
    server.start()
    try:
        times = server.wait_ready(QUESTION)
        status = proc_status(server.pid)
        return {**times, "rss_mb": status["VmRSS"] / 1024, "torch": torch_mapped(server.pid)}
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder with an index")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    os.environ["TUTOR_AUTO_INDEX"] = "false"  # a start that builds nothing
    results: dict[str, list[dict[str, object]]] = {}
    with tempfile.TemporaryDirectory() as logs:
        for run in range(args.runs):
            for label, env in RUNTIMES.items():
                got = start_once(args.data.resolve(), env, Path(logs) / f"{label}-{run}.log")
                print(f"[serve_start] {label}: {got}", file=sys.stderr, flush=True)
                results.setdefault(label, []).append(got)
    print("| runtime | healthy after s | first answer after s | RSS MB | torch loaded |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, runs in results.items():

        def best(key: str, runs: list[dict[str, object]] = runs) -> float:
            return min(float(str(r[key])) for r in runs)

        loaded = any(r["torch"] for r in runs)
        print(
            f"| {label} | {best('healthz_s'):.2f} | {best('first_answer_s'):.2f} "
            f"| {best('rss_mb'):.0f} | {'yes' if loaded else 'no'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
