"""What every Telegram handler shares: the tutor, a chat's session and time zone, and
sending HTML and quiz items to a chat.

Conversation state lives in the tutor's state store (links): which session a chat is in,
which quiz item a poll asks, which short answer a chat owes. Helpers take a chat id, not an
update, so that a job (a reminder) or a poll answer (which has no chat) can send too.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from telegram.constants import ParseMode, PollType
from telegram.ext import ContextTypes

from tutor import QuizItem, Tutor, kind_of

from . import telegram_format as fmt

SESSION = "telegram-session"  # chat id -> tutor session id
POLL = "telegram-poll"  # poll id -> "quiz_id session_id chat_id"
PENDING = "telegram-pending"  # chat id -> quiz id of a short answer awaited
UTC = "UTC"


def tutor_of(context: ContextTypes.DEFAULT_TYPE) -> Tutor:
    tutor: Tutor = context.application.bot_data["tutor"]
    return tutor


async def run(fn: Any, *args: Any) -> Any:
    """Call the tutor off the event loop, so one slow answer does not stall other chats."""
    return await asyncio.to_thread(fn, *args)


def session_of(tutor: Tutor, chat_id: int) -> str:
    sid = tutor.recall(SESSION, str(chat_id))
    if sid is None:
        sid = new_session(tutor, chat_id)
    return sid


def new_session(tutor: Tutor, chat_id: int) -> str:
    sid = f"tg-{chat_id}-{secrets.token_hex(4)}".replace("--", "-n")
    tutor.remember(SESSION, str(chat_id), sid)
    tutor.follow_session(str(chat_id), sid)  # a reminder counts the new session's items
    return sid


def zone_of(tutor: Tutor, chat_id: int) -> str:
    """The time zone the learner gave (for a reminder), else UTC."""
    reminder = tutor.reminder(str(chat_id))
    return reminder.zone if reminder is not None and reminder.zone else UTC


async def send_html_to(bot: Any, chat_id: int, html: str, **kw: Any) -> None:
    """Send HTML in as many messages as it needs; buttons go on the last one."""
    chunks = fmt.split_html(html)
    markup = kw.pop("reply_markup", None)
    for i, chunk in enumerate(chunks):
        await bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if i == len(chunks) - 1 else None,
            **kw,
        )


async def send_quiz_to(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, item: QuizItem, sid: str
) -> None:
    """An item picked from options as a quiz poll; one answered in free text as a message to
    reply to (its kind says which)."""
    tutor = tutor_of(context)
    if kind_of(item.kind).free_text:
        await run(tutor.remember, PENDING, str(chat_id), item.quiz_id)
        await send_html_to(context.bot, chat_id, fmt.short_answer_html(item))
        return
    lead, question, options, correct, explanation = fmt.poll_parts(item)
    if lead:
        await context.bot.send_message(chat_id, lead)
    message = await context.bot.send_poll(
        chat_id,
        question,
        options,
        is_anonymous=False,  # the answer must reach the bot to count in progress
        type=PollType.QUIZ,
        correct_option_ids=[correct],  # type: ignore[list-item]  # Bot API 10 name
        explanation=explanation,
    )
    if message.poll is not None:
        await run(tutor.remember, POLL, message.poll.id, f"{item.quiz_id} {sid} {chat_id}")
