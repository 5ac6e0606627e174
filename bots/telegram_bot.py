"""The Telegram adapter: python-telegram-bot handlers over the `Tutor` facade.

Each handler reads the update, calls the tutor in a worker thread (answering uses the CPU),
and formats the reply as escaped HTML. Conversation state lives in the tutor's state store:
which session a chat is in, which quiz item a poll asks, which short answer a chat owes.
What the handlers share is in `telegram_chat.py`; /review in `telegram_review.py`, /remind and
the reminders' schedulers in `telegram_reminders.py`, the /progress chart in
`telegram_chart.py`. `build_application` puts them together.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from tutor import Citation, InvalidInput, NotFound, QuizItem, Settings, Tutor, TutorError, kind_of

from . import telegram_format as fmt
from .ratelimit import RateLimiter
from .telegram_chart import progress_png
from .telegram_chat import (
    PENDING,
    POLL,
    new_session,
    run,
    send_html_to,
    send_quiz_to,
    session_of,
    tutor_of,
    zone_of,
)
from .telegram_reminders import ZONE, remind, schedule_reminders, timezone, zone_button
from .telegram_review import REVIEW, after_answer, review, review_button
from .telegram_review import START as REVIEW_START

log = logging.getLogger(__name__)

PASSAGE = "telegram-passage"  # token -> "doc_id start end"
POLL_LINK_WAITS = 30
FRIENDLY_ERROR = "Sorry, something went wrong on my side. Please try again in a moment."
SLOW_DOWN = (
    "⏳ You're sending messages faster than I can answer them well. "
    "Please wait {seconds} s, then send your question again."
)
TOO_LONG = (
    "That message is {length} characters long; I can take {what} of up to {limit} characters. "
    "Could you say it more briefly, or split it into separate questions?"
)
COMMANDS = [
    BotCommand("start", "what this tutor covers"),
    BotCommand("quiz", "a quiz question (optionally on a topic: /quiz Cuba)"),
    BotCommand("progress", "what you have practised"),
    BotCommand("review", "go through the items due for review"),
    BotCommand("remind", "a daily reminder to review (/remind 18:30, /remind off)"),
    BotCommand("reset", "start a new conversation"),
    BotCommand("help", "how to use the tutor"),
]


async def publish_commands(bot: Any) -> None:
    """Show the commands in Telegram's menu; a server that refuses only costs the menu."""
    try:
        await bot.set_my_commands(COMMANDS)
    except TelegramError as exc:
        log.warning("could not publish the command menu: %s", exc)


def passage_token(tutor: Tutor, c: Citation) -> str:
    """A short id for a citation: callback data may hold 64 bytes only."""
    token = hashlib.sha1(f"{c.doc_id}:{c.start}:{c.end}".encode()).hexdigest()[:16]
    tutor.remember(PASSAGE, token, f"{c.doc_id} {c.start} {c.end}")
    return token


async def send_html(
    update: Update, context: ContextTypes.DEFAULT_TYPE, html: str, **kw: Any
) -> None:
    """Send HTML to the update's chat (see `send_html_to`)."""
    chat = update.effective_chat
    if chat is not None:
        await send_html_to(context.bot, chat.id, html, **kw)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome: what the course covers and how to use the bot."""
    tutor = tutor_of(context)
    titles = ", ".join(fmt.escape(d.title) for d in tutor.documents())
    sections = "\n".join(f"• {fmt.escape(s)}" for s in tutor.section_titles())
    await send_html(
        update,
        context,
        f"👋 Hi! I'm your tutor for <b>{titles}</b>.\n\nIt covers:\n{sections}\n\n"
        "Ask me anything about it: I answer from the course and show where it says so.\n"
        "/quiz — practise (or /quiz Cuba for a topic)\n/progress — how you are doing\n"
        "/review — the items due for review\n/remind 18:30 — a daily reminder\n"
        "/reset — start a new conversation\n/help — this help",
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How to use the bot."""
    await send_html(
        update,
        context,
        "Send any question about the course and I'll answer with the sentences it comes from.\n"
        'Follow-up questions ("And what happened next?") continue the conversation.\n\n'
        "/quiz — a quiz question; /quiz <i>topic</i> for one on a topic\n"
        "/progress — what you have practised and what is due\n"
        "/review — go through the items due for review\n"
        "/remind <i>HH:MM</i> — a daily reminder when items are due (/remind off stops it)\n"
        "/reset — forget the conversation and start afresh",
    )


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start a new conversation (progress from earlier sessions stays where it was)."""
    chat = update.effective_chat
    if chat is None:
        return
    tutor = tutor_of(context)
    await run(new_session, tutor, chat.id)
    await run(tutor.remember, PENDING, str(chat.id), "")
    await run(tutor.remember, REVIEW, str(chat.id), "")
    await send_html(update, context, "🔄 New conversation started. Ask away!")


async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The learner's progress: a chart of mastery per section, then the figures."""
    chat = update.effective_chat
    if chat is None:
        return
    tutor = tutor_of(context)
    sid = await run(session_of, tutor, chat.id)
    report = await run(tutor.progress, sid)
    streak = await run(tutor.streak, sid, await run(zone_of, tutor, chat.id))
    if report.attempts:
        chart = await run(progress_png, report, streak)
        await context.bot.send_photo(chat.id, chart, caption="Mastery per section")
    await send_html(update, context, fmt.progress_html(report, streak))


async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A quiz item: on the topic after /quiz if any, else what the scheduler picks."""
    chat = update.effective_chat
    if chat is None:
        return
    tutor = tutor_of(context)
    topic = " ".join(context.args or []) or None
    sid = await run(session_of, tutor, chat.id)
    try:
        item, _ = await run(tutor.quiz, sid, topic, None)
    except NotFound:
        await send_html(
            update, context, f"I have no quiz on {fmt.escape(topic or 'that')}. Try another topic."
        )
        return
    await send_quiz(update, context, item, sid)


async def send_quiz(
    update: Update, context: ContextTypes.DEFAULT_TYPE, item: QuizItem, sid: str
) -> None:
    """A quiz item to the update's chat (see `send_quiz_to`)."""
    chat = update.effective_chat
    if chat is not None:
        await send_quiz_to(context, chat.id, item, sid)


async def poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A learner answered a quiz poll: grade it and record it in their progress."""
    answer = update.poll_answer
    if answer is None or not answer.option_ids:
        return
    tutor = tutor_of(context)
    link = None
    for _ in range(POLL_LINK_WAITS):
        # an answer can overtake the bookkeeping of a poll sent a moment ago
        link = await run(tutor.recall, POLL, answer.poll_id)
        if link:
            break
        await asyncio.sleep(0.1)
    if not link:
        log.warning("an answer to an unknown poll %s", answer.poll_id)
        return
    quiz_id, sid, chat_id = link.split(" ")
    item = await run(tutor.quiz_item, quiz_id)
    choice = answer.option_ids[0]
    given = kind_of(item.kind).answer_for_choice(item, choice)
    await run(tutor.answer_quiz, quiz_id, given, sid)
    await after_answer(context, int(chat_id), quiz_id)  # a review goes on to its next item


async def throttle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before any handler: a user over the rate gets one polite note, then silence."""
    limiter: RateLimiter | None = context.application.bot_data.get("rate_limiter")
    user = update.effective_user
    if limiter is None or user is None or update.poll_answer is not None:
        return  # a poll answer is a tap on a quiz already sent: always record it
    decision = await limiter.ahit(str(user.id))
    if decision.allowed:
        return
    note = SLOW_DOWN.format(seconds=decision.retry_after)
    if update.callback_query is not None:
        await update.callback_query.answer(note)  # every press needs an answer, or it spins
    elif decision.first_refusal and update.effective_chat is not None:
        # one note per burst: answering every extra message would flood the chat in turn
        await context.bot.send_message(update.effective_chat.id, note)
    raise ApplicationHandlerStop


async def message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text: the answer to a pending short-answer quiz, or else a question."""
    chat, msg = update.effective_chat, update.effective_message
    if chat is None or msg is None or not msg.text:
        return
    tutor = tutor_of(context)
    sid = await run(session_of, tutor, chat.id)
    pending = await run(tutor.recall, PENDING, str(chat.id))
    what, limit = (
        ("answers", tutor.limits.max_answer_chars)
        if pending
        else ("questions", tutor.limits.max_question_chars)
    )
    if len(msg.text) > limit:  # the quiz stays pending: a shorter answer is still graded
        await send_html(
            update, context, TOO_LONG.format(length=len(msg.text), what=what, limit=limit)
        )
        return
    if pending:
        await run(tutor.remember, PENDING, str(chat.id), "")
        grade, _ = await run(tutor.answer_quiz, pending, msg.text, sid)
        await send_html(update, context, fmt.grade_html(grade))
        await after_answer(context, chat.id, pending)
        return
    answer = await run(tutor.ask, msg.text, sid, "telegram")
    buttons = []
    if answer.followup_quiz is not None:
        buttons.append(
            InlineKeyboardButton("Quiz me", callback_data=f"quiz:{answer.followup_quiz.quiz_id}")
        )
    if answer.citations:
        token = await run(passage_token, tutor, answer.citations[0])
        buttons.append(InlineKeyboardButton("Show passage", callback_data=f"passage:{token}"))
    markup = InlineKeyboardMarkup([buttons]) if buttons else None
    await send_html(update, context, fmt.answer_html(answer), reply_markup=markup)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The inline buttons under an answer: Quiz me, Show passage."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or not query.data:
        return
    await query.answer()
    tutor = tutor_of(context)
    action, _, value = query.data.partition(":")
    if action == "quiz":
        sid = await run(session_of, tutor, chat.id)
        item = await run(tutor.quiz_item, value)
        await send_quiz(update, context, item, sid)
    elif action == "passage":
        link = await run(tutor.recall, PASSAGE, value)
        if not link:
            await send_html(update, context, "That passage is no longer available.")
            return
        doc_id, start, end = link.rsplit(" ", 2)
        paragraph, s, e = await run(tutor.passage, doc_id, int(start), int(end))
        section = next(
            (x.title for x in tutor.document(doc_id).sections if x.start <= int(start) < x.end),
            doc_id,
        )
        citation = Citation(doc_id, section, int(start), int(end), paragraph[s:e])
        await send_html(update, context, fmt.passage_html(citation, paragraph, s, e))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every error; tell the learner in words, never with a stack trace."""
    error = context.error
    if isinstance(error, Forbidden):
        log.info("a user blocked the bot: %s", error)
        return
    if isinstance(error, RetryAfter | NetworkError):
        log.warning("Telegram unavailable for now: %s", error)
        return
    text = str(error) if isinstance(error, InvalidInput | NotFound) else FRIENDLY_ERROR
    if not isinstance(error, TutorError):
        log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, text)
        except TelegramError as exc:  # the reply itself failed: nothing more to do
            log.warning("could not send the error reply: %s", exc)


def build_application(
    token: str,
    api_root: str,
    *,
    tutor: Tutor | None = None,
    webhook: bool = False,
    post_init: Any = None,
    settings: Settings | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB application with its handlers. Polling unless `webhook` (no updater then).

    `settings` gives the per-user rate limit; without them, the environment's are read.
    """
    config = settings or Settings()
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_root.rstrip('/')}/bot")
        .base_file_url(f"{api_root.rstrip('/')}/file/bot")
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(True)
    )
    if webhook:  # reminders: a ReminderTicker in the web app's loop, not the JobQueue
        builder = builder.updater(None).job_queue(None)
    if post_init is not None:
        builder = builder.post_init(post_init)
    app = builder.build()
    if tutor is not None:
        app.bot_data["tutor"] = tutor
    from .wiring import build_rate_limiter

    app.bot_data["rate_limiter"] = build_rate_limiter(config, "telegram")
    app.add_handler(TypeHandler(Update, throttle), group=-1)  # before every other handler
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CommandHandler("reset", reset))
    app.add_handler(CommandHandler("progress", progress))
    app.add_handler(CommandHandler("quiz", quiz))
    app.add_handler(CommandHandler("review", review))
    app.add_handler(CommandHandler("remind", remind))
    app.add_handler(CommandHandler("timezone", timezone))
    app.add_handler(CallbackQueryHandler(review_button, pattern=f"^{REVIEW_START}$"))
    app.add_handler(CallbackQueryHandler(zone_button, pattern=f"^{ZONE}"))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(PollAnswerHandler(poll_answer))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, message))
    app.add_error_handler(on_error)
    app.bot_data["quiet_hours"] = config.reminder_quiet_hours
    if not webhook:
        schedule_reminders(app, config.reminder_tick_seconds)
    return app
