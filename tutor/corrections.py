"""Teachers' corrections pinned to spans of the source, checked against the served course.

A correction keeps the text it was pinned to (its quote). Against a course (a re-index may
move or change the text) it is pinned where the quote still is: at the same offsets, else at
the occurrence of the quote in the same document nearest the old offsets. When the document
no longer holds the quote, or is gone, the correction is stale: listed for the teacher, never
attached to an answer.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Sequence

from .course import Course
from .domain import Citation, CitedCorrection, Correction, PinnedCorrection, QuizItem
from .errors import InvalidInput, NotFound

MAX_NOTE_CHARS = 1000


def new_correction(
    course: Course, doc_id: str, start: int, end: int, note: str, at: float
) -> Correction:
    """A correction on `doc_id[start:end]` of the served course; InvalidInput or NotFound
    naming what is wrong otherwise."""
    text = note.strip()
    if not text:
        raise InvalidInput("note must not be empty")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(f"note must be at most {MAX_NOTE_CHARS} characters, got {len(text)}")
    if doc_id not in course.documents:
        raise NotFound(f"no document {doc_id!r}")
    document = course.documents[doc_id].text
    if not 0 <= start < end <= len(document):
        raise InvalidInput(
            f"the span [{start}:{end}] is not inside {doc_id!r} (0..{len(document)}), or is empty"
        )
    quote = document[start:end]
    if not quote.strip():
        raise InvalidInput(f"the span [{start}:{end}] of {doc_id!r} holds only whitespace")
    return Correction(uuid.uuid4().hex[:16], doc_id, start, end, text, quote, at)


def pin(course: Course, correction: Correction) -> PinnedCorrection:
    """Where `correction`'s quote is in `course`, or stale."""
    document = course.documents.get(correction.doc_id)
    quote = correction.quote
    if document is None:
        return PinnedCorrection(correction, correction.start, correction.end, True)
    text = document.text
    if text[correction.start : correction.end] == quote:
        return PinnedCorrection(correction, correction.start, correction.end, False)
    found = _occurrences(text, quote)
    if not found:
        return PinnedCorrection(correction, correction.start, correction.end, True)
    start = min(found, key=lambda s: abs(s - correction.start))
    return PinnedCorrection(correction, start, start + len(quote), False)


def _occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def pin_all(course: Course, corrections: Iterable[Correction]) -> list[PinnedCorrection]:
    return [pin(course, c) for c in corrections]


def _overlaps(p: PinnedCorrection, doc_id: str, start: int, end: int) -> bool:
    return not p.stale and p.correction.doc_id == doc_id and p.start < end and start < p.end


def with_corrections(citation: Citation, pinned: Sequence[PinnedCorrection]) -> Citation:
    """`citation` carrying the live corrections whose span overlaps it."""
    on = tuple(
        CitedCorrection(p.correction.correction_id, p.correction.note, p.start, p.end)
        for p in pinned
        if _overlaps(p, citation.doc_id, citation.start, citation.end)
    )
    return dataclasses.replace(citation, corrections=on) if on else citation


def corrected(item: QuizItem, pinned: Sequence[PinnedCorrection]) -> bool:
    """Whether a live correction overlaps the span `item` was built on."""
    c = item.citation
    return any(_overlaps(p, c.doc_id, c.start, c.end) for p in pinned)
