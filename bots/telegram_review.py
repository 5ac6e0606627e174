"""/review on Telegram: the learner's due items one after another, then a summary.

A review is the list of items due when it starts, in scheduling order (the earliest due
first), kept in the state store (REVIEW, by chat) with how far it got. Each item goes out as
any quiz does (a quiz poll, or a message whose reply is graded); when the learner answers
the item the review is at, the next one follows, and after the last the summary: "7
reviewed, 5 right; next review tomorrow, 3 items". An item that left the course's quiz bank
meanwhile (a new version of the course) is skipped. "Review now" under a reminder starts one.
"""

from __future__ import annotations

import json
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from tutor import NotFound

from . import telegram_format as fmt
from .telegram_chat import run, send_html_to, send_quiz_to, session_of, tutor_of, zone_of

REVIEW = "telegram-review"  # chat id -> the review under way (JSON), "" when none
START = "review"  # callback data of the "Review now" button


async def review(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start a review of the items due now."""
    if update.effective_chat is not None:
        await start_review(context, update.effective_chat.id)


async def review_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Review now" button under a reminder."""
    query = update.callback_query
    if query is not None and update.effective_chat is not None:
        await query.answer()
        await start_review(context, update.effective_chat.id)


async def start_review(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    tutor = tutor_of(context)
    sid = await run(session_of, tutor, chat_id)
    items = await run(tutor.due_items, sid)
    if not items:
        await run(tutor.remember, REVIEW, str(chat_id), "")
        zone = await run(zone_of, tutor, chat_id)
        summary = await run(tutor.review_summary, sid, [], tutor.clock(), zone)
        await send_html_to(context.bot, chat_id, fmt.nothing_due_html(summary, tutor.clock(), zone))
        return
    state = {"sid": sid, "ids": [i.quiz_id for i in items], "at": 0, "since": tutor.clock()}
    await send_html_to(context.bot, chat_id, fmt.review_start_html(len(items)))
    await _next(context, chat_id, state)


async def after_answer(context: ContextTypes.DEFAULT_TYPE, chat_id: int, quiz_id: str) -> None:
    """A learner answered `quiz_id`: if a review is at that item, go on to the next."""
    tutor = tutor_of(context)
    raw = await run(tutor.recall, REVIEW, str(chat_id))
    if not raw:
        return
    state = json.loads(raw)
    if state["ids"][state["at"]] != quiz_id:
        return  # an answer to something else (an older poll, a /quiz item)
    state["at"] += 1
    await _next(context, chat_id, state)


async def _next(context: ContextTypes.DEFAULT_TYPE, chat_id: int, state: dict[str, Any]) -> None:
    """Send the item the review is at (skipping any that cannot be served), or the summary."""
    tutor = tutor_of(context)
    while state["at"] < len(state["ids"]):
        try:
            item = await run(tutor.show_item, state["sid"], state["ids"][state["at"]])
        except NotFound:
            state["at"] += 1
            continue
        await run(tutor.remember, REVIEW, str(chat_id), json.dumps(state))
        await send_quiz_to(context, chat_id, item, state["sid"])
        return
    await run(tutor.remember, REVIEW, str(chat_id), "")
    zone = await run(zone_of, tutor, chat_id)
    summary = await run(tutor.review_summary, state["sid"], state["ids"], state["since"], zone)
    await send_html_to(context.bot, chat_id, fmt.review_summary_html(summary, tutor.clock(), zone))
