"""The `tutor` console script end to end: index, ask, a stale index rebuilt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED_CORPUS

pytestmark = pytest.mark.slow


def tutor(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bots.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )


# Seven `tutor` processes, each importing torch and loading the model (over 40 s apiece on two
# cores shared with other test suites): no cold step, but more than the default 300 s there.
@pytest.mark.timeout(900)
def test_index_then_ask_then_rebuild_when_the_course_changes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    lexicon = tmp_path / "lexicon"  # an empty cache: no command may wait to fill it
    env = {
        **os.environ,
        "TUTOR_DATA_DIR": str(tmp_path / "data"),
        "TUTOR_CORPUS_DIR": str(corpus),
        "TUTOR_LEXICON_DIR": str(lexicon),
    }

    built = tutor(["index"], env)
    assert built.returncode == 0, built.stderr
    assert "index built" in built.stdout and "1 documents" in built.stdout
    again = tutor(["index"], env)
    assert "up to date" in again.stdout

    dump = tmp_path / "quiz.jsonl"
    quiz = tutor(["quiz", "--dump", str(dump)], env)
    assert quiz.returncode == 0, quiz.stderr
    items = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert len(items) >= 60 and f"{len(items)} quiz items" in quiz.stdout
    assert {i["kind"] for i in items} == {"multiple_choice", "short_answer", "true_false"}

    asked = tutor(["ask", "When was the Berlin Wall erected?", "--json"], env)
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert reply["answerable"] is True and "August 13" in reply["answer"]
    sid = reply["session_id"]
    follow = tutor(["ask", "What did it become?", "--json", "--session", sid], env)
    assert "Iron Curtain" in json.loads(follow.stdout)["answer"]

    (corpus / "cuba.md").write_text(
        "# Cuba notes\n\nThe Bay of Pigs invasion failed in April 1961.\n", encoding="utf-8"
    )
    rebuilt = tutor(["index"], env)
    assert "index built" in rebuilt.stdout and "2 documents" in rebuilt.stdout
    cited = json.loads(
        tutor(["ask", "When did the Bay of Pigs invasion fail?", "--json"], env).stdout
    )
    assert cited["citations"][0]["doc_id"] == "cuba"
    assert "April 1961" in cited["answer"]
    assert not lexicon.exists()  # built only by a server, in the background, or on request


def test_bad_question_is_a_clear_error(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TUTOR_DATA_DIR": str(tmp_path / "data"),
        "TUTOR_CORPUS_DIR": str(SEED_CORPUS),
    }
    out = tutor(["ask", "   "], env)
    assert out.returncode == 2
    assert "question must not be empty" in out.stderr
