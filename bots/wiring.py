"""The one place that builds concrete parts from settings and wires them into a `Tutor`."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from index.documents import read_corpus
from index.embedder import ModelEmbedder, SentenceTransformerEmbedder, bundled_model_path
from index.lexicon import build_lexicon, ensure_lexicon, load_lexicon, model_words
from index.library import CorpusLibrary
from index.store import build_index, current_version, kept_items, load_course, stale_reason
from tutor import (
    DEFAULT_COURSE,
    NO_OBSERVER,
    VERSION_LINK,
    BatchingEmbedder,
    CachingEmbedder,
    Campus,
    Course,
    CourseFolders,
    CoursePlace,
    CourseRegistry,
    Embedder,
    InvalidInput,
    KeyStore,
    Lexicon,
    LexiconEmbedder,
    Limits,
    Observer,
    Settings,
    StateStore,
    Tutor,
    Unavailable,
    open_buckets,
    open_store,
)

from .progress import progress as shown_progress
from .ratelimit import RateLimiter

log = logging.getLogger(__name__)

# Work to start once the service answers (a missing lexicon's build): see build_tutor.
Background = list[Callable[[], object]]


def limit_blas_threads() -> None:
    """One BLAS thread: retrieval's matrix products are tiny, and idle OpenBLAS workers
    spin on the cores torch needs for the model, adding ~100 ms to one request in ten."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def build_embedder(settings: Settings) -> ModelEmbedder:
    limit_blas_threads()
    path = settings.model_path or bundled_model_path()
    log.info("loading the model from %s (%s)", path, settings.embed_runtime)
    t0 = time.monotonic()
    embedder: ModelEmbedder
    if settings.embed_runtime == "torch":
        embedder = SentenceTransformerEmbedder(path, threads=settings.torch_threads)
    else:
        # ONNX Runtime: exported once per model (a child process runs torch for that), then
        # served without importing torch at all.
        from index.onnx_embedder import OnnxEmbedder, default_root, ensure_export

        root = settings.onnx_dir or default_root()
        folder = ensure_export(path, root, int8=settings.onnx_quantize)
        embedder = OnnxEmbedder(folder, threads=settings.torch_threads)
    log.info("model %s loaded in %.1f s", embedder.name, time.monotonic() - t0)
    return embedder


def build_state_store(settings: Settings) -> StateStore:
    return open_store(settings.store_url())


def build_rate_limiter(settings: Settings, name: Literal["http", "telegram"]) -> RateLimiter:
    """The `name` channel's rate limit, its buckets in the state store when that is shared
    (Redis: replicas then enforce one limit), else in this process."""
    if name == "http":
        per_minute, burst = settings.rate_limit_per_minute, settings.rate_limit_burst
    else:
        per_minute, burst = (
            settings.telegram_rate_limit_per_minute,
            settings.telegram_rate_limit_burst,
        )
    if per_minute == 0:  # off: nothing to keep anywhere
        return RateLimiter(per_minute, burst)
    buckets = open_buckets(settings.store_url(), name, max_keys=settings.rate_limit_clients)
    return RateLimiter(per_minute, burst, buckets=buckets)


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

    Course words the model's lexicon holds are copied from it (the one passed, else the one in
    the cache if built); without one they are embedded, which gives the same vectors.
    """
    reason = (
        "rebuild requested"
        if force
        else stale_reason(settings.data_dir, settings.corpus_dir, embedder.name)
    )
    if reason is None:
        return None
    if lexicon is None:
        lexicon = cached_lexicon(settings, embedder)
    log.info("building the index: %s", reason)
    t0 = time.monotonic()
    with shown_progress("embedding", "text", log, bar=None if progress else False) as update:
        build_index(
            settings.corpus_dir, settings.data_dir, embedder, progress=update, lexicon=lexicon
        )
    took = time.monotonic() - t0
    observer.index_built(took)
    log.info("index built in %.1f s", took)
    return reason


def cached_lexicon(settings: Settings, embedder: Embedder) -> Lexicon | None:
    """The model's lexicon as configured, if the cache holds it; never builds it."""
    words = model_words(embedder, settings.lexicon_words)
    return load_lexicon(settings.lexicon_path(), embedder, words) if words else None


def build_lexicon_now(settings: Settings, embedder: Embedder) -> Lexicon | None:
    """The model's lexicon as configured, built first (with progress) when the cache lacks it."""
    found = cached_lexicon(settings, embedder)
    if found is not None or settings.lexicon_words == 0:
        return found
    with shown_progress("lexicon", "word", log) as update:
        return ensure_lexicon(settings.lexicon_path(), embedder, update, settings.lexicon_words)


def build_lexicon_in_background(
    root: Path, embedder: Embedder, words: Sequence[str], ready: Callable[[Lexicon], None]
) -> threading.Thread:
    """Build the lexicon on a daemon thread, logging progress, and hand it to `ready`.

    `embedder` is the serving one: the build's small batches queue with the questions
    instead of running beside them on the same cores.
    """

    def run() -> None:
        t0 = time.monotonic()
        log.info("building the lexicon in the background: %d words into %s", len(words), root)
        try:
            with shown_progress("lexicon", "word", log, bar=False) as update:
                lexicon = build_lexicon(root, embedder, words, update)
        except Exception:  # answers go on without it; the next start tries again
            log.exception("the lexicon could not be built; words go to the model")
            return
        ready(lexicon)
        took = time.monotonic() - t0
        log.info("lexicon of %d words in use (built in %.0f s)", len(lexicon), took)

    thread = threading.Thread(target=run, name="lexicon-build", daemon=True)
    thread.start()
    return thread


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


@dataclass(frozen=True)
class Serving:
    """What every course's tutor shares of the process's one model instance."""

    indexing: LexiconEmbedder  # batched with the questions: rebuilds while serving
    answering: Embedder  # with a cache of question vectors in front
    lexicon: Lexicon | None


def _current_course(
    settings: Settings,
    embedder: Embedder,
    lexicon: Lexicon | None,
    *,
    progress: bool,
    observer: Observer,
) -> Course:
    """The course's index, rebuilt first when auto_index is on and it is missing or stale."""
    if settings.auto_index:
        try:
            ensure_index(settings, embedder, progress=progress, lexicon=lexicon, observer=observer)
        except Unavailable as exc:  # e.g. the course folder is not mounted: serve what is built
            log.warning("the index could not be rebuilt; serving the last build: %s", exc)
    return open_course(settings, embedder, progress=progress, observer=observer)


def _serving(
    settings: Settings,
    model: Embedder,
    lexicon: Lexicon | None,
    words: Sequence[str],
    background: Background | None,
) -> Serving:
    cores = os.cpu_count() or 1
    workers = settings.embed_workers
    set_threads = getattr(model, "set_threads", None)  # a fake model has none
    if workers > 1 and set_threads is not None:
        # Calls side by side, each on its share of the cores: more answers a second under
        # load (156 against 135 at 32 clients here), a slower lone answer (7.6 against 6.1 ms
        # for the model alone).
        set_threads(max(1, cores // workers))
    batching = BatchingEmbedder(model, workers=workers)
    serving = LexiconEmbedder(batching, lexicon)
    if lexicon is None and words and background is not None:
        root = settings.lexicon_path()
        background.append(lambda: build_lexicon_in_background(root, batching, words, serving.use))
    return Serving(serving, CachingEmbedder(serving), lexicon)


def _tutor_over(
    settings: Settings,
    course: Course,
    serving: Serving,
    store: StateStore,
    *,
    keys: KeyStore | None = None,
    observer: Observer = NO_OBSERVER,
) -> Tutor:
    """A course's tutor: answering with the shared model, its uploads kept in its folder and
    indexed with it, its quiz bank made now (or read back) rather than in the first answer."""
    tutor = Tutor(
        course,
        serving.answering,
        store,
        keys=keys,
        limits=Limits(max_question_chars=settings.max_question_chars),
        quiz_generator=kept_items(settings.data_dir),
    )
    tutor.observe(observer)
    tutor.manage_documents(
        CorpusLibrary(
            settings.corpus_dir,
            settings.data_dir,
            serving.indexing,
            max_bytes=settings.max_upload_bytes,
        )
    )
    tutor.prepare_quizzes()
    return tutor


def _build_default(
    settings: Settings,
    *,
    progress: bool,
    background: Background | None,
    observer: Observer,
    embedder: Embedder | None,
) -> tuple[Tutor, Serving]:
    model = embedder or build_embedder(settings)
    words = model_words(model, settings.lexicon_words)
    # read once: the index build copies course words from it, serving looks words up
    lexicon = load_lexicon(settings.lexicon_path(), model, words) if words else None
    course = _current_course(settings, model, lexicon, progress=progress, observer=observer)
    serving = _serving(settings, model, lexicon, words, background)
    tutor = _tutor_over(settings, course, serving, build_state_store(settings), observer=observer)
    if background is not None:  # a server: follow the index other replicas publish
        background.append(lambda: tutor.follow_index(settings.index_poll_seconds))
    return tutor, serving


def build_tutor(
    settings: Settings,
    *,
    progress: bool = False,
    background: Background | None = None,
    observer: Observer = NO_OBSERVER,
    embedder: Embedder | None = None,
) -> Tutor:
    """Load the model (unless `embedder` is given), make sure the default course's index is
    current, open the state store; report index builds, answers and the model's batches to
    `observer`.

    Nothing here waits for the model's lexicon: when the cache lacks it, the tutor answers
    without it, and a server (which passes `background` and starts what it finds there once
    it listens) builds it then and swaps it in.
    """
    tutor, _ = _build_default(
        settings, progress=progress, background=background, observer=observer, embedder=embedder
    )
    return tutor


def build_campus(
    settings: Settings,
    *,
    progress: bool = False,
    background: Background | None = None,
    observer: Observer = NO_OBSERVER,
    embedder: Embedder | None = None,
) -> Campus:
    """Every course: the default one built as `build_tutor` does, the others loaded on their
    first question by a factory over the same model instance (one model for all courses)."""
    default, serving = _build_default(
        settings, progress=progress, background=background, observer=observer, embedder=embedder
    )
    # a server's courses follow the indexes other replicas publish, from their first load
    follow = settings.index_poll_seconds if background is not None else 0.0
    return _campus_around(default, settings, serving, observer, follow)


def campus_of(tutor: Tutor, settings: Settings) -> Campus:
    """A campus around a tutor built elsewhere (tests hand the HTTP app one): it is the default
    course, its store the deployment's; other courses are made as `build_campus` makes them,
    over its embedder, in `settings.courses_root()`."""
    serving = Serving(LexiconEmbedder(tutor.embedder), tutor.embedder, None)
    return _campus_around(tutor, settings, serving, tutor.observer, follow=0.0)


def _campus_around(
    default: Tutor, settings: Settings, serving: Serving, observer: Observer, follow: float
) -> Campus:
    def course_tutor(place: CoursePlace) -> Tutor:
        here = settings.model_copy(
            update={"corpus_dir": place.corpus_dir, "data_dir": place.data_dir}
        )
        course = _course_or_empty(here, serving, observer)
        tutor = _tutor_over(here, course, serving, place.store, keys=place.keys, observer=observer)
        tutor.follow_index(follow)
        return tutor

    registry = registry_over(settings, default.store)
    budget = settings.course_memory_mb * 2**20
    return Campus(default, registry, course_tutor, memory_budget=budget)


def registry_over(settings: Settings, store: StateStore) -> CourseRegistry:
    """The deployment's courses, their catalog in `store` (the deployment's store)."""
    folders = CourseFolders(DEFAULT_COURSE, settings.corpus_dir, settings.data_dir)
    return CourseRegistry(store, store, settings.store_url(), settings.courses_root(), folders)


@contextmanager
def course_registry(settings: Settings) -> Iterator[CourseRegistry]:
    """The deployment's courses, without a model (`tutor courses`, `tutor keys`)."""
    store = build_state_store(settings)
    try:
        yield registry_over(settings, store)
    finally:
        store.close()


def course_settings(settings: Settings, course_id: str) -> Settings:
    """The settings of one course: its folders and learner state in place of the default
    course's, for the commands that take --course; NotFound for an unknown course."""
    if course_id == DEFAULT_COURSE:
        return settings
    with course_registry(settings) as registry:
        folders = registry.folders(course_id)
        url = registry.store_url(course_id)
    return settings.model_copy(
        update={"corpus_dir": folders.corpus_dir, "data_dir": folders.data_dir, "state_url": url}
    )


def _course_or_empty(settings: Settings, serving: Serving, observer: Observer) -> Course:
    """A course's index; an empty course while it has neither documents nor an index."""
    if current_version(settings.data_dir) is None and not read_corpus(settings.corpus_dir):
        return Course.empty(serving.answering.dim)
    return _current_course(
        settings, serving.indexing, serving.lexicon, progress=False, observer=observer
    )


def start_background(work: Background) -> None:
    """Start what `build_tutor` left for later (call once the service answers)."""
    for start in work:
        start()
    work.clear()


def index_manifest(settings: Settings) -> dict[str, Any]:
    """The served index's manifest (documents, passages, model…), empty when there is none."""
    from index.store import read_manifest

    return read_manifest(settings.data_dir) or {}


def export_onnx(settings: Settings) -> Path:
    """Export the configured model to ONNX (`tutor export-onnx`); the folder it is in."""
    from index.embedder import bundled_model_path
    from index.onnx_embedder import default_root, ensure_export

    path = settings.model_path or bundled_model_path()
    return ensure_export(path, settings.onnx_dir or default_root(), int8=settings.onnx_quantize)


def change_documents(settings: Settings, add: Path | None = None, remove: str | None = None) -> str:
    """Add a file to the course folder or remove a document from it (`tutor documents`);
    the doc_id. The index is rebuilt by `tutor index` or the next `tutor serve`."""
    library = CorpusLibrary(
        settings.corpus_dir, settings.data_dir, max_bytes=settings.max_upload_bytes
    )
    if add is not None:
        try:
            data = add.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"{add} cannot be read: {exc.strerror}") from None
        return library.add(add.name, data)
    if remove is not None:
        library.remove(remove)
        return remove
    raise InvalidInput("nothing to add or remove")


def publish_index(settings: Settings) -> str | None:
    """Tell running servers over this data folder that its live build changed (they poll the
    state store for it: see `Tutor.follow_index`); the version published."""
    from index.store import current_version

    version = current_version(settings.data_dir)
    if version is not None:
        store = build_state_store(settings)
        try:
            store.set_link(*VERSION_LINK, version)
        finally:
            store.close()
    return version
