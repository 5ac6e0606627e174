"""The `Campus` facade: every course of a deployment, one `Tutor` each, loaded when asked.

One model serves every course (the composition root builds it once and its factory hands it
to each course's tutor). A course's index is loaded on its first question, once however many
questions arrive together, and the least recently used courses are unloaded when the loaded
ones together pass a memory budget; the default course always stays. A course unloaded is
loaded again on its next question: its index is memory-mapped from disk and its quiz bank
read back (the composition root's factory reads the one its build made), so that takes a
fraction of a second rather than a rebuild.

How much memory a loaded course takes is estimated, not measured (`estimated_bytes`):

    2 x (sentence + context vectors)   the arrays, and the vector indexes' own copies of them
    + the vocabulary's vectors
    + the characters of its documents, its sentences and its quiz items
    + OBJECT_BYTES per sentence         what the Python objects built per sentence take: the
                                        passage, retrieval's term sets and BM25 postings, its
                                        share of the quiz items (tracemalloc, see below)
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .course import Course
from .courses import CourseRegistry
from .domain import DEFAULT_COURSE, ApiKey, CourseInfo, Grant, QuizItem
from .ports import KeyStore, StateStore
from .service import Tutor
from .stores import open_store

log = logging.getLogger(__name__)

# Python objects per sentence beyond its characters, measured with tracemalloc over loading
# the seed and the two dev courses together (455 sentences, 564 quiz items): 6.5 KB.
OBJECT_BYTES = 6_500
# An unloaded course's tutor is closed this long after, so answers already under way on it
# finish with their state store open.
CLOSE_DELAY = 30.0


@dataclass(frozen=True)
class CoursePlace:
    """What a course's `Tutor` is built over; the composition root's factory gets one."""

    course_id: str
    corpus_dir: Path
    data_dir: Path
    store: StateStore  # the course's learner state
    keys: KeyStore  # the deployment's keys


TutorFactory = Callable[[CoursePlace], Tutor]


def estimated_bytes(course: Course, items: Sequence[QuizItem]) -> int:
    """The memory a loaded course takes, roughly (see the module's docstring)."""
    vectors = course.sentence_vectors.nbytes + course.context_vectors.nbytes
    words = course.vocabulary_vectors.nbytes if course.vocabulary_vectors is not None else 0
    text = sum(len(d.text) for d in course.documents.values())
    text += sum(len(p.text) for p in course.passages)
    quiz = sum(
        len(i.question) + len(i.answer) + len(i.citation.quote) + sum(map(len, i.options or ()))
        for i in items
    )
    return 2 * vectors + words + text + quiz + OBJECT_BYTES * len(course.passages)


@dataclass
class _Loaded:
    tutor: Tutor
    version: str  # the course version `bytes` was estimated for
    bytes: int


def _loaded(tutor: Tutor) -> _Loaded:
    return _Loaded(tutor, tutor.index_version, estimated_bytes(tutor.course, tutor.quiz_items()))


class Campus:
    """Every course of a deployment: its tutor (`tutor(course_id)`), the catalog, and the
    keys, which are the deployment's."""

    def __init__(
        self,
        default: Tutor,
        registry: CourseRegistry,
        factory: TutorFactory,
        *,
        memory_budget: int,
        close_delay: float = CLOSE_DELAY,
    ):
        self.default = default  # its store is the deployment's: keys, catalog, its learners
        self.registry = registry
        self.memory_budget = memory_budget
        self.close_delay = close_delay
        self._factory = factory
        self._lock = threading.Lock()
        self._loaded: OrderedDict[str, _Loaded] = OrderedDict()  # least recently used first
        self._loaded[DEFAULT_COURSE] = _loaded(default)
        self._loading: dict[str, threading.Lock] = {}  # one load at a time per course
        self._closing: list[tuple[threading.Timer, Tutor]] = []  # unloaded, closed soon

    # Tutors

    def tutor(self, course_id: str) -> Tutor:
        """The tutor of a course, loaded on first use; NotFound for an unknown course."""
        with self._lock:
            entry = self._loaded.get(course_id)
            if entry is not None:
                self._loaded.move_to_end(course_id)
        if entry is None:
            entry = self._load(course_id)
        if entry.tutor.index_version != entry.version:  # a new index since: estimate anew
            fresh = _loaded(entry.tutor)
            with self._lock:
                entry.version, entry.bytes = fresh.version, fresh.bytes
        self._evict(keep=course_id)
        return entry.tutor

    def _load(self, course_id: str) -> _Loaded:
        self.registry.info(course_id)  # NotFound before anything is kept for the id
        with self._lock:
            gate = self._loading.setdefault(course_id, threading.Lock())
        with gate:  # the other first questions wait here for the one load
            with self._lock:
                entry = self._loaded.get(course_id)
            if entry is not None:
                return entry
            try:
                entry = _loaded(self._build(course_id))
            except BaseException:
                with self._lock:
                    self._loading.pop(course_id, None)
                raise
            with self._lock:  # in one step, so no question comes between to load it again
                self._loaded[course_id] = entry
                self._loading.pop(course_id, None)
        log.info("course %s loaded (about %.1f MB)", course_id, entry.bytes / 2**20)
        return entry

    def _build(self, course_id: str) -> Tutor:
        folders = self.registry.folders(course_id)
        store = open_store(self.registry.store_url(course_id))
        place = CoursePlace(
            course_id, folders.corpus_dir, folders.data_dir, store, self.default.key_ring.store
        )
        try:
            return self._factory(place)
        except BaseException:
            store.close()
            raise

    def _evict(self, keep: str) -> None:
        """Unload the least recently used courses while the loaded ones pass the budget;
        never the default course, the one just asked for, or one whose index is building."""
        unloaded: list[tuple[str, Tutor]] = []
        with self._lock:
            total = sum(e.bytes for e in self._loaded.values())
            for course_id, entry in list(self._loaded.items()):
                if total <= self.memory_budget:
                    break
                if course_id in (DEFAULT_COURSE, keep) or entry.tutor.index_state().building:
                    continue
                del self._loaded[course_id]
                total -= entry.bytes
                unloaded.append((course_id, entry.tutor))
        for course_id, tutor in unloaded:
            log.info("course %s unloaded: the loaded courses passed the memory budget", course_id)
            self._close_later(tutor)

    def _close_later(self, tutor: Tutor) -> None:
        if self.close_delay <= 0:
            tutor.close()
            return
        timer = threading.Timer(self.close_delay, tutor.close)
        timer.daemon = True
        with self._lock:
            self._closing = [(t, x) for t, x in self._closing if not t.finished.is_set()]
            self._closing.append((timer, tutor))
        timer.start()

    def loaded(self) -> dict[str, int]:
        """The loaded courses and their estimated bytes, least recently used first."""
        with self._lock:
            return {course_id: e.bytes for course_id, e in self._loaded.items()}

    # The catalog

    def courses(self) -> list[CourseInfo]:
        """Every course, the default one first."""
        return self.registry.list()

    def course(self, course_id: str) -> CourseInfo:
        return self.registry.info(course_id)

    def create_course(self, course_id: str, title: str | None = None) -> CourseInfo:
        """A new course without documents: its tutor refuses questions (NoDocuments) and
        takes uploads."""
        return self.registry.create(course_id, title)

    def remove_course(self, course_id: str) -> None:
        """Unload a course and remove it with its documents, index and learner state
        (InvalidInput for the default course, NotFound for an unknown one)."""
        with self._lock:
            entry = None if course_id == DEFAULT_COURSE else self._loaded.pop(course_id, None)
        if entry is not None:
            entry.tutor.close()
        self.registry.remove(course_id)

    # Keys, which are the deployment's

    def grant_of(self, key: str) -> Grant | None:
        """A key's role and courses (see `Tutor.grant_of`)."""
        return self.default.grant_of(key)

    def create_key(self, name: str, role: str, courses: Sequence[str] | None = None) -> str:
        """A new key for existing courses (none named: the default course; an admin key:
        every course); shown once."""
        return self.default.create_key(name, role, self.registry.key_courses(role, courses))

    def revoke_key(self, name: str) -> None:
        self.default.revoke_key(name)

    def keys(self) -> list[ApiKey]:
        return self.default.keys()

    def close(self) -> None:
        """Close every course's tutor now (the default one, and the deployment's store,
        last)."""
        with self._lock:
            closing, self._closing = self._closing, []
            loaded = [e.tutor for c, e in self._loaded.items() if c != DEFAULT_COURSE]
            self._loaded.clear()
        for timer, tutor in closing:
            timer.cancel()
            loaded.append(tutor)  # closing twice does no harm
        for tutor in loaded:
            tutor.close()
        self.default.close()
