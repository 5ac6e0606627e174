"""Teacher endpoints: the audit log (JSON and CSV), flags, quiz export, the review page."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from html import escape
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from tutor import (
    AuditFilter,
    AuditRecord,
    Citation,
    PinnedCorrection,
    Tutor,
    to_aiken,
    to_gift,
    with_corrections,
)

from .access import TeacherAccess, TeacherPageAccess
from .class_view import class_html
from .deps import TutorDep
from .schemas import (
    TEACHER_ERRORS,
    UPLOAD_ERRORS,
    CorrectionIn,
    CorrectionOut,
    IndexDocument,
    IndexOut,
    UploadOut,
)
from .teacher_controls import (
    CONTROLS_CSS,
    PAGE_CSP,
    document_html,
    documents_html,
    para_attrs,
    remove_correction_button,
    script_tag,
    select_hint,
)

router = APIRouter()
LOW_CONFIDENCE = 0.6
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
    """Seconds since the epoch, or an ISO 8601 date or time."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        from tutor import InvalidInput

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
    "/v1/audit",
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


@router.post("/v1/audit/{audit_id}/flag", tags=["teachers"], responses=TEACHER_ERRORS)
def flag(audit_id: AuditId, body: FlagRequest, t: TutorDep, _: TeacherAccess) -> dict[str, Any]:
    """Mark an answer as wrong, with a note; it shows under the "flagged" filter."""
    t.flag(audit_id, body.note)
    return {"id": audit_id, "flagged": True, "note": body.note}


@router.get(
    "/v1/quiz/export",
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


PAGE_CSS = """
body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1f3b5a;color:#fff;padding:.8rem 1.2rem}header a{color:#cfe3ff}
main{max-width:60rem;margin:0 auto;padding:1rem}
nav a{margin-right:1rem}
article{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:1rem;margin:1rem 0}
article.flagged{border-color:#c0392b}
.meta{color:#5a6472;font-size:.85rem}
.para{background:#fafbfc;border-left:3px solid #9aa7b8;padding:.5rem .8rem;margin:.5rem 0}
mark{background:#ffe58a;padding:0 .1rem}
.ok{color:#1e7b34;font-weight:600}.bad{color:#c0392b;font-weight:600}
.fix{border-left:3px solid #c77d00;background:#fff7e6;padding:.3rem .8rem;margin:.3rem 0}
table{border-collapse:collapse}td{padding:.2rem .6rem;border-bottom:1px solid #e3e6ea}
"""


@router.post(
    "/v1/documents",
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
    "/v1/documents/{doc_id}",
    status_code=202,
    response_model=IndexOut,
    responses=TEACHER_ERRORS,
    tags=["teachers"],
)
def remove_document(doc_id: DocId, t: TutorDep, _: TeacherAccess) -> IndexOut:
    """Remove a document; the index is rebuilt without it in the background."""
    t.remove_document(doc_id)
    return index_out(t)


@router.get("/v1/index", response_model=IndexOut, responses=TEACHER_ERRORS, tags=["teachers"])
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
    "/v1/corrections",
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
    "/v1/corrections",
    response_model=list[CorrectionOut],
    responses=TEACHER_ERRORS,
    tags=["teachers"],
)
def list_corrections(t: TutorDep, _: TeacherAccess) -> list[CorrectionOut]:
    """Every correction, oldest first, where its quote is in the served index now; `stale`
    when a re-index changed that text (a stale correction is attached to no answer)."""
    return [CorrectionOut.of(p) for p in t.corrections()]


@router.delete(
    "/v1/corrections/{correction_id}",
    status_code=204,
    response_model=None,
    responses=TEACHER_ERRORS,
    tags=["teachers"],
)
def remove_correction(correction_id: CorrectionId, t: TutorDep, _: TeacherAccess) -> Response:
    """Remove a correction (404 if there is none with this id)."""
    t.remove_correction(correction_id)
    return Response(status_code=204)


def _link(request: Request, **params: str) -> str:
    key = request.query_params.get("key")
    merged = {**({"key": key} if key else {}), **{k: v for k, v in params.items() if v}}
    return "/teacher" + ("?" + urlencode(merged) if merged else "")


def _notes_html(c: Citation, pinned: list[PinnedCorrection]) -> str:
    """The live corrections overlapping citation `c`, as notes beside its quote."""
    return "".join(
        f'<p class="fix">Correction: {escape(x.note)}</p>'
        for x in with_corrections(c, pinned).corrections
    )


def _citation_html(t: Tutor, c: Any, pinned: list[PinnedCorrection] | None = None) -> str:
    holds = t.citation_holds(c)
    mark = (
        '<span class="ok" title="the document still says this here">✓ verified</span>'
        if holds
        else '<span class="bad">✗ source changed</span>'
    )
    context, attrs = escape(c.quote), ""
    if holds:
        paragraph, s, e = t.passage(c.doc_id, c.start, c.end)
        lo = c.start - s
        if t.document(c.doc_id).text[lo : lo + len(paragraph)] == paragraph:
            attrs = para_attrs(c.doc_id, lo)  # the script can pin a correction in it
        context = (
            escape(paragraph[:s])
            + "<mark>"
            + escape(paragraph[s:e])
            + "</mark>"
            + escape(paragraph[e:])
        )
    return (
        f'<div class="cite"><div class="meta">{escape(c.doc_id)} § {escape(c.section)} '
        f'[{c.start}:{c.end}] {mark}</div><div class="para"{attrs}>{context}</div>'
        f"{_notes_html(c, pinned or [])}</div>"
    )


def _corrections_html(pinned: list[PinnedCorrection]) -> str:
    """Every correction: the quote it was pinned to with the note beside it; a stale one (the
    document no longer holds the quote) says so."""
    rows = ["<h2>Corrections</h2>"]
    if not pinned:
        rows.append("<p>No corrections yet (POST /v1/corrections pins one).</p>")
    for p in pinned:
        c = p.correction
        state = (
            '<span class="bad">stale: the document no longer holds this text</span>'
            if p.stale
            else f"[{p.start}:{p.end}]"
        )
        rows.append(
            f'<article id="c{escape(c.correction_id)}"><div class="meta">{escape(c.doc_id)} '
            f"{state} · {iso(c.created_at)} · id {escape(c.correction_id)}</div>"
            f'<div class="para"><mark>{escape(c.quote)}</mark></div>'
            f'<p class="fix">Correction: {escape(c.note)}</p>'
            f"{remove_correction_button(c.correction_id)}</article>"
        )
    return "".join(rows)


@router.get("/teacher", response_class=HTMLResponse, include_in_schema=False)
def teacher_page(
    request: Request,
    t: TutorDep,
    _: TeacherPageAccess,
    view: Literal["answers", "uncovered", "corrections", "documents", "class"] = "answers",
    low: bool = False,
    flagged: bool = False,
    doc: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The review page: recent answers and their sources, or what the course lacks."""
    nav = (
        f'<nav><a href="{escape(_link(request))}">Recent answers</a>'
        f'<a href="{escape(_link(request, low="true"))}">Low confidence</a>'
        f'<a href="{escape(_link(request, flagged="true"))}">Flagged</a>'
        f'<a href="{escape(_link(request, view="uncovered"))}">Not covered by the course</a>'
        f'<a href="{escape(_link(request, view="corrections"))}">Corrections</a>'
        f'<a href="{escape(_link(request, view="documents"))}">Documents</a>'
        f'<a href="{escape(_link(request, view="class"))}">Class</a></nav>'
    )
    parts = []
    if view == "corrections":
        parts.append(_corrections_html(t.corrections()))
    elif view == "documents":
        back = _link(request, view="documents")
        parts.append(
            document_html(t, doc, back, t.corrections())
            if doc
            else documents_html(t, lambda d: _link(request, view="documents", doc=d))
        )
    elif view == "class":
        report = t.class_report(parse_since(request.query_params.get("since")))
        parts.append(
            class_html(report, lambda s: _link(request, view="class", since=s), datetime.now(UTC))
        )
    elif view == "uncovered":
        topics = t.uncovered()
        parts.append("<h2>What students asked that the course doesn't cover</h2>")
        if not topics:
            parts.append("<p>Nothing yet: every question so far was answered.</p>")
        parts.append("<table><tr><th>asked</th><th>topic</th><th>questions</th></tr>")
        for topic in topics:
            others = "<br>".join(escape(q) for q in topic.questions[:8])
            parts.append(
                f"<tr><td>{topic.count}×</td><td><b>{escape(topic.question)}</b></td>"
                f"<td>{others}</td></tr>"
            )
        parts.append("</table>")
    else:
        query = AuditFilter(
            flagged=True if flagged else None,
            max_confidence=LOW_CONFIDENCE if low else None,
            answerable=True if low else None,
            limit=100,
        )
        records = t.audit(query)
        pinned = t.corrections()
        title = (
            "Flagged answers" if flagged else "Low-confidence answers" if low else "Recent answers"
        )
        parts.append(f"<h2>{title}</h2>{select_hint()}")
        if not records:
            parts.append("<p>No answers match.</p>")
        for r in records:
            cls = ' class="flagged"' if r.flagged else ""
            status = "answered" if r.answerable else "abstained"
            note = f'<p class="bad">Flagged: {escape(r.note)}</p>' if r.flagged else ""
            cites = "".join(_citation_html(t, c, pinned) for c in r.citations)
            parts.append(
                f'<article{cls} id="a{r.audit_id}"><div class="meta">#{r.audit_id} · '
                f"{iso(r.at)} · {escape(r.channel)} · session {escape(r.session_id)} · {status} · "
                f"confidence {r.confidence:.2f}</div><p><b>Q:</b> {escape(r.question)}</p>"
                f"<p><b>A:</b> {escape(r.answer)}</p>{note}{cites}</article>"
            )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Tutor review</title><style>{PAGE_CSS}{CONTROLS_CSS}</style>{script_tag()}"
        "</head><body>"
        f"<header><h1>Tutor review</h1>{nav}</header><main>{''.join(parts)}</main></body></html>"
    )
    return HTMLResponse(
        html,
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",  # the page URL may hold the key
            "Content-Security-Policy": PAGE_CSP,
        },
    )
