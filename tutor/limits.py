"""What the service accepts from a learner: session ids, course ids, and text within the
length limits."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from .errors import InvalidInput
from .text import ANSWER_CHARS, QUESTION_CHARS, TOPIC_CHARS

SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
# A course id names a folder and a key prefix, so nothing but a slug: no '.', '/' or ':'.
COURSE_ID = re.compile(r"[a-z0-9-]{1,64}")


@dataclass(frozen=True)
class Limits:
    max_question_chars: int = QUESTION_CHARS
    max_topic_chars: int = TOPIC_CHARS
    max_answer_chars: int = ANSWER_CHARS


def new_session_id() -> str:
    return "s-" + secrets.token_hex(12)


def check_session_id(session_id: str | None) -> str:
    """A valid session id, or a fresh one when none is given."""
    if session_id is None or session_id == "":
        return new_session_id()
    if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
        raise InvalidInput(
            "session_id must be 1-128 characters of letters, digits and . _ : - "
            "starting with a letter or digit"
        )
    return session_id


def check_course_id(course_id: object) -> str:
    """A valid course id (InvalidInput naming what is allowed otherwise)."""
    if not isinstance(course_id, str) or not COURSE_ID.fullmatch(course_id):
        shown = repr(course_id)[:80]
        raise InvalidInput(f"a course id is 1-64 lowercase letters, digits and '-'; got {shown}")
    return course_id


def check_text(name: str, value: object, limit: int, *, allow_empty: bool = False) -> str:
    """Text from a learner: a string, within `limit`, without control characters."""
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string")
    text = value.strip()
    if not text and not allow_empty:
        raise InvalidInput(f"{name} must not be empty")
    if len(text) > limit:
        raise InvalidInput(f"{name} is {len(text)} characters long; at most {limit} allowed")
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r":
            raise InvalidInput(f"{name} contains a control character U+{ord(ch):04X}")
    return " ".join(text.split())


def check_question(question: object, limits: Limits) -> str:
    return check_text("question", question, limits.max_question_chars)


MAX_ANSWER_SECONDS = 86_400.0  # a client's measure of an answer's time beyond a day is no measure


def check_seconds(seconds: object) -> float | None:
    """How long a learner took to answer, as a client measured it (None: not measured)."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise InvalidInput(f"seconds must be a number; got {type(seconds).__name__}")
    if not 0 < seconds <= MAX_ANSWER_SECONDS:
        raise InvalidInput(
            f"seconds must be more than 0 and at most {MAX_ANSWER_SECONDS:.0f}; got {seconds}"
        )
    return float(seconds)
