"""The one place that builds concrete parts from settings and wires them into a `Tutor`."""

from __future__ import annotations

import logging
import os
import sys
import time

from index.embedder import ModelEmbedder, SentenceTransformerEmbedder, bundled_model_path
from index.lexicon import ensure_lexicon, load_lexicon
from index.store import build_index, load_course, stale_reason
from tutor.course import Course
from tutor.embedding import BatchingEmbedder, CachingEmbedder, Lexicon, LexiconEmbedder
from tutor.errors import Unavailable
from tutor.observe import NO_OBSERVER, Observer
from tutor.ports import Embedder, StateStore
from tutor.service import Limits, Tutor
from tutor.settings import Settings
from tutor.stores.memory import MemoryStateStore
from tutor.stores.sqlite import SQLiteStateStore

log = logging.getLogger(__name__)


def limit_blas_threads() -> None:
    """One BLAS thread: retrieval's matrix products are tiny, and idle OpenBLAS workers
    spin on the cores torch needs for the model, adding ~100 ms to one request in ten."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def build_embedder(settings: Settings) -> ModelEmbedder:
    limit_blas_threads()
    path = settings.model_path or bundled_model_path()
    if settings.embed_runtime == "torch":
        return SentenceTransformerEmbedder(path, threads=settings.torch_threads)
    # ONNX Runtime: exported once per model (a child process runs torch for that), then
    # served without importing torch at all.
    from index.onnx_embedder import OnnxEmbedder, default_root, ensure_export

    root = settings.onnx_dir or default_root()
    folder = ensure_export(path, root, int8=settings.onnx_quantize)
    return OnnxEmbedder(folder, threads=settings.torch_threads)


def build_state_store(settings: Settings) -> StateStore:
    if settings.state_url and settings.state_url.startswith("memory:"):
        return MemoryStateStore()
    if settings.state_url and settings.state_url.startswith(("redis://", "rediss://")):
        from tutor.stores.redis import RedisStateStore  # the Redis client only when asked for

        return RedisStateStore(settings.state_url)
    return SQLiteStateStore(settings.sqlite_path())


def _build_with_progress(settings: Settings, embedder: Embedder, lexicon: Lexicon | None) -> None:
    from tqdm import tqdm

    with tqdm(total=0, unit="text", desc="embedding", file=sys.stderr) as bar:

        def update(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        build_index(
            settings.corpus_dir, settings.data_dir, embedder, progress=update, lexicon=lexicon
        )


def ensure_index(
    settings: Settings,
    embedder: Embedder,
    *,
    force: bool = False,
    progress: bool = True,
    lexicon: Lexicon | None = None,
    observer: Observer = NO_OBSERVER,
) -> str | None:
    """Build the index when forced, missing or stale; return why it was built, if it was.

    The model's lexicon (course-independent word vectors) is built too when it is missing,
    unless the caller passes the one it already holds.
    """
    if lexicon is None:
        lexicon = ensure_lexicon(settings.lexicon_path(), embedder)
    reason = (
        "rebuild requested"
        if force
        else stale_reason(settings.data_dir, settings.corpus_dir, embedder.name)
    )
    if reason is None:
        return None
    log.info("building the index: %s", reason)
    started = time.perf_counter()
    if progress:
        _build_with_progress(settings, embedder, lexicon)
    else:
        build_index(settings.corpus_dir, settings.data_dir, embedder, lexicon=lexicon)
    observer.index_built(time.perf_counter() - started)
    return reason


def open_course(
    settings: Settings,
    embedder: Embedder,
    *,
    progress: bool = False,
    observer: Observer = NO_OBSERVER,
) -> Course:
    """The live index; a damaged one is rebuilt when auto_index is on and the course is there.

    A manifest that reads fine does not vouch for the other files (a truncated FAISS file,
    garbage in a .npy), so the rebuild is decided by loading, not by `stale_reason`.
    """
    try:
        return load_course(settings.data_dir)
    except Unavailable as damaged:
        if not settings.auto_index:
            raise Unavailable(f"{damaged} (TUTOR_AUTO_INDEX is off: run `tutor index`)") from None
        log.warning("rebuilding the index: %s", damaged)
        try:
            ensure_index(settings, embedder, force=True, progress=progress, observer=observer)
        except Unavailable as why:
            raise Unavailable(f"{damaged}; it cannot be rebuilt: {why}") from None
    return load_course(settings.data_dir)


def build_tutor(
    settings: Settings, *, progress: bool = False, observer: Observer = NO_OBSERVER
) -> Tutor:
    """Load the model, make sure the index is current, open the state store; report index
    builds, answers and the model's batches to `observer`."""
    embedder = build_embedder(settings)
    # read (or built) once: the index build copies course words from it, serving looks words up
    lexicon = (
        ensure_lexicon(settings.lexicon_path(), embedder)
        if settings.auto_index
        else load_lexicon(settings.lexicon_path(), embedder)
    )
    if settings.auto_index:
        try:
            ensure_index(settings, embedder, progress=progress, lexicon=lexicon, observer=observer)
        except Unavailable as exc:  # e.g. the course folder is not mounted: serve what is built
            log.warning("the index could not be rebuilt; serving the last build: %s", exc)
    course = open_course(settings, embedder, progress=progress, observer=observer)
    cores = os.cpu_count() or 1
    workers = settings.embed_workers
    if workers > 1:
        # Calls side by side, each on its share of the cores: more answers a second under
        # load (156 against 135 at 32 clients here), a slower lone answer (7.6 against 6.1 ms
        # for the model alone).
        embedder.set_threads(max(1, cores // workers))
    serving: Embedder = BatchingEmbedder(embedder, workers=workers)
    if lexicon is not None:
        serving = LexiconEmbedder(serving, lexicon)
    tutor = Tutor(
        course,
        CachingEmbedder(serving),
        build_state_store(settings),
        limits=Limits(max_question_chars=settings.max_question_chars),
    )
    tutor.observe(observer)
    tutor.quizzes.prepare()  # generate the quiz items now, not during the first answer
    return tutor
