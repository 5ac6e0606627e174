"""Index files on disk: build them atomically, tell when they are stale, load them.

Layout under `<data_dir>/index/`:
    CURRENT                 the name of the live build folder (replaced atomically)
    build-<stamp>/          manifest.json, documents.json, passages.json,
                            sentence.npy, context.npy, sentence.faiss, context.faiss,
                            vocabulary.json, vocabulary.npy, calibration.json,
                            quiz-bank.json (see quizbank.py)

A build writes a new folder and only then points CURRENT at it, so a crash mid-build leaves
the previous index in service; older folders are removed after the switch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from tutor.calibration import calibrate as fit_course
from tutor.course import Course
from tutor.domain import Document, Passage, QuizItem, Section
from tutor.embedding import Lexicon, LexiconEmbedder
from tutor.errors import Unavailable
from tutor.ports import Embedder
from tutor.quiz import generate_items
from tutor.text import content_words

from .documents import parse_document, read_corpus
from .lexicon import model_words
from .quizbank import FILE as QUIZ_BANK
from .quizbank import bank_of, read_bank
from .vectors import FaissVectorIndex

FORMAT_VERSION = 7  # 7: common.json (6: re-ranking weights fitted per course)
PARSER_VERSION = 2  # bump when cleaning or sentence splitting changes the stored text
EMBED_BATCH = 256

log = logging.getLogger(__name__)


def corpus_hash(corpus_dir: Path) -> str:
    """A digest of every course file's name and bytes, and of the parser that reads them."""
    digest = hashlib.sha256(f"parser:{PARSER_VERSION}".encode())
    files = read_corpus(corpus_dir)
    for path, text in files:
        digest.update(str(path.relative_to(corpus_dir)).encode())
        digest.update(b"\0")
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _index_root(data_dir: Path) -> Path:
    return data_dir / "index"


def current_build(data_dir: Path) -> Path | None:
    """The live build folder, or None when CURRENT is missing, unreadable or points nowhere."""
    pointer = _index_root(data_dir) / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # missing, or garbage that is not even text
        return None
    # only a build folder's own name: an empty or edited pointer must not name the root
    if not name.startswith("build-") or "/" in name or "\\" in name:
        return None
    folder = _index_root(data_dir) / name
    return folder if folder.is_dir() else None


def read_manifest(data_dir: Path) -> dict[str, Any] | None:
    folder = current_build(data_dir)
    if folder is None or not (folder / "manifest.json").is_file():
        return None
    try:
        return dict(json.loads((folder / "manifest.json").read_text()))
    except (OSError, ValueError):
        return None


def _version(folder: Path, manifest: dict[str, Any]) -> str:
    return f"{folder.name}:{str(manifest.get('corpus_hash', ''))[:12]}"


def current_version(data_dir: Path) -> str | None:
    """The live build's version (as `load_course` names it), without loading it."""
    folder, manifest = current_build(data_dir), read_manifest(data_dir)
    return None if folder is None or manifest is None else _version(folder, manifest)


def stale_reason(data_dir: Path, corpus_dir: Path, model_name: str) -> str | None:
    """Why the index must be rebuilt, or None when it matches the corpus and model."""
    manifest = read_manifest(data_dir)
    if manifest is None:
        return "no index has been built"
    if manifest.get("format_version") != FORMAT_VERSION:
        return f"index format {manifest.get('format_version')} != {FORMAT_VERSION}"
    if manifest.get("model") != model_name:
        return f"index built with model {manifest.get('model')!r}, configured {model_name!r}"
    if manifest.get("corpus_hash") != corpus_hash(corpus_dir):
        return "the course files changed since the index was built"
    return None


def _context_text(section: str, previous: str | None, sentence: str) -> str:
    return f"{section}. {previous} {sentence}" if previous else f"{section}. {sentence}"


def parse_corpus(corpus_dir: Path) -> tuple[list[Document], list[Passage]]:
    """Every course file's clean document and sentences, numbered across the course."""
    files = read_corpus(corpus_dir)
    if not files:
        raise Unavailable(f"no course files (.txt, .md) in {corpus_dir}")
    return parse_texts(files)


def parse_texts(files: list[tuple[Path, str]]) -> tuple[list[Document], list[Passage]]:
    documents: list[Document] = []
    passages: list[Passage] = []
    seen_ids: set[str] = set()
    paragraph_base = 0
    for path, raw in files:
        parsed = parse_document(path, raw)
        doc = parsed.document
        if doc.doc_id in seen_ids:  # two files whose names slug the same way
            n = 2
            while f"{doc.doc_id}-{n}" in seen_ids:
                n += 1
            doc = Document(f"{doc.doc_id}-{n}", doc.title, doc.text, doc.sections)
        seen_ids.add(doc.doc_id)
        documents.append(doc)
        last_paragraph = -1
        for s in parsed.sentences:
            passages.append(
                Passage(
                    passage_id=len(passages),
                    doc_id=doc.doc_id,
                    section=s.section,
                    start=s.start,
                    end=s.end,
                    text=doc.text[s.start : s.end],
                    paragraph=paragraph_base + s.paragraph,
                    position=s.position,
                )
            )
            last_paragraph = max(last_paragraph, s.paragraph)
        paragraph_base += last_paragraph + 1
    return documents, passages


def context_texts(passages: list[Passage]) -> list[str]:
    """What the context vectors embed: section title, the sentence before, the sentence."""
    return [
        _context_text(
            p.section,
            passages[i - 1].text if i > 0 and passages[i - 1].paragraph == p.paragraph else None,
            p.text,
        )
        for i, p in enumerate(passages)
    ]


def vocabulary_of(documents: list[Document], passages: list[Passage]) -> list[str]:
    """The course's content words, each embedded once for soft word matching."""
    return sorted(
        {w for p in passages for w in content_words(p.text)}
        | {w for d in documents for s in d.sections for w in content_words(s.title)}
    )


def build_index(
    corpus_dir: Path,
    data_dir: Path,
    embedder: Embedder,
    *,
    progress: Callable[[int, int], None] | None = None,
    lexicon: Lexicon | None = None,
    calibrate: bool = True,
) -> Path:
    """Parse, embed and write a new index; return its folder once it is live.

    The answer policy is fitted to the new course before it goes live (tutor/calibration.py)
    unless `calibrate` is off (then the prior policy serves).
    """
    documents, passages = parse_corpus(corpus_dir)
    vocabulary = vocabulary_of(documents, passages)
    total = 2 * len(passages) + len(vocabulary)
    sentence_vectors = _embed_all(embedder, [p.text for p in passages], progress, 0, total)
    context_vectors = _embed_all(embedder, context_texts(passages), progress, len(passages), total)
    # words the model's lexicon holds are copied from it, not embedded again
    words = LexiconEmbedder(embedder, lexicon) if lexicon is not None else embedder
    vocabulary_vectors = _embed_all(words, vocabulary, progress, total - len(vocabulary), total)

    root = _index_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder = root / f"build-{stamp}"
    tmp = root / f".tmp-{stamp}"
    tmp.mkdir()
    try:
        np.save(tmp / "sentence.npy", sentence_vectors)
        np.save(tmp / "context.npy", context_vectors)
        np.save(tmp / "vocabulary.npy", vocabulary_vectors)
        _write_json(tmp / "vocabulary.json", vocabulary)
        common = common_words(vocabulary, embedder)
        _write_json(tmp / "common.json", common)
        sentence_index = FaissVectorIndex.build(sentence_vectors)
        sentence_index.save(tmp / "sentence.faiss")
        FaissVectorIndex.build(context_vectors).save(tmp / "context.faiss")
        _write_json(tmp / "documents.json", [_document_json(d) for d in documents])
        _write_json(tmp / "passages.json", [asdict(p) for p in passages])
        course = _course_from(
            documents,
            passages,
            sentence_vectors,
            context_vectors,
            vocabulary,
            vocabulary_vectors,
            sentence_index,
            common,
        )
        started = time.monotonic()
        bank = bank_of(course)
        _write_json(tmp / QUIZ_BANK, bank)
        log.info("%d quiz items made in %.1f s", len(bank["items"]), time.monotonic() - started)
        if calibrate:
            started = time.monotonic()
            fitted = fit_course(course, embedder)
            _write_json(tmp / "calibration.json", fitted.report())
            log.info(
                "calibrated on %d synthetic questions in %.1f s: %s; re-ranking %s",
                len(fitted.samples),
                time.monotonic() - started,
                fitted.rates(),
                "refitted" if fitted.ranking and fitted.ranking.fitted else "prior",
            )
        manifest = {
            "format_version": FORMAT_VERSION,
            "model": embedder.name,
            "dim": embedder.dim,
            "corpus_hash": corpus_hash(corpus_dir),
            "documents": len(documents),
            "passages": len(passages),
            "vector_index": sentence_index.kind,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        # written last: its presence marks a whole build
        _write_json(tmp / "manifest.json", manifest)
        # np.save and faiss do not fsync: without this a power cut after the switch below
        # could leave CURRENT naming files whose bytes never reached the disk
        _fsync_files(tmp)
        _fsync_dir(tmp)
        os.replace(tmp, folder)
        _fsync_dir(root)  # the folder's new name is on disk before anything points at it
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer_tmp = root / f".CURRENT-{stamp}"
    pointer_tmp.write_text(folder.name)
    with open(pointer_tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(pointer_tmp, root / "CURRENT")
    _fsync_dir(root)
    _remove_old_builds(root, keep=folder.name)
    log.info("index built: %s passages from %s documents", len(passages), len(documents))
    return folder


def _embed_all(
    embedder: Embedder,
    texts: list[str],
    progress: Callable[[int, int], None] | None,
    done_before: int,
    total: int,
) -> np.ndarray:
    chunks = []
    for i in range(0, len(texts), EMBED_BATCH):
        chunks.append(embedder.embed(texts[i : i + EMBED_BATCH]))
        if progress:
            progress(done_before + min(i + EMBED_BATCH, len(texts)), total)
    if not chunks:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.ascontiguousarray(np.vstack(chunks), dtype=np.float32)


def _document_json(doc: Document) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "text": doc.text,
        "sections": [asdict(s) for s in doc.sections],
    }


def _write_json(path: Path, value: object) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(value, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_files(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_old_builds(root: Path, keep: str) -> None:
    for child in root.iterdir():
        if child.name == keep or child.name == "CURRENT":
            continue
        if child.name.startswith("build-") and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        elif (
            child.name.startswith(".tmp-")
            and child.is_dir()
            and time.time() - child.stat().st_mtime > 3600
        ):
            # a build that died before finishing, clearly abandoned by now
            shutil.rmtree(child, ignore_errors=True)


def _course_from(
    documents: list[Document],
    passages: list[Passage],
    sentence_vectors: np.ndarray,
    context_vectors: np.ndarray,
    vocabulary: list[str],
    vocabulary_vectors: np.ndarray,
    sentence_index: FaissVectorIndex,
    common: list[str],
) -> Course:
    """The course a build is about to publish, for calibrating it and making its quiz items
    before it goes live."""
    return Course(
        version="calibrating",
        documents={d.doc_id: d for d in documents},
        passages=tuple(passages),
        sentence_index=sentence_index,
        context_index=FaissVectorIndex.build(context_vectors),
        sentence_vectors=sentence_vectors,
        context_vectors=context_vectors,
        vocabulary=tuple(vocabulary),
        vocabulary_vectors=vocabulary_vectors,
        common_words=frozenset(common),
    )


def common_words(vocabulary: list[str], embedder: Embedder) -> list[str]:
    """The course's words that are whole words of the model's tokenizer vocabulary: ordinary
    words, not names (the model's vocabulary lists "consisted", not "malenkov")."""
    known = set(model_words(embedder))
    return [w for w in vocabulary if w in known]


def _mapped(path: Path) -> np.ndarray:
    """A read-only array over the mapped file: only the rows used are paged in. A plain
    ndarray view, since every row taken from a np.memmap builds another memmap (several
    times the cost of the read, on each question's path)."""
    return np.load(path, mmap_mode="r").view(np.ndarray)


def kept_items(data_dir: Path) -> Callable[[Course], list[QuizItem]]:
    """A quiz generator for `Tutor(quiz_generator=…)`: the items the course's build kept,
    else (another code version, a build from before) the items made anew."""

    def items_of(course: Course) -> list[QuizItem]:
        name = course.version.split(":", 1)[0]  # the build folder's name (see _version)
        kept = read_bank(_index_root(data_dir) / name) if name.startswith("build-") else None
        return kept if kept is not None else generate_items(course)

    return items_of


def load_course(data_dir: Path) -> Course:
    """Load the live index; raise Unavailable naming the file that is missing or corrupt."""
    folder = current_build(data_dir)
    if folder is None:
        raise Unavailable(f"no index under {_index_root(data_dir)}; run `tutor index`")
    current = ""
    try:
        current = "manifest.json"
        manifest = json.loads((folder / current).read_text(encoding="utf-8"))
        current = "documents.json"
        docs_raw = json.loads((folder / current).read_text(encoding="utf-8"))
        current = "passages.json"
        passages_raw = json.loads((folder / current).read_text(encoding="utf-8"))
        current = "sentence.npy"
        sentence_vectors = _mapped(folder / current)
        current = "context.npy"
        context_vectors = _mapped(folder / current)
        current = "vocabulary.json"
        vocabulary = tuple(json.loads((folder / current).read_text(encoding="utf-8")))
        current = "vocabulary.npy"
        vocabulary_vectors = _mapped(folder / current)
        current = "sentence.faiss"
        sentence_index = FaissVectorIndex.load(folder / current)
        current = "context.faiss"
        context_index = FaissVectorIndex.load(folder / current)
        current = "common.json"
        common = json.loads((folder / current).read_text(encoding="utf-8"))
        current = "calibration.json"
        fitted = (
            json.loads((folder / current).read_text(encoding="utf-8"))
            if (folder / current).exists()
            else {}
        )
        documents = {
            d["doc_id"]: Document(
                d["doc_id"], d["title"], d["text"], tuple(Section(**s) for s in d["sections"])
            )
            for d in docs_raw
        }
        passages = tuple(Passage(**p) for p in passages_raw)
    except Exception as exc:  # any unreadable file makes the whole build unusable
        raise Unavailable(f"index file {folder / current} is unreadable: {exc}") from exc
    n = len(passages)
    for name, count in (
        ("sentence.npy", len(sentence_vectors)),
        ("context.npy", len(context_vectors)),
        ("sentence.faiss", sentence_index.size),
        ("context.faiss", context_index.size),
    ):
        if count != n:
            raise Unavailable(f"index file {folder / name} holds {count} rows, expected {n}")
    if len(vocabulary_vectors) != len(vocabulary):
        raise Unavailable(f"index file {folder / 'vocabulary.npy'} does not match vocabulary.json")
    dim = manifest.get("dim")
    for name, vectors in (
        ("sentence.npy", sentence_vectors),
        ("context.npy", context_vectors),
        ("vocabulary.npy", vocabulary_vectors),
    ):
        # well-formed .npy files of the wrong shape would only fail at the first question
        if vectors.ndim != 2 or vectors.shape[1] != dim:
            raise Unavailable(
                f"index file {folder / name} has shape {vectors.shape}, expected (n, {dim})"
            )
    version = _version(folder, manifest)
    return Course(
        version=version,
        documents=documents,
        passages=passages,
        sentence_index=sentence_index,
        context_index=context_index,
        sentence_vectors=sentence_vectors,
        context_vectors=context_vectors,
        vocabulary=vocabulary,
        vocabulary_vectors=vocabulary_vectors,
        calibration=fitted.get("policy"),
        ranking=fitted.get("retrieval"),
        common_words=frozenset(common),
    )
