"""Secrets kept out of logs, whatever logs them.

The bot token travels in every Bot API URL (`{root}/bot{token}/method`), so any library that
logs a URL or an exception quoting one would print it; a webhook secret or a state store
password can end up in an error message the same way. Rather than trust every logger of every
library, each log record is scrubbed when it is made: the configured secrets by value, and
anything shaped like a tutor API key or a Telegram bot token by pattern (API keys are not known
in advance: only their hashes are stored). Uncaught tracebacks are scrubbed too.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from tutor import Settings

MASK = "***"
SHAPES = (
    re.compile(r"tk_[A-Za-z0-9_-]{16,}"),  # a tutor API key (tutor.teaching.new_key)
    # a Telegram bot token, also glued to "/bot" in a URL; any case: some errors lower-case it
    re.compile(r"(?<!\d)\d{6,}:[A-Za-z0-9_-]{30,}"),
)
MIN_SECRET = 6  # shorter configured values would mask ordinary words, and guard nothing


def secrets_of(settings: Settings) -> list[str]:
    """The configured secrets: bot token, webhook secret, metrics token, a state store URL's
    password."""
    found = [
        s.get_secret_value()
        for s in (
            settings.telegram_bot_token,
            settings.telegram_webhook_secret,
            settings.metrics_token,
        )
        if s is not None
    ]
    if settings.state_url:
        password = urlsplit(settings.state_url).password
        if password:
            found.append(password)
    return found


class Redactor:
    """Replaces secrets in text with ***."""

    def __init__(self, secrets: Iterable[str]):
        # longest first, so a secret containing another is masked whole; any case, since
        # some libraries lower-case the messages that quote them
        known = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True)
        self.known = re.compile("|".join(map(re.escape, known)), re.IGNORECASE) if known else None

    def __call__(self, text: str) -> str:
        if self.known is not None:
            text = self.known.sub(MASK, text)
        for shape in SHAPES:
            text = shape.sub(MASK, text)
        return text

    def scrub(self, record: logging.LogRecord) -> None:
        """Mask secrets in a record's message, arguments and traceback, in place."""
        if isinstance(record.msg, str):
            record.msg = self(record.msg)
        if isinstance(record.args, tuple):
            # kept a tuple of the same length: uvicorn's access formatter unpacks it
            record.args = tuple(self._arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self._arg(v) for k, v in record.args.items()}
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = self(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self(record.stack_info)

    def _arg(self, value: object) -> object:
        if isinstance(value, bool | int | float) or value is None:
            return value  # keeps %d and %.2f working
        text = str(value)
        masked = self(text)
        return value if masked == text else masked


def install(settings: Settings) -> Redactor:
    """Scrub every log record made from now on, and uncaught tracebacks, in this process."""
    redactor = Redactor(secrets_of(settings))
    base = logging.getLogRecordFactory()
    inner: Callable[..., logging.LogRecord] = getattr(base, "unscrubbed", base)

    def scrubbed(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = inner(*args, **kwargs)
        redactor.scrub(record)
        return record

    scrubbed.unscrubbed = inner  # type: ignore[attr-defined]  # installing twice replaces
    logging.setLogRecordFactory(scrubbed)

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redactor("".join(traceback.format_exception(kind, exc, tb))))

    sys.excepthook = excepthook
    return redactor
