"""The `Tutor` facade: the one object adapters talk to."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .abstention import AbstentionPolicy
from .answering import ExtractiveComposer
from .class_report import ClassReports
from .conversation import followup_context, topic_of
from .corrections import corrected, new_correction, pin_all, with_corrections
from .course import Course
from .domain import (
    Answer,
    ApiKey,
    AuditFilter,
    AuditRecord,
    Citation,
    Correction,
    Document,
    Grade,
    Grant,
    PinnedCorrection,
    Progress,
    QuizItem,
    Turn,
)
from .embedding import batchers
from .errors import InvalidInput, NoDocuments, NotFound, Unavailable
from .evidence import measure
from .library import DocumentDesk, IndexState
from .limits import Limits, check_question, check_seconds, check_session_id, check_text
from .observe import NO_OBSERVER, Observer
from .operations import Operations
from .ports import DocumentLibrary, Embedder, KeyStore, StateStore
from .quiz import QuizBook, QuizKind, choose, generate_items, grade, progress, reschedule
from .quiz.salience import LATEST_ANSWERS, salience
from .ranking_fit import weights_from
from .reminders import Reminders
from .retrieval import Retrieval, RetrievalWeights, Retriever
from .review import Reviews
from .teaching import KeyRing, UncoveredTopic, citation_holds, group_uncovered, key_hash

log = logging.getLogger(__name__)
T = TypeVar("T")

CHANNELS = ("http", "widget", "telegram", "cli")
STORE_WARNING_EVERY = 10.0  # seconds between warnings that answers are not remembered
KEY_GRACE = 900.0  # seconds a key checked before the state store went down still counts

HISTORY_TURNS = 5
QUIZ_ID = re.compile(r"q-[0-9a-f]{6,40}")
TOPIC_PASSAGES = 6  # how many retrieved sentences a quiz topic draws its items from


@dataclass(frozen=True)
class _Served:
    """A course and everything built on it, swapped as one."""

    course: Course
    retriever: Retriever
    composer: ExtractiveComposer
    policy: AbstentionPolicy
    quizzes: QuizBook


class Tutor(Operations, ClassReports, Reviews, Reminders):
    """Answers questions with citations and keeps each session's conversation.

    One course's tutor: `store` keeps its learners' state. Keys are the deployment's: in
    `keys` when given (a course other than the default one), else in `store`.
    """

    def __init__(
        self,
        course: Course,
        embedder: Embedder,
        store: StateStore,
        *,
        keys: KeyStore | None = None,
        weights: RetrievalWeights | None = None,
        policy: AbstentionPolicy | None = None,
        limits: Limits | None = None,
        quiz_generator: Callable[[Course], list[QuizItem]] | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.store = store
        self.embedder = embedder
        self._weights = weights
        self._fixed_policy = policy
        self._generate = quiz_generator or generate_items
        self._served = self._serving(course)
        self.limits = limits or Limits()
        self.clock = clock
        self.key_ring = KeyRing(keys if keys is not None else store, clock)
        self.desk: DocumentDesk | None = None
        self._store_warned_at = float("-inf")
        self.observer: Observer = NO_OBSERVER
        self._known_keys: list[ApiKey] | None = None  # the last key list the store gave
        self._known_grants: dict[str, tuple[Grant, float]] = {}  # key hash -> (grant, at)

    def _serving(self, course: Course) -> _Served:
        weights = self._weights or weights_from(course.ranking)
        generate = self._generate
        return _Served(
            course,
            Retriever(course, self.embedder, weights),
            ExtractiveComposer(course),
            self._fixed_policy or AbstentionPolicy.from_dict(course.calibration),
            QuizBook(
                lambda: generate(course), lambda items: salience(course, items, self._cited())
            ),
        )

    # The served course and the parts built on it, replaced together by `use_course`: an
    # answer reads `_served` once, so it never mixes two versions of the course.
    @property
    def course(self) -> Course:
        return self._served.course

    @course.setter
    def course(self, course: Course) -> None:
        self.use_course(course)

    @property
    def retriever(self) -> Retriever:
        return self._served.retriever

    @property
    def composer(self) -> ExtractiveComposer:
        return self._served.composer

    @property
    def policy(self) -> AbstentionPolicy:
        return self._served.policy

    @property
    def quizzes(self) -> QuizBook:
        return self._served.quizzes

    def use_course(self, course: Course) -> None:
        """Serve `course` from now on; its parts and quiz bank are made before the switch."""
        served = self._serving(course)
        served.quizzes.prepare()
        self._served = served  # one assignment: answers see the old course or the new one

    # Documents, for teachers (a service given a library by the composition root)

    def manage_documents(self, library: DocumentLibrary) -> None:
        """Let teachers add and remove documents kept in `library`."""
        self.desk = DocumentDesk(library, self.use_course, self.store)

    def _desk(self) -> DocumentDesk:
        if self.desk is None:
            raise Unavailable("this service does not manage documents")
        return self.desk

    def add_document(self, filename: str, data: bytes) -> tuple[str, str]:
        """Keep an uploaded file and rebuild the index in the background: (doc_id, the
        version still serving until the new one is ready)."""
        doc_id = self._desk().add(filename, data)
        return doc_id, self.index_version

    def remove_document(self, doc_id: str) -> None:
        """Drop a document and rebuild the index in the background."""
        self._desk().remove(doc_id)

    def follow_index(self, every: float) -> None:
        """Poll the state store for an index another replica built over the shared data
        folder, and serve it once seen (servers start this once they listen)."""
        if self.desk is not None and every > 0:
            self.desk.follow(lambda: self.index_version, every)

    def index_state(self) -> IndexState:
        desk = self.desk
        if desk is None:
            return IndexState(self.index_version, False, None)
        return IndexState(self.index_version, desk.building, desk.last_error)

    def observe(self, observer: Observer) -> None:
        """Report answers, state store failures and the model's batches to `observer`."""
        self.observer = observer
        for batcher in batchers(self.embedder):
            batcher.observer = observer

    @property
    def index_version(self) -> str:
        return self.course.version

    def documents(self) -> list[Document]:
        return list(self.course.documents.values())

    def document(self, doc_id: str) -> Document:
        return self.course.document(doc_id)

    def ask(self, question: str, session_id: str | None = None, channel: str = "http") -> Answer:
        """Answer `question` in the context of `session_id` (a new session when None).

        Every answer is written to the audit log with the channel it came through.
        """
        served = self._served  # one version of the course for the answer and its record
        answer = self._answer(question, session_id, served)
        channel = channel if channel in CHANNELS else "http"
        self.observer.answered(channel, answer.answerable)
        record = AuditRecord(
            0,
            self.clock(),
            channel,
            answer.session_id,
            " ".join(question.split()),
            answer.text,
            answer.answerable,
            answer.confidence,
            answer.citations,
            served.course.version,
        )
        self._unremembered(lambda: self.store.record_answer(record), 0)
        return answer

    def _unremembered(self, call: Callable[[], T], fallback: T) -> T:
        """A state store call an answer can do without: when the store is down the question
        is still answered, it just isn't remembered (and a warning says so, now and then)."""
        try:
            return call()
        except Unavailable as exc:
            self.observer.store_failed("not_remembered")
            now = time.monotonic()
            if now - self._store_warned_at >= STORE_WARNING_EVERY:
                self._store_warned_at = now
                log.warning("answering without remembering: %s", exc)
            return fallback

    def _cited(self) -> list[AuditRecord]:
        """The latest answers, whose citations order the quiz bank (none if the store is down)."""
        return self._unremembered(lambda: self.store.audit(LATEST_ANSWERS), [])

    def _answer(self, question: str, session_id: str | None, served: _Served) -> Answer:
        text = check_question(question, self.limits)
        sid = check_session_id(session_id)
        _has_documents(served.course)
        no_history: list[Turn] = []
        history = self._unremembered(lambda: self.store.history(sid, HISTORY_TURNS), no_history)
        followup = followup_context(text, history)
        retrieval = served.retriever.retrieve(text, followup)
        composed = served.composer.compose(retrieval)
        decision = served.policy.decide(measure(retrieval, composed, served.retriever))
        confidence = round(decision.confidence, 4)
        topic = followup.topic if followup else topic_of(text)
        if not decision.answerable:
            suggestions = self._suggestions(retrieval, served.course)
            message = (
                "The course material doesn't cover that, so I won't guess. "
                f"It does cover: {', '.join(suggestions)}. Try asking about one of those."
            )
            refused = Turn(text, retrieval.query, message, False, (), topic)
            self._unremembered(lambda: self.store.append_turn(sid, refused), None)
            return Answer(message, False, confidence, (), sid, None, tuple(suggestions))
        cited = tuple(s.passage.passage_id for s in retrieval.ranked[:1])
        turn = Turn(text, retrieval.query, composed.text, True, cited, topic)
        self._unremembered(lambda: self.store.append_turn(sid, turn), None)
        lead = composed.citations[0]
        pinned = self._pinned(served.course)
        on_span = [
            i
            for i in served.quizzes.on_span(lead.doc_id, lead.start, lead.end)
            if not corrected(i, pinned)
        ]
        # without the store an item could be shown but never graded: no follow-up quiz then
        quiz = self._unremembered(lambda: self._serve(sid, on_span), None)
        citations = tuple(with_corrections(c, pinned) for c in composed.citations)
        return Answer(composed.text, True, confidence, citations, sid, quiz)

    def _pinned(self, course: Course) -> list[PinnedCorrection]:
        """The corrections against `course` (none while the store is down: the answer goes
        out without them rather than not at all)."""
        no_corrections: list[Correction] = []
        return pin_all(course, self._unremembered(self.store.corrections, no_corrections))

    # Corrections, for teachers

    def add_correction(self, doc_id: str, start: int, end: int, note: str) -> Correction:
        """Pin `note` to `doc_id[start:end]` of the served course; answers citing an
        overlapping span carry it, and quiz items built on one are no longer served."""
        correction = new_correction(self.course, doc_id, start, end, note, self.clock())
        self.store.add_correction(correction)
        return correction

    def corrections(self) -> list[PinnedCorrection]:
        """Every correction, where it is pinned in the served course or stale."""
        return pin_all(self.course, self.store.corrections())

    def remove_correction(self, correction_id: str) -> None:
        if not self.store.remove_correction(correction_id):
            raise NotFound(f"no correction {correction_id!r}")

    def corrected_items(self) -> dict[str, str]:
        """The quiz items built on a span a live correction covers: quiz id -> the notes."""
        pinned = self.corrections()
        return {
            item.quiz_id: "; ".join(c.note for c in cited)
            for item in self.quizzes.items
            if (cited := with_corrections(item.citation, pinned).corrections)
        }

    # Keys, audit and review, for LMS administrators and teachers

    def create_key(self, name: str, role: str, courses: Sequence[str] | None = None) -> str:
        """A new API key for `courses` (none named: the default course; an admin key: every
        course); it is shown once, only its hash is kept."""
        return self.key_ring.create(name, role, courses)

    def revoke_key(self, name: str) -> None:
        self.key_ring.revoke(name)

    def keys(self) -> list[ApiKey]:
        """The keys; while the state store is down, the last list it gave (if any)."""
        try:
            self._known_keys = self.key_ring.list()
        except Unavailable:
            if self._known_keys is None:
                raise  # never seen: whether the service is open cannot be told
        return list(self._known_keys)

    def role_of(self, key: str) -> str | None:
        """A key's role, whichever courses it is for (see `grant_of`)."""
        grant = self.grant_of(key)
        return grant.role if grant is not None else None

    def grant_of(self, key: str) -> Grant | None:
        """A key's role and courses. While the state store is down, a key found valid in the
        last KEY_GRACE seconds keeps its grant, so learners can still ask; an unknown key is
        refused (503) rather than let through."""
        digest = key_hash(key)
        try:
            grant = self.key_ring.grant_of(key)
        except Unavailable:
            known = self._known_grants.get(digest)
            if known is None or self.clock() - known[1] > KEY_GRACE:
                raise
            return known[0]
        if grant is None:
            self._known_grants.pop(digest, None)
        else:
            self._known_grants[digest] = (grant, self.clock())
        return grant

    def audit(self, query: AuditFilter) -> list[AuditRecord]:
        return self.store.audit(query)

    def flag(self, audit_id: int, note: str) -> None:
        """Mark an answer as wrong, with the teacher's note."""
        text = check_text("note", note, 2000, allow_empty=True)
        if not self.store.flag(audit_id, text):
            raise NotFound(f"no audit record {audit_id}")

    def citation_holds(self, citation: Citation) -> bool:
        """Whether the current document still has the quote at the cited offsets."""
        doc = self.course.documents.get(citation.doc_id)
        return citation_holds(doc.text if doc else None, citation)

    def uncovered(self, limit: int = 500) -> list[UncoveredTopic]:
        """What students asked that the course doesn't cover, grouped by topic."""
        records = self.store.audit(AuditFilter(answerable=False, limit=limit))
        return group_uncovered(records, self.embedder)

    # Adapters' small state: which session a chat is in, which item a poll asks

    def remember(self, kind: str, key: str, value: str) -> None:
        self.store.set_link(kind, key, value)

    def recall(self, kind: str, key: str) -> str | None:
        return self.store.link(kind, key)

    # What adapters need of the course and the parts, so that none reaches past this facade

    def section_titles(self) -> list[str]:
        return self.course.section_titles()

    def index_size(self) -> int:
        """Sentences in the served index."""
        return len(self.course.passages)

    def quiz_items(self) -> list[QuizItem]:
        """Every item of the course's quiz bank (generated on first use)."""
        return list(self.quizzes.items)

    def prepare_quizzes(self) -> None:
        """Generate the quiz bank now rather than during the first answer."""
        self.quizzes.prepare()

    def close(self) -> None:
        if self.desk is not None:
            self.desk.close()
        self.store.close()

    def passage(self, doc_id: str, start: int, end: int) -> tuple[str, int, int]:
        """The paragraph around a cited span: (paragraph text, start and end of the span in it)."""
        doc = self.course.document(doc_id)
        p = self.course.passage_at(doc_id, start, end)
        if p is None:
            raise NotFound(f"no passage at {doc_id}[{start}:{end}]")
        paragraph = self.course.paragraph_of(p.passage_id)
        lo, hi = paragraph[0].start, paragraph[-1].end
        return doc.text[lo:hi], max(0, start - lo), min(hi, end) - lo

    # Quizzes

    def quiz(
        self, session_id: str | None = None, topic: str | None = None, kind: str | None = None
    ) -> tuple[QuizItem, str]:
        """The next quiz item for a learner, on `topic` and of `kind` when given."""
        sid = check_session_id(session_id)
        if kind is not None and kind not in tuple(QuizKind):
            raise InvalidInput(f"kind must be one of {', '.join(QuizKind)}; got {kind!r}")
        _has_documents(self.course)
        items = self.quizzes.items
        if topic is not None and topic.strip():
            items = self._on_topic(check_text("topic", topic, self.limits.max_topic_chars))
        if kind is not None:
            items = [i for i in items if i.kind == kind]
        pinned = self._pinned(self.course)
        items = [i for i in items if not corrected(i, pinned)]
        item = self._serve(sid, items)
        if item is None:
            wanted = f" on {topic!r}" if topic else ""
            raise NotFound(
                f"no {kind or 'quiz'} item{wanted}; the course covers: "
                + ", ".join(self.quizzes.sections()[:6])
            )
        return item, sid

    def answer_quiz(
        self,
        quiz_id: str,
        answer: object,
        session_id: str | None = None,
        seconds: float | None = None,
    ) -> tuple[Grade, str]:
        """Grade an attempt, record it and reschedule the item for this learner by how it went
        and how long it took (`seconds` as the client measured it, else since shown)."""
        sid = check_session_id(session_id)
        item = self.quiz_item(quiz_id)
        if not isinstance(answer, str):
            raise InvalidInput("answer must be a string")
        check_text("answer", answer, self.limits.max_answer_chars, allow_empty=True)
        measured = check_seconds(seconds)
        result = grade(item, answer)
        now = self.clock()
        shown = self.store.served(sid).get(quiz_id)
        review = reschedule(item, result.correct, self.store.reviews(sid), shown, now, measured)
        self.store.save_item(item)
        self.store.record_attempt(sid, quiz_id, answer, result.correct, review, now)
        return result, sid

    def quiz_item(self, quiz_id: str) -> QuizItem:
        """A generated item, or one shown earlier and kept by the state store."""
        if not isinstance(quiz_id, str) or not QUIZ_ID.fullmatch(quiz_id):
            raise NotFound(f"no quiz item {quiz_id!r}")
        item = self.quizzes.get(quiz_id) or self.store.item(quiz_id)
        if item is None:
            raise NotFound(f"no quiz item {quiz_id!r}")
        return item

    def progress(self, session_id: str) -> Progress:
        """What the learner has practised, how well, and what is due for review."""
        sid = check_session_id(session_id)
        return progress(
            sid,
            self.quizzes,
            self.store.attempts(sid),
            self.store.reviews(sid),
            lambda q: self.quizzes.get(q) or self.store.item(q),
            self.clock(),
        )

    def _on_topic(self, topic: str) -> list[QuizItem]:
        """Items on a topic: a section it names first, then the passages retrieval finds."""
        retrieval = self.retriever.retrieve(topic)
        ordered: dict[str, QuizItem] = {}
        words = {w.lower() for w in topic.split()}
        for item in self.quizzes.items:
            if words & {w.lower() for w in item.citation.section.split()}:
                ordered.setdefault(item.quiz_id, item)
        for scored in retrieval.ranked[:TOPIC_PASSAGES]:
            if scored.coverage <= 0:
                continue  # none of the topic's words, nor a near-synonym
            p = scored.passage
            for item in self.quizzes.on_span(p.doc_id, p.start, p.end):
                ordered.setdefault(item.quiz_id, item)
        return list(ordered.values())

    def _serve(self, sid: str, candidates: list[QuizItem]) -> QuizItem | None:
        """Choose among candidates for this learner, and remember it was shown."""
        served = self.store.served(sid)
        reviews = self.store.reviews(sid)
        practised = {
            item.citation.section
            for q in {*served, *reviews}
            if (item := self.quizzes.get(q)) is not None
        }
        now = self.clock()
        latest = sorted(served, key=served.__getitem__)[-(len(QuizKind) - 1) :]
        recent = tuple(i.kind for q in latest if (i := self.quizzes.get(q)) is not None)
        item = choose(candidates, served, reviews, practised, now, recent, self.quizzes.salience)
        if item is not None:
            self.store.save_item(item)
            self.store.mark_served(sid, item.quiz_id, now)
        return item

    def _suggestions(self, retrieval: Retrieval, course: Course, count: int = 3) -> list[str]:
        """Section titles to suggest: the nearest ones first, then the course's first."""
        titles: list[str] = []
        for scored in retrieval.ranked:
            if scored.passage.section not in titles:
                titles.append(scored.passage.section)
        for title in course.section_titles():
            if title not in titles:
                titles.append(title)
        return titles[:count]


def _has_documents(course: Course) -> None:
    """Refuse to answer from a course without documents (a new course): NoDocuments says a
    teacher must upload one, which a refusal to answer would not."""
    if not course.passages:
        raise NoDocuments("this course has no documents yet; a teacher must upload one first")
