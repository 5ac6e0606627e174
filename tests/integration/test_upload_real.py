"""Uploads with the real model and FAISS (issue 14): a .docx, an .html and a .pdf uploaded over
HTTP to the seed course each answer their own question with an exact citation once the
rebuild (embedding and calibration included) is in. `make upload-bench` times the same on the
four-document course."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import httpx
import pytest

from bots.http_app import create_app
from index.library import CorpusLibrary
from tests.conftest import SEED_CORPUS
from tests.servers import serve
from tests.upload_files import UPLOADS, upload_file
from tutor.service import Tutor
from tutor.settings import Settings
from tutor.stores.memory import MemoryStateStore

pytestmark = pytest.mark.slow

# Far above the 60 s target (the rebuild of the seed course plus one file takes seconds), so
# that a busy CI host never fails it; `make upload-bench` holds the timed figure.
REBUILD_BOUND_S = 240.0


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    corpus = tmp_path_factory.mktemp("upload-corpus")
    data = tmp_path_factory.mktemp("upload-data")
    for path in SEED_CORPUS.iterdir():
        if path.is_file():
            shutil.copy(path, corpus / path.name)
    library = CorpusLibrary(corpus, data, real_embedder)
    tutor = Tutor(library.build(), real_embedder, MemoryStateStore())
    tutor.manage_documents(library)
    teacher = tutor.create_key("uploader", "teacher")
    settings = Settings(corpus_dir=corpus, data_dir=data)
    with serve(create_app(settings, tutor)) as url:
        yield url, teacher


@pytest.mark.parametrize("kind", list(UPLOADS))
def test_an_uploaded_file_answers_its_own_question_with_an_exact_citation(
    served: tuple[str, str], kind: str
) -> None:
    url, teacher = served
    key = {"X-API-Key": teacher}
    doc_id, _, paragraphs, question = UPLOADS[kind]
    with httpx.Client(base_url=url, timeout=60) as client:
        before = client.get("/v1/index", headers=key).json()["version"]
        started = time.monotonic()
        name, data = upload_file(kind)
        sent = client.post("/v1/documents", files={"file": (name, data)}, headers=key)
        assert sent.status_code == 202, sent.text
        while (state := client.get("/v1/index", headers=key).json())["version"] == before or (
            state["status"] != "ready"
        ):
            assert state["last_error"] is None, state
            assert time.monotonic() - started < REBUILD_BOUND_S, "the rebuild did not finish"
            time.sleep(0.1)
        answer = client.post("/v1/ask", json={"question": question}, headers=key).json()
        text = client.get(f"/v1/documents/{doc_id}", headers=key).json()["text"]
    assert answer["answerable"], answer
    cited = answer["citations"][0]
    assert cited["doc_id"] == doc_id
    assert text[cited["start"] : cited["end"]] == cited["quote"]
    assert cited["quote"] in paragraphs
