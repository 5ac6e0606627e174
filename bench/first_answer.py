"""Time to the first answer in a new data folder: `make first-answer`.

    .venv/bin/python -m bench.first_answer [--runs N] [--courses seed,four] [--warm-lexicon]

For each course, a `tutor serve` is started on a fresh data folder (no index, no state) with
the installed venv, and timed from its start to the first `/v1/ask` answered with 200. The
model's lexicon cache starts empty too (`TUTOR_LEXICON_DIR` in the work folder), as on a fresh
machine, unless `--warm-lexicon`: nothing may wait for it, and its background build shares the
cores with the first answer. Courses:

- seed: `corpus/` (one document);
- four: `corpus/`, the two courses of `../shared/eval/courses/` and a study guide made here from
  `../shared/corpus/` (its sentences regrouped under new headings), about 100 KB in all.

The bare model load (a fresh `python -c` constructing the embedder) is timed in the same run,
since this machine's speed drifts several-fold. Prints a table and writes
bench/first_answer.json. Targets (issue 12): seed at most 20 s, four documents at most 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from index.documents import parse_document

from .server import bare_model_load, proc_status, tutor_serve
from .stats import median

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
QUESTION = "When was the Berlin Wall erected?"
TARGET_S = {"seed": 20.0, "four": 60.0}
STAGES = {  # log lines of `tutor serve` that close a stage, and the figure they carry
    "model_load_s": re.compile(r"model \S+ loaded in ([\d.]+) s"),
    "index_build_s": re.compile(r"index built in ([\d.]+) s"),
}


def log(message: str) -> None:
    print(f"[first-answer] {message}", file=sys.stderr, flush=True)


def study_guide(source: Path) -> str:
    """A made-up course document from `source`: its sentences regrouped four ways (by
    section, in reverse, as a numbered review, and as a timeline of sentences with years)."""
    parsed = parse_document(source, source.read_text(encoding="utf-8"))
    text = parsed.document.text
    sentences = [(s.section, text[s.start : s.end]) for s in parsed.sentences]
    title = parsed.document.title
    out = [f"# Study guide: {title}", ""]
    for section in dict.fromkeys(section for section, _ in sentences):
        out += [f"## {section}: the main points", ""]
        out += [" ".join(s for sec, s in sentences if sec == section), ""]
    out += ["## The same events told backwards", ""]
    for start in range(len(sentences) - 1, -1, -4):
        out += [" ".join(s for _, s in reversed(sentences[max(0, start - 3) : start + 1])), ""]
    out += ["## Review", ""]
    out += [f"{i}. {s}" for i, (_, s) in enumerate(sentences, 1)] + [""]
    out += ["## Timeline", ""]
    dated = [s for _, s in sentences if re.search(r"\b1[89]\d\d\b", s)]
    out += [f"- {s}" for s in sorted(dated, key=lambda s: re.findall(r"\b1[89]\d\d\b", s)[0])]
    return "\n".join(out) + "\n"


def make_course(name: str, folder: Path) -> Path:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for path in (ROOT / "corpus").iterdir():
        if path.is_file():
            shutil.copy(path, corpus / path.name)
    if name == "four":
        for path in sorted((SHARED / "eval" / "courses").glob("*.md")):
            if path.name.lower() != "readme.md":  # the attribution, not a course
                shutil.copy(path, corpus / path.name)
        source = next(iter(sorted((SHARED / "corpus").glob("*.txt"))))
        (corpus / "study-guide.md").write_text(study_guide(source), encoding="utf-8")
    return corpus


def first_answer(corpus: Path, folder: Path, lexicon: Path, timeout_s: float) -> dict[str, Any]:
    """Start `tutor serve` on a fresh data folder; seconds to its first 200 on /v1/ask."""
    data = folder / "data"
    env = {
        **os.environ,
        "TUTOR_DATA_DIR": str(data),
        "TUTOR_CORPUS_DIR": str(corpus),
        "TUTOR_LEXICON_DIR": str(lexicon),
    }
    log_path = folder / "server.log"
    t0 = time.perf_counter()
    with tutor_serve(env, log_path) as (proc, url):
        answered = _poll(proc, url, t0 + timeout_s, log_path)
        elapsed = time.perf_counter() - t0
        rss = proc_status(proc.pid).get("VmRSS")
    text = log_path.read_text(encoding="utf-8", errors="replace")
    figures: dict[str, Any] = {"first_answer_s": round(elapsed, 2), "rss_kb": rss}
    for key, pattern in STAGES.items():
        found = pattern.search(text)
        figures[key] = float(found.group(1)) if found else None
    manifest = json.loads(next((data / "index").glob("build-*/manifest.json")).read_text())
    figures["documents"] = manifest["documents"]
    figures["sentences"] = manifest["passages"]
    figures["corpus_kb"] = round(sum(p.stat().st_size for p in corpus.iterdir()) / 1024, 1)
    figures["answer"] = answered["answer"]
    return figures


def _poll(proc: subprocess.Popen[bytes], url: str, deadline: float, log_path: Path) -> Any:
    with httpx.Client(base_url=url, timeout=30.0) as client:
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the server exited ({proc.returncode}):\n{tail}")
            try:
                r = client.post("/v1/ask", json={"question": QUESTION})
                if r.status_code == 200:
                    return r.json()
                raise RuntimeError(f"/v1/ask answered {r.status_code}: {r.text[:300]}")
            except httpx.TransportError:  # not listening yet
                time.sleep(0.05)
    raise TimeoutError(f"no answer by the deadline:\n{log_path.read_text(errors='replace')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.first_answer", description=__doc__)
    parser.add_argument("--runs", type=int, default=1, help="runs per course (median reported)")
    parser.add_argument("--courses", default="seed,four", help="comma-separated: seed, four")
    parser.add_argument("--warm-lexicon", action="store_true", help="build the lexicon first")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per start")
    parser.add_argument("--out", type=Path, default=HERE / "first_answer.json")
    args = parser.parse_args(argv)
    courses = [c.strip() for c in args.courses.split(",") if c.strip()]
    results = measure(courses, args.runs, args.warm_lexicon, args.timeout)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    met = [c["median_first_answer_s"] <= c["target_s"] for c in results["courses"].values()]
    return 0 if all(met) else 1


def measure(
    courses: list[str], runs: int = 1, warm_lexicon: bool = False, timeout_s: float = 600.0
) -> dict[str, Any]:
    """First answers for each course in new data folders, with the bare model load timed
    before each start."""
    work = Path(tempfile.mkdtemp(prefix="first-answer-"))
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "lexicon": "warm" if warm_lexicon else "cold (built in the background)",
        "courses": {},
    }
    try:
        lexicon = work / "lexicon"
        if warm_lexicon:
            log("building the lexicon first (--warm-lexicon)")
            subprocess.run(
                [sys.executable, "-m", "bots.cli", "index", "--lexicon", "--quiet"],
                cwd=ROOT,
                env={
                    **os.environ,
                    "TUTOR_DATA_DIR": str(work / "warm"),
                    "TUTOR_LEXICON_DIR": str(lexicon),
                },
                check=True,
                capture_output=True,
            )
        bare = []
        for name in courses:
            done = []
            for i in range(runs):
                bare.append(bare_model_load()["ready_s"])
                folder = work / f"{name}-{i}"
                corpus = make_course(name, folder)
                if not warm_lexicon:
                    shutil.rmtree(lexicon, ignore_errors=True)
                done.append(first_answer(corpus, folder, lexicon, timeout_s))
                log(
                    f"{name} {i + 1}/{runs}: first answer after "
                    f"{done[-1]['first_answer_s']} s (bare model load {bare[-1]:.1f} s)"
                )
            results["courses"][name] = {
                "runs": done,
                "median_first_answer_s": median([r["first_answer_s"] for r in done]),
                "target_s": TARGET_S[name],
            }
        results["bare_model_load_median_s"] = round(median(bare), 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def table(results: dict[str, Any]) -> str:
    rows = [
        f"First answer in a new data folder ({results['date']}, load average "
        f"{results['loadavg_at_start'][0]}, lexicon {results['lexicon']}; bare model load "
        f"{results['bare_model_load_median_s']} s in the same run)",
        "",
        "| course | documents | KB | sentences | model load s | index build s | "
        "first answer s | target s | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, c in results["courses"].items():
        r = c["runs"][len(c["runs"]) // 2]
        met = "yes" if c["median_first_answer_s"] <= c["target_s"] else "no"
        rows.append(
            f"| {name} | {r['documents']} | {r['corpus_kb']} | {r['sentences']} | "
            f"{r['model_load_s']} | {r['index_build_s']} | {c['median_first_answer_s']} | "
            f"{c['target_s']:.0f} | {met} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
