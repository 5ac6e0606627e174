"""The fake Telegram Bot API, driven by python-telegram-bot's real Bot and Application."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode, PollType
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tests.fake_telegram import FakeBotAPI, UploadedFile
from tests.servers import serve

CHAT = 4242


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        yield fake


def make_bot(api: FakeBotAPI, token: str | None = None) -> Bot:
    return Bot(token or api.token, base_url=f"{api.root}/bot", base_file_url=f"{api.root}/file/bot")


def with_bot(api: FakeBotAPI, fn: Callable[[Bot], Awaitable[Any]]) -> Any:
    """Run `fn(bot)` with an initialised PTB Bot talking to the fake."""

    async def main() -> Any:
        async with make_bot(api) as bot:
            return await fn(bot)

    return asyncio.run(main())


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in buttons]])


def test_get_me_returns_the_bot_user(api: FakeBotAPI) -> None:
    me = with_bot(api, lambda bot: bot.get_me())
    assert me.id == api.bot_user["id"] == 123456
    assert me.username == "tutor_test_bot"
    assert me.is_bot is True
    assert [c.method for c in api.calls()] == ["getMe", "getMe"]  # initialize() and ours
    assert api.root.startswith("http://127.0.0.1:")


def test_send_message_parses_html_and_echoes_the_keyboard(api: FakeBotAPI) -> None:
    markup = keyboard(("Quiz me", "quiz:q-1"), ("Show passage", "passage:ab12"))

    async def send(bot: Bot) -> Any:
        first = await bot.send_message(
            CHAT, "<b>Cuba</b> &amp; <i>Berlin</i> 😀 a>b", parse_mode=ParseMode.HTML
        )
        second = await bot.send_message(CHAT, "Next", reply_markup=markup)
        return first, second

    first, second = with_bot(api, send)
    assert first.text == "Cuba & Berlin 😀 a>b"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [
        ("bold", 0, 4),
        ("italic", 7, 6),
    ]
    assert first.chat.id == CHAT and first.chat.type == "private"
    assert first.from_user.id == api.bot_user["id"]
    assert second.message_id == first.message_id + 1
    assert second.reply_markup == markup

    calls = api.calls("sendMessage")
    assert calls[0]["text"] == "<b>Cuba</b> &amp; <i>Berlin</i> 😀 a>b"
    assert calls[0]["parse_mode"] == "HTML"
    assert calls[0]["chat_id"] == CHAT
    assert calls[1]["reply_markup"] == {
        "inline_keyboard": [
            [
                {"text": "Quiz me", "callback_data": "quiz:q-1"},
                {"text": "Show passage", "callback_data": "passage:ab12"},
            ]
        ]
    }
    assert calls[1].content_type == "application/x-www-form-urlencoded"  # how PTB 22.8 sends
    assert [m["text"] for m in api.sent_messages(CHAT)] == ["Cuba & Berlin 😀 a>b", "Next"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": "<b>open", "parse_mode": "HTML"}, "can't parse entities"),
        ({"text": "1 < 2", "parse_mode": "HTML"}, 'Unsupported start tag ""'),
        ({"text": "<script>x</script>", "parse_mode": "HTML"}, "Unsupported start tag"),
        ({"text": "x" * 4097}, "message is too long"),
        ({"text": "<b> </b>", "parse_mode": "HTML"}, "message text is empty"),
        ({"text": "x", "reply_markup": keyboard(("b", "d" * 65))}, "BUTTON_DATA_INVALID"),
        (
            {"text": "x", "reply_markup": InlineKeyboardMarkup([[InlineKeyboardButton("b")]])},
            "Text buttons are unallowed",
        ),
    ],
)
def test_send_message_refuses_what_telegram_refuses(
    api: FakeBotAPI, kwargs: dict[str, Any], error: str
) -> None:
    with pytest.raises(BadRequest, match=f"(?i){error}"):  # PTB capitalizes the description
        with_bot(api, lambda bot: bot.send_message(CHAT, **kwargs))
    assert api.calls("sendMessage")[0].status == 400
    assert api.sent_messages() == []


def test_send_quiz_poll_returns_a_poll_ptb_parses(api: FakeBotAPI) -> None:
    message = with_bot(
        api,
        lambda bot: bot.send_poll(
            CHAT,
            "When was the Berlin Wall erected?",
            ["1958", "1961", "1963"],
            type=PollType.QUIZ,
            correct_option_ids=[1],
            is_anonymous=False,
            explanation="Source: “On August 13, the Berlin Wall was erected.”",
        ),
    )
    poll = message.poll
    assert poll is not None
    assert [o.text for o in poll.options] == ["1958", "1961", "1963"]
    assert poll.correct_option_ids == (1,)
    assert poll.type == "quiz" and poll.is_anonymous is False and poll.allows_revoting is False
    assert poll.explanation.startswith("Source:")
    assert len({o.persistent_id for o in poll.options}) == 3
    assert api.polls[poll.id]["options"][1]["text"] == "1961"
    assert api.poll_option(poll.id, "1963") == 2
    [call] = api.calls("sendPoll")
    assert call["options"] == [{"text": "1958"}, {"text": "1961"}, {"text": "1963"}]
    assert call["correct_option_ids"] == [1] and call["is_anonymous"] is False


def test_poll_limits_and_quiz_rules(api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match=r"(?i)must not exceed 100"):
        with_bot(api, lambda bot: bot.send_poll(CHAT, "Q?", ["a", "x" * 101]))
    with pytest.raises(BadRequest, match=r"(?i)QUIZ_CORRECT_ANSWERS_EMPTY"):
        with_bot(api, lambda bot: bot.send_poll(CHAT, "Q?", ["a", "b"], type=PollType.QUIZ))
    anonymous = with_bot(api, lambda bot: bot.send_poll(CHAT, "Q?", ["a", "b"]))
    with pytest.raises(ValueError, match="anonymous"):
        api.push_poll_answer(anonymous.poll.id, [0], CHAT)


def test_get_updates_returns_pushed_updates_and_offset_confirms(api: FakeBotAPI) -> None:
    async def scenario(bot: Bot) -> Any:
        answer = await bot.send_message(CHAT, "An answer", reply_markup=keyboard(("Quiz me", "q")))
        quiz = await bot.send_poll(
            CHAT,
            "True?",
            ["True", "False"],
            type="quiz",
            correct_option_ids=[0],
            is_anonymous=False,
        )
        assert quiz.poll is not None
        pushed = [
            api.push_message(CHAT, "/quiz Cuba", first_name="Ada"),
            api.press_button(CHAT, answer.message_id, "Quiz me"),
            api.push_poll_answer(quiz.poll.id, ["False"], CHAT),
        ]
        updates = await bot.get_updates(timeout=1)
        again = await bot.get_updates()  # nothing confirmed yet: the same three
        after = await bot.get_updates(offset=updates[-1].update_id + 1)
        return answer, quiz, pushed, updates, again, after

    answer, quiz, pushed, updates, again, after = with_bot(api, scenario)
    assert [u.update_id for u in updates] == [p["update_id"] for p in pushed]
    assert updates[0].update_id < updates[1].update_id < updates[2].update_id
    assert [u.update_id for u in again] == [u.update_id for u in updates]
    assert after == () and api.pending_updates() == []

    message = updates[0].message
    assert message.text == "/quiz Cuba" and message.from_user.first_name == "Ada"
    assert message.from_user.id == message.chat.id == CHAT
    assert message.message_id == quiz.message_id + 1  # one counter per chat
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 5)]

    query = updates[1].callback_query
    assert query.data == "q" and query.from_user.id == CHAT
    assert query.message.message_id == answer.message_id and query.message.text == "An answer"

    vote = updates[2].poll_answer
    assert vote.poll_id == quiz.poll.id and vote.option_ids == (1,) and vote.user.id == CHAT
    assert vote.option_persistent_ids == (quiz.poll.options[1].persistent_id,)
    assert api.polls[quiz.poll.id]["options"][1]["voter_count"] == 1


def test_long_poll_times_out_with_nothing_and_wakes_on_a_push(api: FakeBotAPI) -> None:
    async def scenario(bot: Bot) -> Any:
        t0 = time.monotonic()
        empty = await bot.get_updates(timeout=1)
        waited = time.monotonic() - t0

        threading.Timer(0.3, api.push_message, (CHAT, "hello")).start()

        async def send_meanwhile() -> float:
            await asyncio.sleep(0.1)
            t = time.monotonic()
            await bot.send_message(CHAT, "not blocked")
            return time.monotonic() - t

        t1 = time.monotonic()
        woken, send_took = await asyncio.gather(bot.get_updates(timeout=5), send_meanwhile())
        return empty, waited, woken, time.monotonic() - t1, send_took

    empty, waited, woken, woke_after, send_took = with_bot(api, scenario)
    assert empty == ()
    assert 0.9 <= waited < 2.0
    assert [u.message.text for u in woken] == ["hello"]
    assert woke_after < 2.0
    assert send_took < 0.5  # the long poll did not block the fake's event loop


def test_allowed_updates_filter_what_get_updates_returns(api: FakeBotAPI) -> None:
    sent = with_bot(api, lambda bot: bot.send_message(CHAT, "x", reply_markup=keyboard(("b", "d"))))
    api.push_message(CHAT, "hi")
    api.push_callback(CHAT, "d", sent.message_id)
    updates = with_bot(api, lambda bot: bot.get_updates(allowed_updates=["callback_query"]))
    assert [u.callback_query.data for u in updates] == ["d"]
    assert [u["message"]["text"] for u in api.dropped_updates] == ["hi"]


def test_flood_control_and_forbidden_surface_as_ptb_errors(api: FakeBotAPI) -> None:
    api.fail_next("sendMessage", status=429, retry_after=3, times=2)
    api.fail_next(
        "sendChatAction", status=403, description="Forbidden: bot was blocked by the user"
    )

    async def scenario(bot: Bot) -> Any:
        errors: list[Exception] = []
        for _ in range(2):
            try:
                await bot.send_message(CHAT, "x")
            except RetryAfter as exc:
                errors.append(exc)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_chat_action(CHAT, "typing")
        return (
            errors,
            await bot.send_message(CHAT, "now it works"),
            await bot.send_chat_action(CHAT, "typing"),
        )

    errors, message, action = with_bot(api, scenario)
    # PTB_TIMEDELTA (set in conftest) prints the wait as a timedelta
    assert [str(e) for e in errors] == ["Flood control exceeded. Retry in 0:00:03"] * 2
    assert [e.retry_after.total_seconds() for e in errors] == [3.0, 3.0]
    assert message.text == "now it works" and action is True
    assert [c.status for c in api.calls("sendMessage")] == [429, 429, 200]
    assert api.calls("sendMessage")[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


def test_wrong_token_and_unknown_method(api: FakeBotAPI) -> None:
    async def wrong_token() -> None:
        async with make_bot(api, token="999:WRONG"):
            pass

    with pytest.raises(InvalidToken):
        asyncio.run(wrong_token())
    assert api.calls("getMe")[0].status == 401
    with pytest.raises(EndPointNotFound):
        with_bot(api, lambda bot: bot.do_api_request("noSuchMethod"))
    with httpx.Client(base_url=api.root) as client:
        r = client.post("/bot999:WRONG/getMe")
        assert (r.status_code, r.json()) == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
        r = client.get(f"/bot{api.token}/noSuchMethod")
        assert (r.status_code, r.json()) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found"},
        )


def test_json_form_query_and_multipart_requests_are_all_understood(api: FakeBotAPI) -> None:
    markup = {"inline_keyboard": [[{"text": "b", "callback_data": "d"}]]}
    with httpx.Client(base_url=f"{api.root}/bot{api.token}") as client:
        r1 = client.post("/sendMessage", json={"chat_id": 5, "text": "42", "reply_markup": markup})
        r2 = client.post("/sendmessage", data={"chat_id": "5", "text": "true"})
        r3 = client.get("/getUpdates", params={"offset": "-1", "timeout": "0"})
        r4 = client.post(
            "/sendMessage",
            data={"chat_id": "5", "text": "[1]"},
            files={"document": ("notes.txt", b"hello", "text/plain")},
        )
    assert [r.status_code for r in (r1, r2, r3, r4)] == [200] * 4
    assert r1.json()["result"]["reply_markup"] == markup
    calls = api.calls()
    assert [c.method for c in calls] == ["sendMessage", "sendMessage", "getUpdates", "sendMessage"]
    assert calls[0].params == {"chat_id": 5, "text": "42", "reply_markup": markup}
    assert calls[1].params == {"chat_id": 5, "text": "true"}
    assert calls[2].params == {"offset": -1, "timeout": 0}
    assert calls[3]["text"] == "[1]" and calls[3]["chat_id"] == 5
    assert calls[3]["document"] == UploadedFile("notes.txt", "text/plain", b"hello")
    assert calls[3].content_type.startswith("multipart/form-data")


def test_a_second_long_poll_ends_the_first_with_a_conflict(api: FakeBotAPI) -> None:
    url = f"{api.root}/bot{api.token}/getUpdates"
    results: list[httpx.Response] = []
    first = threading.Thread(
        target=lambda: results.append(httpx.post(url, data={"timeout": 5}, timeout=10))
    )
    first.start()
    time.sleep(0.3)  # the first long poll is waiting
    second = httpx.post(url, data={"timeout": 0})
    first.join(timeout=5)
    assert second.status_code == 200
    assert results[0].status_code == 409
    assert "terminated by other getUpdates request" in results[0].json()["description"]


def test_edit_and_callback_answers_behave_like_telegram(api: FakeBotAPI) -> None:
    markup = keyboard(("Quiz me", "quiz"))

    async def scenario(bot: Bot) -> Any:
        sent = await bot.send_message(CHAT, "Answer", reply_markup=markup)
        api.push_callback(CHAT, "quiz", sent.message_id)
        [update] = await bot.get_updates()
        query = update.callback_query
        assert query is not None
        assert await query.answer("ok") is True
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await query.answer()
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("Answer", CHAT, sent.message_id, reply_markup=markup)
        edited = await bot.edit_message_text(
            "<i>Answered</i>", CHAT, sent.message_id, parse_mode="HTML"
        )
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("x", CHAT, 999)
        return sent, edited

    sent, edited = with_bot(api, scenario)
    assert edited.message_id == sent.message_id
    assert edited.text == "Answered" and edited.edit_date is not None
    assert edited.reply_markup is None  # editing the text without a keyboard drops it
    stored = api.message(CHAT, sent.message_id)
    assert stored["text"] == "Answered" and "reply_markup" not in stored
    assert stored["entities"] == [{"type": "italic", "offset": 0, "length": 8}]


def test_commands_chat_actions_and_close(api: FakeBotAPI) -> None:
    commands = [BotCommand("start", "what this tutor covers"), BotCommand("quiz", "a quiz")]

    async def scenario(bot: Bot) -> Any:
        assert await bot.set_my_commands(commands) is True
        got = await bot.get_my_commands()
        assert await bot.delete_my_commands() is True
        with pytest.raises(BadRequest):
            await bot.set_my_commands([BotCommand("Bad-Name", "x")])
        return got, await bot.get_my_commands(), await bot.send_chat_action(CHAT, "typing")

    got, after, action = with_bot(api, scenario)
    assert [c.command for c in got] == ["start", "quiz"]
    assert after == () and action is True
    assert api.calls("setMyCommands")[0]["commands"] == [
        {"command": "start", "description": "what this tutor covers"},
        {"command": "quiz", "description": "a quiz"},
    ]
    assert with_bot(api, lambda bot: bot.log_out()) is True
    assert with_bot(api, lambda bot: bot.close()) is True


def test_webhook_set_deliver_and_delete(api: FakeBotAPI) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: Request) -> JSONResponse:
        secret = request.headers.get("x-telegram-bot-api-secret-token")
        received.append((secret, await request.json()))
        return JSONResponse({}, status_code=200 if secret == "s3cr3t" else 403)

    endpoint = Starlette(routes=[Route("/telegram", hook, methods=["POST"])])
    with serve(endpoint) as base:
        url = f"{base}/telegram"

        async def set_hook(bot: Bot) -> Any:
            assert await bot.set_webhook(url, secret_token="s3cr3t") is True
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()
            return await bot.get_webhook_info()

        info = with_bot(api, set_hook)
        assert info.url == url
        update = api.make_message_update(CHAT, "/start")
        assert api.pending_updates() == []  # made, not queued
        assert api.deliver(update) == 200  # to the webhook set, with its secret
        assert api.deliver(update, url, secret_token="wrong") == 403
        assert api.deliver(update, url) == 403
    assert [secret for secret, _ in received] == ["s3cr3t", "wrong", None]
    parsed = Update.de_json(received[0][1], None).message
    assert parsed is not None
    assert parsed.text == "/start" and parsed.chat.id == CHAT

    api.push_message(CHAT, "queued while the webhook was set")
    assert with_bot(api, lambda bot: bot.delete_webhook(drop_pending_updates=True)) is True
    assert api.webhook == {} and api.pending_updates() == []
    assert with_bot(api, lambda bot: bot.get_updates()) == ()


def test_wait_for_returns_matching_calls_or_fails_with_what_it_saw(api: FakeBotAPI) -> None:
    threading.Timer(0.2, lambda: with_bot(api, lambda bot: bot.send_message(CHAT, "late"))).start()
    [call] = api.wait_for("sendMessage", lambda p: p["text"] == "late", timeout=5)
    assert call["chat_id"] == CHAT
    with pytest.raises(AssertionError, match=r"expected 2 matching sendMessage(.|\n)*late"):
        api.wait_for("sendMessage", timeout=0.2, count=2)


def test_application_long_polling_round_trip(api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(
            f"Hello <b>{update.effective_user.first_name}</b>", parse_mode=ParseMode.HTML
        )

    async def main() -> Any:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(f"{api.root}/bot")
            .base_file_url(f"{api.root}/file/bot")
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            api.push_message(CHAT, "/start", first_name="Ada")
            calls = await asyncio.to_thread(
                api.wait_for, "sendMessage", lambda p: p["chat_id"] == CHAT, 10.0
            )
            await app.updater.stop()
            await app.stop()
        return calls

    [call] = asyncio.run(main())
    assert call["text"] == "Hello <b>Ada</b>"
    assert api.sent_messages(CHAT)[-1]["text"] == "Hello Ada"
    assert api.pending_updates() == []  # the updater confirmed the update on stopping
    assert "deleteWebhook" in [c.method for c in api.calls()]


def _png(width: int, height: int) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def test_send_photo_takes_a_png_upload_as_ptb_sends_it(api: FakeBotAPI) -> None:
    png = _png(640, 400)

    async def send(bot: Bot) -> Any:
        first = await bot.send_photo(
            CHAT, png, caption="<b>Progress</b> & more", parse_mode=ParseMode.HTML
        )
        again = await bot.send_photo(CHAT, first.photo[-1].file_id)  # by file_id, no upload
        return first, again

    first, again = with_bot(api, send)
    assert [(p.width, p.height) for p in first.photo] == [(320, 200), (640, 400)]
    assert first.caption == "Progress & more"
    assert first.caption_entities[0].type == "bold"
    upload = api.calls("sendPhoto")[0]
    assert upload.content_type.startswith("multipart/form-data")
    assert api.photo_bytes(first.photo[-1].file_id) == png
    assert again.photo[-1].file_id == first.photo[-1].file_id
    assert api.sent_messages(CHAT)[0]["caption"] == "Progress & more"


@pytest.mark.parametrize(
    ("photo", "caption", "error"),
    [
        (b"not an image", None, "IMAGE_PROCESS_FAILED"),
        ("no-such-file-id", None, "wrong remote file identifier"),
        (_png(2100, 100), None, "PHOTO_INVALID_DIMENSIONS"),
        (_png(10, 10), "x" * 1025, "message caption is too long"),
    ],
)
def test_send_photo_refuses_what_telegram_refuses(
    api: FakeBotAPI, photo: Any, caption: str | None, error: str
) -> None:
    with pytest.raises(BadRequest, match="(?i)" + error):  # PTB capitalises the description
        with_bot(api, lambda bot: bot.send_photo(CHAT, photo, caption=caption))
    assert error in api.calls("sendPhoto")[-1].response["description"]
