"""Student routes: ask, the course's documents, quizzes and progress. Paths are relative to
the course's root (`/v1` for the default course, `/v1/courses/{course_id}` for any), where
`http_app` mounts them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from .deps import ReaderAccess, StudentAccess, TutorDep, student_access
from .schemas import (
    OPEN_ERRORS,
    STUDENT_ERRORS,
    AnswerRequest,
    AskRequest,
    AskResponse,
    DocumentOut,
    DocumentSummary,
    GradeOut,
    ProgressOut,
    QuizItemOut,
    QuizRequest,
)

router = APIRouter()

# Ids in paths: longer than any real one is refused (422) before it reaches the core.
DocId = Annotated[str, Path(max_length=200)]
QuizId = Annotated[str, Path(max_length=64)]
SessionId = Annotated[str, Path(max_length=128)]


@router.post("/ask", response_model=AskResponse, responses=STUDENT_ERRORS, tags=["students"])
async def ask(body: AskRequest, request: Request, t: TutorDep) -> AskResponse:
    """Answer a question with citations; pass `session_id` back to continue."""
    channel = "widget" if request.headers.get("X-Tutor-Channel") == "widget" else "http"

    def answer() -> AskResponse:
        student_access(request)  # the key check reads the state store: same thread
        return AskResponse.of(t.ask(body.question, body.session_id, channel))

    # One trip to a worker thread per question, not one per blocking dependency: under
    # load every trip queues behind the others for a thread and the GIL.
    return await run_in_threadpool(answer)


@router.get(
    "/documents", response_model=list[DocumentSummary], responses=OPEN_ERRORS, tags=["course"]
)
def documents(t: TutorDep, _: ReaderAccess) -> list[DocumentSummary]:
    """The course documents and their sections."""
    return [DocumentSummary.of(d) for d in t.documents()]


@router.get(
    "/documents/{doc_id}", response_model=DocumentOut, responses=OPEN_ERRORS, tags=["course"]
)
def document(doc_id: DocId, t: TutorDep, _: ReaderAccess) -> DocumentOut:
    """A document's text; citation offsets refer to it."""
    d = t.document(doc_id)
    return DocumentOut(doc_id=d.doc_id, title=d.title, text=d.text)


@router.post("/quiz", response_model=QuizItemOut, responses=STUDENT_ERRORS, tags=["quizzes"])
def quiz(body: QuizRequest, t: TutorDep, _: StudentAccess) -> QuizItemOut:
    """The next quiz item: on `topic` if given, else due reviews, then new sections."""
    item, sid = t.quiz(body.session_id, body.topic, body.kind)
    return QuizItemOut.of(item, sid)


@router.post(
    "/quiz/{quiz_id}/answer",
    response_model=GradeOut,
    responses=STUDENT_ERRORS,
    tags=["quizzes"],
)
def answer(quiz_id: QuizId, body: AnswerRequest, t: TutorDep, _: StudentAccess) -> GradeOut:
    """Grade an attempt (any number are allowed; each is recorded)."""
    grade, sid = t.answer_quiz(quiz_id, body.answer, body.session_id, body.seconds)
    return GradeOut.of(grade, sid)


@router.get(
    "/sessions/{session_id}/progress",
    response_model=ProgressOut,
    responses=STUDENT_ERRORS,
    tags=["quizzes"],
)
def session_progress(session_id: SessionId, t: TutorDep, _: StudentAccess) -> ProgressOut:
    """Per-section attempts, first-attempt successes, mastery, and items due for review."""
    return ProgressOut.of(t.progress(session_id))
