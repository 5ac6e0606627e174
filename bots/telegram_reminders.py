"""Daily reminders on Telegram: /remind, /timezone, and sending the reminders that are due.

`/remind 18:30` sets a daily reminder in the learner's time zone, asked once (a keyboard of
common zones, or `/timezone Area/City`) and kept; `/remind off` stops it. Quiet hours
(TUTOR_REMINDER_QUIET_HOURS, in the learner's zone) move a reminder that falls within them
to their end. At its moment, if items are due, the learner gets one message: how many per
section, with a "Review now" button.

One function sends what is due, `send_due_reminders(app, now)`; two schedulers call it,
both reading the reminders from the state store each time, so a restart loses nothing:
polling mode PTB's JobQueue (`schedule_reminders`), webhook mode a task in the web app's
event loop (`ReminderTicker`). Every replica may look at once: the one whose claim of the
day succeeds sends, the others skip. A learner who blocked the bot (403 Forbidden) has the
reminder switched off, and is not tried again; any other failure to send is logged and that
day's reminder is not retried (a retry could send it twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from tutor import Reminder, Tutor, TutorError

from . import telegram_format as fmt
from .telegram_chat import run, send_html_to, session_of, tutor_of
from .telegram_review import START

log = logging.getLogger(__name__)

JOB = "reminders"
ZONE = "tz:"  # callback data of a zone button: "tz:Europe/Berlin"
# a keyboard of common zones; any other is one /timezone away
COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)
USAGE = (
    "Send /remind <i>HH:MM</i> for a daily reminder when items are due for review "
    "(<code>/remind 18:30</code>), /remind off to stop it, /timezone <i>Area/City</i> "
    "to change your time zone."
)


def zone_keyboard() -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(z, callback_data=ZONE + z) for z in COMMON_ZONES]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remind HH:MM sets the daily reminder, /remind off stops it, /remind says which."""
    chat = update.effective_chat
    if chat is None:
        return
    tutor = tutor_of(context)
    args = context.args or []
    if not args:
        reminder = await run(tutor.reminder, str(chat.id))
        await send_html_to(context.bot, chat.id, await _status(tutor, reminder))
        return
    if args[0].lower() in ("off", "stop", "no"):
        reminder = await run(tutor.reminder, str(chat.id))
        if reminder is None or not reminder.enabled:
            await send_html_to(context.bot, chat.id, "You have no reminder set.")
            return
        await run(tutor.stop_reminder, str(chat.id))
        await send_html_to(context.bot, chat.id, "🔕 Reminders are off. /remind HH:MM starts them.")
        return
    sid = await run(session_of, tutor, chat.id)
    quiet = context.application.bot_data.get("quiet_hours", "")
    reminder = await run(tutor.set_reminder, str(chat.id), sid, args[0], quiet)
    if not reminder.zone:
        question = fmt.zone_question_html(reminder.time_of_day)
        await send_html_to(context.bot, chat.id, question, reply_markup=zone_keyboard())
        return
    await send_html_to(context.bot, chat.id, await _status(tutor, reminder))


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timezone Area/City keeps the learner's zone; without one, the keyboard to pick it."""
    chat = update.effective_chat
    if chat is None:
        return
    if not context.args:
        question = "Which time zone are you in? Pick one, or send /timezone <i>Area/City</i>."
        await send_html_to(context.bot, chat.id, question, reply_markup=zone_keyboard())
        return
    await _set_zone(context, chat.id, context.args[0])


async def zone_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A zone picked from the keyboard."""
    query = update.callback_query
    if query is None or update.effective_chat is None or not query.data:
        return
    await query.answer()
    await _set_zone(context, update.effective_chat.id, query.data.removeprefix(ZONE))


async def _set_zone(context: ContextTypes.DEFAULT_TYPE, chat_id: int, zone: str) -> None:
    tutor = tutor_of(context)
    sid = await run(session_of, tutor, chat_id)
    reminder = await run(tutor.set_zone, str(chat_id), zone, sid)
    if reminder.enabled and reminder.time_of_day:
        await send_html_to(context.bot, chat_id, await _status(tutor, reminder))
    else:
        text = f"🌍 Your time zone is {fmt.escape(reminder.zone)}.\n{USAGE}"
        await send_html_to(context.bot, chat_id, text)


async def _status(tutor: Tutor, reminder: Reminder | None) -> str:
    """What is set: the reminder's time, zone and next moment; else how to set one."""
    if reminder is None or not reminder.enabled or not reminder.time_of_day:
        return USAGE
    if not reminder.zone:
        return fmt.zone_question_html(reminder.time_of_day)
    next_at = await run(tutor.next_reminder, reminder.chat_id)
    return fmt.reminder_set_html(reminder, next_at)


async def send_due_reminders(app: Application[Any, Any, Any, Any, Any, Any], now: float) -> int:
    """Send every reminder due at `now` that this process claims; how many were sent."""
    tutor: Tutor | None = app.bot_data.get("tutor")
    if tutor is None:
        return 0  # polling mode before post_init has built the tutor
    sent = 0
    for reminder, day in await run(tutor.due_reminders, now):
        try:
            if not await run(tutor.claim_reminder, reminder.chat_id, day):
                continue  # another replica has it
            due = await run(tutor.due_by_section, reminder.session_id, now)
            if not due:
                continue  # nothing to review: no message today
            button = InlineKeyboardButton("Review now", callback_data=START)
            await app.bot.send_message(
                int(reminder.chat_id),
                fmt.reminder_html(due),
                parse_mode=ParseMode.HTML,
                reply_markup=InlineKeyboardMarkup([[button]]),
            )
            sent += 1
        except Forbidden as exc:
            log.info("reminders switched off for a chat that blocked the bot: %s", exc)
            with contextlib.suppress(TutorError):
                await run(tutor.stop_reminder, reminder.chat_id)
        except (TelegramError, TutorError) as exc:  # today's is lost; the others go on
            log.warning("a reminder could not be sent: %s", exc)
    return sent


async def reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue's callback (polling mode)."""
    tutor: Tutor | None = context.application.bot_data.get("tutor")
    if tutor is not None:
        await send_due_reminders(context.application, tutor.clock())


def schedule_reminders(app: Application[Any, Any, Any, Any, Any, Any], every: float) -> None:
    """Polling mode: look for due reminders every `every` seconds with PTB's JobQueue."""
    if app.job_queue is None:
        raise RuntimeError("reminders need python-telegram-bot[job-queue] (APScheduler)")
    app.job_queue.run_repeating(reminder_job, interval=every, first=every, name=JOB)


class ReminderTicker:
    """Webhook mode: a task in the web app's event loop that sends the due reminders every
    `every` seconds (each replica runs one; their claims keep it to one message)."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], every: float):
        self.app = app
        self.every = every
        self.loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._task = self.loop.create_task(self._run())

    async def tick(self) -> int:
        """Send what is due now (the tutor's clock); how many were sent."""
        tutor: Tutor | None = self.app.bot_data.get("tutor")
        return 0 if tutor is None else await send_due_reminders(self.app, tutor.clock())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await self.tick()
            except Exception:  # the next tick tries again; the loop must not die
                log.exception("looking for due reminders failed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
