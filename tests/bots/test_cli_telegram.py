"""`tutor telegram` with a Bot API it cannot reach: one clear line and exit code 2."""

from __future__ import annotations

import pytest

from bots.cli import main
from tests.servers import free_port

# `main` installs the secret scrubbing for its process: put this one's back after each test
pytestmark = pytest.mark.usefixtures("restored_logging")


def test_an_unreachable_bot_api_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "4242:SecretTokenValue")
    monkeypatch.setenv("TUTOR_TELEGRAM_API_URL", root)
    assert main(["telegram"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"tutor: the Telegram Bot API at {root} did not take the bot: ")
    assert not any("SecretTokenValue" in line or "secrettokenvalue" in line for line in err)
