"""Telegram HTML: escaping course text, splitting long replies, fitting poll limits.

Every piece of course text and every question is escaped before it is put between tags,
so a course that contains "<script>" or "&" shows those characters and breaks nothing.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tutor import Answer, Citation, Grade, Progress, QuizItem, Reminder, ReviewSummary, kind_of

MESSAGE_LIMIT = 4096
POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100
POLL_EXPLANATION_LIMIT = 200
_TAG = re.compile(r"<(/?)([a-z-]+)([^>]*)>")


def escape(text: str) -> str:
    """Telegram's HTML needs only <, > and & escaped; quotes stay readable."""
    return html.escape(text, quote=False)


def shorten(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


def answer_html(answer: Answer) -> str:
    """The answer, then each source: its section in italics, the quote in a blockquote and,
    under it, any teacher's correction of that quote."""
    parts = [escape(answer.text)]
    if answer.citations:
        parts.append("\n\n<b>Sources</b>")
        for c in answer.citations:
            parts.append(
                f"\n<i>{escape(c.section)}</i>\n<blockquote>{escape(c.quote)}</blockquote>"
            )
            parts.extend(
                f"\n⚠️ <b>Teacher's correction:</b> {escape(x.note)}" for x in c.corrections
            )
    return "".join(parts)


def passage_html(citation: Citation, paragraph: str, start: int, end: int) -> str:
    """The paragraph around a citation with the quoted span in bold."""
    return (
        f"<i>{escape(citation.section)}</i>\n\n"
        + escape(paragraph[:start])
        + "<b>"
        + escape(paragraph[start:end])
        + "</b>"
        + escape(paragraph[end:])
    )


def grade_html(grade: Grade) -> str:
    mark = "✅" if grade.correct else "❌"
    return f"{mark} {escape(grade.feedback)}"


def short_answer_html(item: QuizItem) -> str:
    return f"✏️ <b>Quiz</b>\n{escape(item.question)}\n\n<i>Reply with your answer.</i>"


def progress_html(progress: Progress, streak: int = 0) -> str:
    if not progress.attempts:
        return "No quiz answers yet. Send /quiz to start practising."
    lines = [
        f"<b>Your progress</b>: {progress.correct_attempts} of {progress.attempts} answers right."
    ]
    if streak:
        lines.append(f"🔥 {count(streak, 'day')} in a row with a review.")
    for s in progress.sections:
        if s.attempts:
            lines.append(
                f"• <i>{escape(s.section)}</i>: {s.correct_attempts}/{s.attempts} right, "
                f"{s.correct_first_attempts} at the first try, mastery {round(100 * s.mastery)}%"
            )
    if progress.due:
        lines.append(f"\n{count(len(progress.due), 'item')} due for review: send /review.")
    return "\n".join(lines)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def when(at: float, now: float, zone: str) -> str:
    """A time to come as a learner says it: "in 10 minutes", "today at 19:10", "tomorrow",
    "on Friday", "on 18 May" (days are the learner's, in `zone`)."""
    tz = ZoneInfo(zone)
    then, today = datetime.fromtimestamp(at, tz), datetime.fromtimestamp(now, tz)
    days = (then.date() - today.date()).days
    if at - now < 3600:
        return f"in {count(max(1, round((at - now) / 60)), 'minute')}"
    if days == 0:
        return f"today at {then:%H:%M}"
    if days == 1:
        return "tomorrow"
    return f"on {then:%A}" if days < 7 else f"on {then.day} {then:%B}"


def next_review(summary: ReviewSummary, now: float, zone: str) -> str:
    if summary.next_due_at is None:
        return "nothing is scheduled yet"
    at = when(summary.next_due_at, now, zone)
    return f"next review {at}, {count(summary.next_due, 'item')}"


def review_summary_html(summary: ReviewSummary, now: float, zone: str) -> str:
    """ "7 reviewed, 5 right; next review tomorrow, 3 items." """
    return (
        f"🏁 <b>Review done</b>: {summary.reviewed} reviewed, {summary.right} right; "
        f"{next_review(summary, now, zone)}."
    )


def nothing_due_html(summary: ReviewSummary, now: float, zone: str) -> str:
    return f"Nothing is due for review now; {next_review(summary, now, zone)}."


def review_start_html(items: int) -> str:
    return f"🔁 <b>Review</b>: {count(items, 'item')} due, the earliest due first."


def reminder_html(due: dict[str, int]) -> str:
    """The daily reminder: how many items are due, per section."""
    total = sum(due.values())
    lines = [f"⏰ Time to review: {count(total, 'item')} due."]
    lines.extend(f"• <i>{escape(section)}</i>: {n}" for section, n in due.items())
    return "\n".join(lines)


def reminder_set_html(reminder: Reminder, next_at: datetime | None) -> str:
    """What a learner is told when a reminder is set: when, and what quiet hours do."""
    text = (
        f"⏰ I'll remind you every day at {reminder.time_of_day} ({escape(reminder.zone)}) "
        "when items are due for review."
    )
    if next_at is not None and f"{next_at:%H:%M}" != reminder.time_of_day:
        start, end = reminder.quiet_hours.split("-")
        text += (
            f" {reminder.time_of_day} is within the quiet hours ({start}-{end}): it comes at {end}."
        )
    if next_at is not None:
        text += f"\nNext: {next_at:%A %d %B, %H:%M}."
    return text + "\n/remind off stops it."


def zone_question_html(time_of_day: str) -> str:
    return (
        f"Which time zone are you in, so that {time_of_day} is your {time_of_day}? "
        "Pick one below, or send /timezone followed by its name, such as "
        "<code>/timezone America/Sao_Paulo</code>."
    )


def poll_parts(item: QuizItem) -> tuple[str | None, str, list[str], int, str]:
    """(lead message or None, poll question, options, correct option, explanation) for an
    item its kind shows as options to pick (not `free_text`).

    A question longer than a poll allows goes out as a message just before the poll.
    """
    choices = kind_of(item.kind).choices(item)
    if choices is None:
        raise ValueError(f"{item.quiz_id}: a {item.kind} item is answered in free text")
    options = [shorten(o, POLL_OPTION_LIMIT) for o in choices[0]]
    correct = choices[1]
    lead = None
    question = item.question
    if len(question) > POLL_QUESTION_LIMIT:
        lead, question = question, "Your answer to the question above:"
    explanation = shorten(f"Source: “{item.citation.quote}”", POLL_EXPLANATION_LIMIT)
    return lead, question, options, correct, explanation


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML into chunks of at most `limit` characters without cutting a tag.

    Chunks break at a newline or space when one is near; tags still open at a break are
    closed at the end of the chunk and opened again at the start of the next.
    """
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, full opening tag)
    current = ""
    pos = 0
    tokens = [(m.start(), m.end()) for m in _TAG.finditer(text)]
    pieces: list[tuple[bool, str]] = []
    for start, end in tokens:
        if start > pos:
            pieces.append((False, text[pos:start]))
        pieces.append((True, text[start:end]))
        pos = end
    if pos < len(text):
        pieces.append((False, text[pos:]))

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def reopening() -> str:
        return "".join(tag for _, tag in open_tags)

    def flush() -> None:
        nonlocal current
        if current.strip():
            chunks.append(current + closing())
        current = reopening()

    for is_tag, piece in pieces:
        if is_tag:
            m = _TAG.match(piece)
            assert m is not None
            if len(current) + len(piece) + len(closing()) + 16 > limit:
                flush()
            current += piece
            if m.group(1):
                if open_tags and open_tags[-1][0] == m.group(2):
                    open_tags.pop()
            else:
                open_tags.append((m.group(2), piece))
            continue
        while piece:
            room = limit - len(current) - len(closing()) - 16
            if room <= 0:
                flush()
                continue
            if len(piece) <= room:
                current += piece
                break
            cut = max(piece.rfind("\n", 0, room), piece.rfind(" ", 0, room))
            if cut <= room // 2:
                cut = room
            # never cut inside an HTML entity such as &amp;
            amp = piece.rfind("&", max(0, cut - 8), cut)
            if amp != -1 and ";" not in piece[amp:cut]:
                cut = amp
            current += piece[:cut]
            piece = piece[cut:].lstrip(" ")
            flush()
    if current.strip() and current != reopening():
        chunks.append(current + closing())
    return chunks
