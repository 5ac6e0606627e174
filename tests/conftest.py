"""Shared fixtures: fake-backed courses for unit tests, the real model and FAISS (session
scoped) for integration tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from index.store import context_texts, parse_texts, vocabulary_of
from tests.fake_clock import FakeClock
from tutor.course import Course
from tutor.fakes import ExactVectorIndex, HashingEmbedder
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DEV_SET = SHARED / "eval" / "dev.jsonl"
HELDOUT_SET = ROOT / "tests" / "eval" / "heldout.jsonl"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# No test waits for the model's lexicon: servers answer without it and build it in the
# background. Tests use a small one (about a second to build), shared by the servers they
# start; it is checked by model and words, so one of other words is rebuilt.
TEST_LEXICON_WORDS = "500"
os.environ.setdefault("TUTOR_LEXICON_WORDS", TEST_LEXICON_WORDS)
os.environ.setdefault(
    "TUTOR_LEXICON_DIR",
    os.path.join(tempfile.gettempdir(), f"tutor-test-lexicon-{TEST_LEXICON_WORDS}"),
)
os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB 22's durations as timedeltas, no warnings


def make_course(files: dict[str, str], embedder: HashingEmbedder | None = None) -> Course:
    """A course from {file name: raw text}, embedded with the hashing fake."""
    embedder = embedder or HashingEmbedder()
    documents, passages = parse_texts([(Path(name), raw) for name, raw in files.items()])
    vocabulary = vocabulary_of(documents, passages)
    sentence = embedder.embed([p.text for p in passages])
    context = embedder.embed(context_texts(passages))
    vocab_vectors = embedder.embed(vocabulary) if vocabulary else np.zeros((0, embedder.dim))
    return Course(
        version="test",
        documents={d.doc_id: d for d in documents},
        passages=tuple(passages),
        sentence_index=ExactVectorIndex(sentence),
        context_index=ExactVectorIndex(context),
        sentence_vectors=sentence,
        context_vectors=context,
        vocabulary=tuple(vocabulary),
        vocabulary_vectors=vocab_vectors,
    )


def seed_files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEED_CORPUS.glob("*.txt"))}


@pytest.fixture
def fake_tutor() -> Tutor:
    """The seed course over the hashing embedder and an in-memory store."""
    embedder = HashingEmbedder()
    return Tutor(make_course(seed_files(), embedder), embedder, MemoryStateStore())


@pytest.fixture
def clock() -> FakeClock:
    """A clock only the test moves (2026-05-11 08:00 UTC to begin with)."""
    return FakeClock()


@pytest.fixture
def clocked_tutor(fake_tutor: Tutor, clock: FakeClock) -> Tutor:
    """`fake_tutor` on the test's clock: due items, reminders and streaks without waiting."""
    fake_tutor.clock = clock
    return fake_tutor


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    """The real sentence-transformers model, loaded once per test session."""
    from index.embedder import SentenceTransformerEmbedder, bundled_model_path

    return SentenceTransformerEmbedder(bundled_model_path())


@pytest.fixture(scope="session")
def onnx_root() -> Path:
    """The ONNX cache the served model comes from (TUTOR_ONNX_DIR, or the user's cache).

    Shared with `tutor index` and every test server: the export (fp32 and int8 together took
    52 s on this busy host, 100 s once under a full test run) runs once per machine and model,
    not per test session.
    """
    from index.onnx_embedder import default_root
    from tutor.settings import Settings

    return Settings().onnx_dir or default_root()


@pytest.fixture(scope="session")
def onnx_embedder(onnx_root: Path):  # type: ignore[no-untyped-def]
    """The fp32 ONNX model on ONNX Runtime, exported first if it never was."""
    from index.embedder import bundled_model_path
    from index.onnx_embedder import OnnxEmbedder, ensure_export

    return OnnxEmbedder(ensure_export(bundled_model_path(), onnx_root))


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:  # type: ignore[no-untyped-def]
    """A data folder holding a real FAISS index of the seed corpus, built once."""
    from index.store import build_index

    data = tmp_path_factory.mktemp("seed-data")
    corpus = tmp_path_factory.mktemp("seed-corpus")
    for path in SEED_CORPUS.iterdir():
        if path.is_file():
            shutil.copy(path, corpus / path.name)
    build_index(corpus, data, real_embedder)
    return data


@pytest.fixture(scope="session")
def seed_course(seed_data_dir: Path) -> Course:
    from index.store import load_course

    return load_course(seed_data_dir)


@pytest.fixture
def real_tutor(seed_course: Course, real_embedder) -> Iterator[Tutor]:  # type: ignore[no-untyped-def]
    """The seed course with the real model and FAISS, and a fresh in-memory state store."""
    yield Tutor(seed_course, real_embedder, MemoryStateStore())


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """For tests that call `bots.cli.main`: it installs the secret scrubbing for its process
    (a log record factory and an excepthook); put this one's back after."""
    import logging
    import sys

    factory, hook = logging.getLogRecordFactory(), sys.excepthook
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)
        sys.excepthook = hook
