"""Telegram reminders against the fake Bot API on a fake clock (no test waits for a time of
day): /remind asks the zone once, one reminder when items are due and none when none are,
quiet hours, two replicas sending one reminder between them, a blocked learner switched off.

Polling mode runs in the test's event loop (the JobQueue's job is run by the test); webhook
mode runs the web app as served, two of them over one state store as two replicas are, and
the test runs each one's ticker."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from bots.telegram_chat import session_of
from bots.telegram_reminders import JOB, ReminderTicker
from tests.bots.telegram_inproc import App, Learner, polling_bot, run_job
from tests.bots.telegram_webhook import Chat, webhook_server
from tests.conftest import make_course, seed_files
from tests.fake_clock import FakeClock
from tests.fake_telegram import FakeBotAPI
from tests.redisdb import REDIS_URL, fresh_prefix, with_prefix
from tutor import Tutor
from tutor.fakes import HashingEmbedder
from tutor.stores.memory import MemoryStateStore
from tutor.stores.redis import RedisStateStore
from tutor.stores.sqlite import SQLiteStateStore

pytestmark = pytest.mark.anyio
BERLIN = "Europe/Berlin"
CHAT = 4242


def make_due(tutor: Tutor, sid: str, wrong: int) -> None:
    """`wrong` items answered wrong: due again ten minutes later."""
    for _ in range(wrong):
        item, _ = tutor.quiz(sid)
        tutor.answer_quiz(item.quiz_id, "zzz", sid)


def reminders_to(api: FakeBotAPI, chat: int) -> list[dict[str, Any]]:
    return [
        c.params
        for c in api.calls("sendMessage")
        if int(c.params["chat_id"]) == chat and "Time to review" in str(c.params["text"])
    ]


async def test_remind_asks_the_zone_once_then_one_reminder_when_items_are_due(
    api: FakeBotAPI, clocked_tutor: Tutor, clock: FakeClock
) -> None:
    tutor = clocked_tutor
    clock.set("2026-05-11 12:00", BERLIN)
    async with polling_bot(api, tutor) as app:
        learner = Learner(api, app, CHAT)
        ask = await learner.say("/remind 18:30")
        assert "Which time zone" in ask and "/timezone" in ask
        await learner.press("tz:Europe/Berlin")
        done = learner.texts()[-1]
        assert "every day at 18:30 (Europe/Berlin)" in done, done
        assert "Next: Monday 11 May, 18:30" in done and "quiet hours" not in done
        assert "every day at 18:45" in await learner.say("/remind 18:45")  # asked once
        assert "every day at 18:30" in await learner.say("/remind 18:30")

        make_due(tutor, session_of(tutor, CHAT), wrong=3)
        clock.set("2026-05-11 18:29", BERLIN)
        await run_job(app, JOB)
        assert reminders_to(api, CHAT) == []
        for minute in ("18:30", "18:31", "19:00"):  # the job runs every minute
            clock.set(f"2026-05-11 {minute}", BERLIN)
            await run_job(app, JOB)
        [reminder] = reminders_to(api, CHAT)
        assert "3 items due" in reminder["text"]
        sections = {i.citation.section for i in tutor.due_items(session_of(tutor, CHAT))}
        assert all(f"<i>{s}</i>" in reminder["text"] for s in sections)
        [[button]] = reminder["reply_markup"]["inline_keyboard"]
        assert (button["text"], button["callback_data"]) == ("Review now", "review")

        before = len(learner.texts())
        await learner.press("review")  # "Review now" starts the review
        assert "<b>Review</b>: 3 items due" in learner.texts()[before]

        clock.set("2026-05-12 18:30", BERLIN)  # the next day's, if items are still due
        await run_job(app, JOB)
        assert len(reminders_to(api, CHAT)) == 2


@asynccontextmanager
async def in_berlin(
    api: FakeBotAPI, tutor: Tutor, clock: FakeClock, **settings: Any
) -> AsyncIterator[tuple[App, Learner]]:
    """The bot, and a learner who gave Europe/Berlin as their zone at noon on 11 May."""
    clock.set("2026-05-11 12:00", BERLIN)
    async with polling_bot(api, tutor, **settings) as app:
        learner = Learner(api, app, CHAT)
        await learner.send("/timezone Europe/Berlin")
        yield app, learner


async def test_no_reminder_when_nothing_is_due(
    api: FakeBotAPI, clocked_tutor: Tutor, clock: FakeClock
) -> None:
    async with in_berlin(api, clocked_tutor, clock) as (app, learner):
        assert "every day at 18:30" in await learner.say("/remind 18:30")
        for day in ("11", "12", "13"):
            clock.set(f"2026-05-{day} 18:30", BERLIN)
            await run_job(app, JOB)
        assert reminders_to(api, CHAT) == []
        assert clocked_tutor.reminder(str(CHAT)).last_sent == "2026-05-13"  # type: ignore[union-attr]


async def test_remind_off_stops_it_and_keeps_the_zone(
    api: FakeBotAPI, clocked_tutor: Tutor, clock: FakeClock
) -> None:
    async with in_berlin(api, clocked_tutor, clock) as (app, learner):
        await learner.send("/remind 18:30")
        make_due(clocked_tutor, session_of(clocked_tutor, CHAT), wrong=1)
        assert "Reminders are off" in await learner.say("/remind off")
        assert "no reminder" in await learner.say("/remind off")
        clock.set("2026-05-11 18:30", BERLIN)
        await run_job(app, JOB)
        assert reminders_to(api, CHAT) == []
        assert "every day at 19:00 (Europe/Berlin)" in await learner.say("/remind 19:00")


async def test_a_reminder_in_quiet_hours_comes_at_their_end(
    api: FakeBotAPI, clocked_tutor: Tutor, clock: FakeClock
) -> None:
    async with in_berlin(api, clocked_tutor, clock, reminder_quiet_hours="22-07") as (
        app,
        learner,
    ):
        said = await learner.say("/remind 23:30")
        assert (
            "23:30 is within the quiet hours (22:00-07:00): it comes at 07:00" in said
            and "Next: Tuesday 12 May, 07:00" in said
        ), said
        make_due(clocked_tutor, session_of(clocked_tutor, CHAT), wrong=1)
        for at in ("2026-05-11 23:30", "2026-05-12 03:00", "2026-05-12 06:59"):
            clock.set(at, BERLIN)
            await run_job(app, JOB)
        assert reminders_to(api, CHAT) == []
        clock.set("2026-05-12 07:00", BERLIN)
        await run_job(app, JOB)
        assert len(reminders_to(api, CHAT)) == 1


async def test_bad_times_and_zones_are_answered_in_words(
    api: FakeBotAPI, clocked_tutor: Tutor
) -> None:
    async with polling_bot(api, clocked_tutor) as app:
        learner = Learner(api, app, CHAT)
        assert "24-hour clock" in await learner.say("/remind 25:00")
        assert "IANA name" in await learner.say("/timezone Mars/Olympus")
        assert "/remind" in await learner.say("/remind")  # how to use it


# Webhook mode: replicas


def replica_tutor(store: Any, clock: FakeClock) -> Tutor:
    embedder = HashingEmbedder()
    return Tutor(make_course(seed_files(), embedder), embedder, store, clock=clock)


def tick(bot: Any) -> int:
    """Run a served app's reminder ticker once, in its event loop."""
    ticker: ReminderTicker = bot.bot_data["reminders"]
    assert ticker.loop is not None
    return asyncio.run_coroutine_threadsafe(ticker.tick(), ticker.loop).result(timeout=60)


@pytest.fixture(params=["sqlite", "redis"])
def shared_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Any]]:
    """Two store objects over the same data, as two replicas have them."""
    if request.param == "sqlite":
        stores: list[Any] = [SQLiteStateStore(tmp_path / "state.sqlite3") for _ in range(2)]
        yield stores
    else:
        with fresh_prefix("remind") as prefix:
            url = with_prefix(REDIS_URL, prefix)
            stores = [RedisStateStore(url) for _ in range(2)]
            yield stores
    for store in stores:
        store.close()


@contextmanager
def both_read_before_either_claims(stores: list[Any]) -> Iterator[None]:
    """The worst interleaving, every time: each replica has found the reminder due before
    either claims it (their reads of the reminders meet at a barrier)."""
    barrier = threading.Barrier(len(stores))

    def reader(store: Any) -> Any:
        read = store.reminders

        def read_then_wait() -> Any:
            found = read()
            barrier.wait(timeout=30)
            return found

        return read_then_wait

    for store in stores:
        store.reminders = reader(store)
    try:
        yield
    finally:
        for store in stores:
            del store.reminders


def test_two_replicas_send_one_reminder_between_them(
    shared_stores: list[Any], clock: FakeClock
) -> None:
    """Both replicas look for due reminders at the same moment; one claims it and sends.
    The second never saw /remind: it reads the reminder from the store, as a replica started
    after it (or restarted) does."""
    clock.set("2026-05-11 12:00", BERLIN)
    first, second = (replica_tutor(store, clock) for store in shared_stores)
    with FakeBotAPI() as api, ExitStack() as stack:
        url, app_one = stack.enter_context(webhook_server(api, first))
        _, app_two = stack.enter_context(webhook_server(api, second))
        chat = Chat(api, url, CHAT)
        assert "Which time zone" in chat.say("/remind 18:30")
        assert "every day at 18:30 (Europe/Berlin)" in chat.say("/timezone Europe/Berlin")
        make_due(first, session_of(first, CHAT), wrong=2)
        clock.set("2026-05-11 18:30", BERLIN)
        bots = [app_one.state.telegram, app_two.state.telegram]
        for _ in range(3):  # every replica ticks, several times, at the same moment
            with both_read_before_either_claims(shared_stores), ThreadPoolExecutor(2) as pool:
                sent = list(pool.map(tick, bots))
            assert sum(sent) <= 1
        [reminder] = reminders_to(api, CHAT)
        assert "2 items due" in reminder["text"]
        clock.set("2026-05-12 18:30", BERLIN)
        assert [tick(bots[1]), tick(bots[0])] == [1, 0]  # the other replica's turn, once
        assert len(reminders_to(api, CHAT)) == 2


def test_a_learner_who_blocked_the_bot_is_switched_off(clock: FakeClock) -> None:
    clock.set("2026-05-11 12:00", BERLIN)
    tutor = replica_tutor(MemoryStateStore(), clock)
    with FakeBotAPI() as api, webhook_server(api, tutor) as (url, app):
        chat = Chat(api, url, CHAT)
        chat.say("/timezone Europe/Berlin")
        chat.say("/remind 18:30")
        other = Chat(api, url, CHAT + 1)
        other.say("/timezone Europe/Berlin")
        other.say("/remind 18:30")
        make_due(tutor, session_of(tutor, CHAT), wrong=1)
        make_due(tutor, session_of(tutor, CHAT + 1), wrong=1)
        clock.set("2026-05-11 18:30", BERLIN)
        api.fail_next("sendMessage", status=403)  # the first learner blocked the bot
        assert tick(app.state.telegram) == 1  # the other learner still gets theirs
        blocked = tutor.reminder(str(CHAT))
        assert blocked is not None and not blocked.enabled and blocked.zone == BERLIN
        assert tutor.reminder(str(CHAT + 1)).enabled  # type: ignore[union-attr]
        tries = [c for c in api.calls("sendMessage") if "Time to review" in str(c.params["text"])]
        assert [(int(c.params["chat_id"]), c.status) for c in tries] == [
            (CHAT, 403),
            (CHAT + 1, 200),
        ]
        for day in ("12", "13"):  # not retried, the next days either
            clock.set(f"2026-05-{day} 18:30", BERLIN)
            tick(app.state.telegram)
        to_blocked = [c for c in api.calls("sendMessage") if int(c.params["chat_id"]) == CHAT]
        assert [c.status for c in to_blocked if "Time to review" in str(c.params["text"])] == [403]
