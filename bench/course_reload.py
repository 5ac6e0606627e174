"""A course's first answer after it was unloaded, and its estimated bytes against what it takes.

    .venv/bin/python -m bench.course_reload [--fake]

Builds a campus in a new data folder with the configured model (`--fake`: the hashing
embedder), creates the course "three" (the seed and the two dev courses of ../shared, about
60 KB) and the course "other" (one of them), indexes both on their first question, then five
times: unloads "three" by a budget of one byte and times `campus.tutor("three").ask(…)`, its
load and first answer. Last, "three" is loaded once more under tracemalloc, and its estimate
(`tutor.campus.estimated_bytes`) is printed beside the Python objects traced, its vectors and
the growth of the resident set. Target (issue 15): the first answer after an unload within 1 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from bots.wiring import build_campus
from tutor import Settings
from tutor.campus import estimated_bytes
from tutor.fakes import HashingEmbedder
from tutor.stores import sqlite_url

ROOT = Path(__file__).resolve().parent.parent
DEV_COURSES = ROOT.parent / "shared" / "eval" / "courses"
QUESTION = "What was the outcome of the negotiations?"
MB = 2**20


def resident() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fake", action="store_true", help="the hashing embedder, no model")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="course-reload-"))
    shutil.copytree(ROOT / "corpus", tmp / "corpus")
    settings = Settings(
        corpus_dir=tmp / "corpus",
        data_dir=tmp / "data",
        state_url=sqlite_url(tmp / "data" / "state.sqlite3"),
        index_poll_seconds=0,
    )
    campus = build_campus(settings, embedder=HashingEmbedder(384) if args.fake else None)
    try:
        dev = sorted(p for p in DEV_COURSES.glob("*.md") if p.name != "README.md")
        for course_id, files in (
            ("three", [*(ROOT / "corpus").glob("*.txt"), *dev]),
            ("other", dev[:1]),
        ):
            campus.create_course(course_id)
            for path in files:
                shutil.copy(path, campus.registry.folders(course_id).corpus_dir)
            campus.tutor(course_id).ask(QUESTION)  # indexed on its first question
        took = []
        for _ in range(5):
            campus.memory_budget = 1
            campus.tutor("other")  # unloads "three"
            gc.collect()
            started = time.monotonic()
            campus.tutor("three").ask(QUESTION)
            took.append(time.monotonic() - started)
        shown = ", ".join(f"{t * 1000:.0f}" for t in took)
        median = statistics.median(took) * 1000
        print(f"load + first answer after an unload: {shown} ms; median {median:.0f} ms")

        campus.tutor("other")
        gc.collect()
        before = resident()
        tracemalloc.start()
        tutor = campus.tutor("three")
        tutor.ask(QUESTION)
        traced, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        course = tutor.course
        vectors = course.sentence_vectors.nbytes + course.context_vectors.nbytes
        words = course.vocabulary_vectors.nbytes if course.vocabulary_vectors is not None else 0
        estimate = estimated_bytes(course, tutor.quiz_items())
        grew = resident() - before
        print(
            f"{len(course.passages)} sentences: estimated {estimate / MB:.1f} MB; Python objects "
            f"{traced / MB:.1f} MB, vectors {(vectors + words) / MB:.1f} MB mapped + "
            f"{vectors / MB:.1f} MB in the vector indexes; resident set grew {grew / MB:.1f} MB"
        )
    finally:
        campus.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
