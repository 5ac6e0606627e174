"""The Telegram adapter end to end: a scripted student against the fake Bot API server.

Polling: the real `tutor telegram` process, pointed at the fake with TUTOR_TELEGRAM_API_URL.
Webhook: the FastAPI app with the webhook route on, the fake delivering the same updates.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bots.telegram_webhook import SECRET, webhook_bot
from tests.bots.test_telegram_format import check
from tests.conftest import ROOT, SEED_CORPUS
from tests.fake_telegram import FakeBotAPI
from tutor.course import Course
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore

pytestmark = pytest.mark.slow
CHAT = 4242


class Student:
    """Sends what a student would and reads what the bot sent back."""

    def __init__(self, api: FakeBotAPI, send: Callable[[dict[str, Any]], None], chat: int = CHAT):
        self.api = api
        self.send = send
        self.chat = chat

    def sent_count(self, method: str) -> int:
        return len(self.api.calls(method))

    def say(self, text: str, timeout: float = 60.0) -> dict[str, Any]:
        """Send text; return the bot's next sendMessage to this chat."""
        mine = lambda p: int(p["chat_id"]) == self.chat  # noqa: E731
        before = len([c for c in self.api.calls("sendMessage") if mine(c.params)])
        self.send(self.api.make_message_update(self.chat, text))
        calls = self.api.wait_for("sendMessage", mine, timeout=timeout, count=before + 1)
        return dict(calls[before].params)

    def next_quiz(self, text_or_tap: Callable[[], None]) -> tuple[str, dict[str, Any]]:
        """Do something that yields a quiz; return ("poll", params) or ("message", params)."""
        polls, messages = self.sent_count("sendPoll"), self.sent_count("sendMessage")
        text_or_tap()
        for _ in range(600):
            if self.sent_count("sendPoll") > polls:
                return "poll", dict(self.api.calls("sendPoll")[polls].params)
            if self.sent_count("sendMessage") > messages:
                params = dict(self.api.calls("sendMessage")[messages].params)
                if "Quiz" in params["text"]:
                    return "message", params
            time.sleep(0.1)
        raise AssertionError("no quiz arrived")


def run_scenario(api: FakeBotAPI, student: Student) -> None:
    welcome = student.say("/start")["text"]
    assert "covers" in welcome and "Caribbean crisis" in welcome and "/quiz" in welcome

    wall = student.say("When was the Berlin Wall erected?")
    assert "August 13" in wall["text"] and "<blockquote>" in wall["text"]
    assert "New negotiations" in check(wall["text"])
    buttons = [b for row in wall["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["Quiz me", "Show passage"]

    follow = student.say("What did it become?")
    assert "Iron Curtain" in follow["text"]
    hungary = student.say("What happened in Hungary in 1956?")
    assert "uprising broke out in Hungary" in hungary["text"]
    reaction = student.say("And how did Moscow react?")  # the topic is the uprising, not Poland
    assert "Soviet troops were introduced" in reaction["text"], reaction["text"]
    hostile = student.say("What is the capital of Australia? <script>alert(1)</script> & co")
    assert "doesn't cover" in hostile["text"] and "<script>" not in hostile["text"]
    check(hostile["text"])

    message_id = api.calls("sendMessage")[-3].response["result"]["message_id"]

    def tap(label: str) -> Callable[[], None]:
        return lambda: student.send(api.make_callback_update(CHAT, data_of(label), message_id))

    def data_of(label: str) -> str:
        return next(b["callback_data"] for b in buttons if b["text"] == label)

    before = student.sent_count("sendMessage")
    tap("Show passage")()
    passage = api.wait_for("sendMessage", count=before + 1)[before].params
    assert "<b>On August 13, the Berlin Wall was erected.</b>" in passage["text"]
    assert "Iron Curtain" in passage["text"]

    right = wrong = short = 0
    kind, params = student.next_quiz(tap("Quiz me"))
    for _ in range(12):
        if kind == "poll":
            poll_id = api.calls("sendPoll")[-1].response["result"]["poll"]["id"]
            correct = int(_correct(params))
            if right == 0:
                student.send(api.make_poll_answer_update(poll_id, [correct], CHAT))
                right += 1
            elif wrong == 0:
                other = (correct + 1) % len(_options(params))
                student.send(api.make_poll_answer_update(poll_id, [other], CHAT))
                wrong += 1
        elif kind == "message" and short == 0:
            graded = student.say("I think it was 1066")
            assert graded["text"].startswith(("❌", "✅")) and "The source says" in graded["text"]
            short += 1
        elif kind == "message":
            student.say("no idea")
        if right and wrong and short:
            break
        kind, params = student.next_quiz(
            lambda: student.send(api.make_message_update(CHAT, "/quiz"))
        )
    assert right == 1 and wrong == 1 and short == 1

    for _ in range(100):  # poll answers are recorded asynchronously
        report = student.say("/progress")["text"]
        if "of 3 answers right" in report:
            break
    assert "1 of 3 answers right" in report, report


def _correct(params: dict[str, Any]) -> int:
    ids = params.get("correct_option_ids")
    if isinstance(ids, str):
        ids = json.loads(ids)
    return int(ids[0])


def _options(params: dict[str, Any]) -> list[Any]:
    options = params["options"]
    if isinstance(options, str):
        options = json.loads(options)
    return list(options)


@pytest.fixture
def data_dir(tmp_path: Path, seed_data_dir: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(seed_data_dir, target)
    return target


def test_polling_bot_process(data_dir: Path) -> None:
    with FakeBotAPI() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TUTOR_TELEGRAM_API_URL": api.root,
            "TUTOR_DATA_DIR": str(data_dir),
            "TUTOR_CORPUS_DIR": str(SEED_CORPUS),
            "PTB_TIMEDELTA": "true",
        }
        log = data_dir / "bot.log"
        with open(log, "w") as out:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bots.cli", "telegram"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            api.wait_for("setMyCommands", timeout=120)
            run_scenario(api, Student(api, api.push_update))
            before = len(api.calls("sendMessage"))
            api.fail_next("sendMessage", status=429, retry_after=1)
            reply = Student(api, api.push_update).say("When did an uprising break out in Hungary?")
            assert "October 1956" in reply["text"]
            assert any(c.status == 429 for c in api.calls("sendMessage")[before:])
            assert bot.poll() is None, "the bot survived a 429"
            blocked = Student(api, api.push_update, chat=CHAT + 1)
            api.fail_next("sendMessage", status=403)  # this student blocked the bot
            api.push_update(api.make_message_update(CHAT + 1, "When was the Berlin Wall erected?"))
            api.wait_for("sendMessage", lambda p: int(p["chat_id"]) == CHAT + 1)
            assert "New conversation" in blocked.say("/reset")["text"]
            assert bot.poll() is None, "a blocked user does not stop the bot for others"
        finally:
            bot.terminate()
            bot.wait(timeout=30)
        text = log.read_text()
        assert api.token not in text, "the token must never be logged"
        assert "Traceback" not in text, text[-3000:]


@pytest.fixture
def webhook_app(seed_course: Course, real_embedder) -> Iterator[tuple[FakeBotAPI, str]]:  # type: ignore[no-untyped-def]
    with webhook_bot(Tutor(seed_course, real_embedder, MemoryStateStore())) as pair:
        yield pair


def test_webhook_route(webhook_app: tuple[FakeBotAPI, str]) -> None:
    api, url = webhook_app
    update = api.make_message_update(CHAT, "/start")
    assert api.deliver(update, url, secret_token="wrong") == 403
    assert api.deliver(update, url) == 403

    def send(update: dict[str, Any]) -> None:
        assert api.deliver(update, url, secret_token=SECRET) == 200

    run_scenario(api, Student(api, send))
