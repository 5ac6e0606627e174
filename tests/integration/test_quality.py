"""Answer quality with the real model and FAISS, scored over real HTTP by the shared scorer.

The thresholds sit at or just below the figures README reports (measured with `make run` and
the scorer, the course's policy fitted on its own made questions); a drop below them fails
the build.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bots.http_app import create_app
from tests.conftest import DEV_SET, HELDOUT_SET, SHARED
from tests.servers import serve
from tutor.course import Course
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore

pytestmark = pytest.mark.slow
SCORER = SHARED / "eval" / "score.py"


@pytest.fixture(scope="module")
def live_url(seed_course: Course, real_embedder) -> Iterator[str]:  # type: ignore[no-untyped-def]
    tutor = Tutor(seed_course, real_embedder, MemoryStateStore())
    with serve(create_app(tutor=tutor)) as url:
        yield url


def score(url: str, question_set: Path) -> dict[str, float]:
    if not SCORER.is_file():
        pytest.skip(f"the shared scorer is not at {SCORER}")
    out = subprocess.run(
        [sys.executable, str(SCORER), "--url", url, "--set", str(question_set), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_dev_set_figures(live_url: str) -> None:
    figures = score(live_url, DEV_SET)
    print("dev", figures)
    assert figures["http_errors"] == 0
    assert figures["cite_valid"] == 1.0
    assert figures["answer_acc"] >= 0.90
    assert figures["cite_hit1"] >= 0.87
    assert figures["cite_hit3"] >= 0.87
    assert figures["abstain_acc"] >= 0.85
    assert figures["false_abstain"] <= 0.05
    assert figures["followup_acc"] == 1.0


def test_heldout_set_figures(live_url: str) -> None:
    """Our own second set, paraphrased and never tuned on: it guards against overfitting."""
    figures = score(live_url, HELDOUT_SET)
    print("heldout", figures)
    assert figures["http_errors"] == 0
    assert figures["cite_valid"] == 1.0
    assert figures["answer_acc"] >= 0.72
    assert figures["cite_hit3"] >= 0.75
    assert figures["abstain_acc"] >= 0.70
    assert figures["false_abstain"] <= 0.125


def test_examples_from_the_issue(real_tutor: Tutor) -> None:
    wall = real_tutor.ask("When was the Berlin Wall erected?")
    assert wall.answerable and wall.text == "On August 13, the Berlin Wall was erected."
    assert wall.citations[0].quote == "On August 13, the Berlin Wall was erected."
    # the follow-up keeps the uprising as its topic and answers from the sentence after it
    session = "hungary"
    assert real_tutor.ask("What happened in Hungary in 1956?", session).answerable
    reaction = real_tutor.ask("And how did Moscow react?", session)
    assert reaction.answerable, reaction.text
    assert "Soviet troops were introduced" in reaction.citations[0].quote
    for question in ("What is the capital of Australia?", "Who succeeded Khrushchev in 1964?"):
        reply = real_tutor.ask(question)
        assert reply.answerable is False, (question, reply.text)
        assert reply.citations == ()
