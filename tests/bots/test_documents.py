"""Teachers' documents over HTTP (issue 14, part 1): upload, remove, the index's state, bad
files refused while the previous course keeps answering, and the CLI, over a real socket."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bots.cli import main
from bots.http_app import create_app
from index.library import CorpusLibrary
from tests.servers import serve
from tests.upload_files import docx_bytes, html_bytes, pdf_bytes
from tutor.course import Course
from tutor.domain import AuditFilter
from tutor.fakes import HashingEmbedder
from tutor.service import Tutor
from tutor.settings import Settings
from tutor.stores.memory import MemoryStateStore

COURSE = {
    "wall.md": "# The Berlin Wall\n\n## Building\n\n"
    "The Berlin Wall was erected in August 1961 by the East German government. "
    "It divided the city for twenty-eight years.\n\n## Fall\n\n"
    "The wall fell on 9 November 1989 after mass protests.\n",
    "sputnik.txt": "Sputnik\n\nSputnik 1 was launched by the Soviet Union in October 1957. "
    "It was the first artificial satellite to orbit the Earth.\n",
}
NEW = [
    "The Kariba dam was completed across the Zambezi river in 1959.",
    "Its lake flooded the valley where the Tonga people had lived.",
]
QUESTION = "When was the Kariba dam completed across the Zambezi?"
MAX_UPLOAD = 64 * 1024


def upload_of(kind: str) -> tuple[str, bytes]:
    if kind == "pdf":
        return "kariba.pdf", pdf_bytes(NEW)
    if kind == "docx":
        return "kariba.docx", docx_bytes("Kariba", "The dam", NEW)
    return "kariba.html", html_bytes("Kariba", "The dam", NEW)


def course_folder(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    """A course folder holding `files`, and a data folder beside it."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus, data


class Served:
    def __init__(self, tutor: Tutor, client: httpx.Client, teacher: str, corpus: Path):
        self.tutor, self.client, self.corpus = tutor, client, corpus
        self.teacher = {"X-API-Key": teacher}

    def index(self) -> dict[str, object]:
        found = self.client.get("/v1/index", headers=self.teacher)
        assert found.status_code == 200, found.text
        return dict(found.json())

    def ready(self, timeout: float = 60) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while (state := self.index())["status"] != "ready":
            assert time.monotonic() < deadline, "the rebuild did not finish"
            time.sleep(0.05)
        return state

    def upload(self, name: str, data: bytes, key: str | None = None) -> httpx.Response:
        headers = {"X-API-Key": key} if key else self.teacher
        return self.client.post("/v1/documents", files={"file": (name, data)}, headers=headers)


def serving(tmp_path: Path) -> Iterator[Served]:
    """The course of `COURSE` served over HTTP, with a teacher's key (other tests reuse it)."""
    corpus, data = course_folder(tmp_path, COURSE)
    embedder = HashingEmbedder()
    library = CorpusLibrary(corpus, data, embedder, max_bytes=MAX_UPLOAD)
    tutor = Tutor(library.build(), embedder, MemoryStateStore())
    tutor.manage_documents(library)
    teacher = tutor.create_key("ms-smith", "teacher")
    settings = Settings(corpus_dir=corpus, data_dir=data, max_upload_bytes=MAX_UPLOAD)
    with serve(create_app(settings, tutor)) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield Served(tutor, c, teacher, corpus)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serving(tmp_path)


@pytest.mark.parametrize("kind", ["pdf", "docx", "html"])
def test_an_upload_becomes_answerable_with_exact_citations(served: Served, kind: str) -> None:
    before = served.index()
    assert before["status"] == "ready"
    name, data = upload_of(kind)
    started = time.monotonic()
    sent = served.upload(name, data)
    assert sent.status_code == 202, sent.text
    body = sent.json()
    assert body == {"doc_id": "kariba", "status": "building", "index_version": before["version"]}
    after = served.ready()
    took = time.monotonic() - started
    assert after["version"] != before["version"]
    listed = {d["doc_id"]: d for d in after["documents"]}  # type: ignore[attr-defined]
    text = served.client.get("/v1/documents/kariba").json()["text"]
    assert listed["kariba"]["chars"] == len(text)
    assert "Zambezi river in 1959" in text and "<" not in text
    answer = served.client.post(
        "/v1/ask", json={"question": QUESTION}, headers=served.teacher
    ).json()
    assert answer["answerable"], answer
    cited = answer["citations"][0]
    assert cited["doc_id"] == "kariba"
    assert text[cited["start"] : cited["end"]] == cited["quote"]
    assert "1959" in cited["quote"]
    assert (served.corpus / "kariba.md").is_file(), "kept in the course folder for a restart"
    assert took < 60


def bad_files() -> list[tuple[str, bytes, int, str]]:
    pdf = pdf_bytes(NEW)
    return [
        ("kariba.pdf", pdf[: len(pdf) // 2], 400, "cannot be read as .pdf"),
        ("kariba.docx", b"PK\x03\x04" + b"junk" * 40, 400, "cannot be read as .docx"),
        ("kariba.txt", b"", 400, "empty"),
        ("kariba.exe", b"MZ\x90\x00", 415, "unknown file type .exe"),
        ("kariba.txt", b"x" * (MAX_UPLOAD + 1), 413, "at most 65536"),
        ("kariba.txt", b"\xff\xfe\x00bad", 400, "not UTF-8"),
        ("kariba.html", b"<html><body><script>x()</script></body></html>", 400, "no text"),
    ]


@pytest.mark.parametrize(("name", "data", "status", "reason"), bad_files())
def test_a_bad_file_is_refused_and_the_course_keeps_serving(
    served: Served, name: str, data: bytes, status: int, reason: str
) -> None:
    before = served.index()
    sent = served.upload(name, data)
    assert sent.status_code == status, sent.text
    assert reason in sent.json()["detail"]
    after = served.index()
    assert after == before, "nothing rebuilt, nothing changed"
    assert sorted(p.name for p in served.corpus.iterdir()) == sorted(COURSE)
    asked = served.client.post(
        "/v1/ask", json={"question": "When was Sputnik 1 launched?"}, headers=served.teacher
    )
    assert asked.status_code == 200 and asked.json()["answerable"]


def test_an_upload_over_the_body_limit_is_refused_before_the_app(served: Served) -> None:
    sent = served.upload("big.txt", b"x" * (MAX_UPLOAD + 80 * 1024))
    assert sent.status_code == 413
    assert "larger than" in sent.json()["detail"]


def test_document_routes_need_a_teacher_key(served: Served) -> None:
    student = served.tutor.create_key("lms", "student")
    name, data = upload_of("html")
    assert served.upload(name, data, key="nope").status_code == 401
    assert served.upload(name, data, key=student).status_code == 403
    assert served.client.get("/v1/index").status_code == 401
    assert served.client.get("/v1/index", headers={"X-API-Key": student}).status_code == 403
    assert served.client.delete("/v1/documents/sputnik").status_code == 401
    assert served.index()["status"] == "ready"
    assert sorted(p.name for p in served.corpus.iterdir()) == sorted(COURSE)


def test_a_removed_document_is_no_longer_served(served: Served) -> None:
    assert served.client.get("/v1/documents/sputnik").status_code == 200
    gone = served.client.delete("/v1/documents/sputnik", headers=served.teacher)
    assert gone.status_code == 202, gone.text
    state = served.ready()
    assert [d["doc_id"] for d in state["documents"]] == ["wall"]  # type: ignore[attr-defined]
    assert served.client.get("/v1/documents/sputnik").status_code == 404
    assert not (served.corpus / "sputnik.txt").exists()
    missing = served.client.delete("/v1/documents/sputnik", headers=served.teacher)
    assert missing.status_code == 404
    last = served.client.delete("/v1/documents/wall", headers=served.teacher)
    assert last.status_code == 400 and "last document" in last.json()["detail"]


class SlowLibrary:
    """A library whose build waits for the test to let it finish."""

    def __init__(self, old: Course, new: Course):
        self.new = new
        self.release = threading.Event()
        self.started = threading.Event()

    def add(self, filename: str, data: bytes) -> str:
        return "kariba"

    def remove(self, doc_id: str) -> None: ...

    def build(self) -> Course:
        self.started.set()
        assert self.release.wait(30)
        return self.new

    def load(self) -> Course:
        return self.new


def test_questions_are_answered_from_the_old_course_until_the_new_one_is_in(
    tmp_path: Path,
) -> None:
    from tests.conftest import make_course

    embedder = HashingEmbedder()
    old = make_course(COURSE, embedder)
    new = make_course({**COURSE, "kariba.txt": "Kariba\n\n" + " ".join(NEW)}, embedder)
    new = dataclasses.replace(new, version="new")
    library = SlowLibrary(old, new)
    tutor = Tutor(old, embedder, MemoryStateStore())
    tutor.manage_documents(library)
    tutor.add_document("kariba.txt", b"ignored")
    assert library.started.wait(10)
    during = tutor.ask(QUESTION)
    assert not any(c.doc_id == "kariba" for c in during.citations)
    assert tutor.index_state().building
    library.release.set()
    assert tutor.desk is not None and tutor.desk.wait(30)
    after = tutor.ask(QUESTION)
    assert after.answerable and after.citations[0].doc_id == "kariba"
    assert tutor.course is new
    assert tutor.store.link("index", "version") == new.version, "published for other replicas"


@pytest.mark.usefixtures("restored_logging")
def test_the_cli_adds_and_removes_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "sputnik.txt").write_text(COURSE["sputnik.txt"], encoding="utf-8")
    upload = tmp_path / "Kariba Dam.docx"
    upload.write_bytes(docx_bytes("Kariba", "The dam", NEW))
    monkeypatch.setenv("TUTOR_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    assert main(["documents", "add", str(upload), "--no-index"]) == 0
    assert "added 'kariba-dam'" in capsys.readouterr().out
    kept = (corpus / "kariba-dam.md").read_text(encoding="utf-8")
    assert "# Kariba" in kept and NEW[0] in kept
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"PK junk")
    assert main(["documents", "add", str(junk), "--no-index"]) == 2
    assert "cannot be read as .docx" in capsys.readouterr().err
    assert main(["documents", "remove", "kariba-dam", "--no-index"]) == 0
    assert sorted(p.name for p in corpus.iterdir()) == ["sputnik.txt"]
    assert main(["documents", "remove", "kariba-dam", "--no-index"]) == 2


def test_a_replica_serves_the_index_another_one_published(tmp_path: Path) -> None:
    corpus, data = course_folder(tmp_path, COURSE)
    embedder = HashingEmbedder()
    store = MemoryStateStore()  # one state store for both, as Redis is for the replicas
    first = CorpusLibrary(corpus, data, embedder)
    course = first.build()
    a, b = Tutor(course, embedder, store), Tutor(course, embedder, store)
    for tutor in (a, b):
        tutor.manage_documents(CorpusLibrary(corpus, data, embedder))
    assert b.desk is not None and a.desk is not None
    assert not b.desk.catch_up(b.index_version), "nothing published yet"
    a.add_document("kariba.html", html_bytes("Kariba", "The dam", NEW))
    assert a.desk.wait(60)
    assert a.index_version != course.version
    assert b.index_version == course.version
    b.follow_index(0.05)
    deadline = time.monotonic() + 10
    while b.index_version != a.index_version:
        assert time.monotonic() < deadline, "the replica did not pick up the new index"
        time.sleep(0.05)
    answer = b.ask(QUESTION)
    assert answer.answerable and answer.citations[0].doc_id == "kariba"
    assert not b.desk.catch_up(b.index_version), "already serving it"
    b.desk.close()


FOUR = {
    **COURSE,
    "canal.md": "# The Suez Canal\n\nThe Suez Canal was nationalised by Egypt in July 1956. "
    "Britain, France and Israel invaded in October 1956.\n",
    "missiles.txt": "Missiles in Cuba\n\nSoviet missiles were found in Cuba in October 1962. "
    "The crisis ended after thirteen days.\n",
}
ASKED = [
    "When was the Berlin Wall erected?",
    "When was Sputnik 1 launched?",
    "Who nationalised the Suez Canal?",
    "When were missiles found in Cuba?",
]


def test_eight_askers_during_a_rebuild_see_one_version_per_answer(tmp_path: Path) -> None:
    """Every answer during a rebuild is a 200 whose citations hold in the version of the
    course it was recorded with: the old one or the new one, never a mix."""
    corpus, data = course_folder(tmp_path, FOUR)
    embedder = HashingEmbedder()
    library = CorpusLibrary(corpus, data, embedder)
    tutor = Tutor(library.build(), embedder, MemoryStateStore())
    tutor.manage_documents(library)
    old = tutor.course
    # the same document with a sentence in front: every offset in it moves
    moved = (
        "Sputnik\n\nThe space race began in the 1950s. " + FOUR["sputnik.txt"].split("\n\n", 1)[1]
    )
    statuses: list[int] = []
    stop = threading.Event()
    with serve(create_app(Settings(), tutor)) as url:

        def ask(n: int) -> None:
            with httpx.Client(base_url=url, timeout=30) as c:
                i = n
                while not stop.is_set():
                    question = ASKED[i % len(ASKED)]
                    statuses.append(c.post("/v1/ask", json={"question": question}).status_code)
                    i += 1

        askers = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
        for t in askers:
            t.start()
        time.sleep(0.3)
        tutor.add_document("sputnik.txt", moved.encode())
        assert tutor.desk is not None and tutor.desk.wait(60)
        time.sleep(0.3)
        stop.set()
        for t in askers:
            t.join(30)
    new = tutor.course
    assert new.version != old.version
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
    courses = {old.version: old, new.version: new}
    records = tutor.audit(AuditFilter(limit=len(statuses) + 10))
    assert len(records) == len(statuses)
    seen = {r.index_version for r in records}
    assert seen == {old.version, new.version}, "answers from both sides of the switch"
    for r in records:
        texts = courses[r.index_version].documents
        for c in r.citations:
            assert texts[c.doc_id].text[c.start : c.end] == c.quote, (r.index_version, c)


def test_the_cli_publishes_the_version_it_built_for_running_servers(tmp_path: Path) -> None:
    from bots.wiring import build_state_store, publish_index

    corpus, data = course_folder(tmp_path, {"sputnik.txt": COURSE["sputnik.txt"]})
    settings = Settings(corpus_dir=corpus, data_dir=data)
    assert publish_index(settings) is None, "no index yet: nothing to publish"
    course = CorpusLibrary(corpus, data, HashingEmbedder()).build()
    assert publish_index(settings) == course.version
    store = build_state_store(settings)
    try:
        assert store.link("index", "version") == course.version
    finally:
        store.close()
