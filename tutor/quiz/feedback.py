"""The verdict on an attempt as a learner reads it: a short head, then the cited source
quoted, within `MAX_FEEDBACK_CHARS`.
"""

from __future__ import annotations

from ..domain import Grade, QuizItem

MAX_FEEDBACK_CHARS = 800

_MAX_SHOWN = 200  # the longest expected answer echoed in feedback, so the quote keeps its room


def shown(text: str, limit: int = _MAX_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _feedback(head: str, quote: str) -> str:
    """`head` then the quote in full, or shortened with an ellipsis to fit the limit."""
    lead = f"{head} The source says: “"
    room = MAX_FEEDBACK_CHARS - len(lead) - 1
    if len(quote) > room:
        cut = quote[: room - 1]
        space = cut.rfind(" ")
        quote = (cut[:space] if space > room // 2 else cut).rstrip() + "…"
    return f"{lead}{quote}”"


def graded(item: QuizItem, correct: bool, expected: str, head: str) -> Grade:
    return Grade(correct, expected, _feedback(head, item.citation.quote), item.citation)
