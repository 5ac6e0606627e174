"""The `Tutor` facade: the one object adapters talk to."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from .abstention import AbstentionPolicy
from .answering import ExtractiveComposer
from .conversation import followup_context, topic_of
from .course import Course
from .domain import Answer, Document, Turn
from .errors import InvalidInput
from .ports import Embedder, StateStore
from .retrieval import Retrieval, RetrievalWeights, Retriever

SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
HISTORY_TURNS = 5


@dataclass(frozen=True)
class Limits:
    max_question_chars: int = 1000


def new_session_id() -> str:
    return "s-" + secrets.token_hex(12)


def check_session_id(session_id: str | None) -> str:
    """A valid session id, or a fresh one when none is given."""
    if session_id is None or session_id == "":
        return new_session_id()
    if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
        raise InvalidInput(
            "session_id must be 1-128 characters of letters, digits and . _ : - "
            "starting with a letter or digit"
        )
    return session_id


def check_question(question: object, limits: Limits) -> str:
    if not isinstance(question, str):
        raise InvalidInput("question must be a string")
    text = question.strip()
    if not text:
        raise InvalidInput("question must not be empty")
    if len(text) > limits.max_question_chars:
        raise InvalidInput(
            f"question is {len(text)} characters long; at most {limits.max_question_chars} allowed"
        )
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r":
            raise InvalidInput(f"question contains a control character U+{ord(ch):04X}")
    return " ".join(text.split())


class Tutor:
    """Answers questions with citations and keeps each session's conversation."""

    def __init__(
        self,
        course: Course,
        embedder: Embedder,
        store: StateStore,
        *,
        weights: RetrievalWeights | None = None,
        policy: AbstentionPolicy | None = None,
        limits: Limits | None = None,
    ):
        self.course = course
        self.store = store
        self.retriever = Retriever(course, embedder, weights)
        self.composer = ExtractiveComposer(course)
        self.policy = policy or AbstentionPolicy()
        self.limits = limits or Limits()

    @property
    def index_version(self) -> str:
        return self.course.version

    def documents(self) -> list[Document]:
        return list(self.course.documents.values())

    def document(self, doc_id: str) -> Document:
        return self.course.document(doc_id)

    def ask(self, question: str, session_id: str | None = None) -> Answer:
        """Answer `question` in the context of `session_id` (a new session when None)."""
        text = check_question(question, self.limits)
        sid = check_session_id(session_id)
        history = self.store.history(sid, HISTORY_TURNS)
        followup = followup_context(text, history)
        retrieval = self.retriever.retrieve(text, followup)
        composed = self.composer.compose(retrieval)
        confidence = round(self.policy.confidence(retrieval, composed.typed), 4)
        topic = followup.topic if followup else topic_of(text)
        if not self.policy.answerable(retrieval, composed.typed):
            suggestions = self._suggestions(retrieval)
            message = (
                "The course material doesn't cover that, so I won't guess. "
                f"It does cover: {', '.join(suggestions)}. Try asking about one of those."
            )
            self.store.append_turn(sid, Turn(text, retrieval.query, message, False, (), topic))
            return Answer(message, False, confidence, (), sid, None, tuple(suggestions))
        cited = tuple(s.passage.passage_id for s in retrieval.ranked[:1])
        self.store.append_turn(sid, Turn(text, retrieval.query, composed.text, True, cited, topic))
        return Answer(composed.text, True, confidence, composed.citations, sid)

    def _suggestions(self, retrieval: Retrieval, count: int = 3) -> list[str]:
        """Section titles to suggest: the nearest ones first, then the course's first."""
        titles: list[str] = []
        for scored in retrieval.ranked:
            if scored.passage.section not in titles:
                titles.append(scored.passage.section)
        for title in self.course.section_titles():
            if title not in titles:
                titles.append(title)
        return titles[:count]
