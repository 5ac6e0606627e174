"""Routes for a learner's review and the widget's progress panel.

`GET /v1/sessions/{id}/review` gives the items due now in scheduling order (the earliest due
first), how many per section and the streak of days with an answer; the widget's Review
button runs through the items (answered with `POST /v1/quiz/{id}/answer`, as any quiz) and
then asks `POST /v1/sessions/{id}/review/summary` how it went and when the next review
comes. Days are the learner's: `zone` is an IANA time zone name (the browser's), UTC when
none is given. Both carry the server's `now`, which times to come are relative to.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from tutor import ReviewSummary

from .deps import StudentAccess, TutorDep
from .schemas import STUDENT_ERRORS, QuizItemOut

router = APIRouter(tags=["quizzes"])

SessionId = Annotated[str, Path(max_length=128)]
Zone = Annotated[
    str, Query(max_length=64, description="the learner's IANA time zone, e.g. Europe/Berlin")
]


class SectionDueOut(BaseModel):
    section: str
    due: int


class ReviewOut(BaseModel):
    session_id: str
    items: list[QuizItemOut] = Field(description="the items due now, the earliest due first")
    sections: list[SectionDueOut] = Field(description="items due per section, in course order")
    streak_days: int = Field(description="days in a row (the learner's) with an answer")
    now: float = Field(description="the server's time, seconds since the epoch")


class SummaryRequest(BaseModel):
    # strict: a boolean or a numeric string is no time (schemathesis sends them)
    model_config = ConfigDict(extra="ignore", strict=True)

    quiz_ids: list[str] = Field(..., max_length=1000, description="the items of the review")
    since: float = Field(..., description="when the review began (its `now`)")
    zone: str = Field("UTC", max_length=64)


class SummaryOut(BaseModel):
    session_id: str
    reviewed: int = Field(description="items answered in the review")
    right: int = Field(description="of them, right at the first answer in the review")
    next_due_at: float | None = Field(description="when an item is next due (none: nothing)")
    next_due: int = Field(description="items due on that day (the learner's)")
    now: float

    @classmethod
    def of(cls, s: ReviewSummary, session_id: str, now: float) -> SummaryOut:
        return cls(
            session_id=session_id,
            reviewed=s.reviewed,
            right=s.right,
            next_due_at=s.next_due_at,
            next_due=s.next_due,
            now=now,
        )


@router.get("/sessions/{session_id}/review", response_model=ReviewOut, responses=STUDENT_ERRORS)
def review(session_id: SessionId, t: TutorDep, _: StudentAccess, zone: Zone = "UTC") -> ReviewOut:
    """What a review would go through now, and the learner's streak."""
    now = t.clock()
    items = t.due_items(session_id, now)
    due = t.due_by_section(session_id, now)
    return ReviewOut(
        session_id=session_id,
        items=[QuizItemOut.of(i, session_id) for i in items],
        sections=[SectionDueOut(section=s, due=n) for s, n in due.items()],
        streak_days=t.streak(session_id, zone, now),
        now=now,
    )


@router.post(
    "/sessions/{session_id}/review/summary",
    response_model=SummaryOut,
    responses=STUDENT_ERRORS,
)
def review_summary(
    session_id: SessionId, body: SummaryRequest, t: TutorDep, _: StudentAccess
) -> SummaryOut:
    """How a review went ("7 reviewed, 5 right") and when the next one comes."""
    now = t.clock()
    summary = t.review_summary(session_id, body.quiz_ids, body.since, body.zone, now)
    return SummaryOut.of(summary, session_id, now)
