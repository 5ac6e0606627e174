"""Preparing a course sentence for a question, and telling whether it stands alone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum

from ..answering import clean_sentence
from ..text import STOPWORDS, content_words, leans_back, tokens

SHORT_SENTENCE_WORDS = 6  # shorter sentences ("The mayor refused to resign.") need context
LIST_ITEM = re.compile(r"^(?:\d+[.)]|[-*•])\s")

_INTERNAL_BREAK = re.compile(r"(?<=[^\s.][.!?])\s+(?=[\"“A-ZА-ЯЁ])")
# "In the 50's.", "In 1959-1962 years.": a verbless opener the splitter left before a
# sentence; not "In the U.S." (an abbreviation's dot ends no fragment)
_DATE_FRAGMENT = re.compile(
    r"^(?:In|On|By|From|During|Since|At|After|Before|Until|Around)\b[^.]*[a-z0-9'’)]\.$"
)

# A sentence that leans on its predecessor in ways `leans_back` does not look for.
_PRONOUN_AFTER_INTRO = re.compile(
    r"^[^,]{1,80},\s+(?:it|its|they|their|he|his|she|her|this|these|those)\b", re.IGNORECASE
)
_PERSONAL_PRONOUN = re.compile(r"\b(?:he|him|his|she|her|they|them)\b", re.IGNORECASE)
# …and cannot be read without it ("the same year": which year?)
_HARD_REFERENCE = re.compile(
    r"\bthe same (?:year|month|day|time|period|place)\b|\b(?:these|those) [a-z]|\bhere\b"
    r"|\ball this\b",
    re.IGNORECASE,
)
# …or reads better with it, but a reader of the section knows what is meant: a definite
# place or event noun without a phrase saying which ("the country", "the meeting")
_SOFT_REFERENCE = re.compile(
    r"\bin turn\b|^in response\b|\bthe (?:country|state|city|town)\b(?! of\b)"
    r"|\bthe (?:meeting|visit|agreement|document|decision|proposal|situation|invasion|talks|"
    r"conference)\b(?! (?:of|with|on|between|to|in)\b)",
    re.IGNORECASE,
)


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _title_like(fragment: str, titles: Iterable[str]) -> bool:
    """True when most of a fragment's words come from one heading of the course."""
    words = set(content_words(fragment))
    if len(words) < 2:
        return False
    return any(len(words & set(content_words(t))) >= 0.6 * len(words) for t in titles)


def prepare(text: str, titles: tuple[str, ...]) -> str | None:
    """The sentence as a question may show it, or None when it is no quizzable sentence."""
    sentence = clean_sentence(collapse(text))
    if LIST_ITEM.match(sentence) or sentence.endswith(":") or len(tokens(sentence)) < 4:
        return None
    if sentence.count("|") >= 2 or "`" in sentence:
        return None  # a table row or code, not prose
    pieces = _INTERNAL_BREAK.split(sentence)
    if len(pieces) > 1:
        head, rest = pieces[0], " ".join(pieces[1:])
        if _title_like(head, titles):
            return None  # a heading's words glued to a verbless remainder: not a sentence
        if len(tokens(head)) <= 4 and _DATE_FRAGMENT.match(head):
            # a short date fragment ("In the 50's.") belongs to the sentence after it
            first, _, tail = rest.partition(" ")
            if first.lower() in STOPWORDS:
                first = first.lower()
            sentence = f"{head[:-1]}, {first} {tail}".strip()
    if _title_like(sentence, titles) and len(tokens(sentence)) < 8:
        return None
    return sentence


class Lean(Enum):
    NONE = 0  # stands alone
    SOFT = 1  # show the sentence before when there is one; stand alone otherwise
    HARD = 2  # only with the sentence before


def leans(sentence: str) -> Lean:
    """How much the sentence needs the one before it to be understood."""
    if (
        leans_back(sentence)
        or _PRONOUN_AFTER_INTRO.match(sentence)
        or _PERSONAL_PRONOUN.search(sentence)
        or _HARD_REFERENCE.search(sentence)
    ):
        return Lean.HARD
    if _SOFT_REFERENCE.search(sentence) or len(tokens(sentence)) < SHORT_SENTENCE_WORDS:
        return Lean.SOFT
    return Lean.NONE
