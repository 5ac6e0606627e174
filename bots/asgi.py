"""Plain ASGI pieces that run before FastAPI parses anything: JSON problems and a body limit.

They sit outside the routing, so they answer with `{"detail": ...}` themselves, in the shape
the app's exception handlers use.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def send_problem(
    send: Send,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    *,
    more_body: bool = False,
) -> None:
    """A JSON `{"detail": ...}` response (left open with `more_body`: end it with an empty
    body message)."""
    body = json.dumps({"detail": detail}).encode()
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": more_body})


class BodyLimitMiddleware:
    """413 for a request body over `max_bytes`, declared or streamed.

    A Content-Length over the limit is refused before a byte reaches the app. Otherwise the
    body is read here, counting every chunk (chunked uploads declare no length), and handed to
    the app in one piece once it is known to fit: the app never sees a partial body, and no
    handler can be halfway through a large one when the limit is reached.

    The 413 is sent at once, then the rest of the body is read and dropped, up to `drain_bytes`
    more and for at most `drain_seconds`, before the connection is closed: a client that writes
    its whole body before it reads (most do) would otherwise see the connection reset under it
    and never read the 413. A client that waits for `100 Continue` is never asked for the body.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        drain_bytes: int = 16 * 1024 * 1024,
        drain_seconds: float = 10.0,
        larger: Callable[[str], int | None] | None = None,
    ):
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be at least 1, got {max_bytes}")
        self.app = app
        self.max_bytes = max_bytes
        self.drain_bytes = drain_bytes
        self.drain_seconds = drain_seconds
        self.larger = larger  # a path's own limit, if it takes more (a document upload)

    async def _too_large(
        self, send: Send, receive: Receive, *, unread: bool, remaining: int | None, limit: int
    ) -> None:
        """The 413, then the body drained while the response is still open (an ASGI server
        hands out no more of the body once the response is complete)."""
        await send_problem(
            send,
            413,
            f"the request body is larger than {limit} bytes",
            {"Connection": "close"},  # no second request on this connection
            more_body=True,
        )
        if unread and (remaining is None or remaining <= self.drain_bytes):
            await self._drain(receive)
        await send({"type": "http.response.body", "body": b""})

    async def _drain(self, receive: Receive) -> None:
        deadline = time.monotonic() + self.drain_seconds
        drained = 0
        while drained <= self.drain_bytes:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                message = await asyncio.wait_for(receive(), left)
            except TimeoutError:
                return
            if message["type"] != "http.request":
                return  # the client left
            drained += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        own = self.larger(scope.get("path", "")) if self.larger is not None else None
        limit = self.max_bytes if own is None else own
        headers = scope.get("headers", ())
        declared = [v for k, v in headers if k == b"content-length"]
        if declared:
            value = declared[0].strip()
            if len(set(declared)) > 1 or not value.isdigit():
                await send_problem(send, 400, "Content-Length must be one whole number")
                return
            if int(value) > limit:
                # reading the body would tell a client waiting for 100 Continue to send it
                waits = any(k == b"expect" and v.lower() == b"100-continue" for k, v in headers)
                await self._too_large(
                    send, receive, unread=not waits, remaining=int(value), limit=limit
                )
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left: nobody to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            more = bool(message.get("more_body", False))
            if size > limit:
                await self._too_large(send, receive, unread=more, remaining=None, limit=limit)
                return
            chunks.append(chunk)
            if not more:
                break
        whole: Message | None = {"type": "http.request", "body": b"".join(chunks)}

        async def replay() -> Message:
            nonlocal whole
            if whole is not None:
                message, whole = whole, None
                return message
            return await receive()  # after the body: wait for the disconnect, as before

        await self.app(scope, replay, send)
