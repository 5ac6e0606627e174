"""Teacher endpoints: the audit log (JSON and CSV), flags, quiz export, documents and corrections
(the review page that shows them is `teacher_page`)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tutor import (
    AuditFilter,
    AuditRecord,
    InvalidInput,
    PinnedCorrection,
    Tutor,
    to_aiken,
    to_gift,
)

from .deps import TeacherAccess, TutorDep
from .schemas import (
    TEACHER_ERRORS,
    UPLOAD_ERRORS,
    CorrectionIn,
    CorrectionOut,
    IndexDocument,
    IndexOut,
    UploadOut,
)

router = APIRouter()

CSV_COLUMNS = (
    "id",
    "at",
    "channel",
    "session_id",
    "question",
    "answer",
    "answerable",
    "confidence",
    "index_version",
    "flagged",
    "note",
    "citations_verified",
    "first_quote",
    "citations",
)


DocId = Annotated[str, Path(max_length=200)]
CorrectionId = Annotated[str, Path(max_length=64)]

# SQLite integers are 64-bit: a larger id would overflow in the driver, not be "not found".
AuditId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class FlagRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    note: str = Field("", max_length=2000, description="why the answer is wrong")


def parse_since(value: str | None) -> float | None:
    """Seconds since the epoch, or an ISO 8601 date or time; InvalidInput for anything else,
    and for seconds no date can show (NaN, or past the year 9999)."""
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        try:
            datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidInput(f"since is not a time a date can show: {value[:40]!r}") from None
        return seconds
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"since must be seconds or an ISO 8601 time, got {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")


def record_json(t: Tutor, r: AuditRecord) -> dict[str, Any]:
    return {
        "id": r.audit_id,
        "at": iso(r.at),
        "channel": r.channel,
        "session_id": r.session_id,
        "question": r.question,
        "answer": r.answer,
        "answerable": r.answerable,
        "confidence": r.confidence,
        "citations": [
            {
                "doc_id": c.doc_id,
                "section": c.section,
                "start": c.start,
                "end": c.end,
                "quote": c.quote,
                "verified": t.citation_holds(c),
            }
            for c in r.citations
        ],
        "index_version": r.index_version,
        "flagged": r.flagged,
        "note": r.note,
    }


def audit_filter(
    since: str | None,
    session: str | None,
    channel: str | None,
    answerable: bool | None,
    flagged: bool | None,
    max_confidence: float | None,
    limit: int,
) -> AuditFilter:
    return AuditFilter(
        since=parse_since(since),
        session_id=session,
        channel=channel,
        answerable=answerable,
        flagged=flagged,
        max_confidence=max_confidence,
        limit=limit,
    )


def text_or_errors(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of a route that may answer in text: its 200 and its errors."""
    text = {media_type: {"schema": {"type": "string"}}}
    return {200: {"description": description, "content": text}, **TEACHER_ERRORS}


@router.get(
    "/audit",
    tags=["teachers"],
    response_model=None,
    responses=text_or_errors("text/csv", "the records as JSON, or as CSV with `format=csv`"),
)
def audit(
    t: TutorDep,
    _: TeacherAccess,
    since: Annotated[str | None, Query(description="seconds or ISO 8601")] = None,
    session: Annotated[str | None, Query(max_length=128)] = None,
    channel: Literal["http", "widget", "telegram", "cli"] | None = None,
    answerable: bool | None = None,
    flagged: bool | None = None,
    max_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    format: Literal["json", "csv"] = "json",
) -> Response:
    """Every answer given, newest first, with its citations re-checked against the documents."""
    records = t.audit(
        audit_filter(since, session, channel, answerable, flagged, max_confidence, limit)
    )
    rows = [record_json(t, r) for r in records]
    if format == "json":
        return Response(json.dumps(rows, ensure_ascii=False), media_type="application/json")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row["id"],
                row["at"],
                row["channel"],
                row["session_id"],
                row["question"],
                row["answer"],
                row["answerable"],
                row["confidence"],
                row["index_version"],
                row["flagged"],
                row["note"],
                all(c["verified"] for c in row["citations"]),
                row["citations"][0]["quote"] if row["citations"] else "",
                json.dumps(row["citations"], ensure_ascii=False),
            ]
        )
    return PlainTextResponse(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@router.post("/audit/{audit_id}/flag", tags=["teachers"], responses=TEACHER_ERRORS)
def flag(audit_id: AuditId, body: FlagRequest, t: TutorDep, _: TeacherAccess) -> dict[str, Any]:
    """Mark an answer as wrong, with a note; it shows under the "flagged" filter."""
    t.flag(audit_id, body.note)
    return {"id": audit_id, "flagged": True, "note": body.note}


@router.get(
    "/quiz/export",
    tags=["teachers"],
    response_model=None,
    responses=text_or_errors("text/plain", "the question bank as text"),
)
def export(t: TutorDep, _: TeacherAccess, format: Literal["gift", "aiken"] = "gift") -> Response:
    """Every generated quiz item for an LMS question bank (Moodle GIFT or Aiken). An item
    whose source a teacher corrected gets a `// CORRECTED SOURCE: note` line in GIFT and is
    left out of Aiken, which has no comments."""
    items, corrected = t.quiz_items(), t.corrected_items()
    text = to_gift(items, corrected) if format == "gift" else to_aiken(items, corrected)
    return PlainTextResponse(
        text,
        media_type="text/plain; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="quiz.{format}.txt"'},
    )


@router.post(
    "/documents",
    status_code=202,
    response_model=UploadOut,
    responses=UPLOAD_ERRORS,
    tags=["teachers"],
)
def upload_document(
    t: TutorDep,
    _: TeacherAccess,
    file: Annotated[UploadFile, File(description=".txt, .md, .html, .docx or .pdf")],
) -> UploadOut:
    """Add a document, or replace the one of the same id (from the file name); the index is
    rebuilt in the background while the current one keeps answering (see GET /v1/index)."""
    data = file.file.read()
    doc_id, version = t.add_document(file.filename or "", data)
    return UploadOut(doc_id=doc_id, index_version=version)


@router.delete(
    "/documents/{doc_id}",
    status_code=202,
    response_model=IndexOut,
    responses=TEACHER_ERRORS,
    tags=["teachers"],
)
def remove_document(doc_id: DocId, t: TutorDep, _: TeacherAccess) -> IndexOut:
    """Remove a document; the index is rebuilt without it in the background."""
    t.remove_document(doc_id)
    return index_out(t)


@router.get("/index", response_model=IndexOut, responses=TEACHER_ERRORS, tags=["teachers"])
def index_state(t: TutorDep, _: TeacherAccess) -> IndexOut:
    """The served index: its version, whether a newer one is being built, its documents."""
    return index_out(t)


def index_out(t: Tutor) -> IndexOut:
    state = t.index_state()
    return IndexOut(
        version=state.version,
        status="building" if state.building else "ready",
        documents=[
            IndexDocument(doc_id=d.doc_id, title=d.title, chars=len(d.text)) for d in t.documents()
        ],
        last_error=state.last_error,
    )


@router.post(
    "/corrections",
    status_code=201,
    response_model=CorrectionOut,
    responses=TEACHER_ERRORS,
    tags=["teachers"],
)
def add_correction(body: CorrectionIn, t: TutorDep, _: TeacherAccess) -> CorrectionOut:
    """Pin a note to a span of a document's served text (`GET /v1/documents/{doc_id}`):
    every answer citing an overlapping span carries it, and quiz items built on the span are
    no longer served. 400 names what is wrong with the span or the note, 404 an unknown
    document."""
    c = t.add_correction(body.doc_id, body.start, body.end, body.note)
    return CorrectionOut.of(PinnedCorrection(c, c.start, c.end, stale=False))


@router.get(
    "/corrections",
    response_model=list[CorrectionOut],
    responses=TEACHER_ERRORS,
    tags=["teachers"],
)
def list_corrections(t: TutorDep, _: TeacherAccess) -> list[CorrectionOut]:
    """Every correction, oldest first, where its quote is in the served index now; `stale`
    when a re-index changed that text (a stale correction is attached to no answer)."""
    return [CorrectionOut.of(p) for p in t.corrections()]


@router.delete(
    "/corrections/{correction_id}",
    status_code=204,
    response_model=None,
    responses=TEACHER_ERRORS,
    tags=["teachers"],
)
def remove_correction(correction_id: CorrectionId, t: TutorDep, _: TeacherAccess) -> Response:
    """Remove a correction (404 if there is none with this id)."""
    t.remove_correction(correction_id)
    return Response(status_code=204)
