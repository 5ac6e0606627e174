"""The Campus facade over fakes (hashing embedder, in-memory or SQLite state): the course
catalog and folders, a course's tutor loaded once however many ask at once, unloaded under
the memory budget and loaded again with the same answers, courses that answer only from their
own documents, keys for courses, and a new course that takes its first upload."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.library import CorpusLibrary
from index.store import current_version
from tests.conftest import make_course, seed_files
from tutor import (
    DEFAULT_COURSE,
    Campus,
    Course,
    CourseFolders,
    CourseInfo,
    CoursePlace,
    CourseRegistry,
    Grant,
    InvalidInput,
    NoDocuments,
    NotFound,
    Tutor,
    open_store,
)
from tutor.campus import estimated_bytes
from tutor.fakes import HashingEmbedder
from tutor.stores import sqlite_url

# Four made-up documents in two courses; a name both courses use, for different things.
BOTANY = {
    "ferns.md": "# Ferns\n\n## Spores\n\n"
    "Ferns reproduce with spores released from clusters under the fronds. "
    "Professor Halvorsen catalogued forty fern species in the Brekke valley.\n",
    "mosses.md": "# Mosses\n\n## Water\n\n"
    "Mosses take in water through their leaves rather than through roots. "
    "A dry moss can recover within hours of rain.\n",
}
GEOLOGY = {
    "basalt.md": "# Basalt\n\n## Cooling\n\n"
    "Basalt forms when lava cools quickly at the surface of the earth. "
    "Professor Halvorsen mapped the basalt columns of the northern coast.\n",
    "granite.md": "# Granite\n\n## Crystals\n\n"
    "Granite cools slowly deep underground, so its crystals grow large. "
    "Quarries cut granite into blocks for bridges.\n",
}
SHARED_NAME = "What did Professor Halvorsen do?"


class Factory:
    """Builds a course's tutor as the composition root does, over the hashing embedder;
    counts its calls per course and can be made slow."""

    def __init__(self, embedder: HashingEmbedder, delay: float = 0.0):
        self.embedder = embedder
        self.delay = delay
        self.calls: Counter[str] = Counter()
        self.closed: Counter[str] = Counter()

    def __call__(self, place: CoursePlace) -> Tutor:
        self.calls[place.course_id] += 1
        time.sleep(self.delay)
        library = CorpusLibrary(place.corpus_dir, place.data_dir, self.embedder)
        if current_version(place.data_dir) is not None:
            course = library.load()
        elif any(place.corpus_dir.glob("*.md")):
            course = library.build()
        else:
            course = Course.empty(self.embedder.dim)
        tutor = Tutor(course, self.embedder, place.store, keys=place.keys)
        tutor.manage_documents(library)
        tutor.prepare_quizzes()
        closing = tutor.close

        def close() -> None:
            self.closed[place.course_id] += 1
            closing()

        tutor.close = close  # type: ignore[method-assign]
        return tutor


class Built:
    def __init__(self, campus: Campus, factory: Factory, root: Path):
        self.campus, self.factory, self.root = campus, factory, root

    def course(self, course_id: str, files: dict[str, str]) -> None:
        """Create a course holding `files` (indexed on its first question)."""
        self.campus.create_course(course_id, course_id.title())
        corpus = self.campus.registry.folders(course_id).corpus_dir
        for name, text in files.items():
            (corpus / name).write_text(text, encoding="utf-8")


def build(tmp_path: Path, url: str = "memory:", budget: int = 10**12, delay: float = 0.0) -> Built:
    embedder = HashingEmbedder()
    store = open_store(url)
    default = Tutor(make_course(seed_files(), embedder), embedder, store)
    folders = CourseFolders(DEFAULT_COURSE, tmp_path / "corpus", tmp_path / "data")
    registry = CourseRegistry(store, store, url, tmp_path / "courses", folders)
    factory = Factory(embedder, delay)
    campus = Campus(default, registry, factory, memory_budget=budget, close_delay=0)
    return Built(campus, factory, tmp_path / "courses")


@pytest.fixture
def built(tmp_path: Path) -> Iterator[Built]:
    made = build(tmp_path)
    yield made
    made.campus.close()


def answer_of(tutor: Tutor, question: str) -> tuple[str, tuple[str, ...], float]:
    answer = tutor.ask(question)
    return answer.text, tuple(c.doc_id for c in answer.citations), answer.confidence


# The catalog and folders


def test_courses_are_created_listed_and_removed(built: Built) -> None:
    campus = built.campus
    assert [c.course_id for c in campus.courses()] == [DEFAULT_COURSE]
    info = campus.create_course("bio-9", "Biology, year 9")
    assert info.course_id == "bio-9" and info.title == "Biology, year 9"
    assert campus.create_course("chem").title == "chem"  # no title: the id
    assert [c.course_id for c in campus.courses()] == [DEFAULT_COURSE, "bio-9", "chem"]
    assert campus.course("bio-9") == info
    assert (built.root / "bio-9" / "corpus").is_dir()
    for bad in ("Bio", "bio_9", "bio/9", "", "x" * 65, "..", "a:b"):
        with pytest.raises(InvalidInput, match="lowercase letters, digits and '-'"):
            campus.create_course(bad)
    with pytest.raises(InvalidInput, match="exists already"):
        campus.create_course("bio-9")
    with pytest.raises(InvalidInput, match="exists already"):
        campus.create_course(DEFAULT_COURSE)
    with pytest.raises(InvalidInput, match="title"):
        campus.create_course("art", " ")

    campus.remove_course("bio-9")
    assert [c.course_id for c in campus.courses()] == [DEFAULT_COURSE, "chem"]
    assert not (built.root / "bio-9").exists()
    with pytest.raises(NotFound):
        campus.remove_course("bio-9")
    with pytest.raises(InvalidInput, match="cannot be removed"):
        campus.remove_course(DEFAULT_COURSE)
    assert campus.tutor(DEFAULT_COURSE) is campus.default


def test_an_unknown_course_is_not_found(built: Built) -> None:
    for unknown in ("nope", "Bad Id", "../data", ""):
        with pytest.raises(NotFound, match="no course"):
            built.campus.tutor(unknown)
    assert built.factory.calls == Counter()
    assert list(built.campus.loaded()) == [DEFAULT_COURSE]


def test_a_removed_course_takes_its_learners_state_with_it(tmp_path: Path) -> None:
    made = build(tmp_path, url=sqlite_url(tmp_path / "data" / "state.sqlite3"))
    try:
        made.course("botany", BOTANY)
        made.campus.tutor("botany").ask("How do ferns reproduce?", "s1")
        state = made.root / "botany" / "state.sqlite3"
        assert state.is_file()
        assert made.campus.tutor(DEFAULT_COURSE).store.history("s1") == []  # the course's own
        made.campus.remove_course("botany")
        assert made.factory.closed["botany"] == 1 and not state.exists()
        made.course("botany", BOTANY)  # the same id again starts afresh
        assert made.campus.tutor("botany").store.history("s1") == []
    finally:
        made.campus.close()


# Loading and unloading


def test_a_course_is_loaded_once_however_many_ask_first(tmp_path: Path) -> None:
    made = build(tmp_path, delay=0.3)
    try:
        made.course("botany", BOTANY)
        barrier = threading.Barrier(8)
        found: list[Tutor] = []
        errors: list[BaseException] = []

        def ask() -> None:
            try:
                barrier.wait()
                tutor = made.campus.tutor("botany")
                tutor.ask("How do ferns reproduce?")
                found.append(tutor)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors and len(found) == 8
        assert made.factory.calls == Counter({"botany": 1})
        assert all(t is found[0] for t in found)
    finally:
        made.campus.close()


def test_the_least_recently_used_course_is_unloaded_and_comes_back_the_same(
    tmp_path: Path,
) -> None:
    made = build(tmp_path, url=sqlite_url(tmp_path / "data" / "state.sqlite3"), budget=1)
    campus = made.campus
    try:
        made.course("botany", BOTANY)
        made.course("geology", GEOLOGY)
        first = answer_of(campus.tutor("botany"), "How do ferns reproduce?")
        campus.tutor("botany").ask("How do ferns reproduce?", "s1")
        assert list(campus.loaded()) == [DEFAULT_COURSE, "botany"]  # over budget, but asked for

        campus.tutor("geology")
        assert list(campus.loaded()) == [DEFAULT_COURSE, "geology"]  # never the default
        assert made.factory.closed == Counter({"botany": 1})

        again = campus.tutor("botany")
        assert list(campus.loaded()) == [DEFAULT_COURSE, "botany"]
        assert made.factory.calls == Counter({"botany": 2, "geology": 1})
        assert answer_of(again, "How do ferns reproduce?") == first
        assert [t.question for t in again.store.history("s1")] == ["How do ferns reproduce?"]
    finally:
        campus.close()
    assert made.factory.closed == Counter({"botany": 2, "geology": 1})


def test_the_budget_counts_each_courses_estimated_bytes(tmp_path: Path) -> None:
    made = build(tmp_path)
    try:
        made.course("botany", BOTANY)
        made.course("geology", GEOLOGY)
        campus = made.campus
        campus.tutor("botany")
        campus.tutor("geology")
        sizes = campus.loaded()
        assert list(sizes) == [DEFAULT_COURSE, "botany", "geology"]  # all fit
        assert all(n > 0 for n in sizes.values())
        # room for the default course and one other: the next one asked for unloads the last
        campus.memory_budget = sizes[DEFAULT_COURSE] + max(sizes["botany"], sizes["geology"])
        campus.tutor("botany")
        assert list(campus.loaded()) == [DEFAULT_COURSE, "botany"]
    finally:
        made.campus.close()


def test_the_estimate_grows_with_the_course(built: Built) -> None:
    embedder = HashingEmbedder()
    small = make_course(BOTANY, embedder)
    large = make_course({**BOTANY, **GEOLOGY}, embedder)
    assert estimated_bytes(small, []) < estimated_bytes(large, [])
    vectors = large.sentence_vectors.nbytes + large.context_vectors.nbytes
    assert estimated_bytes(large, []) > 2 * vectors  # the indexes' copies too
    items = Tutor(large, embedder, built.campus.default.store).quiz_items()
    assert estimated_bytes(large, items) > estimated_bytes(large, [])


def test_an_unloaded_tutor_is_closed_later_or_when_the_campus_closes(tmp_path: Path) -> None:
    made = build(tmp_path, budget=1)
    made.campus.close_delay = 60.0  # answers under way on it finish first
    made.course("botany", BOTANY)
    made.course("geology", GEOLOGY)
    made.campus.tutor("botany")
    made.campus.tutor("geology")
    assert list(made.campus.loaded()) == [DEFAULT_COURSE, "geology"]
    assert made.factory.closed == Counter()
    made.campus.close()
    assert made.factory.closed == Counter({"botany": 1, "geology": 1})


# Answers from each course's own documents


def test_each_course_answers_from_its_own_documents(built: Built) -> None:
    built.course("botany", BOTANY)
    built.course("geology", GEOLOGY)
    botany, geology = built.campus.tutor("botany"), built.campus.tutor("geology")
    assert {d.doc_id for d in botany.documents()} == {"ferns", "mosses"}
    assert {d.doc_id for d in geology.documents()} == {"basalt", "granite"}

    for tutor, own, fact in (
        (botany, {"ferns", "mosses"}, "catalogued forty fern species"),
        (geology, {"basalt", "granite"}, "mapped the basalt columns"),
    ):
        answer = tutor.ask(SHARED_NAME)
        assert answer.answerable, answer
        assert fact in answer.text
        assert answer.citations and {c.doc_id for c in answer.citations} <= own
        for c in answer.citations:
            assert tutor.document(c.doc_id).text[c.start : c.end] == c.quote
        with pytest.raises(NotFound):
            tutor.document("basalt" if "ferns" in own else "ferns")
    # and each quiz bank is its own course's
    assert {i.citation.doc_id for i in botany.quiz_items()} <= {"ferns", "mosses"}
    assert {i.citation.doc_id for i in geology.quiz_items()} <= {"basalt", "granite"}
    assert built.campus.default.ask(SHARED_NAME).citations == ()  # not in the default course


def test_a_new_course_has_no_documents_until_its_first_upload(built: Built) -> None:
    built.campus.create_course("botany")
    tutor = built.campus.tutor("botany")
    assert tutor.index_version == "empty" and tutor.documents() == []
    with pytest.raises(NoDocuments):
        tutor.ask("How do ferns reproduce?")
    doc_id, serving = tutor.add_document("ferns.md", BOTANY["ferns.md"].encode())
    assert (doc_id, serving) == ("ferns", "empty")
    assert tutor.desk is not None and tutor.desk.wait(60)
    assert tutor.index_state().last_error is None
    answer = tutor.ask("How do ferns reproduce?")
    assert answer.answerable and answer.citations[0].doc_id == "ferns"
    corpus = built.campus.registry.folders("botany").corpus_dir
    assert [p.name for p in corpus.iterdir()] == ["ferns.md"]
    assert built.campus.tutor(DEFAULT_COURSE).documents()[0].doc_id != "ferns"


# Keys, which are the deployment's


def test_keys_name_existing_courses(built: Built) -> None:
    campus = built.campus
    campus.create_course("botany")
    student = campus.create_key("lms", "student", ["botany"])
    teacher = campus.create_key("ms-smith", "teacher")
    admin = campus.create_key("root", "admin")
    assert campus.grant_of(student) == Grant("student", ("botany",))
    assert campus.grant_of(teacher) == Grant("teacher", (DEFAULT_COURSE,))
    assert campus.grant_of(admin) == Grant("admin", ())
    with pytest.raises(NotFound, match="geology"):
        campus.create_key("x", "student", ["botany", "geology"])
    with pytest.raises(InvalidInput, match="admin"):
        campus.create_key("y", "admin", ["botany"])
    listed = campus.keys()
    assert [k.name for k in listed] == ["lms", "ms-smith", "root"]
    # a course's tutor reads the same keys
    assert campus.tutor("botany").grant_of(student) == Grant("student", ("botany",))
    campus.revoke_key("lms")
    assert campus.grant_of(student) is None
    assert campus.course("botany") == CourseInfo(
        "botany", "botany", campus.course("botany").created_at
    )


def test_settings_name_the_courses_folder_and_the_memory_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tutor import Settings

    assert Settings(data_dir=tmp_path).courses_root() == tmp_path / "courses"
    monkeypatch.setenv("TUTOR_COURSES_DIR", str(tmp_path / "shared"))
    monkeypatch.setenv("TUTOR_COURSE_MEMORY_MB", "64")
    settings = Settings(data_dir=tmp_path)
    assert settings.courses_root() == tmp_path / "shared" and settings.course_memory_mb == 64
    assert Settings().course_memory_mb == 64
    monkeypatch.delenv("TUTOR_COURSE_MEMORY_MB")
    assert Settings().course_memory_mb == 512
