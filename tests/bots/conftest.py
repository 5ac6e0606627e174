"""Fixtures of the adapters' tests: the fake Bot API, and anyio's backend for the tests that
drive the Telegram application in their own event loop (`pytest.mark.anyio`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_telegram import FakeBotAPI


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # PTB runs on asyncio


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as fake:
        yield fake
