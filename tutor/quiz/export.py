"""Quiz items as text an LMS imports: GIFT (Moodle) and Aiken (Moodle and other LMSs).

`to_gift(items)` renders every kind, `to_aiken(items)` the kinds answered by picking an option
(multiple choice and true/false). The layout of a block is here; its answer lines come from
the item's kind (`ItemKind.gift_answers`), GIFT's escaping rules from `gift`.
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
  `=answer without its leading article` when it has one ("the Hansa" → "Hansa").
- An item whose source a teacher has corrected (`corrected`: quiz id -> the notes) gets a
  comment line `// CORRECTED SOURCE: <notes>` before its block, so whoever imports the bank
  sees it; Moodle's importer skips comment lines.
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
- Short-answer items are skipped: Aiken cannot express them. Items whose source a teacher has
  corrected are left out too: Aiken has no comment to mark them with.
- A question line that would read as an option or the answer line (it starts with a letter
  and "." or ")", or with "ANSWER:") or that is shorter than two characters (Moodle skips
  it) is prefixed with "Question: ".
- The source quote is left out on purpose: Aiken has no feedback field, and appended to the
  question it would give the answer away (the quote is the sentence the answer comes from).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ..domain import QuizItem
from .gift import GIFT_PLAIN, flat, gift_escape, gift_text
from .kind import Choices, ItemKind
from .kinds import kind_of

MAX_AIKEN_OPTIONS = 26  # one capital letter each

# Starts Aiken reads as an option label ("A.", "b)") or the answer line ("ANSWER:").
_AIKEN_LABEL = re.compile(r"[a-z][.)]|answer\s*:", re.IGNORECASE)
_AIKEN_GUARD = "Question: "


def to_gift(items: Sequence[QuizItem], corrected: Mapping[str, str] | None = None) -> str:
    """The items in Moodle's GIFT format (see the module docstring)."""
    corrected = corrected or {}
    blocks = [f"// Quiz export from {len(items)} items"]
    category: str | None = None
    for item in items:
        topic = flat(item.topic or item.citation.section)
        if topic and topic != category:
            blocks.append(f"$CATEGORY: {_gift_category(topic)}")
            category = topic
        block = _gift_block(item, topic)
        if item.quiz_id in corrected:
            block = f"// CORRECTED SOURCE: {flat(corrected[item.quiz_id])}\n{block}"
        blocks.append(block)
    return "\n\n".join(blocks) + "\n"


def to_aiken(items: Sequence[QuizItem], corrected: Mapping[str, str] | None = None) -> str:
    """The items answered by picking an option, in Aiken format; free-text ones are skipped,
    and so are those whose source was corrected (Aiken cannot mark them)."""
    left_out = corrected or {}
    blocks = [
        _aiken_block(item)
        for item in items
        if not _kind(item).free_text and item.quiz_id not in left_out
    ]
    return "\n\n".join(blocks) + "\n" if blocks else ""


# ---------------------------------------------------------------------------------------------
# Shared
# ---------------------------------------------------------------------------------------------


def _kind(item: QuizItem) -> ItemKind:
    try:
        kind = kind_of(item.kind)
    except ValueError:
        raise ValueError(f"{item.quiz_id}: unknown kind {item.kind!r}") from None
    if not flat(item.question):
        raise ValueError(f"{item.quiz_id}: empty question")
    return kind


def _choices(item: QuizItem, kind: ItemKind) -> Choices | None:
    """The options of an item answered by picking one, one line each, and the index of the
    correct one; None for a free-text item."""
    found = kind.choices(item)
    if found is None:
        return None
    options, correct = found
    if not 2 <= len(options) <= MAX_AIKEN_OPTIONS:
        raise ValueError(f"{item.quiz_id}: {len(options)} options")
    lines = tuple(flat(o) for o in options)
    if not all(lines):
        raise ValueError(f"{item.quiz_id}: empty option")
    return lines, correct


# ---------------------------------------------------------------------------------------------
# GIFT
# ---------------------------------------------------------------------------------------------


def _gift_category(topic: str) -> str:
    return topic.replace("\\", "\\\\").replace("/", "//")


def _gift_block(item: QuizItem, topic: str) -> str:
    kind = _kind(item)
    title = gift_escape(f"{item.quiz_id} {topic}")
    lines = [f"::{title}::{GIFT_PLAIN}{gift_escape(item.question)} {{"]
    lines += kind.gift_answers(item, _choices(item, kind))
    feedback = _gift_feedback(item)
    if feedback:
        lines.append(f"####{feedback}")
    head, *body = lines
    return "\n".join([head, *(f"\t{line}" for line in body), "}"])


def _gift_feedback(item: QuizItem) -> str:
    quote = flat(item.citation.quote)
    if not quote:
        return ""
    section = flat(item.citation.section)
    source = f"Source ({section})" if section else "Source"
    return gift_text(f"{source}: “{quote}”")


# ---------------------------------------------------------------------------------------------
# Aiken
# ---------------------------------------------------------------------------------------------


def _aiken_block(item: QuizItem) -> str:
    found = _choices(item, _kind(item))
    assert found is not None  # free-text items are skipped before
    options, correct = found
    question = flat(item.question)
    if len(question) < 2 or _AIKEN_LABEL.match(question):
        question = _AIKEN_GUARD + question
    lines = [question]
    lines += [f"{chr(ord('A') + i)}. {option}" for i, option in enumerate(options)]
    lines.append(f"ANSWER: {chr(ord('A') + correct)}")
    return "\n".join(lines)
