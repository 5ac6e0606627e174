"""A fake Telegram Bot API server on 127.0.0.1, for tests of the Telegram adapter.

The real python-telegram-bot `Bot`/`Application` talk HTTP to it::

    with FakeBotAPI() as api:
        bot = telegram.Bot(api.token, base_url=f"{api.root}/bot",
                           base_file_url=f"{api.root}/file/bot")
        api.push_message(42, "/start")          # the student writes
        api.wait_for("sendMessage", lambda p: p["chat_id"] == 42)   # the bot answered

It answers `{root}/bot{token}/{method}` (GET or POST; JSON, form-urlencoded or multipart, as
Telegram does; PTB 22.8 sends form-urlencoded, or multipart when it uploads a file), records
every call in order, keeps the chats' messages and polls, queues updates for `getUpdates`
(long polling that waits on the server's event loop) and posts them to a webhook on demand.

Fidelity worth knowing about:
- `parse_mode="HTML"` is parsed like Telegram does: the returned (and stored) message holds the
  plain text and `entities` (UTF-16 offsets); bad markup is a 400 "can't parse entities: ...".
  Recorded params keep the text as sent. Markdown(V2) text is stored as sent, unparsed.
- `sendPhoto` takes a PNG or JPEG upload (multipart, as PTB sends it) or the file_id of one
  sent before; the message holds PhotoSizes with the image's real width and height, and
  `photo_bytes(file_id)` gives the image back. Bytes that are no image are a 400
  "IMAGE_PROCESS_FAILED", over 10 MB a 413, width + height over 10000 or a side over 20
  times the other "PHOTO_INVALID_DIMENSIONS", a caption over 1024 characters after parsing
  "message caption is too long".
- Limits give Telegram's 400s: text 1-4096 characters after parsing, callback_data 1-64
  bytes, inline buttons need an action, poll question 1-300, options 1-12 of 1-100 characters,
  explanation 0-200 characters with at most 2 line feeds, quizzes need correct_option_ids.
- Editing a message to the same text and markup is a 400 "message is not modified"; editing the
  text without `reply_markup` removes the inline keyboard; answering an unknown or already
  answered callback query is a 400 "query is too old ...".
- `getUpdates` while a webhook is set is a 409; a second concurrent `getUpdates` ends the first
  one with a 409 (as when two bot instances poll); `allowed_updates` is remembered and filters.
- Polls in returned messages carry `correct_option_ids` only (Bot API 9.6 removed
  `correct_option_id`; PTB 22.8 warns when it is present): pass `legacy_correct_option_id=True`
  to add it.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.parser
import email.policy
import html
import itertools
import json
import re
import threading
import time
import urllib.parse
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.servers import serve

JSON = dict[str, Any]

BOT_USER: JSON = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Tutor",
    "username": "tutor_test_bot",
}

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
PHOTO_BYTES_LIMIT = 10 * 1024 * 1024
PHOTO_SIDES_LIMIT = 10_000  # width + height
PHOTO_RATIO_LIMIT = 20
CALLBACK_DATA_LIMIT = 64
POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100
POLL_MAX_OPTIONS = 12
POLL_EXPLANATION_LIMIT = 200
POLL_EXPLANATION_LINE_FEEDS = 2
CALLBACK_ANSWER_LIMIT = 200

# Update types Telegram sends when allowed_updates is empty or was never given.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Form fields that are strings even when they look like JSON ("42", "true", "[1]").
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "question",
        "explanation",
        "description",
        "short_description",
        "name",
        "title",
        "parse_mode",
        "question_parse_mode",
        "explanation_parse_mode",
        "description_parse_mode",
        "text_parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "action",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "emoji",
        "data",
        "query",
    }
)

INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLLING_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class ApiError(Exception):
    """A Telegram error answer: HTTP status, description and optional `parameters`."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        out: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Call:
    """One request the fake answered. `call["text"]` reads `call.params["text"]`."""

    method: str  # as Telegram spells it ("sendMessage"), or as requested when unknown
    params: JSON  # decoded: ints, bools, lists and objects, not their JSON text
    status: int  # HTTP status of the answer
    response: JSON  # the JSON answer
    content_type: str  # of the request body ("" for none)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


# --------------------------------------------------------------------------- text helpers


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: Telegram's unit for entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,7});")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _char_ref(match: re.Match[str]) -> str | None:
    ref = match.group(1)
    if ref.startswith(("#x", "#X")):
        code = int(ref[2:], 16)
    elif ref.startswith("#"):
        code = int(ref[1:])
    else:
        return _NAMED_REFS.get(ref)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Telegram's HTML parse mode: (plain text, entities), or an ApiError like Telegram's.

    Follows tdlib: `&` not starting a known character reference stays literal, `>` is literal,
    every `<` must start a supported tag, and tags must nest properly.
    """

    def fail(what: str) -> ApiError:
        return bad_request(f"can't parse entities: {what}")

    def byte_offset(i: int) -> int:
        return len(source[:i].encode("utf-8"))

    out: list[str] = []
    pos = 0  # UTF-16 offset in the output
    stack: list[tuple[str, JSON, int]] = []  # (tag, entity without offset/length, start)
    entities: list[JSON] = []
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if c == "&":
            m = _CHAR_REF.match(source, i)
            decoded = _char_ref(m) if m else None
            if m and decoded is not None:
                out.append(decoded)
                pos += utf16_len(decoded)
                i = m.end()
                continue
        if c != "<":
            out.append(c)
            pos += utf16_len(c)
            i += 1
            continue
        begin = i
        if source.startswith("</", i):
            end = source.find(">", i)
            if end == -1:
                raise fail(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            name = source[i + 2 : end].strip().lower()
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            open_name, opened, start = stack.pop()
            if name != open_name:
                raise fail(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, expected "
                    f'"</{open_name}>", found "</{name}>"'
                )
            language = opened.pop("_language", None)
            if open_name == "code" and language and stack and stack[-1][0] == "pre":
                stack[-1][1]["language"] = language
            elif pos > start and opened:
                entities.append({**opened, "offset": start, "length": pos - start})
            i = end + 1
            continue
        i += 1
        name_start = i
        while i < n and not source[i].isspace() and source[i] != ">":
            i += 1
        if i >= n:
            raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        name = source[name_start:i].lower()
        if name not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}')
        attrs: dict[str, str] = {}
        while True:
            while i < n and source[i].isspace():
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if source[i] == ">":
                i += 1
                break
            attr_start = i
            while i < n and not source[i].isspace() and source[i] not in "=>":
                i += 1
            attr = source[attr_start:i].lower()
            if not attr:
                raise fail(
                    f'Empty attribute name in the tag "{name}" at byte offset {byte_offset(begin)}'
                )
            while i < n and source[i].isspace():
                i += 1
            value = ""
            if i < n and source[i] == "=":
                i += 1
                while i < n and source[i].isspace():
                    i += 1
                if i < n and source[i] in "\"'":
                    close = source.find(source[i], i + 1)
                    if close == -1:
                        raise fail(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                    value = html.unescape(source[i + 1 : close])
                    i = close + 1
                else:
                    value_start = i
                    while i < n and not source[i].isspace() and source[i] != ">":
                        i += 1
                    value = html.unescape(source[value_start:i])
            attrs[attr] = value
        entity: JSON = {"type": _HTML_TAGS[name]}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
            )
        if name == "a":
            entity = {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else {}
        elif name == "code" and attrs.get("class", "").startswith("language-"):
            entity["_language"] = attrs["class"].removeprefix("language-")
        elif name == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        elif name == "tg-emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id", "")
        stack.append((name, entity, pos))
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), entities


def trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Drop leading and trailing whitespace as Telegram does, moving entities with the text."""
    stripped = text.strip()
    if stripped == text:
        return text, sorted(entities, key=lambda e: (e["offset"], -e["length"]))
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    out = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, size)
        if end > start:
            out.append({**e, "offset": start, "length": end - start})
    return stripped, sorted(out, key=lambda e: (e["offset"], -e["length"]))


def formatted(text: Any, parse_mode: Any, entities: Any) -> tuple[str, Any]:
    """(text as Telegram stores it, entities or None) for a text and its parse mode."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if isinstance(entities, list) and entities:
        return text, entities
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        plain, found = parse_html(text)
        plain, found = trim(plain, found)
        return plain, found or None
    return text.strip(), None


def command_entities(text: str) -> list[JSON]:
    """The bot_command entity Telegram adds to a message starting with a command."""
    m = _COMMAND.match(text)
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group())}] if m else []


# --------------------------------------------------------------------------- request decoding


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of PNG or JPEG bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 9 < len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
            return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(
                data[i + 5 : i + 7], "big"
            )
        i += 2 + length
    return None


def decode_value(key: str, value: Any) -> Any:
    """A form field as Telegram reads it: JSON for numbers, booleans, arrays and objects."""
    if not isinstance(value, str) or key in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def parse_multipart(body: bytes, content_type: str) -> JSON:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    out: JSON = {}
    if not message.is_multipart():
        raise bad_request("can't parse multipart request body")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            out[name] = content.decode("utf-8")
        else:
            out[name] = UploadedFile(filename, part.get_content_type(), content)
    return out


async def read_params(request: Request) -> tuple[JSON, str]:
    """The request's parameters, decoded, and its content type."""
    raw: JSON = dict(request.query_params)
    typed: JSON = {}
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";")[0].strip().lower()
    body = await request.body()
    if body.strip():
        if kind == "application/json":
            try:
                data = json.loads(body)
            except ValueError as exc:
                raise bad_request("can't parse JSON encoded request body") from exc
            if not isinstance(data, dict):
                raise bad_request("JSON object expected in request body")
            typed.update(data)
        elif kind == "application/x-www-form-urlencoded":
            raw.update(urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif kind == "multipart/form-data":
            raw.update(parse_multipart(body, content_type))
        else:
            raise bad_request(f"unsupported Content-Type {content_type!r}")
    params = {k: decode_value(k, v) for k, v in raw.items()}
    params.update(typed)
    return params, content_type


# --------------------------------------------------------------------------- the fake


class FakeBotAPI:
    """A fake Bot API for one bot. Use as a context manager; every method is thread-safe."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_user: JSON | None = None,
        legacy_correct_option_id: bool = False,
    ) -> None:
        self.token = token
        prefix = token.split(":")[0]
        bot_id = int(prefix) if prefix.isdigit() else BOT_USER["id"]  # Telegram's: the prefix
        self.bot_user: JSON = dict(bot_user or {**BOT_USER, "id": bot_id})
        self.legacy_correct_option_id = legacy_correct_option_id
        self.root = ""
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._updates: list[JSON] = []  # queued, not yet confirmed, ordered by update_id
        self._dropped: list[JSON] = []  # filtered out by allowed_updates or dropped
        self._update_ids = itertools.count(100_000_001)
        self._message_ids: dict[int, int] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._chats: dict[int, JSON] = {}
        self._users: dict[int, JSON] = {}
        self._polls: dict[str, JSON] = {}
        self._votes: dict[tuple[str, int], list[int]] = {}
        self._poll_ids = itertools.count(5_401_000_000_000_000_001)
        self._callback_ids = itertools.count(1_848_000_000_000_000_001)
        self._callbacks: dict[str, bool] = {}  # callback query id -> answered
        self._photos: dict[str, tuple[bytes, int, int]] = {}  # file_id -> (image, w, h)
        self._failures: dict[str, list[ApiError]] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._webhook: JSON = {}
        self._allowed_updates: list[str] | None = None
        self._polling_generation = 0
        self._closing = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._stack = contextlib.ExitStack()
        self.app = self._make_app()

    # ----------------------------------------------------------------- lifecycle

    def __enter__(self) -> FakeBotAPI:
        self.root = self._stack.enter_context(serve(self.app))
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._closing = True
        self._wake()  # long polls return [] now, so the server stops at once
        self._stack.close()

    @property
    def base_url(self) -> str:
        """PTB's `base_url`."""
        return f"{self.root}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's `base_file_url`."""
        return f"{self.root}/file/bot"

    # ----------------------------------------------------------------- inspection

    def calls(self, method: str | None = None) -> list[Call]:
        """Every call answered so far, in order; only those of `method` if given."""
        with self._lock:
            wanted = self._canonical(method) if method else None
            return [c for c in self._calls if wanted is None or c.method == wanted]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[JSON], bool] = lambda params: True,
        timeout: float = 10.0,
        count: int = 1,
    ) -> list[Call]:
        """Block until `count` calls of `method` match `predicate(params)`; return all matching.

        A predicate raising KeyError or TypeError counts as not matching. Raises
        AssertionError listing the calls seen so far when the time runs out.
        """
        wanted = self._canonical(method)

        def matches(call: Call) -> bool:
            if call.method != wanted:
                return False
            try:
                return bool(predicate(call.params))
            except (KeyError, TypeError):
                return False

        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self._calls if matches(c)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = "\n".join(
                        f"  {c.method} {c.status} {c.params}"
                        + ("" if c.ok else f" -> {c.response.get('description')}")
                        for c in self._calls
                        if c.method != "getUpdates" or c.result
                    )
                    raise AssertionError(
                        f"expected {count} matching {wanted} call(s) within {timeout}s, "
                        f"got {len(found)}; calls so far (empty getUpdates omitted):\n{seen}"
                    )
                self._changed.wait(remaining)

    @property
    def polls(self) -> dict[str, JSON]:
        """poll id -> the poll as Telegram holds it (options with text and persistent_id)."""
        with self._lock:
            return copy.deepcopy(self._polls)

    def photo_bytes(self, file_id: str) -> bytes:
        """The image a sendPhoto uploaded, by the file_id of any of its PhotoSizes."""
        with self._lock:
            return self._photos[file_id.split(":")[0]][0]

    def poll_option(self, poll_id: str, text: str) -> int:
        """The index of the option of that poll whose text is `text`."""
        with self._lock:
            options = [o["text"] for o in self._polls[poll_id]["options"]]
        if text not in options:
            raise KeyError(f"poll {poll_id} has no option {text!r}; it has {options}")
        return options.index(text)

    def message(self, chat_id: int, message_id: int) -> JSON:
        """A message as Telegram holds it now (plain text and entities, after edits)."""
        with self._lock:
            try:
                return copy.deepcopy(self._messages[(chat_id, message_id)])
            except KeyError:
                raise KeyError(f"no message {message_id} in chat {chat_id}") from None

    def chat_messages(self, chat_id: int) -> list[JSON]:
        """Every message of a chat, the student's and the bot's, by message_id."""
        with self._lock:
            found = [m for (c, _), m in self._messages.items() if c == chat_id]
            return copy.deepcopy(sorted(found, key=lambda m: m["message_id"]))

    def sent_messages(self, chat_id: int | None = None) -> list[JSON]:
        """The bot's messages (texts and polls) as they stand now, in order."""
        with self._lock:
            found = [
                m
                for (c, _), m in self._messages.items()
                if m["from"]["id"] == self.bot_user["id"] and chat_id in (None, c)
            ]
            return copy.deepcopy(found)  # in the order sent

    def pending_updates(self) -> list[JSON]:
        """Updates queued and not yet confirmed by getUpdates(offset=...)."""
        with self._lock:
            return copy.deepcopy(self._updates)

    @property
    def dropped_updates(self) -> list[JSON]:
        """Updates never delivered: filtered by allowed_updates or dropped by the bot."""
        with self._lock:
            return copy.deepcopy(self._dropped)

    @property
    def webhook(self) -> JSON:
        """The webhook set by setWebhook ({} when none): url, secret_token, allowed_updates."""
        with self._lock:
            return copy.deepcopy(self._webhook)

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The commands set by setMyCommands for a scope (default scope when None)."""
        with self._lock:
            return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    # ----------------------------------------------------------------- control

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with an error instead.

        429 is Telegram's flood control (`parameters.retry_after`); 403 defaults to "Forbidden:
        bot was blocked by the user"; other statuses need or default to a plain description.
        """
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            elif status == 403:
                description = "Forbidden: bot was blocked by the user"
            else:
                description = HTTPStatus(status).phrase
        parameters = {"retry_after": retry_after} if status == 429 else None
        with self._lock:
            queue = self._failures.setdefault(self._canonical(method), [])
            queue.extend(ApiError(status, description, parameters) for _ in range(times))

    def make_message_update(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        first_name: str = "Student",
    ) -> JSON:
        """A private-chat text message update (not queued); commands get a bot_command entity.

        The message is stored in the chat, so the bot can reply to it.
        """
        with self._lock:
            user = self._user(chat_id if user_id is None else user_id, first_name)
            chat = self._chat(chat_id, first_name)
            message: JSON = {
                "message_id": self._next_message_id(chat_id),
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            entities = command_entities(text)
            if entities:
                message["entities"] = entities
            self._messages[(chat_id, message["message_id"])] = message
            return {"update_id": next(self._update_ids), "message": copy.deepcopy(message)}

    def make_callback_update(
        self, chat_id: int, data: str, message_id: int, user_id: int | None = None
    ) -> JSON:
        """A callback_query update for a button of a message (not queued).

        `message` is the referenced message as it stands (with its inline keyboard).
        """
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            if message is None:
                raise KeyError(f"no message {message_id} in chat {chat_id} to press a button of")
            user = self._user(chat_id if user_id is None else user_id)
            query_id = str(next(self._callback_ids))
            self._callbacks[query_id] = False
            query = {
                "id": query_id,
                "from": user,
                "message": copy.deepcopy(message),
                "chat_instance": str(-(4_000_000_000_000_000_000 + chat_id)),
                "data": data,
            }
            return {"update_id": next(self._update_ids), "callback_query": query}

    def make_poll_answer_update(
        self, poll_id: str, option_ids: Sequence[int | str], user_id: int
    ) -> JSON:
        """A poll_answer update (not queued); options by index or by text. Counts the vote.

        Raises ValueError for what Telegram would never send: answers to anonymous or closed
        polls, a second answer where revoting is not allowed, several options where only one
        is, options that do not exist.
        """
        with self._lock:
            poll = self._polls.get(poll_id)
            if poll is None:
                raise KeyError(f"no poll {poll_id}; polls: {list(self._polls)}")
            ids = [self.poll_option(poll_id, o) if isinstance(o, str) else o for o in option_ids]
            if poll["is_anonymous"]:
                raise ValueError("Telegram sends no poll_answer for an anonymous poll")
            if poll["is_closed"]:
                raise ValueError("the poll is closed")
            if any(not 0 <= i < len(poll["options"]) for i in ids) or len(set(ids)) != len(ids):
                raise ValueError(f"bad option ids {ids} for {len(poll['options'])} options")
            if len(ids) > 1 and not poll["allows_multiple_answers"]:
                raise ValueError("the poll allows one answer only")
            previous = self._votes.get((poll_id, user_id))
            if previous and not poll["allows_revoting"]:
                raise ValueError("the poll does not allow changing an answer")
            for i in previous or []:
                poll["options"][i]["voter_count"] -= 1
            for i in ids:
                poll["options"][i]["voter_count"] += 1
            poll["total_voter_count"] += (1 if ids else 0) - (1 if previous else 0)
            self._votes[(poll_id, user_id)] = ids
            answer = {
                "poll_id": poll_id,
                "user": self._user(user_id),
                "option_ids": ids,
                "option_persistent_ids": [poll["options"][i]["persistent_id"] for i in ids],
            }
            return {"update_id": next(self._update_ids), "poll_answer": answer}

    def push_update(self, update: JSON) -> JSON:
        """Queue an update for getUpdates (e.g. one built by a make_*_update method)."""
        with self._lock:
            self._updates.append(copy.deepcopy(update))
            self._updates.sort(key=lambda u: u["update_id"])
        self._wake()
        return update

    def push_message(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        first_name: str = "Student",
    ) -> JSON:
        """The student writes `text` in their private chat; returns the queued update."""
        return self.push_update(self.make_message_update(chat_id, text, user_id, first_name))

    def push_callback(
        self, chat_id: int, data: str, message_id: int, user_id: int | None = None
    ) -> JSON:
        """The student presses an inline button with callback `data` under a message."""
        return self.push_update(self.make_callback_update(chat_id, data, message_id, user_id))

    def press_button(
        self, chat_id: int, message_id: int, button_text: str, user_id: int | None = None
    ) -> JSON:
        """The student presses the inline button labelled `button_text` under a message."""
        message = self.message(chat_id, message_id)
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        for button in itertools.chain.from_iterable(rows):
            if button.get("text") == button_text and "callback_data" in button:
                return self.push_callback(chat_id, button["callback_data"], message_id, user_id)
        labels = [b.get("text") for b in itertools.chain.from_iterable(rows)]
        raise KeyError(f"no callback button {button_text!r} under message {message_id}: {labels}")

    def push_poll_answer(self, poll_id: str, option_ids: Sequence[int | str], user_id: int) -> JSON:
        """The student answers a poll (options by index or by text)."""
        return self.push_update(self.make_poll_answer_update(poll_id, option_ids, user_id))

    def deliver(self, update: JSON, url: str | None = None, secret_token: str | None = None) -> int:
        """POST one update to a webhook as Telegram does; return the HTTP status.

        Without `url`, to the webhook set by setWebhook, with its secret token.
        """
        if url is None:
            hook = self.webhook
            if not hook:
                raise AssertionError("no webhook is set and no url was given")
            url, secret_token = hook["url"], hook.get("secret_token")
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret_token} if secret_token else {}
        with httpx.Client(timeout=30.0) as client:
            return client.post(url, json=update, headers=headers).status_code

    # ----------------------------------------------------------------- internals: state

    def _canonical(self, method: str) -> str:
        return self._methods_lower.get(method.lower(), method)

    def _user(self, user_id: int, first_name: str | None = None) -> JSON:
        user = self._users.get(user_id)
        if user is None or (first_name and user["first_name"] != first_name):
            user = {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name or "Student",
                "language_code": "en",
            }
            self._users[user_id] = user
        return copy.deepcopy(user)

    def _chat(self, chat_id: int, first_name: str | None = None) -> JSON:
        chat = self._chats.get(chat_id)
        if chat is None or (first_name and chat["first_name"] != first_name):
            chat = {"id": chat_id, "type": "private", "first_name": first_name or "Student"}
            self._chats[chat_id] = chat
        return copy.deepcopy(chat)

    def _next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope if isinstance(scope, dict) else {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    def _record(self, call: Call) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def _wake(self) -> None:
        """Wake the long polls (from any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._notify)

    def _notify(self) -> None:  # on the server's loop
        if self._wakeup is not None:
            self._wakeup.set()
        self._wakeup = asyncio.Event()

    # ----------------------------------------------------------------- internals: HTTP

    def _make_app(self) -> Starlette:
        handlers: dict[str, Callable[[JSON], Any]] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPoll": self._send_poll,
            "sendPhoto": self._send_photo,
            "stopPoll": self._stop_poll,
            "sendChatAction": self._send_chat_action,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": lambda p: True,
            "setMyShortDescription": lambda p: True,
            "setChatMenuButton": lambda p: True,
            "close": lambda p: True,
            "logOut": lambda p: True,
        }
        self._handlers = handlers
        self._methods_lower = {name.lower(): name for name in [*handlers, "getUpdates"]}

        @contextlib.asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            self._loop = asyncio.get_running_loop()
            self._wakeup = asyncio.Event()
            yield

        async def not_found(request: Request) -> JSONResponse:
            return JSONResponse(ApiError(404, "Not Found").body(), status_code=404)

        return Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/{rest:path}", not_found, methods=["GET", "POST"]),
            ],
            lifespan=lifespan,
        )

    async def _endpoint(self, request: Request) -> JSONResponse:
        token = request.path_params["token"]
        requested = request.path_params["method"]
        method = self._canonical(requested)
        params: JSON = {}
        content_type = request.headers.get("content-type", "")
        unreadable: ApiError | None = None
        try:
            params, content_type = await read_params(request)
        except ApiError as err:
            unreadable = err
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if method not in self._handlers and method != "getUpdates":
                raise ApiError(404, "Not Found")
            if unreadable is not None:
                raise unreadable
            with self._lock:
                failures = self._failures.get(method)
                if failures:
                    raise failures.pop(0)
            if method == "getUpdates":
                result = await self._get_updates(params)
            else:
                with self._lock:
                    result = self._handlers[method](params)
            body: JSON = {"ok": True, "result": result}
            status = 200
        except ApiError as err:
            body, status = err.body(), err.status
        self._record(Call(method, params, status, copy.deepcopy(body), content_type))
        return JSONResponse(body, status_code=status)

    # ----------------------------------------------------------------- internals: methods
    # Each runs under self._lock on the server's loop and returns the `result`.

    def _get_me(self, params: JSON) -> JSON:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _take(self, limit: int) -> list[JSON]:
        allowed = set(self._allowed_updates or ())
        batch: list[JSON] = []
        for update in list(self._updates):
            kind = next((k for k in update if k != "update_id"), "")
            ok = kind in allowed if allowed else kind not in DEFAULT_EXCLUDED_UPDATES
            if not ok:
                self._updates.remove(update)
                self._dropped.append(update)
            elif len(batch) < limit:
                batch.append(copy.deepcopy(update))
        return batch

    async def _get_updates(self, params: JSON) -> list[JSON]:
        loop = asyncio.get_running_loop()
        offset = self._int(params, "offset", 0)
        limit = min(max(self._int(params, "limit", 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        with self._lock:
            if self._webhook:
                raise ApiError(409, WEBHOOK_CONFLICT)
            allowed = params.get("allowed_updates")
            if isinstance(allowed, list):
                self._allowed_updates = [str(a) for a in allowed] or None
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            self._polling_generation += 1
            generation = self._polling_generation
        self._notify()  # an earlier long poll still waiting ends with a 409
        deadline = loop.time() + timeout
        while True:
            with self._lock:
                if self._polling_generation != generation:
                    raise ApiError(409, POLLING_CONFLICT)
                batch = self._take(limit)
                if batch or self._closing:
                    return batch
            wakeup = self._wakeup
            remaining = deadline - loop.time()
            if remaining <= 0 or wakeup is None:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)

    @staticmethod
    def _int(params: JSON, key: str, default: int | None = None) -> int:
        value = params.get(key, default)
        if value is None or value == "":
            if default is None:
                raise bad_request(f"{key} is empty")
            return default
        try:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise ValueError(value)
            return int(value)
        except ValueError:
            if key == "chat_id":  # "@username": no such chat here
                raise bad_request("chat not found") from None
            raise bad_request(f'field "{key}" must be of type Integer') from None

    def _chat_id(self, params: JSON) -> int:
        return self._int(params, "chat_id")

    @staticmethod
    def _check_markup(markup: Any) -> JSON | None:
        """The inline keyboard to store in the message, after Telegram's checks."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None  # reply keyboards and ForceReply are not part of the message
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "inline_keyboard" must be an Array of Arrays')
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: text is empty")
            if not INLINE_BUTTON_ACTIONS & set(button):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
        return copy.deepcopy(markup) if rows else None

    def _reply_to(self, chat_id: int, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        if message_id is None:
            message_id = params.get("reply_to_message_id")
        if message_id is None:
            return None
        target = self._messages.get((chat_id, int(message_id)))
        if target is None:
            lenient = params.get("allow_sending_without_reply") or (
                isinstance(reply, dict) and reply.get("allow_sending_without_reply")
            )
            if lenient:
                return None
            raise bad_request("message to be replied not found")
        out = copy.deepcopy(target)
        out.pop("reply_to_message", None)
        return out

    def _new_bot_message(self, chat_id: int, params: JSON) -> JSON:
        message: JSON = {
            "message_id": self._next_message_id(chat_id),
            "from": copy.deepcopy(self.bot_user),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }
        reply_to = self._reply_to(chat_id, params)
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    def _text_and_entities(self, params: JSON) -> tuple[str, Any]:
        text, entities = formatted(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise bad_request("message text is empty")
        if len(text) > MESSAGE_LIMIT:
            raise bad_request("message is too long")
        return text, entities

    def _keep(self, chat_id: int, message: JSON, markup: JSON | None) -> JSON:
        """Store a message the bot sent, with its inline keyboard; the copy to answer with."""
        if markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        return copy.deepcopy(message)

    def _send_message(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        text, entities = self._text_and_entities(params)
        markup = self._check_markup(params.get("reply_markup"))
        message = self._new_bot_message(chat_id, params)
        message["text"] = text
        if entities:
            message["entities"] = entities
        return self._keep(chat_id, message, markup)

    def _send_photo(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        photo = params.get("photo")
        if isinstance(photo, str) and photo.startswith("attach://"):
            photo = params.get(photo.removeprefix("attach://"))
        if isinstance(photo, UploadedFile):
            if len(photo.content) > PHOTO_BYTES_LIMIT:
                raise ApiError(413, "Request Entity Too Large")
            size = image_size(photo.content)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if (
                not width
                or not height
                or width + height > PHOTO_SIDES_LIMIT
                or max(width, height) > PHOTO_RATIO_LIMIT * min(width, height)
            ):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            file_id = f"photo-{len(self._photos) + 1}"
            self._photos[file_id] = (photo.content, width, height)
        elif isinstance(photo, str) and photo.split(":")[0] in self._photos:
            file_id = photo.split(":")[0]
        elif photo in (None, ""):
            raise bad_request("there is no photo in the request")
        else:
            raise bad_request("wrong remote file identifier specified: can't unserialize it")
        data, width, height = self._photos[file_id]
        caption, entities = formatted(
            params.get("caption"), params.get("parse_mode"), params.get("caption_entities")
        )
        if len(caption) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        markup = self._check_markup(params.get("reply_markup"))
        message = self._new_bot_message(chat_id, params)
        scale = min(1.0, 320 / max(width, height))  # Telegram adds a thumbnail
        sizes = [(round(width * scale), round(height * scale)), (width, height)]
        message["photo"] = [
            {
                "file_id": f"{file_id}:{w}x{h}",
                "file_unique_id": f"{file_id}-{w}",
                "width": w,
                "height": h,
                "file_size": len(data),
            }
            for w, h in dict.fromkeys(sizes)
        ]
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        return self._keep(chat_id, message, markup)

    def _bot_message(self, params: JSON, action: str) -> JSON:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat_id = self._chat_id(params)
        message_id = self._int(params, "message_id")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise bad_request(f"message to {action} not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad_request(f"message can't be {action}ed")
        return message

    def _edit_message_text(self, params: JSON) -> JSON:
        message = self._bot_message(params, "edit")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text_and_entities(params)
        markup = self._check_markup(params.get("reply_markup"))
        before = (message.get("text"), message.get("entities"), message.get("reply_markup"))
        if before == (text, entities, markup):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        message["text"] = text
        for key, value in (("entities", entities), ("reply_markup", markup)):
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: JSON) -> JSON:
        message = self._bot_message(params, "edit")
        markup = self._check_markup(params.get("reply_markup"))
        if message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _delete_message(self, params: JSON) -> bool:
        chat_id = self._chat_id(params)
        message_id = self._int(params, "message_id")
        if self._messages.pop((chat_id, message_id), None) is None:
            raise bad_request("message to delete not found")
        return True

    def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if self._callbacks.get(query_id, True):
            raise bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
        if len(str(params.get("text") or "")) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self._callbacks[query_id] = True
        return True

    def _send_poll(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        question, question_entities = formatted(
            params.get("question"),
            params.get("question_parse_mode"),
            params.get("question_entities"),
        )
        if not 1 <= len(question) <= POLL_QUESTION_LIMIT:
            raise bad_request(f"poll question length must be 1-{POLL_QUESTION_LIMIT}")
        raw_options = params.get("options")
        if not isinstance(raw_options, list) or not raw_options:
            raise bad_request("poll must have at least 1 option")
        if len(raw_options) > POLL_MAX_OPTIONS:
            raise bad_request(f"poll can't have more than {POLL_MAX_OPTIONS} options")
        options: list[JSON] = []
        poll_id = str(next(self._poll_ids))
        for i, raw in enumerate(raw_options):
            option = raw if isinstance(raw, dict) else {"text": raw}
            text, entities = formatted(
                option.get("text"), option.get("text_parse_mode"), option.get("text_entities")
            )
            if not 1 <= len(text) <= POLL_OPTION_LIMIT:
                raise bad_request(f"poll options length must not exceed {POLL_OPTION_LIMIT}")
            out: JSON = {"text": text, "voter_count": 0, "persistent_id": f"{poll_id}:{i}"}
            if entities:
                out["text_entities"] = entities
            options.append(out)
        kind = params.get("type") or "regular"
        if kind not in ("regular", "quiz"):
            raise bad_request("wrong poll type specified")
        correct = params.get("correct_option_ids")
        if correct is None and params.get("correct_option_id") is not None:
            correct = [params["correct_option_id"]]
        if kind == "quiz":
            if not isinstance(correct, list) or not correct:
                raise bad_request("QUIZ_CORRECT_ANSWERS_EMPTY")
            if any(not isinstance(c, int) or not 0 <= c < len(options) for c in correct):
                raise bad_request("QUIZ_CORRECT_ANSWER_INVALID")
            if correct != sorted(set(correct)):
                raise bad_request("correct option identifiers must be monotonically increasing")
        elif correct:
            raise bad_request("correct option identifiers can be specified only for quizzes")
        explanation, explanation_entities = formatted(
            params.get("explanation"),
            params.get("explanation_parse_mode"),
            params.get("explanation_entities"),
        )
        if len(explanation) > POLL_EXPLANATION_LIMIT:
            raise bad_request("explanation is too long")
        if explanation.count("\n") > POLL_EXPLANATION_LINE_FEEDS:
            raise bad_request("explanation has too many line feeds")
        allows_revoting = params.get("allows_revoting")
        poll: JSON = {
            "id": poll_id,
            "question": question,
            "options": options,
            "total_voter_count": 0,
            "is_closed": bool(params.get("is_closed", False)),
            "is_anonymous": bool(params.get("is_anonymous", True)),
            "type": kind,
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": (kind != "quiz") if allows_revoting is None else allows_revoting,
            "members_only": bool(params.get("members_only", False)),
        }
        if question_entities:
            poll["question_entities"] = question_entities
        if kind == "quiz":
            poll["correct_option_ids"] = list(correct or [])
            if self.legacy_correct_option_id:
                poll["correct_option_id"] = poll["correct_option_ids"][0]
        if explanation:
            poll["explanation"] = explanation
            if explanation_entities:
                poll["explanation_entities"] = explanation_entities
        for key in ("open_period", "close_date", "description"):
            if params.get(key) is not None:
                poll[key] = params[key]
        markup = self._check_markup(params.get("reply_markup"))
        message = self._new_bot_message(chat_id, params)
        message["poll"] = poll  # the same object as in self._polls: votes show in both
        if markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        self._polls[poll_id] = poll
        return copy.deepcopy(message)

    def _stop_poll(self, params: JSON) -> JSON:
        message = self._bot_message(params, "stop")
        poll = message.get("poll")
        if poll is None:
            raise bad_request("message with poll to stop not found")
        if poll["is_closed"]:
            raise bad_request("poll has already been closed")
        poll["is_closed"] = True
        markup = self._check_markup(params.get("reply_markup"))
        if markup:
            message["reply_markup"] = markup
        return copy.deepcopy(poll)

    def _send_chat_action(self, params: JSON) -> bool:
        self._chat_id(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _set_webhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if url and not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._dropped.extend(self._updates)
            self._updates = []
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed] or None
        self._webhook = (
            {"url": url, "secret_token": secret, "allowed_updates": allowed} if url else {}
        )
        self._notify()  # a waiting long poll ends with a 409
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._dropped.extend(self._updates)
            self._updates = []
        self._webhook = {}
        return True

    def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook:
            info["max_connections"] = 40
            info["ip_address"] = "127.0.0.1"
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
        return info

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(name)):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("command description must be 1-256 characters")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = copy.deepcopy(commands)
        return True

    def _get_my_commands(self, params: JSON) -> list[JSON]:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSON) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands.pop(key, None)
        return True
