"""In-process measurements with the real model: index builds (their embedding rate against the
bare model on the same texts) and vector search."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.store import build_index, context_texts, parse_corpus, vocabulary_of
from index.vectors import FaissVectorIndex
from tutor.embedding import Lexicon
from tutor.ports import Embedder
from tutor.settings import Settings

from .stats import summary_ms
from .synth import CourseWriter, write_course

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class _Phases:
    """Progress callback: timestamps the ends of the three embedding passes (sentences, their
    contexts, course words not in the lexicon), prints progress."""

    def __init__(self, label: str, passages: int, t0: float):
        self.label = label
        self.passages = passages
        self.t0 = t0
        self.marks: dict[str, float] = {}
        self._printed = t0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done == self.passages:
            self.marks["sentences"] = now
        if done == 2 * self.passages:
            self.marks["contexts"] = now
        if done == total:
            self.marks["vocabulary"] = now
        if now - self._printed >= 15 or done == total:
            self._printed = now
            rate = done / (now - self.t0)
            eta = (total - done) / rate if rate else 0
            log(
                f"{self.label}: {done}/{total} texts embedded, {now - self.t0:.0f} s, "
                f"~{eta:.0f} s left"
            )


def serving_embedder() -> tuple[Embedder, Lexicon | None]:
    """The model as `tutor index` builds with it (the configured runtime, every core), and the
    model's lexicon from the cache (`tutor index --lexicon` has filled it)."""
    from bots.wiring import build_embedder, cached_lexicon

    settings = Settings()
    embedder = build_embedder(settings)
    return embedder, cached_lexicon(settings, embedder)


def embedded_texts(corpus_dir: Path, lexicon: Lexicon | None) -> list[str]:
    """The texts an index build of `corpus_dir` hands the model: every sentence, every
    sentence in its context, and the course's words the lexicon lacks."""
    documents, passages = parse_corpus(corpus_dir)
    words = [w for w in vocabulary_of(documents, passages) if lexicon is None or w not in lexicon]
    return [p.text for p in passages] + context_texts(passages) + words


def build_against_bare(
    label: str, corpus_dir: Path, embedder: Embedder, lexicon: Lexicon | None, bare: Any
) -> dict[str, Any]:
    """An index build of `corpus_dir`, then the bare model's `encode` over the very texts the
    build embedded: the build's embedding rate against the bare batch rate."""
    figures, _ = measure_build(label, corpus_dir, embedder, None, lexicon=lexicon)
    texts = embedded_texts(corpus_dir, lexicon)
    if len(texts) != figures["texts_embedded"]:
        raise RuntimeError(
            f"{len(texts)} texts, but the build embedded {figures['texts_embedded']}"
        )
    figures["bare"] = bare.batch_rate(texts)
    return figures


def measure_build(
    label: str,
    corpus_dir: Path,
    embedder: Embedder,
    queries: np.ndarray | None,
    keep_vectors: bool = False,
    lexicon: Lexicon | None = None,
) -> tuple[dict[str, Any], np.ndarray | None]:
    """build_index over corpus_dir, timed whole and by phase, then search figures on it
    (with `queries`)."""
    t = time.perf_counter()
    documents, passages = parse_corpus(corpus_dir)
    vocabulary = vocabulary_of(documents, passages)
    parse_s = time.perf_counter() - t
    n = len(passages)
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-build-{label}-"))
    try:
        t0 = time.perf_counter()
        phases = _Phases(label, n, t0)
        folder = build_index(corpus_dir, data_dir, embedder, progress=phases, lexicon=lexicon)
        wall = time.perf_counter() - t0
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        n = int(manifest["passages"])
        new_words = [w for w in vocabulary if lexicon is None or w not in lexicon]
        texts = 2 * n + len(new_words)
        m = phases.marks
        breakdown = {
            "parse_and_vocabulary_s (timed separately)": round(parse_s, 3),
            "embed_sentences_s": _span(m, None, "sentences", t0 + parse_s),
            "embed_contexts_s": _span(m, "sentences", "contexts"),
            "embed_vocabulary_s": _span(m, "contexts", "vocabulary"),
            "write_and_faiss_s": round(t0 + wall - m["vocabulary"], 3)
            if "vocabulary" in m
            else None,
        }
        vectors = np.load(folder / "sentence.npy")
        index = FaissVectorIndex.load(folder / "sentence.faiss")
        search = None if queries is None else search_figures(index, vectors, queries)
        # the embedding passes alone: from the build's start (less parsing, timed apart) to
        # the end of the last pass
        embed_s = m["vocabulary"] - t0 - parse_s if "vocabulary" in m else None
        figures = {
            "chunks": n,
            "documents": int(manifest["documents"]),
            "vocabulary": len(vocabulary),
            "vocabulary_from_lexicon": len(vocabulary) - len(new_words),
            "texts_embedded": texts,
            "wall_s": round(wall, 3),
            "chunks_per_s": round(n / wall, 2),
            "texts_per_s": round(texts / wall, 2),
            "embed_s": None if embed_s is None else round(embed_s, 3),
            "embed_texts_per_s": None if not embed_s else round(texts / embed_s, 1),
            "phases": breakdown,
            "vector_index": manifest.get("vector_index"),
            "search": search,
        }
        return figures, (vectors if keep_vectors else None)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _span(
    marks: dict[str, float], start: str | None, end: str, origin: float = 0.0
) -> float | None:
    if end not in marks:
        return None
    begin = marks[start] if start is not None and start in marks else origin
    return round(marks[end] - begin, 3)


def search_figures(
    index: FaissVectorIndex, vectors: np.ndarray, queries: np.ndarray, k: int = 10
) -> dict[str, Any]:
    """p50/p95 of one-query `search(q, k)` and recall@k against exact inner-product search."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, k)
    for q in queries[:20]:
        index.search(q[None, :], k)  # warm-up
    times = []
    found = []
    for q in queries:
        t0 = time.perf_counter()
        _, ids = index.search(q[None, :], k)
        times.append((time.perf_counter() - t0) * 1000)
        found.append(ids[0])
    kk = min(k, len(vectors))
    recall = float(
        np.mean(
            [
                len(set(f[:kk].tolist()) & set(t[:kk].tolist())) / kk
                for f, t in zip(found, truth, strict=True)
            ]
        )
    )
    return {
        "kind": index.kind,
        "vectors": int(index.size),
        "queries": len(queries),
        "k": k,
        "recall_at_k": round(recall, 4),
    } | summary_ms(times)


def synthetic_build(
    label: str,
    n: int,
    embedder: Embedder,
    keep_vectors: bool,
    queries_n: int,
    lexicon: Lexicon | None = None,
) -> tuple[dict[str, Any], np.ndarray | None, np.ndarray]:
    """Write a synthetic course of n sentences, build it, measure; also return the queries."""
    corpus = Path(tempfile.mkdtemp(prefix=f"bench-corpus-{label}-"))
    try:
        t0 = time.perf_counter()
        write_course(corpus, n, seed=n)
        log(f"{label}: wrote {n} sentences in {time.perf_counter() - t0:.1f} s; building")
        queries = question_vectors(embedder, n, queries_n)
        figures, vectors = measure_build(label, corpus, embedder, queries, keep_vectors, lexicon)
        return figures, vectors, queries
    finally:
        shutil.rmtree(corpus, ignore_errors=True)


def question_vectors(embedder: Embedder, scale: int, n: int) -> np.ndarray:
    """n embedded questions about a synthetic course of that scale (its names and places)."""
    writer = CourseWriter(seed=scale, scale=scale)  # same seed: the course's pools of names
    return embedder.embed([writer.question() for _ in range(n)])


def clustered_vectors(
    centres: np.ndarray, n: int, cosine: float = 0.85, seed: int = 0
) -> np.ndarray:
    """n unit vectors, each at about `cosine` from a randomly chosen real sentence vector."""
    rng = np.random.default_rng(seed)
    parents = centres[rng.integers(0, len(centres), n)]
    noise = rng.standard_normal(parents.shape).astype(np.float32)
    noise -= (noise * parents).sum(axis=1, keepdims=True) * parents  # orthogonal to the parent
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    out = cosine * parents + np.sqrt(1 - cosine**2) * noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return np.ascontiguousarray(out, dtype=np.float32)


def clustered_index(centres: np.ndarray, n: int, queries: np.ndarray) -> dict[str, Any]:
    """The 100k figures without a 100k build: FAISS over clustered vectors, then search."""
    vectors = clustered_vectors(centres, n)
    t0 = time.perf_counter()
    index = FaissVectorIndex.build(vectors)
    build_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="bench-faiss-") as tmp:
        # saved and loaded as the server does, so efSearch is what it serves with
        index.save(Path(tmp) / "sentence.faiss")
        index = FaissVectorIndex.load(Path(tmp) / "sentence.faiss")
    return {
        "chunks": n,
        "vectors_from": f"{len(centres)} real sentence vectors, {n // len(centres)} noisy "
        "copies each at cosine 0.85",
        "faiss_build_s": round(build_s, 3),
        "faiss_vectors_per_s": round(n / build_s, 1),
        "vector_index": index.kind,
        "search": search_figures(index, vectors, queries),
    }
