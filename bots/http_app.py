"""The HTTP adapter: FastAPI routes over the `Tutor` facade."""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tutor import (
    NO_OBSERVER,
    Campus,
    InvalidInput,
    NoDocuments,
    NotFound,
    Settings,
    TooLarge,
    Tutor,
    TutorError,
    Unavailable,
    Unsupported,
)

from .access import redact_access_log
from .asgi import BodyLimitMiddleware
from .deps import course_param
from .metrics import install_metrics
from .ratelimit import RateLimitMiddleware
from .schemas import problems

log = logging.getLogger(__name__)

# the more particular errors first: the first class an error is an instance of gives its status
_STATUS = {
    TooLarge: 413,
    Unsupported: 415,
    InvalidInput: 400,
    NoDocuments: 409,  # a NotFound: the course is there, its documents are not yet
    NotFound: 404,
    Unavailable: 503,
}
# Where a course's routes are mounted besides /v1 (the default course's, as before courses).
COURSE_ROOT = "/v1/courses/{course_id}"
# What a course route may answer besides its own statuses: a key for another course (403),
# an unknown course (404), a course without documents yet (409).
COURSE_ERRORS = problems(401, 403, 404, 409)
# Document uploads take a larger body: the file plus a little multipart framing.
UPLOAD_PATH = re.compile(r"/v1/(?:courses/[^/]+/)?documents")


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
    tutor: Tutor | Campus | None = None,
    background: list[Callable[[], object]] | None = None,
) -> FastAPI:
    """The ASGI app. Pass a ready `tutor` or campus (tests, `tutor serve`), or settings to
    build the campus on start-up. A tutor passed alone is the default course of a campus
    made around it (`wiring.campus_of`). What is passed in is the caller's to close.

    `background`: work `build_campus` left for later (see wiring), started once the app is up.
    """
    config = settings or Settings()
    later = background if background is not None else []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redact_access_log()  # keys passed as ?key= must not reach the access log
        observer = app.state.metrics or NO_OBSERVER
        from .wiring import build_campus, campus_of

        if isinstance(tutor, Campus):
            campus = tutor
            campus.default.observe(observer)
        elif tutor is not None:
            tutor.observe(observer)
            campus = campus_of(tutor, config)
        else:
            campus = await run_in_threadpool(
                build_campus, config, background=later, observer=observer
            )
        app.state.campus = campus
        # Telegram (webhook or polling) serves the default course
        bot = await start_webhook_bot(config, campus.default) if config.telegram_webhook else None
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
                campus.close()

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
        larger=lambda path: (
            config.max_upload_bytes + 64 * 1024 if UPLOAD_PATH.fullmatch(path) else None
        ),
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
        started: Campus | None = getattr(request.app.state, "campus", None)
        if isinstance(exc, Unavailable) and started is not None:
            # once the tutor is up, what a request finds unavailable is the state store
            started.default.observer.store_failed("request_failed")
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

    from .admin import router as admin_router
    from .class_report import router as class_router
    from .ops import router as ops_router
    from .review_routes import router as review_router
    from .students import router as students_router
    from .teacher import router as teacher_router
    from .teacher_controls import router as teacher_script_router
    from .teacher_page import router as teacher_page_router
    from .widget import router as widget_router

    # Every course route is defined once and served twice: under /v1 for the default course
    # (the paths from before courses existed) and under /v1/courses/{course_id}.
    course = [Depends(course_param)]
    for router in (students_router, review_router, teacher_router, class_router):
        app.include_router(router, prefix="/v1")
        app.include_router(
            router,
            prefix=COURSE_ROOT,
            tags=["courses"],
            dependencies=course,
            responses=COURSE_ERRORS,
        )
    app.include_router(teacher_page_router)  # /teacher
    app.include_router(teacher_page_router, prefix="/courses/{course_id}", dependencies=course)
    app.include_router(teacher_script_router)  # the review page's script, no key needed
    app.include_router(admin_router, prefix="/v1")  # courses and keys
    app.include_router(widget_router)
    app.include_router(ops_router)  # /readyz
    return app
