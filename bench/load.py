"""`/v1/ask` under load over keep-alive HTTP: sequential and with concurrent clients.

Every loop stops by count or by time. Each request sends a question and no `session_id`, so
the server opens a fresh session for it and no conversation state accumulates.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .questions import QuestionStream
from .server import proc_cpu_seconds
from .stats import summary_ms

TIMEOUT = httpx.Timeout(30.0)


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)  # successful answers only
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    answerable: int = 0
    cache_hits: int = 0
    cache_signal: str | None = None  # the header or field that reported cache hits, if any

    def record(self, elapsed_s: float, response: httpx.Response | None, error: str = "") -> None:
        if response is None or response.status_code != 200:
            self.errors += 1
            kind = error or f"HTTP {response.status_code if response is not None else '?'}"
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1
            return
        self.latencies_ms.append(elapsed_s * 1000)
        try:
            body = response.json()
        except ValueError:
            body = {}
        if body.get("answerable"):
            self.answerable += 1
        hit = _cache_hit(response, body)
        if hit is not None:
            self.cache_signal = hit[0]
            self.cache_hits += int(hit[1])

    def figures(self) -> dict[str, Any]:
        ok = len(self.latencies_ms)
        out: dict[str, Any] = summary_ms(self.latencies_ms) | {
            "answers": ok,
            "errors": self.errors,
            "answerable_share": round(self.answerable / ok, 3) if ok else None,
        }
        if self.error_kinds:
            out["error_kinds"] = self.error_kinds
        if self.cache_signal is not None:
            out["cache_hit_share"] = round(self.cache_hits / ok, 3) if ok else None
            out["cache_signal"] = self.cache_signal
        return out

    def record_raw(self, elapsed_s: float, status: int, body: bytes) -> None:
        """As `record`, for the raw client: a status and the body's bytes."""
        if status != 200:
            self.errors += 1
            kind = f"HTTP {status}"
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1
            return
        self.latencies_ms.append(elapsed_s * 1000)
        if b'"answerable":true' in body:
            self.answerable += 1


def _cache_hit(response: httpx.Response, body: dict[str, Any]) -> tuple[str, bool] | None:
    """A cache verdict, if the server reports one: an X-…Cache… header or a `cached` field."""
    for name, value in response.headers.items():
        if "cache" in name.lower() and name.lower() != "cache-control":
            return name, "hit" in value.lower() or value.strip().lower() in ("1", "true")
    for key in ("cached", "cache_hit"):
        if key in body:
            return key, bool(body[key])
    return None


def _cpu(pid: int) -> float:
    try:
        return proc_cpu_seconds(pid)
    except OSError:
        return float("nan")


def sequential(
    url: str,
    stream: QuestionStream,
    n: int,
    server_pid: int,
    floor: Callable[[str], object] | None = None,
) -> dict[str, Any]:
    """n questions, one after another, over one keep-alive connection.

    With `floor` (the bare model embedding one question in this process), each request is
    preceded by the floor of its own question, a check on the host's drift. It runs while the
    server's threads are still winding down from the previous answer, so it comes out slower
    than the floor alone: the target is judged on the floor alone. The floor's own time and
    CPU are left out of the request figures.
    """
    tally = Tally()
    floors: list[float] = []
    floor_wall = floor_cpu = 0.0
    repeats_before = stream.repeats
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        for _ in range(3):  # open the connection; not counted
            client.post("/v1/ask", json={"question": stream.take()})
        cpu0, own0, t0 = _cpu(server_pid), time.process_time(), time.perf_counter()
        for _ in range(n):
            q = stream.take()
            if floor is not None:
                c, f0 = time.process_time(), time.perf_counter()
                floor(q)
                spent = time.perf_counter() - f0
                floors.append(spent)
                floor_wall += spent
                floor_cpu += time.process_time() - c
            start = time.perf_counter()
            try:
                r = client.post("/v1/ask", json={"question": q})
            except httpx.HTTPError as exc:
                tally.record(time.perf_counter() - start, None, type(exc).__name__)
                continue
            tally.record(time.perf_counter() - start, r)
        wall = time.perf_counter() - t0 - floor_wall
        cpu1, own1 = _cpu(server_pid), time.process_time() - floor_cpu
    out = tally.figures()
    out |= _rates(out["answers"], wall, cpu1 - cpu0, own1 - own0)
    out["questions_asked_before"] = stream.repeats - repeats_before
    if floors:
        out["paired_floor"] = summary_ms([1000 * f for f in floors])
    return out


def repeat_probe(url: str, question: str, n: int) -> dict[str, Any]:
    """The same question n times: if a cache answers repeats, this p50 falls far below."""
    tally = Tally()
    with httpx.Client(base_url=url, timeout=TIMEOUT) as client:
        client.post("/v1/ask", json={"question": question})
        for _ in range(n):
            start = time.perf_counter()
            r = client.post("/v1/ask", json={"question": question})
            tally.record(time.perf_counter() - start, r)
    return tally.figures()


def _rates(answers: int, wall: float, server_cpu: float, client_cpu: float) -> dict[str, Any]:
    return {
        "wall_s": round(wall, 3),
        "answers_per_s": round(answers / wall, 2) if wall > 0 else None,
        "server_cpu_s": round(server_cpu, 3),
        "server_cpu_ms_per_answer": round(1000 * server_cpu / answers, 2) if answers else None,
        "server_cores_busy": round(server_cpu / wall, 2) if wall > 0 else None,
        "client_cpu_s": round(client_cpu, 3),
    }


class RawConnection:
    """One keep-alive HTTP/1.1 connection that POSTs JSON and reads the reply, on asyncio
    streams: a tenth of httpx's CPU per request. The load generator shares the server's two
    cores, so what it spends is taken from the server being measured."""

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, payload: bytes) -> tuple[int, bytes]:
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        self._writer.write(head.encode("ascii") + payload)
        status_line = await self._reader.readline()
        if not status_line:
            self._writer = None
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length = 0
        close = False
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"connection" and value.strip().lower() == b"close":
                close = True
        body = await self._reader.readexactly(length)
        if close:
            await self.close()
        return status, body

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
            self._writer = None


# One request on one client slot: (slot, question, tally) -> None; records into the tally.
Ask = Callable[[Any, str, Tally], Awaitable[None]]


async def _drive(
    ask: Ask,
    slots: list[Any],
    stream: QuestionStream,
    duration_s: float,
    max_requests: int,
    server_pid: int,
) -> dict[str, Any]:
    """Every slot asks back to back until duration_s or max_requests; after one warm-up
    request per slot (opens its connection; not counted)."""
    await asyncio.gather(*(ask(slot, stream.take(), Tally()) for slot in slots))
    tally = Tally()
    issued = 0
    cpu0, own0, t0 = _cpu(server_pid), time.process_time(), time.perf_counter()
    deadline = t0 + duration_s

    async def worker(slot: Any) -> None:
        nonlocal issued
        while issued < max_requests and time.perf_counter() < deadline:
            issued += 1
            await ask(slot, stream.take(), tally)

    await asyncio.gather(*(worker(slot) for slot in slots))
    wall = time.perf_counter() - t0
    cpu1, own1 = _cpu(server_pid), time.process_time()
    out = tally.figures() | {"concurrency": len(slots), "requests": issued}
    return out | _rates(out["answers"], wall, cpu1 - cpu0, own1 - own0)


async def _concurrent_httpx(
    url: str, stream: QuestionStream, concurrency: int, *drive: Any
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT, limits=limits) as client:

        async def ask(_: Any, q: str, tally: Tally) -> None:
            start = time.perf_counter()
            try:
                r = await client.post("/v1/ask", json={"question": q})
            except httpx.HTTPError as exc:
                tally.record(time.perf_counter() - start, None, type(exc).__name__)
                return
            tally.record(time.perf_counter() - start, r)

        return await _drive(ask, [None] * concurrency, stream, *drive) | {"client": "httpx"}


async def _concurrent_raw(
    url: str, stream: QuestionStream, concurrency: int, *drive: Any
) -> dict[str, Any]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    connections = [RawConnection(host, int(port)) for _ in range(concurrency)]

    async def ask(conn: RawConnection, q: str, tally: Tally) -> None:
        payload = json.dumps({"question": q}).encode()
        start = time.perf_counter()
        try:
            status, body = await conn.post("/v1/ask", payload)
        except (OSError, ConnectionError, asyncio.IncompleteReadError) as exc:
            tally.record(time.perf_counter() - start, None, type(exc).__name__)
            await conn.close()
            return
        tally.record_raw(time.perf_counter() - start, status, body)

    try:
        return await _drive(ask, connections, stream, *drive) | {"client": "raw"}
    finally:
        for conn in connections:
            await conn.close()


def concurrent(
    url: str,
    stream: QuestionStream,
    concurrency: int,
    duration_s: float,
    max_requests: int,
    server_pid: int,
    raw: bool = False,
) -> dict[str, Any]:
    """`concurrency` clients asking back to back until duration_s or max_requests, on
    httpx (`raw=False`) or on bare asyncio streams (`raw=True`, the lighter load generator)."""
    repeats_before = stream.repeats
    run = _concurrent_raw if raw else _concurrent_httpx
    out = asyncio.run(run(url, stream, concurrency, duration_s, max_requests, server_pid))
    out["questions_asked_before"] = stream.repeats - repeats_before
    return out
