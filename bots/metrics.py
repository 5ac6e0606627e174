"""`GET /metrics` for Prometheus: request latency per route, the model's batches, answers and
refusals per channel, the index, and state store errors.

Each app has its own registry (tests build many apps in one process; a replica is one process,
so Prometheus scrapes every replica on its own, never through the round-robin proxy). The core
reports through its `Observer` port (tutor/observe.py), which `Metrics` implements here, so
nothing under tutor/ imports prometheus-client.

TUTOR_METRICS chooses who may read it: `open` (the default: the service listens on 127.0.0.1
unless told otherwise, and the compose proxy does not pass /metrics on), `token` (an
`Authorization: Bearer $TUTOR_METRICS_TOKEN` header) or `off` (404, and nothing is measured).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from starlette.routing import BaseRoute, Match

from tutor import CHANNELS, Campus, Settings, Tutor

from .asgi import ASGIApp, Message, Receive, Scope, Send

UNMATCHED = "unmatched"  # one label for every path no route serves: scanners must not add series
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
WAIT_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
BUILD_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800)
STORE_EFFECTS = ("not_remembered", "request_failed")
CLIENT_LEFT = 499


class Metrics:
    """The app's registry and metrics; the core's `Observer`."""

    def __init__(self, tutor_of: Callable[[], Tutor | None]):
        self.registry = CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)  # process_resident_memory_bytes, CPU seconds, open fds
        r.register(_IndexCollector(tutor_of))
        self.requests = self._histogram(
            "tutor_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template (not raw path), method, status",
            LATENCY_BUCKETS,
            ["route", "method", "status"],
        )
        self.answers = Counter(
            "tutor_answers_total",
            "Questions answered (outcome=answered) or refused as not in the course "
            "(outcome=refused), by channel",
            ["channel", "outcome"],
            registry=r,
        )
        for channel in CHANNELS:  # every series from the start: a rate over zero is zero
            for outcome in ("answered", "refused"):
                self.answers.labels(channel, outcome)
        self.batch_size = self._histogram(
            "tutor_embedding_batch_size", "Texts embedded in one model call", BATCH_BUCKETS
        )
        self.batch_requests = self._histogram(
            "tutor_embedding_batch_requests", "Requests served by one model call", BATCH_BUCKETS
        )
        self.queue_wait = self._histogram(
            "tutor_embedding_queue_wait_seconds",
            "Time a request waited for the model before its call began",
            WAIT_BUCKETS,
        )
        self.model_call = self._histogram(
            "tutor_embedding_call_seconds", "Time of one model call", LATENCY_BUCKETS
        )
        self.index_builds = self._histogram(
            "tutor_index_build_seconds",
            "Index builds done by this process (none when it serves a prebuilt index)",
            BUILD_BUCKETS,
        )
        self.store_errors = Counter(
            "tutor_state_store_errors_total",
            "State store calls that failed as unavailable: effect=not_remembered (the "
            "question was still answered) or request_failed (the request got a 503)",
            ["effect"],
            registry=r,
        )
        for effect in STORE_EFFECTS:
            self.store_errors.labels(effect)

    def _histogram(
        self, name: str, doc: str, buckets: Sequence[float], labels: Sequence[str] = ()
    ) -> Histogram:
        return Histogram(name, doc, labels, buckets=buckets, registry=self.registry)

    # the Observer port

    def answered(self, channel: str, answerable: bool) -> None:
        self.answers.labels(channel, "answered" if answerable else "refused").inc()

    def store_failed(self, effect: str) -> None:
        self.store_errors.labels(effect).inc()

    def embedded(self, texts: int, waits: Sequence[float], seconds: float) -> None:
        self.batch_size.observe(texts)
        self.batch_requests.observe(len(waits))
        self.model_call.observe(seconds)
        for wait in waits:
            self.queue_wait.observe(wait)

    def index_built(self, seconds: float) -> None:
        self.index_builds.observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _IndexCollector:
    """The served index, read at scrape time (it is whatever the tutor holds now)."""

    def __init__(self, tutor_of: Callable[[], Tutor | None]):
        self.tutor_of = tutor_of

    def collect(self) -> Iterator[Metric]:
        tutor = self.tutor_of()
        if tutor is None:  # still starting
            return
        info = InfoMetricFamily("tutor_index", "The index being served")
        info.add_metric([], {"version": tutor.index_version})
        yield info
        yield GaugeMetricFamily(
            "tutor_index_passages", "Sentences in the served index", tutor.index_size()
        )


def route_of(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The template of the route serving `scope` ("/v1/documents/{doc_id}"), so ids in paths
    do not make a series each; a path only another method serves keeps its template too."""
    return _template(iter_route_contexts(routes), scope)


def _template(routes: Iterable[RouteContext], scope: Scope) -> str:
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return str(route.path or UNMATCHED)
        if match == Match.PARTIAL and partial is None:
            partial = str(route.path or UNMATCHED)
    return partial or UNMATCHED


class LatencyMiddleware:
    """Times every HTTP request, including the 413s and 429s of the middlewares inside it."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Sequence[BaseRoute]):
        self.app = app
        self.metrics = metrics
        self.routes = routes  # the app's list: routes added after this middleware count too
        self._mounted: tuple[int, dict[int, list[RouteContext]]] = (-1, {})

    def _served_at(self, served: APIRoute, scope: Scope) -> str:
        """The full template of the route FastAPI chose. Its own path lacks the prefix of the
        router it was included with, and a router included twice (a course's routes, under
        /v1 and /v1/courses/{course_id}) serves one route object at two templates."""
        count, mounted = self._mounted
        if count != len(self.routes):  # built once, again if routes were added since
            mounted = {}
            for context in iter_route_contexts(self.routes):
                mounted.setdefault(id(context.original_route), []).append(context)
            self._mounted = (len(self.routes), mounted)
        twins = mounted.get(id(served))
        if not twins:
            return served.path
        return str(twins[0].path) if len(twins) == 1 else _template(twins, scope)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: int | None = None

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        except Exception:
            status = status or 500  # what the outermost error handler answers
            raise
        finally:
            # FastAPI's router leaves the route it chose in the scope; a request answered
            # before routing (413, 429, CORS preflight) or by no route is matched here
            served = scope.get("route")
            route = (
                self._served_at(served, scope)
                if isinstance(served, APIRoute)
                else route_of(self.routes, scope)
            )
            # no response at all: the client left first (nginx's "client closed request")
            code = str(status or CLIENT_LEFT)
            self.metrics.requests.labels(route, scope["method"], code).observe(
                time.perf_counter() - started
            )


def _authorised(request: Request, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


def _default_tutor(app: FastAPI) -> Tutor | None:
    """The default course's tutor, once the app has started (the index it reports)."""
    campus: Campus | None = getattr(app.state, "campus", None)
    return campus.default if campus is not None else None


def install_metrics(app: FastAPI, settings: Settings) -> Metrics | None:
    """Add the middleware and GET /metrics as the settings say; None when metrics are off."""
    if settings.metrics == "off":
        return None
    metrics = Metrics(lambda: _default_tutor(app))
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    app.add_middleware(LatencyMiddleware, metrics=metrics, routes=app.router.routes)

    # Not in the OpenAPI document: it is for operators' scrapers, not an API for students.
    @app.get("/metrics", include_in_schema=False)
    async def metrics_page(request: Request) -> Any:
        if settings.metrics == "token" and (token is None or not _authorised(request, token)):
            return JSONResponse(
                {"detail": "a bearer token is required: Authorization: Bearer <token>"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return metrics
