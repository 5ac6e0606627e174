"""The HTTP adapter: FastAPI routes over the `Tutor` facade."""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import FastAPI, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tutor import (
    NO_OBSERVER,
    InvalidInput,
    NotFound,
    Settings,
    TooLarge,
    Tutor,
    TutorError,
    Unavailable,
    Unsupported,
)

from .access import StudentAccess, redact_access_log, student_role
from .asgi import BodyLimitMiddleware
from .deps import TutorDep
from .metrics import install_metrics
from .ratelimit import RateLimitMiddleware
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

log = logging.getLogger(__name__)

# the more particular errors first: the first class an error is an instance of gives its status
_STATUS = {TooLarge: 413, Unsupported: 415, InvalidInput: 400, NotFound: 404, Unavailable: 503}
# Ids in paths: longer than any real one is refused (422) before it reaches the core.
DocId = Annotated[str, Path(max_length=200)]
QuizId = Annotated[str, Path(max_length=64)]
SessionId = Annotated[str, Path(max_length=128)]


class ProblemResponse(JSONResponse):
    """A `{"detail": ...}` body in ASCII: a detail quoting odd input (a lone surrogate, say)
    still encodes, where UTF-8 would fail and turn a 4xx into a 500."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _status_of(exc: TutorError) -> int:
    for cls, status in _STATUS.items():
        if isinstance(exc, cls):
            return status
    return 400


async def start_webhook_bot(settings: Settings, tutor: Tutor) -> Any:
    """The Telegram application in webhook mode, running in this app's event loop."""
    from telegram import Update

    from .telegram_bot import build_application, publish_commands
    from .telegram_reminders import ReminderTicker

    if settings.telegram_bot_token is None or settings.telegram_webhook_secret is None:
        raise Unavailable(
            "the Telegram webhook needs TELEGRAM_BOT_TOKEN and TUTOR_TELEGRAM_WEBHOOK_SECRET"
        )
    bot = build_application(
        settings.telegram_bot_token.get_secret_value(),
        settings.telegram_api_url,
        tutor=tutor,
        webhook=True,
        settings=settings,
    )
    await bot.initialize()
    await bot.start()
    # reminders: every replica looks; the state store's claims keep each to one message
    bot.bot_data["reminders"] = ReminderTicker(bot, settings.reminder_tick_seconds)
    bot.bot_data["reminders"].start()
    if settings.telegram_webhook_url:
        await bot.bot.set_webhook(
            settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        await publish_commands(bot.bot)
    return bot


def create_app(
    settings: Settings | None = None,
    tutor: Tutor | None = None,
    background: list[Callable[[], object]] | None = None,
) -> FastAPI:
    """The ASGI app. Pass a ready `tutor` (tests), or settings to build one on start-up.

    `background`: work `build_tutor` left for later (see wiring), started once the app is up.
    """
    config = settings or Settings()
    later = background if background is not None else []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redact_access_log()  # keys passed as ?key= must not reach the access log
        observer = app.state.metrics or NO_OBSERVER
        if tutor is not None:
            app.state.tutor = tutor
            tutor.observe(observer)
        else:
            from .wiring import build_tutor

            app.state.tutor = await run_in_threadpool(
                build_tutor, config, background=later, observer=observer
            )
        bot = await start_webhook_bot(config, app.state.tutor) if config.telegram_webhook else None
        app.state.telegram = bot
        if later:  # the server listens a moment after this
            from .wiring import start_background

            start_background(later)
        try:
            yield
        finally:
            if bot is not None:
                await bot.bot_data["reminders"].stop()
                await bot.stop()
                await bot.shutdown()
            app.state.rate_limiter.close()
            if tutor is None:
                app.state.tutor.close()

    app = FastAPI(
        title="Tutor",
        version="0.1.0",
        summary="Cited answers, quizzes and progress over a course",
        lifespan=lifespan,
    )

    app.state.settings = config
    app.state.frame_ancestors = list(config.frame_ancestors)
    from .wiring import build_rate_limiter

    app.state.rate_limiter = build_rate_limiter(config, "http")
    # Added first, so innermost: CORS (added last) wraps their 413 and 429 for browsers to read.
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=config.max_body_bytes,
        # an upload's multipart body: the file plus a little framing
        larger={"/v1/documents": config.max_upload_bytes + 64 * 1024},
    )
    app.add_middleware(RateLimitMiddleware, limiter=app.state.rate_limiter)
    if config.cors_origins:
        # Keys travel in a header, never in cookies: no credentials, so never "*" with them.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=config.cors_origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Content-Type", "X-API-Key", "X-Tutor-Channel"],
            max_age=600,
        )
    # added last, so outermost: it times the 413s, 429s and CORS answers too
    app.state.metrics = install_metrics(app, config)

    @app.exception_handler(TutorError)
    async def tutor_error(request: Request, exc: TutorError) -> JSONResponse:
        started: Tutor | None = getattr(request.app.state, "tutor", None)
        if isinstance(exc, Unavailable) and started is not None:
            # once the tutor is up, what a request finds unavailable is the state store
            started.observer.store_failed("request_failed")
        return ProblemResponse({"detail": str(exc)}, status_code=_status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return ProblemResponse({"detail": jsonable_encoder(errors)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return ProblemResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return ProblemResponse({"detail": "internal error"}, status_code=500)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """200 while the process is up."""
        return {"status": "ok"}

    @app.post("/v1/ask", response_model=AskResponse, responses=STUDENT_ERRORS, tags=["students"])
    async def ask(body: AskRequest, request: Request, t: TutorDep) -> AskResponse:
        """Answer a question with citations; pass `session_id` back to continue."""
        channel = "widget" if request.headers.get("X-Tutor-Channel") == "widget" else "http"

        def answer() -> AskResponse:
            student_role(request, t)  # the key check reads the state store: same thread
            return AskResponse.of(t.ask(body.question, body.session_id, channel))

        # One trip to a worker thread per question, not one per blocking dependency: under
        # load every trip queues behind the others for a thread and the GIL.
        return await run_in_threadpool(answer)

    @app.get(
        "/v1/documents",
        response_model=list[DocumentSummary],
        responses=OPEN_ERRORS,
        tags=["course"],
    )
    def documents(t: TutorDep) -> list[DocumentSummary]:
        """The course documents and their sections."""
        return [DocumentSummary.of(d) for d in t.documents()]

    @app.get(
        "/v1/documents/{doc_id}", response_model=DocumentOut, responses=OPEN_ERRORS, tags=["course"]
    )
    def document(doc_id: DocId, t: TutorDep) -> DocumentOut:
        """A document's text; citation offsets refer to it."""
        d = t.document(doc_id)
        return DocumentOut(doc_id=d.doc_id, title=d.title, text=d.text)

    @app.post("/v1/quiz", response_model=QuizItemOut, responses=STUDENT_ERRORS, tags=["quizzes"])
    def quiz(body: QuizRequest, t: TutorDep, _: StudentAccess) -> QuizItemOut:
        """The next quiz item: on `topic` if given, else due reviews, then new sections."""
        item, sid = t.quiz(body.session_id, body.topic, body.kind)
        return QuizItemOut.of(item, sid)

    @app.post(
        "/v1/quiz/{quiz_id}/answer",
        response_model=GradeOut,
        responses=STUDENT_ERRORS,
        tags=["quizzes"],
    )
    def answer(quiz_id: QuizId, body: AnswerRequest, t: TutorDep, _: StudentAccess) -> GradeOut:
        """Grade an attempt (any number are allowed; each is recorded)."""
        grade, sid = t.answer_quiz(quiz_id, body.answer, body.session_id, body.seconds)
        return GradeOut.of(grade, sid)

    @app.get(
        "/v1/sessions/{session_id}/progress",
        response_model=ProgressOut,
        responses=STUDENT_ERRORS,
        tags=["quizzes"],
    )
    def session_progress(session_id: SessionId, t: TutorDep, _: StudentAccess) -> ProgressOut:
        """Per-section attempts, first-attempt successes, mastery, and items due for review."""
        return ProgressOut.of(t.progress(session_id))

    @app.post("/telegram/webhook", include_in_schema=False)
    async def telegram_webhook(request: Request) -> JSONResponse:
        """Updates from Telegram, when webhook mode is on; checked against the secret."""
        bot = getattr(request.app.state, "telegram", None)
        secret = config.telegram_webhook_secret
        if bot is None or secret is None:
            return JSONResponse({"detail": "the Telegram webhook is not enabled"}, 404)
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), secret.get_secret_value().encode()):
            return JSONResponse({"detail": "wrong or missing secret token"}, 403)
        try:
            data = await request.json()
            from telegram import Update

            update = Update.de_json(data, bot.bot)
        except Exception:  # any malformed body is the sender's problem, not ours
            return JSONResponse({"detail": "the body is not a Telegram update"}, 400)
        await bot.update_queue.put(update)
        return JSONResponse({"ok": True})

    from .class_report import router as class_router
    from .ops import router as ops_router
    from .review_routes import router as review_router
    from .teacher import router as teacher_router
    from .teacher_controls import router as teacher_script_router
    from .teacher_page import router as teacher_page_router
    from .widget import router as widget_router

    app.include_router(teacher_router)
    app.include_router(teacher_page_router)
    app.include_router(teacher_script_router)  # the review page's script, no key needed
    app.include_router(class_router)
    app.include_router(widget_router)
    app.include_router(ops_router)  # /readyz
    app.include_router(review_router)  # a learner's review and progress panel
    return app
