"""Request and response bodies of the HTTP API (see shared/API.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tutor import (
    Answer,
    Citation,
    CitedCorrection,
    Document,
    Grade,
    PinnedCorrection,
    Progress,
    QuizItem,
    QuizKind,
)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str = Field(..., description="the student's question", max_length=100_000)
    session_id: str | None = Field(None, description="continue this conversation", max_length=128)


class CitedCorrectionOut(BaseModel):
    id: str
    note: str = Field(description="the teacher's correction of the source")
    start: int = Field(description="the corrected span in the document's text")
    end: int

    @classmethod
    def of(cls, c: CitedCorrection) -> CitedCorrectionOut:
        return cls(id=c.correction_id, note=c.note, start=c.start, end=c.end)


class CitationOut(BaseModel):
    doc_id: str
    section: str
    start: int
    end: int
    quote: str
    score: float
    corrections: list[CitedCorrectionOut] = Field(
        default_factory=list,
        description="teachers' corrections pinned to a span this quote overlaps",
    )

    @classmethod
    def of(cls, c: Citation) -> CitationOut:
        return cls(
            doc_id=c.doc_id,
            section=c.section,
            start=c.start,
            end=c.end,
            quote=c.quote,
            score=c.score,
            corrections=[CitedCorrectionOut.of(x) for x in c.corrections],
        )


class QuizItemOut(BaseModel):
    quiz_id: str
    kind: str
    question: str
    options: list[str] | None
    citation: CitationOut
    topic: str = Field("", description="the section the item tests")
    session_id: str | None = Field(None, description="the learner's session")

    @classmethod
    def of(cls, q: QuizItem, session_id: str | None = None) -> QuizItemOut:
        return cls(
            quiz_id=q.quiz_id,
            kind=q.kind,
            question=q.question,
            options=list(q.options) if q.options is not None else None,
            citation=CitationOut.of(q.citation),
            topic=q.topic,
            session_id=session_id,
        )


if TYPE_CHECKING:
    Kind = str
else:
    # The names of the kinds as a Literal built from QuizKind: OpenAPI lists them inline and a
    # wrong one is a `literal_error`, as the HTTP contract says.
    Kind = Literal[tuple(k.value for k in QuizKind)]


class QuizRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    session_id: str | None = Field(None, max_length=128)
    topic: str | None = Field(None, max_length=10_000, description="e.g. 'Cuba'")
    kind: Kind | None = None


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    session_id: str | None = Field(None, max_length=128)
    answer: str = Field(..., max_length=10_000)
    seconds: float | None = Field(
        None,
        gt=0,
        le=86_400,  # a day, the most the core takes as a measure (tutor/limits.py)
        description="how long the learner took to answer, as the client measured it; "
        "without it, the time since the item was served. It schedules the next review: "
        "a right answer faster than the learner's usual comes back later, a slower one sooner",
    )


class GradeOut(BaseModel):
    correct: bool
    expected: str
    feedback: str
    citation: CitationOut
    session_id: str

    @classmethod
    def of(cls, g: Grade, session_id: str) -> GradeOut:
        return cls(
            correct=g.correct,
            expected=g.expected,
            feedback=g.feedback,
            citation=CitationOut.of(g.citation),
            session_id=session_id,
        )


class SectionProgressOut(BaseModel):
    section: str
    items: int
    practised: int
    attempts: int
    correct_attempts: int
    correct_first_attempts: int
    mastery: float


class DueItemOut(BaseModel):
    quiz_id: str
    question: str
    section: str
    due_at: float


class ProgressOut(BaseModel):
    session_id: str
    attempts: int
    correct_attempts: int
    sections: list[SectionProgressOut]
    due: list[DueItemOut]

    @classmethod
    def of(cls, p: Progress) -> ProgressOut:
        return cls(
            session_id=p.session_id,
            attempts=p.attempts,
            correct_attempts=p.correct_attempts,
            sections=[SectionProgressOut(**asdict(s)) for s in p.sections],
            due=[DueItemOut(**asdict(d)) for d in p.due],
        )


class AskResponse(BaseModel):
    answer: str
    answerable: bool
    confidence: float
    citations: list[CitationOut]
    session_id: str
    followup_quiz: QuizItemOut | None = None
    suggestions: list[str] = Field(default_factory=list, description="topics the course covers")

    @classmethod
    def of(cls, a: Answer) -> AskResponse:
        return cls(
            answer=a.text,
            answerable=a.answerable,
            confidence=a.confidence,
            citations=[CitationOut.of(c) for c in a.citations],
            session_id=a.session_id,
            followup_quiz=QuizItemOut.of(a.followup_quiz) if a.followup_quiz else None,
            suggestions=list(a.suggestions),
        )


class SectionOut(BaseModel):
    title: str
    start: int
    end: int


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    sections: list[str]
    section_spans: list[SectionOut]

    @classmethod
    def of(cls, d: Document) -> DocumentSummary:
        return cls(
            doc_id=d.doc_id,
            title=d.title,
            sections=[s.title for s in d.sections],
            section_spans=[SectionOut(title=s.title, start=s.start, end=s.end) for s in d.sections],
        )


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    text: str


class Problem(BaseModel):
    detail: str


class Issue(BaseModel):
    loc: list[str | int] = Field(description="where: body, query, path or header, then the field")
    msg: str
    type: str


class ValidationProblem(BaseModel):
    detail: list[Issue]


_WHY = {
    400: "the input breaks a rule of the tutor (length, characters, id format) or is not JSON",
    401: "an API key is needed, or the one sent is invalid or revoked",
    403: "the key's role may not do this, or the key is not for this course",
    404: "no such course, document, quiz item or record",
    409: "the course has no documents yet: a teacher must upload one first",
    413: "the request body is larger than the server accepts",
    415: "the uploaded file's type is not one the tutor reads",
    422: "the body or a parameter does not match its schema",
    429: "too many requests from this key or address; Retry-After says when to try again",
    503: "the tutor is still starting",
}
RETRY_AFTER = {
    "Retry-After": {"description": "whole seconds to wait", "schema": {"type": "integer"}}
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for error statuses, each with its JSON problem body."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {
            "model": ValidationProblem if status == 422 else Problem,
            "description": _WHY[status],
        }
        if status == 429:
            out[status]["headers"] = RETRY_AFTER
    return out


# Any route may meet these: bad input, a body over the limit, a caller over its rate, start-up.
COMMON_ERRORS = (400, 413, 422, 429, 503)
STUDENT_ERRORS = problems(*COMMON_ERRORS, 401, 404)
TEACHER_ERRORS = problems(*COMMON_ERRORS, 401, 403, 404)
OPEN_ERRORS = problems(*COMMON_ERRORS, 404)
UPLOAD_ERRORS = problems(*COMMON_ERRORS, 401, 403, 415)


class UploadOut(BaseModel):
    doc_id: str = Field(description="the id the document is served under once the index is built")
    status: Literal["building"] = "building"
    index_version: str = Field(description="the version that keeps serving until the new one")


class IndexDocument(BaseModel):
    doc_id: str
    title: str
    chars: int = Field(description="length of the document's text (citation offsets refer to it)")


class IndexOut(BaseModel):
    version: str = Field(description="the served index's version")
    status: Literal["ready", "building"]
    documents: list[IndexDocument] = Field(description="the documents the served index holds")
    last_error: str | None = Field(
        None, description="why the last rebuild failed (the previous index kept serving)"
    )


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc_id: str = Field(max_length=200)
    start: int = Field(ge=0, le=2**31, description="offset in the document's served text")
    end: int = Field(ge=0, le=2**31, description="exclusive; the span must not be empty")
    note: str = Field(min_length=1, max_length=1000)


class CorrectionOut(BaseModel):
    id: str
    doc_id: str
    start: int = Field(description="where the quote is in the served text (it may have moved)")
    end: int
    note: str
    quote: str = Field(description="the text the correction was pinned to")
    stale: bool = Field(False, description="the document no longer holds the quote")

    @classmethod
    def of(cls, p: PinnedCorrection) -> CorrectionOut:
        c = p.correction
        return cls(
            id=c.correction_id,
            doc_id=c.doc_id,
            start=p.start,
            end=p.end,
            note=c.note,
            quote=c.quote,
            stale=p.stale,
        )
