"""Sentence boundaries with exact character offsets.

A rule-based splitter: a boundary is a full stop, question or exclamation mark (with any
closing quotes or brackets) followed by white space and a capital letter, digit or opening
quote — except after abbreviations, initials and dotted acronyms, and never inside an open
double quote. Short verbless fragments ("In the 50's.") are joined to the sentence that
follows, because on their own they answer nothing and cite badly.
"""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9А-ЯЁ])")

# Lower-cased words that end with a full stop without ending a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft vs cf e.g i.e viz al approx ca no nos vol vols fig figs
    p pp ch sec art gen col lt sgt capt cmdr adm gov sen rep pres inc ltd co corp bros dept
    univ jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)

_VERBISH = re.compile(
    r"^(is|was|were|are|am|be|been|being|has|have|had|do|does|did|can|could|will|would|shall|"
    r"should|may|might|must|began|became|made|led|took|met|held|saw|went|came|gave|won|lost|"
    r"said|told|left|found|thought|knew|got|put|set|ran|sent|built|brought|bought|fought|kept|"
    r"felt|stood|wrote|spoke|broke|chose|rose|fell|drove|grew|threw|paid|meant|lay|sat|struck|"
    r"seems|means|shows|remains|includes|became|becomes|lies|goes|makes|takes|gives|says|"
    r"\w{2,}ed)$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'’-]+")

MAX_FRAGMENT_WORDS = 10


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at `dot` closes an abbreviation, an initial or an acronym."""
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "(\"“'":
        start -= 1
    token = text[start:dot]
    if not token:
        return False
    if token.isdigit() and len(token) <= 2:
        return True  # an inline list number: "were: 1. Trade. 2. Culture."
    if len(token) == 1 and token.isalpha() and token.isupper():
        return True  # an initial: "J. F. Kennedy"
    if "." in token and all(part.isalpha() and len(part) <= 2 for part in token.split(".")):
        return True  # dotted acronyms: "U.S.", "e.g."
    return token.lower() in _ABBREVIATIONS


def _inside_quote(text: str, start: int, pos: int) -> bool:
    segment = text[start:pos]
    straight = segment.count('"') % 2 == 1
    curly = segment.count("“") > segment.count("”")
    return straight or curly


def _is_fragment(sentence: str) -> bool:
    if not sentence.endswith("."):
        return False  # a question or an exclamation stands on its own
    letters = [ch for ch in sentence if ch.isalpha()]
    if sum(ch.isascii() for ch in letters) < 0.8 * len(letters):
        return False  # the verb test knows English only
    words = _WORD.findall(sentence)
    return len(words) <= MAX_FRAGMENT_WORDS and not any(_VERBISH.match(w) for w in words)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in text[start:end], trimmed of white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        dot = match.start()
        if match.group() == "." and _is_abbreviation(text, dot):
            continue
        if _inside_quote(text, cursor, stop):
            continue
        spans.append((cursor, stop))
        cursor = stop
    spans.append((cursor, end))
    trimmed = [_trim(text, s, e) for s, e in spans]
    trimmed = [(s, e) for s, e in trimmed if e > s]
    return _join_fragments(text, trimmed)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _join_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    pending: int | None = None
    for i, (s, e) in enumerate(spans):
        first = s if pending is None else pending
        if i + 1 < len(spans) and _is_fragment(text[s:e]):
            pending = first
            continue
        joined.append((first, e))
        pending = None
    return joined
