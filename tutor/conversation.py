"""Reading a question in the context of the conversation, without a language model.

A question is a follow-up when the session has history and the question leans on it: it
opens with a conjunction ("And how did Moscow react?"), uses a pronoun or demonstrative
without naming its referent ("How long was it?"), or has at most one content word of its
own ("Why?"). A follow-up borrows the topic of the turn it follows — that turn's own topic
when it was itself a follow-up — and the passages it cited, which retrieval favours.
"""

from __future__ import annotations

from .domain import Turn
from .retrieval import FollowupContext
from .text import content_words, tokens

_OPENERS = frozenset("and but so then also what about how about".split())
_ANAPHORA = frozenset(
    "it its it's they them their theirs he him his she her hers this that these those there "
    "then such the latter former".split()
)


def is_followup(question: str) -> bool:
    """True when the question cannot be read without the turn before it."""
    words = tokens(question)
    if not words:
        return False
    if words[0] in _OPENERS or " ".join(words[:2]) in _OPENERS:
        return True
    if any(w in _ANAPHORA for w in words):
        return True
    return len(content_words(question)) <= 1


def followup_context(question: str, history: list[Turn]) -> FollowupContext | None:
    """What the question borrows from the last answered turn, or None if self-contained."""
    if not history or not is_followup(question):
        return None
    for turn in reversed(history):
        if turn.answerable:
            return FollowupContext(topic=turn.topic, passage_ids=turn.passage_ids)
    return None
