"""Secrets (bot token, webhook secret, API keys, a state store password) never reach logs or
error bodies; the webhook secret is required and compared in constant time."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Iterator
from types import SimpleNamespace

import httpx
import pytest
from telegram.error import BadRequest, NetworkError

from bots import logsafe
from bots.http_app import create_app
from bots.telegram_bot import on_error
from tests.fake_telegram import FakeBotAPI
from tests.servers import serve
from tests.tutor.test_quizzes import make_tutor
from tutor.settings import Settings

TOKEN = "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
WEBHOOK_SECRET = "wh-3c1f9a7e55d04b0fa1c2"
REDIS_PASSWORD = "r3d1s-pa55w0rd-x9"
API_KEY = "tk_Qm9vdHN0cmFwcGVkLWtleS1mb3ItdGVzdHM"


@pytest.fixture
def settings() -> Settings:
    return Settings(
        telegram_bot_token=TOKEN,
        telegram_webhook_secret=WEBHOOK_SECRET,
        state_url=f"redis://:{REDIS_PASSWORD}@redis:6379/0",
    )


@pytest.fixture
def scrubbed(settings: Settings) -> Iterator[logsafe.Redactor]:
    """Install the redaction for one test, then put the process's logging back."""
    factory, hook = logging.getLogRecordFactory(), sys.excepthook
    try:
        yield logsafe.install(settings)
    finally:
        logging.setLogRecordFactory(factory)
        sys.excepthook = hook


def test_settings_never_show_their_secrets(settings: Settings) -> None:
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert TOKEN not in text and WEBHOOK_SECRET not in text


def test_the_redactor_masks_configured_secrets_and_secret_shapes(settings: Settings) -> None:
    redact = logsafe.Redactor(logsafe.secrets_of(settings))
    line = (
        f"POST https://api.telegram.org/bot{TOKEN}/getMe secret={WEBHOOK_SECRET} "
        f"redis://:{REDIS_PASSWORD}@redis key={API_KEY} other 987654321:{'x' * 35}"
    )
    masked = redact(line)
    for secret in (TOKEN, WEBHOOK_SECRET, REDIS_PASSWORD, API_KEY, "x" * 35):
        assert secret not in masked
    assert masked.count("***") == 5 and "api.telegram.org/bot***/getMe" in masked
    assert redact("answered in 12 ms, 3 citations") == "answered in 12 ms, 3 citations"


def test_log_arguments_keep_their_format_after_scrubbing(
    scrubbed: logsafe.Redactor, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("t").info("%d items in %.1f s from %s", 3, 0.25, f"/bot{TOKEN}/x")
    assert caplog.records[0].getMessage() == "3 items in 0.2 s from /bot***/x"


def run_error_handler(error: Exception) -> None:
    context = SimpleNamespace(error=error, bot=None)
    asyncio.run(on_error(object(), context))  # type: ignore[arg-type]


LEAKY_ERRORS = [
    NetworkError(f"httpx.ConnectError: https://api.telegram.org/bot{TOKEN}/getUpdates"),
    BadRequest(f"Bad Request: see /bot{TOKEN}/sendMessage"),
    RuntimeError(f"connecting to redis://:{REDIS_PASSWORD}@redis:6379/0 with {API_KEY}"),
]


@pytest.mark.parametrize("error", LEAKY_ERRORS, ids=lambda e: type(e).__name__)
def test_the_telegram_error_handler_logs_no_secret(
    scrubbed: logsafe.Redactor, caplog: pytest.LogCaptureFixture, error: Exception
) -> None:
    with caplog.at_level(logging.INFO, logger="bots.telegram_bot"):
        run_error_handler(error)
    assert caplog.records, "the error was logged"
    for secret in (TOKEN, REDIS_PASSWORD, API_KEY):
        assert secret not in caplog.text
    assert "***" in caplog.text


def test_without_the_redaction_the_handler_would_leak(caplog: pytest.LogCaptureFixture) -> None:
    # the control: the errors above really carry the secret into the log
    with caplog.at_level(logging.INFO, logger="bots.telegram_bot"):
        run_error_handler(LEAKY_ERRORS[0])
    assert TOKEN in caplog.text


def test_tracebacks_of_logged_exceptions_are_scrubbed(
    scrubbed: logsafe.Redactor, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise ValueError(f"bad webhook secret {WEBHOOK_SECRET}")
    except ValueError:
        with caplog.at_level(logging.ERROR):
            logging.getLogger("t").exception("while handling")
    assert "ValueError: bad webhook secret ***" in caplog.text
    assert WEBHOOK_SECRET not in caplog.text


def test_uncaught_tracebacks_are_scrubbed(
    scrubbed: logsafe.Redactor, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        raise RuntimeError(f"token {TOKEN}")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    err = capsys.readouterr().err
    assert "RuntimeError: token ***" in err and TOKEN not in err


def test_webhook_refuses_a_wrong_or_missing_secret() -> None:
    with FakeBotAPI(token=TOKEN) as api:
        config = Settings(
            telegram_webhook=True,
            telegram_webhook_secret=WEBHOOK_SECRET,
            telegram_bot_token=TOKEN,
            telegram_api_url=api.root,
        )
        with serve(create_app(config, make_tutor())) as url:
            hook = f"{url}/telegram/webhook"
            update = api.make_message_update(42, "/help")
            assert api.deliver(update, hook, secret_token="wrong") == 403
            assert api.deliver(update, hook, secret_token=WEBHOOK_SECRET[:-1]) == 403
            assert api.deliver(update, hook) == 403
            r = httpx.post(hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
            assert r.status_code == 403 and WEBHOOK_SECRET not in r.text
            assert api.deliver(update, hook, secret_token=WEBHOOK_SECRET) == 200
            api.wait_for("sendMessage", lambda p: int(p["chat_id"]) == 42, timeout=30)
