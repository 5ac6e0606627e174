"""Hostile and odd input on every endpoint and adapter: always a 4xx with a JSON problem body
(`{"detail": ...}`), never a 500, a stack trace or a hang; questions in any script get a normal
reply. In process for the many small cases, over a real socket for body limits and streaming.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from bots.asgi import BodyLimitMiddleware, Message
from bots.http_app import create_app
from bots.telegram_bot import FRIENDLY_ERROR, PENDING
from tests.bots.telegram_webhook import SECRET, Chat, webhook_bot
from tests.servers import serve
from tutor.service import Tutor
from tutor.settings import Settings

JSON = {"content-type": "application/json"}
LIMIT = 64 * 1024
DEEP = 20_000  # nesting depth: far past Python's recursion limit, well under the body limit


@pytest.fixture
def client(fake_tutor: Tutor) -> Iterator[TestClient]:
    # raise_server_exceptions=False: a crash must show up as the 500 a client would get
    with TestClient(create_app(tutor=fake_tutor), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def teacher(fake_tutor: Tutor) -> Iterator[TestClient]:
    """A client holding a teacher's key (so the teacher routes get past the key check)."""
    key = fake_tutor.create_key("ms-smith", "teacher")
    with TestClient(
        create_app(tutor=fake_tutor),
        raise_server_exceptions=False,
        headers={"X-API-Key": key},
    ) as c:
        yield c


def assert_problem(r: httpx.Response, status: int) -> Any:
    """`status`, a JSON body with a `detail`, and no trace of the server's insides."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"detail"} and body["detail"], body
    assert "Traceback" not in r.text and 'File "' not in r.text
    return body["detail"]


# ----------------------------------------------------------------------------- /v1/ask bodies

ASK_BODIES: list[tuple[str, bytes, int]] = [
    # malformed JSON
    ("truncated", b'{"question": ', 422),
    ("unquoted key", b'{question: "Berlin Wall?"}', 422),
    ("trailing comma", b'{"question": "Berlin Wall?",}', 422),
    ("single quotes", b"{'question': 'Berlin Wall?'}", 422),
    ("two values", b'{"question": "a"} {"question": "b"}', 422),
    ("trailing garbage", b'{"question": "Berlin Wall?"} x', 422),
    ("reversed braces", b"}{", 422),
    ("a lone NUL byte", b"\x00", 422),
    ("only whitespace", b"   \n\t ", 422),
    ("empty body", b"", 422),
    # invalid UTF-8
    ("invalid UTF-8 byte", b'{"question": "\xff"}', 400),
    ("truncated UTF-8 sequence", b'{"question": "\xc3"}', 400),
    ("overlong UTF-8 slash", b'{"question": "\xc0\xaf"}', 400),
    ("UTF-8 encoded surrogate", b'{"question": "\xed\xa0\x80"}', 422),
    ("Latin-1 bytes", '{"question": "Café Berlin?"}'.encode("latin-1"), 400),
    # lone surrogates as JSON escapes
    ("lone high surrogate", b'{"question": "\\ud800"}', 422),
    ("lone low surrogate", b'{"question": "\\udfff"}', 422),
    ("high surrogate then text", b'{"question": "Berlin \\ud83d Wall?"}', 422),
    ("surrogate in session_id", b'{"question": "Berlin?", "session_id": "\\udc00"}', 422),
    # NUL and control characters
    ("escaped NUL", b'{"question": "Berlin\\u0000Wall?"}', 400),
    ("bell", b'{"question": "Berlin Wall\\u0007?"}', 400),
    ("ANSI escape", b'{"question": "\\u001b[31mBerlin Wall?"}', 400),
    ("DEL", b'{"question": "Berlin Wall?\\u007f"}', 400),
    ("C1 control", b'{"question": "Berlin\\u0085Wall?"}', 400),
    ("NUL in session_id", b'{"question": "Berlin?", "session_id": "s\\u0000"}', 400),
    # wrong types
    ("question is a number", b'{"question": 42}', 422),
    ("question is a float", b'{"question": 4.2}', 422),
    ("question is true", b'{"question": true}', 422),
    ("question is null", b'{"question": null}', 422),
    ("question is a list", b'{"question": ["Berlin", "Wall"]}', 422),
    ("question is an object", b'{"question": {"text": "Berlin Wall?"}}', 422),
    ("question is Infinity", b'{"question": Infinity}', 422),
    ("question is NaN", b'{"question": NaN}', 422),
    ("question is 1e999", b'{"question": 1e999}', 422),
    ("session_id is a number", b'{"question": "Berlin?", "session_id": 7}', 422),
    ("session_id is a list", b'{"question": "Berlin?", "session_id": ["s1"]}', 422),
    ("no question", b'{"session_id": "s1"}', 422),
    ("body is a list", b'["When was the Berlin Wall erected?"]', 422),
    ("body is a string", b'"When was the Berlin Wall erected?"', 422),
    ("body is a number", b"12", 422),
    ("body is null", b"null", 422),
    # huge, long and deeply nested
    ("a 5000-digit number", b'{"question": 1' + b"0" * 5000 + b"}", 400),
    ("deep nesting", b"[" * DEEP + b"]" * DEEP, 400),
    (
        "deep nesting in an ignored field",
        b'{"question": "Berlin?", "x": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        400,
    ),
    ("many keys", b"{" + b",".join(b'"k%d": %d' % (i, i) for i in range(3000)) + b"}", 422),
    ("question over the limit", json.dumps({"question": "x" * 1001}).encode(), 400),
    ("question of 60,000 characters", json.dumps({"question": "x" * 60_000}).encode(), 400),
    ("body over 64 KiB", json.dumps({"question": "x" * LIMIT}).encode(), 413),
    ("padding over 64 KiB", b'{"question": "Berlin?"' + b" " * LIMIT + b"}", 413),
    (
        "session_id of 129 characters",
        json.dumps({"question": "B?", "session_id": "s" * 129}).encode(),
        422,
    ),
    (
        "session_id path traversal",
        b'{"question": "Berlin?", "session_id": "../../etc/passwd"}',
        400,
    ),
    ("session_id with a space", b'{"question": "Berlin?", "session_id": "a b"}', 400),
    ("session_id with a newline", b'{"question": "Berlin?", "session_id": "a\\nb"}', 400),
    ("session_id in Cyrillic", '{"question": "Berlin?", "session_id": "сессия"}'.encode(), 400),
]


@pytest.mark.parametrize(
    ("body", "status"), [c[1:] for c in ASK_BODIES], ids=[c[0] for c in ASK_BODIES]
)
def test_ask_refuses_hostile_bodies(client: TestClient, body: bytes, status: int) -> None:
    assert_problem(client.post("/v1/ask", content=body, headers=JSON), status)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b'{"question": "Berlin Wall?"}'),
        ("application/x-www-form-urlencoded", b"question=Berlin+Wall%3F"),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="question"\r\n\r\nBerlin?\r\n--x--\r\n',
        ),
        ("application/xml", b"<question>Berlin Wall?</question>"),
    ],
)
def test_ask_wants_json(client: TestClient, content_type: str, body: bytes) -> None:
    assert_problem(
        client.post("/v1/ask", content=body, headers={"content-type": content_type}), 422
    )


QUESTIONS_IN_OTHER_SCRIPTS = [
    "Когда была построена Берлинская стена?",  # Russian
    "Що таке Варшавський договір?",  # Ukrainian
    "متى تم بناء جدار برلين؟",  # Arabic, right to left
    "מתי נבנתה חומת ברלין?",  # Hebrew
    "柏林墙是什么时候建造的？",  # Chinese
    "ベルリンの壁はいつ建設されましたか？",  # Japanese
    "베를린 장벽은 언제 세워졌나요?",  # Korean
    "बर्लिन की दीवार कब बनी थी?",  # Hindi
    "Πότε χτίστηκε το Τείχος του Βερολίνου;",  # Greek
    "กำแพงเบอร์ลินสร้างขึ้นเมื่อไหร่",  # Thai, no spaces between words
    "🧱🇩🇪❓",  # emoji only
    "When was the 🧱 Berlin Wall erected? 👨‍👩‍👧",  # emoji with zero-width joiners
    "Ｗｈｅｎ ｗａｓ ｔｈｅ Ｂｅｒｌｉｎ Ｗａｌｌ ｅｒｅｃｔｅｄ？",  # fullwidth Latin
    "When was the Berlin Wall erected?",
    "\u202eWhen was the Berlin Wall erected?",  # a right-to-left override (format, not control)
    "Berlin\u200bWall\u200b?",  # zero-width spaces
    "𝐁𝐞𝐫𝐥𝐢𝐧 𝐖𝐚𝐥𝐥",  # mathematical bold: outside the basic plane
    "?!.,;:-",  # punctuation only
]


@pytest.mark.parametrize("question", QUESTIONS_IN_OTHER_SCRIPTS)
def test_questions_in_any_script_get_a_normal_reply(client: TestClient, question: str) -> None:
    r = client.post("/v1/ask", json={"question": question})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["answer"] and isinstance(body["answerable"], bool)
    assert bool(body["citations"]) == body["answerable"]  # an answer cites; an abstention doesn't


# ------------------------------------------------------------------------- the other bodies

OTHER_BODIES: list[tuple[str, str, bytes, int]] = [
    ("/v1/quiz", "topic with NUL", b'{"topic": "Cuba\\u0000"}', 400),
    ("/v1/quiz", "topic over its limit", json.dumps({"topic": "Cuba " * 50}).encode(), 400),
    ("/v1/quiz", "topic over the schema", json.dumps({"topic": "x" * 10_001}).encode(), 422),
    ("/v1/quiz", "topic lone surrogate", b'{"topic": "\\ud800"}', 422),
    ("/v1/quiz", "unknown kind", b'{"kind": "essay"}', 422),
    ("/v1/quiz", "kind is a number", b'{"kind": 1}', 422),
    ("/v1/quiz", "session_id traversal", b'{"session_id": "../x"}', 400),
    ("/v1/quiz", "malformed JSON", b'{"topic": "Cuba"', 422),
    ("/v1/quiz", "invalid UTF-8", b'{"topic": "\xfe"}', 400),
    ("/v1/quiz", "a list", b"[]", 422),
    ("/v1/quiz", "over 64 KiB", b'{"topic": "' + b"x" * LIMIT + b'"}', 413),
    ("/v1/quiz/q-000000/answer", "unknown item", b'{"answer": "A"}', 404),
    ("/v1/quiz/q-000000/answer", "answer missing", b"{}", 422),
    ("/v1/quiz/q-000000/answer", "answer a number", b'{"answer": 1}', 422),
    ("/v1/quiz/q-000000/answer", "answer lone surrogate", b'{"answer": "\\udbff"}', 422),
    (
        "/v1/quiz/q-000000/answer",
        "answer over the schema",
        json.dumps({"answer": "x" * 10_001}).encode(),
        422,
    ),
    (
        "/v1/quiz/q-000000/answer",
        "deep nesting",
        b'{"answer": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        400,
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [(c[0], c[2], c[3]) for c in OTHER_BODIES],
    ids=[c[1] for c in OTHER_BODIES],
)
def test_quiz_routes_refuse_hostile_bodies(
    client: TestClient, path: str, body: bytes, status: int
) -> None:
    assert_problem(client.post(path, content=body, headers=JSON), status)


def test_an_answer_of_hostile_text_is_refused_but_the_item_still_works(client: TestClient) -> None:
    item = client.post("/v1/quiz", json={"session_id": "s1"}).json()
    url = f"/v1/quiz/{item['quiz_id']}/answer"
    assert "control character" in assert_problem(
        client.post(url, json={"session_id": "s1", "answer": "A\u0000"}), 400
    )
    assert "at most 500" in assert_problem(
        client.post(url, json={"session_id": "s1", "answer": "A" * 501}), 400
    )
    assert client.post(url, json={"session_id": "s1", "answer": "A"}).status_code == 200


# ------------------------------------------------------------------------------ ids in paths

PATHS: list[tuple[str, int]] = [
    ("/v1/documents/..%2F..%2Fetc%2Fpasswd", 404),
    ("/v1/documents/%2e%2e", 404),
    ("/v1/documents/..%5C..%5Cwindows%5Cwin.ini", 404),
    ("/v1/documents/%00", 404),
    ("/v1/documents/a%00b", 404),
    ("/v1/documents/%FF%FE", 404),
    ("/v1/documents/%ED%A0%80", 404),  # an encoded surrogate
    ("/v1/documents/%E2%80%AE", 404),  # an encoded right-to-left override
    ("/v1/documents/" + "a" * 201, 422),
    ("/v1/documents/" + "%41" * 5000, 422),
    ("/v1/sessions/%00/progress", 400),
    ("/v1/sessions/a%0Ab/progress", 400),
    ("/v1/sessions/%2e%2e/progress", 400),
    ("/v1/sessions/..%2F..%2Fadmin/progress", 404),
    ("/v1/sessions/" + "s" * 129 + "/progress", 422),
    ("/v1/sessions/%ED%A0%80/progress", 400),
]


@pytest.mark.parametrize(("path", "status"), PATHS, ids=[p[:48] for p, _ in PATHS])
def test_odd_ids_in_get_paths(client: TestClient, path: str, status: int) -> None:
    assert_problem(client.get(path), status)


ANSWER_PATHS: list[tuple[str, int]] = [
    ("/v1/quiz/%00/answer", 404),
    ("/v1/quiz/..%2F..%2Fadmin/answer", 404),
    ("/v1/quiz/q-%00/answer", 404),
    ("/v1/quiz/Q-ABCDEF/answer", 404),
    ("/v1/quiz/q-" + "0" * 62 + "/answer", 404),
    ("/v1/quiz/q-" + "0" * 63 + "/answer", 422),
    ("/v1/quiz/%ED%A0%80/answer", 404),
]


@pytest.mark.parametrize(("path", "status"), ANSWER_PATHS, ids=[p[:48] for p, _ in ANSWER_PATHS])
def test_odd_quiz_ids(client: TestClient, path: str, status: int) -> None:
    assert_problem(client.post(path, json={"answer": "A"}), status)


def test_unknown_routes_and_methods_are_json_too(client: TestClient) -> None:
    assert_problem(client.get("/v1/nothing-here"), 404)
    assert_problem(client.get("/v1/ask"), 405)
    assert_problem(client.delete("/v1/documents"), 405)


# ------------------------------------------------------------------------- teachers' routes

TEACHER_QUERIES: list[tuple[str, int]] = [
    ("/v1/audit?since=%00", 400),
    ("/v1/audit?since=yesterday", 400),
    ("/v1/audit?limit=-1", 422),
    ("/v1/audit?limit=1e10", 422),
    ("/v1/audit?limit=99999999999999999999999", 422),
    ("/v1/audit?max_confidence=nan", 422),
    ("/v1/audit?max_confidence=2", 422),
    ("/v1/audit?format=xml", 422),
    ("/v1/audit?channel=%00", 422),
    ("/v1/audit?session=" + "s" * 129, 422),
    ("/v1/quiz/export?format=%ED%A0%80", 422),
]


@pytest.mark.parametrize(
    ("path", "status"), TEACHER_QUERIES, ids=[p[:40] for p, _ in TEACHER_QUERIES]
)
def test_teacher_queries(teacher: TestClient, path: str, status: int) -> None:
    assert_problem(teacher.get(path), status)


@pytest.mark.parametrize(
    ("audit_id", "body", "status"),
    [
        ("9223372036854775808", b'{"note": "x"}', 422),  # past SQLite's 64-bit integers
        ("99999999999999999999999", b'{"note": "x"}', 422),
        ("-1", b'{"note": "x"}', 422),
        ("0x10", b'{"note": "x"}', 422),
        ("1", b'{"note": "\\u0000"}', 400),
        ("1", b'{"note": "\\ud800"}', 422),
        ("1", b'{"note": ' + b"[" * DEEP + b"]" * DEEP + b"}", 400),
        ("9223372036854775807", b'{"note": "x"}', 404),
    ],
)
def test_teacher_flag(teacher: TestClient, audit_id: str, body: bytes, status: int) -> None:
    teacher.post("/v1/ask", json={"question": "When was the Berlin Wall erected?"})
    assert_problem(teacher.post(f"/v1/audit/{audit_id}/flag", content=body, headers=JSON), status)


@pytest.mark.parametrize(
    "key", [b"\xe9" * 10, b"x" * 8000, b"' OR 1=1 --", b"../../etc/passwd", b"\t", b"key\x7f"]
)
def test_odd_api_keys_are_401(fake_tutor: Tutor, key: bytes) -> None:
    fake_tutor.create_key("moodle", "student")
    with TestClient(create_app(tutor=fake_tutor), raise_server_exceptions=False) as c:
        r = c.post("/v1/ask", json={"question": "Berlin?"}, headers={"X-API-Key": key})
        if key.strip():
            assert_problem(r, 401)
        else:  # a blank key is no key: still 401, asking for one
            assert "required" in assert_problem(r, 401)


# ---------------------------------------------------------------------- the body limit (ASGI)


async def _drive(app: Any, scope: dict[str, Any], chunks: list[bytes]) -> list[Message]:
    """Send `chunks` as one request's streamed body; return what the app sent back."""
    pending = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        await asyncio.sleep(3600)  # a connection that stays open: the app must not wait here
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, receive, send), timeout=5)
    return sent


def _scope(headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/v1/ask", "headers": headers or []}


async def _echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An app that reads the whole body and answers with its length."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


@pytest.mark.parametrize(
    ("chunks", "headers", "status"),
    [
        ([b"x" * 1000] * 64, [], 200),  # 64,000 bytes streamed: under the limit
        ([b"x" * 1024] * 64, [], 200),  # exactly the limit
        ([b"x" * 1024] * 64 + [b"x"], [], 413),  # one byte over, no Content-Length
        ([b"x"] * 70_000, [], 413),  # many tiny chunks
        ([b"x" * 100_000], [(b"content-length", b"100000")], 413),  # declared over the limit
        ([b"x" * 100_000], [(b"content-length", b"10")], 413),  # declared small, sent large
        ([b"x"], [(b"content-length", b"abc")], 400),
        ([b"x"], [(b"content-length", b"-1")], 400),
        ([b"x"], [(b"content-length", b"1"), (b"content-length", b"2")], 400),
        ([b""], [], 200),
    ],
    ids=[
        "under",
        "exact",
        "one-over",
        "tiny-chunks",
        "declared",
        "lying",
        "nan",
        "neg",
        "twice",
        "empty",
    ],
)
def test_body_limit_counts_streamed_bytes(
    chunks: list[bytes], headers: list[tuple[bytes, bytes]], status: int
) -> None:
    app = BodyLimitMiddleware(_echo, max_bytes=LIMIT)
    sent = asyncio.run(_drive(app, _scope(headers), chunks))
    assert sent[0]["status"] == status
    body = b"".join(m.get("body", b"") for m in sent[1:])
    if status == 200:
        assert int(body) == sum(map(len, chunks))
    else:
        assert set(json.loads(body)) == {"detail"}


def test_body_limit_never_asks_a_client_waiting_for_100_continue_for_its_body() -> None:
    async def receive() -> Message:  # reading would send "100 Continue": the body would follow
        raise AssertionError("the body was asked for")

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(b"content-length", b"100000"), (b"expect", b"100-continue")]
    asyncio.run(BodyLimitMiddleware(_echo, max_bytes=LIMIT)(_scope(headers), receive, send))
    assert sent[0]["status"] == 413 and not sent[-1].get("more_body")


def test_body_limit_leaves_quietly_when_the_client_disconnects() -> None:
    called = False

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal called
        called = True

    messages: list[Message] = [
        {"type": "http.request", "body": b"x", "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(BodyLimitMiddleware(app, max_bytes=LIMIT)(_scope(), receive, send))
    assert sent == [] and not called


# ------------------------------------------------------------------- over a real socket


@pytest.fixture
def live(fake_tutor: Tutor) -> Iterator[str]:
    with serve(create_app(Settings(max_body_bytes=4096), tutor=fake_tutor)) as url:
        yield url


def test_a_declared_large_body_gets_413_over_http(live: str) -> None:
    r = httpx.post(
        f"{live}/v1/ask", content=b'{"question": "' + b"x" * 100_000 + b'"}', headers=JSON
    )
    assert "4096 bytes" in assert_problem(r, 413)


def test_a_chunked_body_is_counted_as_it_streams_over_http(live: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    r = httpx.post(f"{live}/v1/ask", content=chunks(), headers=JSON, timeout=10)
    assert "transfer-encoding" in {k.lower() for k in r.request.headers}  # no Content-Length
    assert_problem(r, 413)


def _post_whole_body(url: str, body: bytes, *, chunked: bool) -> bytes:
    """POST `body` over a raw socket, all of it before reading a byte (as most clients do),
    then read the reply until the server closes: a reset mid-body raises instead."""
    where = urlsplit(url)
    assert where.hostname is not None and where.port is not None
    head = f"POST /v1/ask HTTP/1.1\r\nHost: {where.netloc}\r\nContent-Type: application/json\r\n"
    if chunked:
        step = 64 * 1024
        framed = b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + step]), body[i : i + step])
            for i in range(0, len(body), step)
        )
        payload = (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + framed + b"0\r\n\r\n"
    else:
        payload = (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection((where.hostname, where.port), timeout=30) as s:
        s.sendall(payload)
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    return reply


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_client_that_sends_an_8_mb_body_whole_reads_the_413(live: str, chunked: bool) -> None:
    body = b'{"question": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    reply = _post_whole_body(live, body, chunked=chunked)
    head, _, detail = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 "), head
    assert b"connection: close" in head.lower()
    assert "4096 bytes" in json.loads(detail)["detail"]


def test_the_server_keeps_answering_after_hostile_requests(live: str) -> None:
    with httpx.Client(base_url=live, timeout=10) as c:
        for body in (b"\xff", b"[" * 3000, b'{"question": "\\ud800"}', b"x" * 10_000):
            assert 400 <= c.post("/v1/ask", content=body, headers=JSON).status_code < 500
        r = c.post("/v1/ask", json={"question": "When was the Berlin Wall erected?"})
    assert r.status_code == 200 and "August 13" in r.json()["answer"]


# ------------------------------------------------------------------------------- Telegram


@pytest.fixture
def bot(fake_tutor: Tutor) -> Iterator[tuple[Any, str]]:
    with webhook_bot(fake_tutor) as pair:
        yield pair


@pytest.mark.parametrize(
    "body",
    [b"{", b"\xff\xfe", b"[]", b'"update"', b"null", b"{}", b"[" * DEEP],
    ids=["truncated", "invalid-utf8", "list", "string", "null", "empty-object", "deep"],
)
def test_the_webhook_refuses_bodies_that_are_not_updates(bot: tuple[Any, str], body: bytes) -> None:
    _, url = bot
    r = httpx.post(url, content=body, headers={**JSON, "X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert_problem(r, 400)


def test_telegram_over_long_and_odd_messages_get_polite_replies(bot: tuple[Any, str]) -> None:
    api, url = bot
    chat = Chat(api, url, 4242)
    long = chat.say("Why? " * 400)
    assert "2000 characters long" in long and "up to 1000" in long
    odd = chat.say("Berlin\u0007Wall")
    assert "control character" in odd
    for question in ("Когда была построена Берлинская стена?", "柏林墙 🧱?", "متى؟"):
        reply = chat.say(question)  # an answer or an abstention, not an apology
        assert reply and FRIENDLY_ERROR not in reply
    assert "August 13" in chat.say("When was the Berlin Wall erected?")  # still answering


def test_telegram_an_over_long_quiz_answer_keeps_the_quiz_open(
    bot: tuple[Any, str], fake_tutor: Tutor
) -> None:
    api, url = bot
    chat = Chat(api, url, 4343)
    item = next(i for i in fake_tutor.quizzes.items if i.kind == "short_answer")
    fake_tutor.remember(PENDING, str(chat.chat_id), item.quiz_id)  # as if the bot had asked it
    reply = chat.say("x" * 600)
    assert "answers of up to 500 characters" in reply
    assert fake_tutor.recall(PENDING, str(chat.chat_id)) == item.quiz_id
    assert chat.say("1961").startswith(("✅", "❌"))  # the shorter answer is graded
