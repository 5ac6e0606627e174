"""The service's settings: one pydantic-settings class, read from `TUTOR_*` variables.

Built by entry points (CLI, app factory), never at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import InvalidInput
from .stores import check_url, sqlite_url
from .text import QUESTION_CHARS
from .zones import check_quiet_hours

# The model's most frequent words given a precomputed vector (see index/lexicon.py): rarer
# words are embedded when a question uses them, at the same cost as without a lexicon.
LEXICON_WORDS = 12_000


def user_cache_dir() -> Path | None:
    """$XDG_CACHE_HOME, else ~/.cache; None when there is no home to put it in."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg)
    try:
        return Path.home() / ".cache"
    except RuntimeError:  # no HOME and no passwd entry
        return None


class Settings(BaseSettings):
    # A rejected value is not echoed: a state URL may hold a password.
    model_config = SettingsConfigDict(
        env_prefix="TUTOR_", extra="ignore", hide_input_in_errors=True
    )

    data_dir: Path = Field(Path("data"), description="index files and the state database")
    corpus_dir: Path = Field(Path("corpus"), description="the course's .txt and .md files")
    courses_dir: Path | None = Field(
        None,
        description="where courses other than the default one keep their documents, index "
        "and (with SQLite) learner state, a folder each; default <data_dir>/courses. Replicas "
        "mount one shared volume here",
    )
    course_memory_mb: int = Field(
        512,
        ge=0,
        le=1_000_000,
        description="memory the loaded courses' indexes may take together; past it the least "
        "recently used course is unloaded (never the default one), and loaded again on its "
        "next question",
    )
    model_path: Path | None = Field(
        None, description="a sentence-transformers model folder; default: the bundled MiniLM"
    )
    lexicon_dir: Path | None = Field(
        None,
        description="where the model's word vectors are kept, one lexicon per model shared by "
        "every data folder; default $XDG_CACHE_HOME/tutor/lexicon (~/.cache/tutor/lexicon)",
    )
    lexicon_words: int = Field(
        LEXICON_WORDS,
        ge=0,
        le=100_000,
        description="how many of the model's most frequent words the lexicon holds (built in "
        "the background after the server is up when missing); 0 = no lexicon",
    )
    state_url: str | None = Field(
        None,
        repr=False,  # a Redis URL may carry a password
        description="state store: sqlite:///path (default <data_dir>/state.sqlite3), memory:, "
        "or redis://host:6379/0 (rediss:// for TLS; ?prefix=name: for the keys, default tutor:)",
    )
    auto_index: bool = Field(True, description="build the index on start when missing or stale")
    torch_threads: int | None = Field(
        None,
        ge=1,
        le=256,
        description="threads of the model when building an index; default: cores",
    )
    embed_workers: int = Field(
        1,
        ge=1,
        le=64,
        description="model calls run side by side when serving, each on cores / workers "
        "threads; default 1 (one call at a time on every core: the fastest lone answer)",
    )
    embed_runtime: Literal["onnx", "torch"] = Field(
        "onnx",
        description="onnx: ONNX Runtime, no torch in the serving process (the model is "
        "exported once per model into onnx_dir); torch: sentence-transformers",
    )
    onnx_quantize: bool = Field(
        False, description="serve the int8 ONNX model (4x smaller; fp32 if int8 fails its check)"
    )
    onnx_dir: Path | None = Field(
        None, description="where ONNX exports are kept, one per model; default ~/.cache/tutor/onnx"
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_question_chars: int = Field(QUESTION_CHARS, ge=10, le=100_000)
    require_api_key: bool = Field(
        False, description="student endpoints need a key even while none has been created"
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description='LMS origins allowed by CORS, e.g. ["https://lms.example"]',
    )
    frame_ancestors: list[str] = Field(
        default_factory=lambda: ["'self'"],
        description="who may frame the widget (CSP frame-ancestors), e.g. LMS origins",
    )
    telegram_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "TUTOR_TELEGRAM_BOT_TOKEN")
    )
    telegram_api_url: str = Field(
        "https://api.telegram.org", description="Bot API root; the bot calls {root}/bot{token}/…"
    )
    telegram_webhook: bool = Field(False, description="serve POST /telegram/webhook in the API")
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="checked against X-Telegram-Bot-Api-Secret-Token"
    )
    telegram_webhook_url: str | None = Field(
        None, description="public URL of /telegram/webhook; registered with setWebhook on start"
    )
    reminder_quiet_hours: str = Field(
        "22-07",
        description="when no Telegram reminder is sent, in each learner's time zone (HH-HH or "
        "HH:MM-HH:MM; off for none): a reminder set within them comes at their end",
    )
    reminder_tick_seconds: float = Field(
        60.0, gt=0, le=3600, description="how often the Telegram bot looks for due reminders"
    )
    max_body_bytes: int = Field(
        64 * 1024, ge=1024, le=64 * 1024 * 1024, description="largest request body; over it 413"
    )
    max_upload_bytes: int = Field(
        10 * 1024 * 1024,
        ge=1024,
        le=256 * 1024 * 1024,
        description="largest document a teacher may upload (POST /v1/documents); over it 413",
    )
    index_poll_seconds: float = Field(
        5.0,
        ge=0,
        description="how often a server checks the state store for an index another replica "
        "built (the data folder is shared); 0 = never",
    )
    rate_limit_per_minute: int = Field(
        12_000,
        ge=0,
        description="HTTP requests to /v1/ a minute per API key, or per client address "
        "without one (a school behind one address shares it); 0 = off",
    )
    rate_limit_burst: int = Field(600, ge=1, description="requests allowed at once above the rate")
    rate_limit_clients: int = Field(
        10_000, ge=1, description="callers tracked at most (idle ones are forgotten first)"
    )
    telegram_rate_limit_per_minute: int = Field(
        60, ge=0, description="Telegram messages and button presses a minute per user; 0 = off"
    )
    telegram_rate_limit_burst: int = Field(30, ge=1)
    metrics: Literal["off", "open", "token"] = Field(
        "open",
        description="GET /metrics (Prometheus): off (404), open to whoever reaches the port, "
        "or token (Authorization: Bearer TUTOR_METRICS_TOKEN)",
    )
    metrics_token: SecretStr | None = Field(None, description="the bearer token of /metrics")

    @field_validator("state_url")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is not None:
            check_url(value)  # the schemes are listed there, once
        return value

    @field_validator("reminder_quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        try:
            return check_quiet_hours(value)  # "22-07" -> "22:00-07:00"
        except InvalidInput as exc:  # pydantic reports ValueErrors as validation errors
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _metrics_token_given(self) -> Settings:
        if self.metrics == "token" and not (
            self.metrics_token and self.metrics_token.get_secret_value().strip()
        ):
            raise ValueError("TUTOR_METRICS=token needs TUTOR_METRICS_TOKEN")
        return self

    def lexicon_path(self) -> Path:
        if self.lexicon_dir is not None:
            return self.lexicon_dir
        cache = user_cache_dir()
        return cache / "tutor" / "lexicon" if cache is not None else self.data_dir / "lexicon"

    def courses_root(self) -> Path:
        """`courses_dir`, else the folder `courses` in the data folder."""
        return self.courses_dir or self.data_dir / "courses"

    def store_url(self) -> str:
        """`state_url`, else the SQLite file in the data folder."""
        return self.state_url or sqlite_url(self.data_dir / "state.sqlite3")
