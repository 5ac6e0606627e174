"""Request and response bodies of the HTTP API (see shared/API.md)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from tutor.domain import Answer, Citation, Document, QuizItem


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str = Field(..., description="the student's question", max_length=100_000)
    session_id: str | None = Field(None, description="continue this conversation", max_length=128)


class CitationOut(BaseModel):
    doc_id: str
    section: str
    start: int
    end: int
    quote: str
    score: float

    @classmethod
    def of(cls, c: Citation) -> CitationOut:
        return cls(
            doc_id=c.doc_id,
            section=c.section,
            start=c.start,
            end=c.end,
            quote=c.quote,
            score=c.score,
        )


class QuizItemOut(BaseModel):
    quiz_id: str
    kind: str
    question: str
    options: list[str] | None
    citation: CitationOut

    @classmethod
    def of(cls, q: QuizItem) -> QuizItemOut:
        return cls(
            quiz_id=q.quiz_id,
            kind=q.kind,
            question=q.question,
            options=list(q.options) if q.options is not None else None,
            citation=CitationOut.of(q.citation),
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
