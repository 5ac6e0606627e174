"""Courses through the composition root, over the hashing embedder: build_campus (one model
for every course, indexes built on a course's first question, quiz banks read back after an
unload)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.quizbank
from bots import wiring
from tests.conftest import SEED_CORPUS
from tests.tutor.test_campus import BOTANY, GEOLOGY, SHARED_NAME
from tutor import DEFAULT_COURSE, Campus, NotFound, Settings, Tutor
from tutor.fakes import HashingEmbedder
from tutor.library import VERSION_LINK
from tutor.stores import sqlite_url


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    return Settings(
        corpus_dir=corpus,
        data_dir=tmp_path / "data",
        state_url=sqlite_url(tmp_path / "data" / "state.sqlite3"),
        index_poll_seconds=0,
    )


@pytest.fixture
def campus(settings: Settings) -> Iterator[Campus]:
    built = wiring.build_campus(settings, embedder=HashingEmbedder())
    yield built
    built.close()


def add_course(campus: Campus, course_id: str, files: dict[str, str]) -> Path:
    campus.create_course(course_id)
    corpus = campus.registry.folders(course_id).corpus_dir
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def test_one_model_serves_every_course_from_its_own_folder(
    campus: Campus, settings: Settings
) -> None:
    add_course(campus, "botany", BOTANY)
    add_course(campus, "geology", GEOLOGY)
    botany, geology = campus.tutor("botany"), campus.tutor("geology")  # indexed on first use
    assert botany.embedder is geology.embedder is campus.default.embedder
    folder = settings.courses_root() / "botany"
    assert (folder / "index-data" / "index" / "CURRENT").is_file()
    assert (folder / "state.sqlite3").is_file()
    for tutor, own in ((botany, {"ferns", "mosses"}), (geology, {"basalt", "granite"})):
        answer = tutor.ask(SHARED_NAME, "s1")
        assert answer.answerable and {c.doc_id for c in answer.citations} <= own
    assert campus.default.store.history("s1") == []  # each course's learners in its store
    assert [t.question for t in botany.store.history("s1")] == [SHARED_NAME]


def test_a_course_unloaded_comes_back_with_its_quiz_bank_read_not_made(
    campus: Campus, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_course(campus, "botany", BOTANY)
    add_course(campus, "geology", GEOLOGY)
    first = campus.tutor("botany")
    items = first.quiz_items()
    answer = first.ask("How do ferns reproduce?")
    assert items and list((first.desk.library.data_dir / "quiz-bank").glob("*.json"))  # type: ignore[union-attr]
    campus.memory_budget = 1
    campus.tutor("geology")
    assert "botany" not in campus.loaded()

    def never(course: object) -> list[object]:
        raise AssertionError("the quiz bank was made again")

    monkeypatch.setattr(index.quizbank, "generate_items", never)
    started = time.monotonic()
    again = campus.tutor("botany")
    reloaded = again.ask("How do ferns reproduce?")
    took = time.monotonic() - started
    assert again is not first and again.quiz_items() == items
    assert (reloaded.text, reloaded.citations) == (answer.text, answer.citations)
    assert took < 10, f"loading the course again and answering took {took:.1f} s"


def test_a_new_course_takes_an_upload_and_publishes_its_version(campus: Campus) -> None:
    campus.create_course("botany", "Botany")
    tutor = campus.tutor("botany")
    assert tutor.index_version == "empty"
    tutor.add_document("ferns.md", BOTANY["ferns.md"].encode())
    assert tutor.desk is not None and tutor.desk.wait(60)
    assert tutor.index_state().last_error is None and tutor.index_version != "empty"
    assert tutor.store.link(*VERSION_LINK) == tutor.index_version  # for the other replicas
    assert campus.default.store.link(*VERSION_LINK) != tutor.index_version


def test_course_settings_point_at_the_course(campus: Campus, settings: Settings) -> None:
    assert wiring.course_settings(settings, DEFAULT_COURSE) is settings
    campus.create_course("botany")
    here = wiring.course_settings(settings, "botany")
    assert here.corpus_dir == settings.courses_root() / "botany" / "corpus"
    assert here.data_dir == settings.courses_root() / "botany" / "index-data"
    assert here.store_url() == sqlite_url(settings.courses_root() / "botany" / "state.sqlite3")
    with pytest.raises(NotFound, match="no course 'nope'"):
        wiring.course_settings(settings, "nope")


def test_build_tutor_is_the_default_course(settings: Settings) -> None:
    tutor = wiring.build_tutor(settings, embedder=HashingEmbedder())
    try:
        assert isinstance(tutor, Tutor) and tutor.desk is not None
        assert tutor.desk.library.corpus_dir == settings.corpus_dir  # type: ignore[attr-defined]
        assert tutor.ask("When was the Berlin Wall erected?").answerable
    finally:
        tutor.close()
