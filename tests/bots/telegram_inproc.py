"""The Telegram adapter in polling mode, in the test's own event loop, against the fake Bot
API: updates are handed to the application one at a time (`Learner.send` returns once every
handler is done, so nothing waits on time) and the JobQueue's jobs are run by the test."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application

from bots.telegram_bot import build_application
from tests.fake_telegram import FakeBotAPI
from tutor import Settings, Tutor

App = Application[Any, Any, Any, Any, Any, Any]


@asynccontextmanager
async def polling_bot(api: FakeBotAPI, tutor: Tutor, **settings: Any) -> AsyncIterator[App]:
    """The application `tutor telegram` runs, initialised but not polling."""
    config = Settings(telegram_bot_token=api.token, telegram_api_url=api.root, **settings)
    app = build_application(api.token, api.root, tutor=tutor, settings=config)
    await app.initialize()
    try:
        yield app
    finally:
        await app.shutdown()


async def run_job(app: App, name: str) -> None:
    """Run a job of the JobQueue now, as its scheduler would at its time."""
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name(name)
    await job.run(app)


class Learner:
    """One Telegram user in a private chat with the bot."""

    def __init__(self, api: FakeBotAPI, app: App, chat_id: int):
        self.api = api
        self.app = app
        self.chat_id = chat_id

    async def deliver(self, update: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(update, self.app.bot))

    async def send(self, text: str) -> None:
        await self.deliver(self.api.make_message_update(self.chat_id, text))

    async def press(self, data: str) -> None:
        """Press the inline button with callback `data` under the bot's latest message."""
        mine = self.api.sent_messages(self.chat_id)
        message = next(m for m in reversed(mine) if _has_button(m, data))
        await self.deliver(self.api.make_callback_update(self.chat_id, data, message["message_id"]))

    async def vote(self, option: int) -> None:
        """Answer the latest quiz poll sent to this chat."""
        poll = self.latest_poll()
        update = self.api.make_poll_answer_update(poll["id"], [option], self.chat_id)
        await self.deliver(update)

    def latest_poll(self) -> dict[str, Any]:
        sent = self.api.sent_messages(self.chat_id)
        return next(m["poll"] for m in reversed(sent) if "poll" in m)

    def texts(self) -> list[str]:
        """The HTML of every message the bot sent here, in order (polls left out)."""
        return [
            str(c.params["text"])
            for c in self.api.calls("sendMessage")
            if c.ok and int(c.params["chat_id"]) == self.chat_id
        ]

    async def say(self, text: str) -> str:
        """Send text; the one message the bot replied with."""
        before = len(self.texts())
        await self.send(text)
        replies = self.texts()[before:]
        assert len(replies) == 1, replies
        return replies[0]


def _has_button(message: dict[str, Any], data: str) -> bool:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return any(b.get("callback_data") == data for row in rows for b in row)


def correct_option(poll: dict[str, Any]) -> int:
    ids = poll["correct_option_ids"]
    return int((json.loads(ids) if isinstance(ids, str) else ids)[0])
