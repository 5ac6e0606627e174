"""Quiz items as text an LMS imports: GIFT (Moodle) and Aiken (Moodle and other LMSs).

`to_gift(items)` renders every kind, `to_aiken(items)` multiple choice and true/false only.
Both keep the items' order and the options' order, and raise `ValueError` for an item they
cannot express faithfully (an unknown kind, an empty question, a multiple-choice answer
that is not one of its options, a true/false answer other than "true"/"false").

All text is put on one line: every run of whitespace, newlines included, becomes one space
(course text is prose, so nothing is lost but line breaks).

GIFT, as Moodle's importer (`qformat_gift`) reads it:

- A comment line `// Quiz export from <n> items`, then one block per item, blocks separated
  by a blank line. Before the first item of each topic (the item's section) comes a
  `$CATEGORY: <topic>` block, so the items land in one question category per section.
- A block is `::<quiz_id> <topic>::[plain]<question> {`, one answer per line, the general
  feedback `####Source (<section>): “<quote>”` (shown after every attempt, so the learner
  sees where the answer comes from), and `}`. Answers: multiple choice `=correct` and
  `~wrong` in the item's option order; true/false `T` or `F`; short answer `=answer`, plus
  `=answer without its leading article` when it has one ("the Warsaw Pact" → "Warsaw Pact").
- `~ = # { } :` and the backslash are escaped with a backslash in every piece of text
  (title, question, answers, feedback). `[plain]` makes Moodle show course text as plain text
  (no HTML read into "<" or "&"); a piece that itself starts with "[" gets its own `[plain]`
  so a leading "[html]" is text, not a format marker.
- Hazards escaping cannot remove are avoided: a wrong option that starts like an answer
  weight ("%50% off") gets an explicit `%0%`, a short answer that does gets `%100%`; in a
  short answer a `*` (Moodle's wildcard) gets a backslash before it, so Moodle matches a
  literal asterisk (in the file: an escaped backslash, then `*`); a short answer holding "->"
  (which, with "=", makes Moodle read a matching question) is written `%100%answer`, alone.
- Moodle does not undo GIFT escapes in a `$CATEGORY` line (only a doubled backslash comes
  back single), so there only the backslash and "/" (its category separator) are doubled.

Aiken (one-answer multiple choice only) has no escaping, no feedback and no comments:

- Each block is the question on one line, `A. option` lines, then `ANSWER: X`; blocks are
  separated by a blank line. True/false items become "A. True" / "B. False".
- Short-answer items are skipped: Aiken cannot express them.
- A question line that would read as an option or the answer line (it starts with a letter
  and "." or ")", or with "ANSWER:") or that is shorter than two characters (Moodle skips
  it) is prefixed with "Question: ".
- The source quote is left out on purpose: Aiken has no feedback field, and appended to the
  question it would give the answer away (the quote is the sentence the answer comes from).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .domain import QuizItem

MULTIPLE_CHOICE = "multiple_choice"
SHORT_ANSWER = "short_answer"
TRUE_FALSE = "true_false"
KINDS = (MULTIPLE_CHOICE, SHORT_ANSWER, TRUE_FALSE)
TF_OPTIONS = ("True", "False")
MAX_AIKEN_OPTIONS = 26  # one capital letter each

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")
_GIFT_PLAIN = "[plain]"
# Moodle's answer-weight prefix (`$giftanswerweightregex`): "%50%", "%-25%", "%33.3%".
_GIFT_WEIGHT = re.compile(r"%-*[0-9]{1,2}\.?[0-9]*%")
_LEADING_ARTICLE = re.compile(r"(?:the|an?)\s+(?=\S)", re.IGNORECASE)
# Starts Aiken reads as an option label ("A.", "b)") or the answer line ("ANSWER:").
_AIKEN_LABEL = re.compile(r"[a-z][.)]|answer\s*:", re.IGNORECASE)
_AIKEN_GUARD = "Question: "


def to_gift(items: Sequence[QuizItem]) -> str:
    """The items in Moodle's GIFT format (see the module docstring)."""
    blocks = [f"// Quiz export from {len(items)} items"]
    category: str | None = None
    for item in items:
        topic = _flat(item.topic or item.citation.section)
        if topic and topic != category:
            blocks.append(f"$CATEGORY: {_gift_category(topic)}")
            category = topic
        blocks.append(_gift_block(item, topic))
    return "\n\n".join(blocks) + "\n"


def to_aiken(items: Sequence[QuizItem]) -> str:
    """The multiple-choice and true/false items in Aiken format; short answers are skipped."""
    blocks = [_aiken_block(item) for item in items if _kind(item) != SHORT_ANSWER]
    return "\n\n".join(blocks) + "\n" if blocks else ""


# ---------------------------------------------------------------------------------------------
# Shared
# ---------------------------------------------------------------------------------------------


def _flat(text: str) -> str:
    """The text on one line: runs of whitespace (newlines, tabs, U+2028…) become one space."""
    return " ".join(text.split())


def _kind(item: QuizItem) -> str:
    if item.kind not in KINDS:
        raise ValueError(f"{item.quiz_id}: unknown kind {item.kind!r}")
    if not _flat(item.question):
        raise ValueError(f"{item.quiz_id}: empty question")
    return item.kind


def _choices(item: QuizItem) -> tuple[tuple[str, ...], int]:
    """The options of a multiple-choice or true/false item, one line each, and the index of
    the correct one."""
    if _kind(item) == TRUE_FALSE:
        truth = item.answer.strip().lower()
        if truth not in ("true", "false"):
            raise ValueError(f"{item.quiz_id}: true/false answer {item.answer!r}")
        return TF_OPTIONS, 0 if truth == "true" else 1
    options = item.options or ()
    if not 2 <= len(options) <= MAX_AIKEN_OPTIONS:
        raise ValueError(f"{item.quiz_id}: {len(options)} options")
    if item.answer not in options:
        raise ValueError(f"{item.quiz_id}: answer {item.answer!r} is not an option")
    flat = tuple(_flat(o) for o in options)
    if not all(flat):
        raise ValueError(f"{item.quiz_id}: empty option")
    return flat, options.index(item.answer)


# ---------------------------------------------------------------------------------------------
# GIFT
# ---------------------------------------------------------------------------------------------


def _gift_escape(text: str) -> str:
    return _GIFT_SPECIAL.sub(r"\\\1", _flat(text))


def _gift_text(text: str) -> str:
    """One escaped piece of text; `[plain]` first when it starts with "[" (a format marker)."""
    escaped = _gift_escape(text)
    return _GIFT_PLAIN + escaped if escaped.startswith("[") else escaped


def _gift_category(topic: str) -> str:
    return topic.replace("\\", "\\\\").replace("/", "//")


def _gift_block(item: QuizItem, topic: str) -> str:
    kind = _kind(item)
    title = _gift_escape(f"{item.quiz_id} {topic}")
    lines = [f"::{title}::{_GIFT_PLAIN}{_gift_escape(item.question)} {{"]
    if kind == SHORT_ANSWER:
        lines += _gift_short_answer(item)
    else:
        options, correct = _choices(item)
        if kind == TRUE_FALSE:
            lines.append("T" if correct == 0 else "F")
        else:
            lines += [_gift_option(o, i == correct) for i, o in enumerate(options)]
    feedback = _gift_feedback(item)
    if feedback:
        lines.append(f"####{feedback}")
    head, *body = lines
    return "\n".join([head, *(f"\t{line}" for line in body), "}"])


def _gift_option(option: str, correct: bool) -> str:
    text = _gift_text(option)
    if correct:
        return "=" + text
    return "~%0%" + text if _GIFT_WEIGHT.match(text) else "~" + text


def _gift_short_answer(item: QuizItem) -> list[str]:
    answer = _flat(item.answer)
    if not answer:
        raise ValueError(f"{item.quiz_id}: empty answer")
    forms = [answer]
    article = _LEADING_ARTICLE.match(answer)
    if article:
        forms.append(answer[article.end() :])
    texts = [_gift_text(f.replace("*", "\\*")) for f in forms]
    if any("->" in t for t in texts):
        return ["%100%" + texts[0]]
    return ["=%100%" + t if _GIFT_WEIGHT.match(t) else "=" + t for t in texts]


def _gift_feedback(item: QuizItem) -> str:
    quote = _flat(item.citation.quote)
    if not quote:
        return ""
    section = _flat(item.citation.section)
    source = f"Source ({section})" if section else "Source"
    return _gift_text(f"{source}: “{quote}”")


# ---------------------------------------------------------------------------------------------
# Aiken
# ---------------------------------------------------------------------------------------------


def _aiken_block(item: QuizItem) -> str:
    options, correct = _choices(item)
    question = _flat(item.question)
    if len(question) < 2 or _AIKEN_LABEL.match(question):
        question = _AIKEN_GUARD + question
    lines = [question]
    lines += [f"{chr(ord('A') + i)}. {option}" for i, option in enumerate(options)]
    lines.append(f"ANSWER: {chr(ord('A') + correct)}")
    return "\n".join(lines)
