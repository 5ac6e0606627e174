"""The Telegram adapter in webhook mode over a given tutor, against the fake Bot API (fast)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bots.http_app import create_app
from tests.fake_telegram import FakeBotAPI
from tests.servers import serve
from tutor.service import Tutor
from tutor.settings import Settings

SECRET = "webhook-secret-123"


class Chat:
    """One Telegram user in a private chat with the bot, through the webhook."""

    def __init__(self, api: FakeBotAPI, url: str, chat_id: int):
        self.api = api
        self.url = url
        self.chat_id = chat_id

    def replies(self) -> list[str]:
        """The text of every message the bot sent to this chat, in order."""
        return [
            str(c.params["text"])
            for c in self.api.calls("sendMessage")
            if int(c.params["chat_id"]) == self.chat_id
        ]

    def send(self, text: str) -> None:
        update = self.api.make_message_update(self.chat_id, text)
        status = self.api.deliver(update, self.url, secret_token=SECRET)
        assert status == 200, status

    def wait(self, count: int, timeout: float = 20.0) -> list[str]:
        """Wait until the bot has sent `count` messages here; return their texts."""
        mine = lambda p: int(p["chat_id"]) == self.chat_id  # noqa: E731
        self.api.wait_for("sendMessage", mine, timeout=timeout, count=count)
        return self.replies()

    def say(self, text: str) -> str:
        """Send text; return the bot's next message to this chat."""
        before = len(self.replies())
        self.send(text)
        return self.wait(before + 1)[before]


@contextmanager
def webhook_server(api: FakeBotAPI, tutor: Tutor, **settings: Any) -> Iterator[tuple[str, Any]]:
    """The API with the Telegram webhook on, over `tutor`, talking to `api`; yields the hook
    URL and the web app (its `state.telegram` is the PTB application)."""
    config = Settings(
        telegram_webhook=True,
        telegram_webhook_secret=SECRET,
        telegram_bot_token=api.token,
        telegram_api_url=api.root,
        **settings,
    )
    app = create_app(config, tutor)
    with serve(app) as url:
        yield f"{url}/telegram/webhook", app


@contextmanager
def webhook_bot(tutor: Tutor, **settings: Any) -> Iterator[tuple[FakeBotAPI, str]]:
    """The API with the Telegram webhook on, over `tutor`; yields the fake and the hook URL."""
    with FakeBotAPI() as api, webhook_server(api, tutor, **settings) as (url, _):
        yield api, url
