"""In-process measurements with the real model: the floor, batch throughput, index builds
and vector search."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from index.embedder import SentenceTransformerEmbedder, bundled_model_path
from index.lexicon import ensure_lexicon
from index.store import build_index, parse_corpus, vocabulary_of
from index.vectors import FaissVectorIndex
from tutor.embedding import Lexicon
from tutor.settings import Settings

from .stats import summary_ms
from .synth import CourseWriter, write_course

BATCH = 256  # what index/store.py embeds at a time
ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def load_embedder() -> tuple[SentenceTransformerEmbedder, float]:
    """The embedder as the server builds it (one BLAS thread, torch's default threads)."""
    from bots.wiring import limit_blas_threads

    limit_blas_threads()
    t0 = time.perf_counter()
    embedder = SentenceTransformerEmbedder(bundled_model_path())
    return embedder, time.perf_counter() - t0


def floor_times(
    embedder: SentenceTransformerEmbedder, questions: list[str], calls: int, warmup: int = 20
) -> list[float]:
    """Milliseconds to embed one short question, `calls` times after a warm-up."""
    for q in questions[:warmup]:
        embedder.embed([q])
    times = []
    for i in range(calls):
        q = questions[(warmup + i) % len(questions)]
        t0 = time.perf_counter()
        embedder.embed([q])
        times.append((time.perf_counter() - t0) * 1000)
    return times


def in_process_ask(data_dir: Path, questions: list[str], warmup: int = 10) -> dict[str, Any]:
    """`Tutor.ask` without HTTP: the tutor the server builds, over the server's data folder.

    Fresh process state, so its vector cache starts empty and each question is new to it.
    """
    from bots.wiring import build_tutor
    from tutor.settings import Settings

    settings = Settings(
        data_dir=data_dir,
        corpus_dir=ROOT / "corpus",
        state_url=f"sqlite:///{data_dir / 'state.sqlite3'}",
    )
    tutor = build_tutor(settings)
    try:
        for q in questions[:warmup]:
            tutor.ask(q)
        times = []
        for q in questions[warmup:]:
            t0 = time.perf_counter()
            tutor.ask(q)
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        tutor.store.close()
    return summary_ms(times)


def batch_throughput(embedder: SentenceTransformerEmbedder, n_texts: int) -> dict[str, Any]:
    """Texts per second embedding course-like sentences BATCH at a time."""
    texts = CourseWriter(seed=99, scale=n_texts).sentences(n_texts + BATCH)
    embedder.embed(texts[-BATCH:])  # warm-up batch, not counted
    texts = texts[:n_texts]
    t0 = time.perf_counter()
    for i in range(0, n_texts, BATCH):
        embedder.embed(texts[i : i + BATCH])
    wall = time.perf_counter() - t0
    return {
        "texts": n_texts,
        "batch": BATCH,
        "wall_s": round(wall, 3),
        "texts_per_s": round(n_texts / wall, 2),
        "mean_chars": round(sum(map(len, texts)) / n_texts, 1),
    }


def question_batches(
    embedder: SentenceTransformerEmbedder, questions: list[str], sizes: tuple[int, ...]
) -> dict[str, Any]:
    """The model's own ceiling for answers per second: distinct questions embedded `size` at
    a time, as perfect micro-batching would hand them over. No answer can come faster than
    its question's share of one such call."""
    out: dict[str, Any] = {}
    for size in sizes:
        times = []
        for start in range(0, max(len(questions) - size, 1), size):
            batch = questions[start : start + size]
            if len(batch) < size:
                break
            t0 = time.perf_counter()
            embedder.embed(batch)
            times.append(time.perf_counter() - t0)
        if not times:
            continue
        per_batch = float(np.median(times))
        out[str(size)] = {
            "batches": len(times),
            "p50_ms_per_batch": round(per_batch * 1000, 2),
            "ms_per_question": round(per_batch * 1000 / size, 3),
            "questions_per_s": round(size / per_batch, 1),
        }
    best = max(out.values(), key=lambda b: b["questions_per_s"], default=None)
    return {"by_batch_size": out, "best_questions_per_s": best and best["questions_per_s"]}


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


def build_lexicon_once(
    embedder: SentenceTransformerEmbedder, root: Path
) -> tuple[Lexicon, dict[str, Any]]:
    """The model's lexicon as configured, built into `root` as a server builds it once per
    model (not per course); `root` must outlive the builds that copy words from it."""
    t0 = time.perf_counter()
    lexicon = ensure_lexicon(root, embedder, limit=Settings().lexicon_words)
    wall = time.perf_counter() - t0
    if lexicon is None:
        raise RuntimeError("the model's tokenizer lists no words: no lexicon")
    return lexicon, {"words": len(lexicon), "wall_s": round(wall, 2)}


def measure_build(
    label: str,
    corpus_dir: Path,
    embedder: SentenceTransformerEmbedder,
    queries: np.ndarray,
    keep_vectors: bool = False,
    lexicon: Lexicon | None = None,
) -> tuple[dict[str, Any], np.ndarray | None]:
    """build_index over corpus_dir, timed whole and by phase, then search figures on it."""
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
        search = search_figures(index, vectors, queries)
        figures = {
            "chunks": n,
            "documents": int(manifest["documents"]),
            "vocabulary": len(vocabulary),
            "vocabulary_from_lexicon": len(vocabulary) - len(new_words),
            "texts_embedded": texts,
            "wall_s": round(wall, 3),
            "chunks_per_s": round(n / wall, 2),
            "texts_per_s": round(texts / wall, 2),
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
    embedder: SentenceTransformerEmbedder,
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


def question_vectors(embedder: SentenceTransformerEmbedder, scale: int, n: int) -> np.ndarray:
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
