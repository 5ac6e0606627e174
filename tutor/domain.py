"""Domain values: immutable records the core hands to adapters and stores."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Section:
    """A titled span of a document's text."""

    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned course document; every offset in the service refers to `text`."""

    doc_id: str
    title: str
    text: str
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence of a document, the unit of retrieval and citation.

    `paragraph` numbers the paragraph within the whole course so neighbours can be found;
    `position` is the sentence's rank inside that paragraph.
    """

    passage_id: int
    doc_id: str
    section: str
    start: int
    end: int
    text: str
    paragraph: int
    position: int


@dataclass(frozen=True, slots=True)
class Citation:
    """An exact, checkable span: `document.text[start:end] == quote`."""

    doc_id: str
    section: str
    start: int
    end: int
    quote: str
    score: float = 0.0
    # teachers' corrections pinned to a span this one overlaps (attached by the core)
    corrections: tuple[CitedCorrection, ...] = ()


@dataclass(frozen=True, slots=True)
class CitedCorrection:
    """A teacher's note on a span of the source, as an answer citing it carries it."""

    correction_id: str
    note: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Correction:
    """A teacher's note pinned to `quote`, the document's text at [start:end] when saved."""

    correction_id: str
    doc_id: str
    start: int
    end: int
    note: str
    quote: str
    created_at: float


@dataclass(frozen=True, slots=True)
class PinnedCorrection:
    """A correction against the served course: where its quote is now, or stale when the
    document no longer holds it."""

    correction: Correction
    start: int
    end: int
    stale: bool


@dataclass(frozen=True, slots=True)
class QuizItem:
    """A question tied to the passage it tests."""

    quiz_id: str
    kind: str
    question: str
    answer: str
    citation: Citation
    options: tuple[str, ...] | None = None
    topic: str = ""


@dataclass(frozen=True, slots=True)
class Grade:
    """The verdict on one attempt at a quiz item."""

    correct: bool
    expected: str
    feedback: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class Answer:
    """What a student gets back for a question."""

    text: str
    answerable: bool
    confidence: float
    citations: tuple[Citation, ...]
    session_id: str
    followup_quiz: QuizItem | None = None
    suggestions: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Turn:
    """One question and reply of a conversation, as the state store keeps it."""

    question: str
    query: str
    answer: str
    answerable: bool
    passage_ids: tuple[int, ...]
    topic: str


@dataclass(frozen=True, slots=True)
class Review:
    """Where an item stands in a learner's review schedule: an FSRS card (see
    `quiz.scheduling`). A new card is in "learning" with no stability yet."""

    due_at: float = 0.0  # seconds since the epoch
    state: str = "learning"  # "learning" | "review" | "relearning"
    step: int | None = 0  # the (re)learning step; None in "review"
    stability: float | None = None  # days until the chance of recall falls to 90%
    difficulty: float | None = None  # 1 (easiest) to 10 (hardest)
    last_review: float | None = None  # seconds since the epoch
    pace: float | None = None  # seconds per word of the latest right answer (`scheduling`)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One graded answer to a quiz item."""

    quiz_id: str
    answer: str
    correct: bool
    at: float
    number: int  # 1 for the learner's first attempt at this item


@dataclass(frozen=True, slots=True)
class SectionProgress:
    section: str
    items: int  # quiz items the course has on this section
    practised: int  # items the learner has answered at least once
    attempts: int
    correct_attempts: int
    correct_first_attempts: int
    mastery: float  # share of the section's items whose latest answer was right


@dataclass(frozen=True, slots=True)
class DueItem:
    quiz_id: str
    question: str
    section: str
    due_at: float


@dataclass(frozen=True, slots=True)
class Progress:
    session_id: str
    sections: tuple[SectionProgress, ...]
    due: tuple[DueItem, ...]
    attempts: int
    correct_attempts: int


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """How a run through the due items went, and when the next one comes."""

    reviewed: int  # items answered in the run
    right: int  # of them, answered right at the first try of the run
    next_due_at: float | None  # the earliest time an item is due again (None: nothing scheduled)
    next_due: int  # items due on that day (the learner's), the earliest among them


@dataclass(frozen=True, slots=True)
class Reminder:
    """A learner's daily reminder to review, as the state store keeps it (one per chat)."""

    chat_id: str  # whom the adapter reminds (a Telegram chat)
    session_id: str  # whose due items it counts
    time_of_day: str  # "HH:MM", in `zone`
    zone: str  # an IANA time zone name; "" until the learner has given one
    quiet_hours: str = ""  # "HH:MM-HH:MM" in `zone` when no reminder is sent; "" for none
    enabled: bool = True
    # the learner's date (ISO) of the last day whose reminder was claimed: sent, or nothing
    # was due; the store sets it when a claim succeeds, `save_reminder` leaves it alone
    last_sent: str = ""
    created_at: float = 0.0  # no reminder falls before it


# The course every deployment has: today's corpus, index and state, served by the routes
# that name no course. It is never in the course catalog and cannot be removed.
DEFAULT_COURSE = "default"


@dataclass(frozen=True, slots=True)
class CourseInfo:
    """A course of the deployment, as the course catalog keeps it."""

    course_id: str  # a slug: lowercase letters, digits and '-', 1-64 characters
    title: str
    created_at: float


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A named key; only its hash is stored."""

    name: str
    role: str  # "student" | "teacher" | "admin"
    created_at: float
    revoked: bool = False
    # the courses it is valid for; empty for an admin key, which spans every course
    courses: tuple[str, ...] = (DEFAULT_COURSE,)


@dataclass(frozen=True, slots=True)
class Grant:
    """What an active key may do: its role, in the courses it names (an admin: in all)."""

    role: str
    courses: tuple[str, ...]

    def allows(self, course_id: str) -> bool:
        """Whether the key may use the course at all (ask, quiz, progress)."""
        return self.role == "admin" or course_id in self.courses

    def teaches(self, course_id: str) -> bool:
        """Whether the key may change and review the course (documents, audit, corrections)."""
        return self.role in ("teacher", "admin") and self.allows(course_id)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One answer as a teacher reviews it: what was asked, said, and cited, and where."""

    audit_id: int
    at: float
    channel: str  # "http" | "widget" | "telegram" | "cli"
    session_id: str
    question: str
    answer: str
    answerable: bool
    confidence: float
    citations: tuple[Citation, ...]
    index_version: str
    flagged: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class AuditFilter:
    since: float | None = None
    session_id: str | None = None
    channel: str | None = None
    answerable: bool | None = None
    flagged: bool | None = None
    max_confidence: float | None = None
    limit: int = 200


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Whether a caller may go on, and if not how long to wait."""

    allowed: bool
    retry_after: int = 0  # whole seconds until one request is allowed again (0 when allowed)
    first_refusal: bool = False  # the first refusal since the caller was last allowed
