"""The class report for teachers (`GET /v1/class/report`): JSON, or CSV for a spreadsheet.

Its bodies live here rather than in `schemas.py`: they are this route's alone, and they write
times as the audit log does (`teacher.iso`). The page's "Class" tab draws the same report
(`class_view.py`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from tutor import ClassReport, MissedItem, SectionReport, UncoveredTopic

from .deps import TeacherAccess, TutorDep
from .teacher import iso, parse_since, text_or_errors

router = APIRouter()
Since = Annotated[
    str | None,
    Query(description="count only activity at or after this time: seconds or ISO 8601"),
]
DIGITS = 4  # shares are rounded to this many decimals


def share(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


class MissedItemOut(BaseModel):
    quiz_id: str
    question: str
    section: str
    misses: int = Field(description="wrong attempts at the item")
    attempts: int
    learners: int = Field(description="learners (sessions) who got it wrong at least once")

    @classmethod
    def of(cls, m: MissedItem) -> MissedItemOut:
        return cls(**asdict(m))


class UncoveredGroupOut(BaseModel):
    question: str = Field(description="the most typical question of the group")
    count: int = Field(description="how many times a question of the group was asked")
    questions: list[str] = Field(description="the group's distinct questions")
    last_at: str = Field(description="when one was last asked (ISO 8601)")

    @classmethod
    def of(cls, u: UncoveredTopic) -> UncoveredGroupOut:
        return cls(
            question=u.question, count=u.count, questions=list(u.questions), last_at=iso(u.last_at)
        )


class SectionReportOut(BaseModel):
    section: str = Field(description="the section's title (empty for the whole class)")
    asked: int = Field(
        description="questions placed in the section: cited from it, or refused and nearest to it"
    )
    answered: int
    refused: int = Field(description="questions the course did not answer")
    refused_share: float | None = Field(description="refused / asked; null when none asked")
    attempts: int = Field(description="quiz attempts at the section's items")
    correct_attempts: int
    first_attempts: int = Field(description="attempts that were a learner's first at the item")
    correct_first_attempts: int
    first_try_correct: float | None = Field(
        description="correct first attempts / first attempts; null when there were none"
    )
    learners: int = Field(description="distinct sessions with quiz attempts here")
    struggling: bool = Field(description="the class struggles here (see `why`)")
    why: list[str] = Field(description="what makes the section stand out")
    missed: list[MissedItemOut] = Field(description="the items most often missed")
    uncovered: list[UncoveredGroupOut] = Field(
        description="refused questions placed here, grouped by meaning"
    )

    @classmethod
    def of(cls, s: SectionReport) -> SectionReportOut:
        return cls(
            **{
                **asdict(s),  # the counts, by the same names
                "refused_share": share(s.refused_share),
                "first_try_correct": share(s.first_try_correct),
                "struggling": bool(s.struggling),
                "why": list(s.struggling),
                "missed": [MissedItemOut.of(m) for m in s.missed],
                "uncovered": [UncoveredGroupOut.of(u) for u in s.uncovered],
            }
        )


# the spreadsheet's columns: a section's figures, without its lists of items and questions
CSV_COLUMNS = tuple(f for f in SectionReportOut.model_fields if f not in ("missed", "uncovered"))


class ClassReportOut(BaseModel):
    since: str | None = Field(description="the report's start (ISO 8601); null: all kept")
    sections: list[SectionReportOut] = Field(
        description="every section in course order, then sections no longer in the course"
    )
    total: SectionReportOut = Field(
        description="the whole class: learners counted once, the most missed items and every "
        "group of uncovered questions"
    )
    truncated: bool = Field(
        description="the audit log held more records than the report reads (the newest "
        "are counted); a later `since` gives a complete report"
    )

    @classmethod
    def of(cls, r: ClassReport) -> ClassReportOut:
        return cls(
            since=iso(r.since) if r.since is not None else None,
            sections=[SectionReportOut.of(s) for s in r.sections],
            total=SectionReportOut.of(r.total),
            truncated=r.truncated,
        )


def report_csv(report: ClassReportOut) -> str:
    """One row per section, numbers only but for the title and the reasons it stands out
    (a share with nothing to divide is an empty cell)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({**s.model_dump(), "why": "; ".join(s.why)} for s in report.sections)
    return out.getvalue()


@router.get(
    "/class/report",
    tags=["teachers"],
    response_model=ClassReportOut,
    responses=text_or_errors("text/csv", "the report as JSON, or one row a section in CSV"),
)
def class_report(
    t: TutorDep,
    _: TeacherAccess,
    since: Since = None,
    format: Literal["json", "csv"] = "json",
) -> ClassReportOut | Response:
    """How the class does, per section of the course: questions asked, answered and refused;
    quiz attempts, the share of first tries that were right and the learners; the items most
    often missed; the questions the course does not cover, grouped by meaning. A refused
    question cites nothing, so it counts in the section of the course sentence nearest to it.
    """
    report = ClassReportOut.of(t.class_report(parse_since(since)))
    if format == "json":
        return report
    return PlainTextResponse(
        report_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="class-report.csv"'},
    )
