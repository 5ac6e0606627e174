"""Courses through the composition root and the `tutor` command, over the hashing embedder:
build_campus (one model for every course, indexes built on a course's first question, quiz
banks read back after an unload), and `tutor courses`, `documents --course`, `index --course`,
`ask --course` and `keys create --course`."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.store
from bots import wiring
from bots.cli import main
from index.store import current_build
from tests.conftest import SEED_CORPUS
from tests.tutor.test_campus import BOTANY, GEOLOGY, SHARED_NAME
from tutor import DEFAULT_COURSE, Campus, Grant, NotFound, Settings, Tutor
from tutor.fakes import HashingEmbedder
from tutor.library import VERSION_LINK
from tutor.stores import open_store, sqlite_url


def seed_settings(tmp_path: Path) -> Settings:
    """A deployment in `tmp_path`: the seed as the default course, SQLite state, no polling."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    return Settings(
        corpus_dir=corpus,
        data_dir=tmp_path / "data",
        state_url=sqlite_url(tmp_path / "data" / "state.sqlite3"),
        index_poll_seconds=0,
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return seed_settings(tmp_path)


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
    build = current_build(settings.courses_root() / "botany" / "index-data")
    assert items and build is not None and (build / "quiz-bank.json").is_file()
    campus.memory_budget = 1
    campus.tutor("geology")
    assert "botany" not in campus.loaded()

    def never(course: object) -> list[object]:
        raise AssertionError("the quiz bank was made again")

    monkeypatch.setattr(index.store, "generate_items", never)
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


# The `tutor` command


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, restored_logging: None) -> Settings:
    """`tutor` commands over `settings`, with the hashing embedder for the model."""
    monkeypatch.setenv("TUTOR_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("TUTOR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("TUTOR_STATE_URL", settings.store_url())
    monkeypatch.setattr(wiring, "build_embedder", lambda settings: HashingEmbedder())
    return settings


def test_courses_documents_index_and_ask_from_the_command_line(
    cli: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str, code: int = 0) -> str:
        assert main(list(argv)) == code, capsys.readouterr()
        out = capsys.readouterr()
        return out.out if code == 0 else out.err

    listed = run("courses", "list")
    assert listed.startswith(f"default\tDefault course\t-\t{cli.corpus_dir}")
    assert "botany" in run("courses", "create", "botany", "--title", "Botany, year 9")
    assert "exists already" in run("courses", "create", "botany", code=2)
    assert "lowercase letters" in run("courses", "create", "Bad_Id", code=2)
    lines = run("courses", "list").splitlines()
    assert [line.split("\t")[:2] for line in lines] == [
        ["default", "Default course"],
        ["botany", "Botany, year 9"],
    ]

    for name, text in BOTANY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = run("documents", "add", "--course", "botany", str(tmp_path / "ferns.md"), "--quiet")
    assert "added 'ferns'" in out and "index built" in out
    run("documents", "add", "--course", "botany", str(tmp_path / "mosses.md"), "--no-index")
    assert "2 documents" in run("index", "--course", "botany", "--quiet")
    assert "up to date" in run("index", "--course", "botany", "--quiet")
    assert "no course 'nope'" in run("index", "--course", "nope", code=2)
    folder = cli.courses_root() / "botany"
    assert sorted(p.name for p in (folder / "corpus").iterdir()) == ["ferns.md", "mosses.md"]
    assert not list(cli.corpus_dir.glob("ferns*"))  # not the default course's folder

    store = open_store(sqlite_url(folder / "state.sqlite3"))
    try:
        assert store.link(*VERSION_LINK) is not None  # published for running servers
    finally:
        store.close()

    asked = json.loads(run("ask", "--course", "botany", "How do ferns reproduce?", "--json"))
    assert asked["answerable"] and asked["citations"][0]["doc_id"] == "ferns"
    default = json.loads(run("ask", "How do ferns reproduce?", "--json"))
    assert all(c["doc_id"] not in ("ferns", "mosses") for c in default["citations"])

    run("documents", "remove", "--course", "botany", "mosses", "--no-index")
    assert sorted(p.name for p in (folder / "corpus").iterdir()) == ["ferns.md"]

    assert "cannot be removed" in run("courses", "remove", "default", code=2)
    assert "removed the course 'botany'" in run("courses", "remove", "botany")
    assert not folder.exists()
    assert [line.split("\t")[0] for line in run("courses", "list").splitlines()] == ["default"]
    assert "no course 'botany'" in run(
        "documents", "add", "--course", "botany", str(tmp_path / "ferns.md"), code=2
    )


def test_keys_for_courses_from_the_command_line(
    cli: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str, code: int = 0) -> str:
        assert main(list(argv)) == code, capsys.readouterr()
        out = capsys.readouterr()
        return out.out if code == 0 else out.err

    run("courses", "create", "botany")
    run("courses", "create", "geology")
    made = run(
        "keys", "create", "--name", "lms", "--role", "student",
        "--course", "botany", "--course", "geology",
    )  # fmt: skip
    assert "for botany, geology" in made
    student = made.splitlines()[-1]
    teacher = run("keys", "create", "--name", "ms-smith", "--role", "teacher").splitlines()[-1]
    admin = run("keys", "create", "--name", "root", "--role", "admin")
    assert "for every course" in admin
    assert "no course 'art'" in run(
        "keys", "create", "--name", "x", "--role", "student", "--course", "art", code=2
    )
    assert "admin key spans every course" in run(
        "keys", "create", "--name", "y", "--role", "admin", "--course", "botany", code=2
    )
    assert run("keys", "list").splitlines() == [
        "lms\tstudent\tactive\tbotany,geology",
        "ms-smith\tteacher\tactive\tdefault",
        "root\tadmin\tactive\t*",
    ]
    campus = wiring.build_campus(cli, embedder=HashingEmbedder())
    try:
        assert campus.grant_of(student) == Grant("student", ("botany", "geology"))
        assert campus.grant_of(teacher) == Grant("teacher", (DEFAULT_COURSE,))
        assert campus.default.role_of(admin.splitlines()[-1]) == "admin"
    finally:
        campus.close()
