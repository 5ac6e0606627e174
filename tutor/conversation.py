"""Reading a question in the context of the conversation, without a language model.

A question is a follow-up when the session has history and the question leans on it: it
opens with a conjunction ("And how did the council react?"), uses a pronoun or demonstrative
("How long was it?"), or has at most one content word of its own ("Why?").

Each answered turn keeps a topic: the content words of the question that opened the thread
("Salt march" for "What was the Salt march about?"). A follow-up is rewritten
by putting that topic in place of its first pronoun ("How was Salt march received?"),
or after it when there is none, and retrieval also favours what the previous turn cited.
A self-contained question starts a new topic.
"""

from __future__ import annotations

import re

from .domain import Turn
from .retrieval import FollowupContext
from .text import STOPWORDS, WH_WORDS, WORD, content_words, tokens

_OPENERS = frozenset(["and", "but", "so", "then", "also"])
_OPENING_PHRASES = ("what about", "how about")
_ANAPHORA = frozenset(
    """it its it's they them their theirs he him his she her hers this that these those there
    such latter former""".split()
)
# Verbs that frame a question without naming its topic.
_GENERIC = frozenset(
    """happen happened happens mean meant means do does did be was were is are take took place
    known called name named describe explain role""".split()
)
_NAME = re.compile(r"\b[A-ZА-ЯЁ]")
LEAD_CHARS = 80  # an answer's lead ("March 3, 1871: …") is at most this long
OPENING_WORDS = 3


def is_followup(question: str) -> bool:
    """True when the question cannot be read without the turn before it."""
    words = tokens(question)
    if not words:
        return False
    if words[0] in _OPENERS or " ".join(words[:2]) in _OPENING_PHRASES:
        return True
    if any(w in _ANAPHORA for w in words):
        return True
    # "Why?" or "When exactly?" lean on the last turn; "Who was Gromyko?" names its topic.
    return len(content_words(question)) <= 1 and not _NAME.search(question, 1)


def topic_of(question: str) -> str:
    """The words of a question that name what it is about, in their order and casing."""
    words = [
        w
        for w in WORD.findall(question)
        if w.lower() not in STOPWORDS and w.lower() not in WH_WORDS and w.lower() not in _GENERIC
    ]
    return " ".join(words) or question


def rewrite(question: str, topic: str) -> str:
    """Put the topic where the question's first pronoun stands, or after the question."""
    for match in WORD.finditer(question):
        word = match.group().lower()
        if word in _ANAPHORA:
            filler = f"{topic}'s" if word in ("its", "their", "his", "her") else topic
            return question[: match.start()] + filler + question[match.end() :]
    return f"{question.rstrip(' ?.!')} {topic}?"


def followup_context(question: str, history: list[Turn]) -> FollowupContext | None:
    """What the question borrows from the last answered turn, or None if self-contained."""
    if not history or not is_followup(question):
        return None
    for turn in reversed(history):
        if turn.answerable:
            return FollowupContext(
                topic=turn.topic,
                passage_ids=turn.passage_ids,
                query=rewrite(question, turn.topic),
                said=f"{turn.question} {lead_of(turn.answer)}",
            )
    return None


def lead_of(answer: str) -> str:
    """What an answer gave first: the span it leads with ("Ann Lee: …"), or else its opening
    words, where the composer puts the asked span when the sentence already starts with it."""
    head, colon, _ = answer.partition(": ")
    if colon and len(head) <= LEAD_CHARS and not any(c in head for c in ".!?"):
        return head
    return " ".join(answer.split()[:OPENING_WORDS])
