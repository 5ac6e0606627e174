"""Which items matter most: those on the sentences answers cite most, then those on the
sentences the course itself repeats.

A learner's new items are chosen in this order (`bank.choose`), so the first items of a
session are on what students actually ask about and what the course says more than once
(a summary restating a section, a fact told twice), not simply on the course's first pages.

- **Citations**: the audit log holds every answer with its citations. Each citation whose
  quote is still at its offsets (the document may have changed since) counts once for the
  sentence it cites; answers a teacher flagged as wrong count for nothing. The latest
  `AUDIT_WINDOW` answers are read, which bounds the start-up cost and lets the order follow
  what students ask now.
- **Restatements**, for a course nobody has asked about yet and to break ties: how many of
  a sentence's `NEIGHBOURS` nearest sentences (by the course's sentence vectors), outside
  its own paragraph, are closer to it than the typical sentence's nearest neighbour (the
  median of those similarities over the quizzed sentences). The threshold comes from the
  course itself, so it holds for any embedder.

Both are counts, computed once when the bank is built; equal counts keep course order, so
the choice is deterministic.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable

import numpy as np

from ..course import Course
from ..domain import AuditFilter, AuditRecord, Passage, QuizItem

AUDIT_WINDOW = 1000  # the latest answers whose citations are counted (≈10 ms to read)
LATEST_ANSWERS = AuditFilter(answerable=True, flagged=False, limit=AUDIT_WINDOW)
NEIGHBOURS = 8  # nearest sentences looked at for restatements
BLOCK = 256  # rows of similarities at a time: 10 MB for a course of 10,000 sentences

# (answers citing the item's sentence, sentences of the course restating it)
Salience = tuple[int, int]


def _sentence_of(course: Course, item: QuizItem) -> Passage | None:
    """The sentence an item asks about: the last one it cites (the first may be context)."""
    c = item.citation
    return course.passage_at(c.doc_id, max(c.start, c.end - 1), c.end)


def citation_counts(course: Course, records: Iterable[AuditRecord]) -> Counter[int]:
    """How often answers cited each sentence (passage id) of the course."""
    counts: Counter[int] = Counter()
    for record in records:
        if not record.answerable or record.flagged:
            continue
        for c in record.citations:
            doc = course.documents.get(c.doc_id)
            if doc is None or doc.text[c.start : c.end] != c.quote:
                continue  # cited in a version of the document that has changed since
            passage = course.passage_at(c.doc_id, c.start, c.end)
            if passage is not None:
                counts[passage.passage_id] += 1
    return counts


def _nearest(every: np.ndarray, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The NEIGHBOURS + 1 nearest sentences of each of `rows` (itself among them), nearest
    first: a matrix product by blocks of rows, then a partial sort. The vector index would
    give the same, but its threads cost more to start than this costs for a course."""
    k = min(NEIGHBOURS + 1, len(every))
    scores, ids = [], []
    for at in range(0, len(rows), BLOCK):
        sims = every[rows[at : at + BLOCK]] @ every.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
        found = np.take_along_axis(top, order, axis=1)
        ids.append(found)
        scores.append(np.take_along_axis(sims, found, axis=1))
    return np.concatenate(scores), np.concatenate(ids)


def restatement_counts(course: Course, passage_ids: list[int]) -> dict[int, int]:
    """For each of `passage_ids`, how many sentences outside its paragraph restate it."""
    if not passage_ids or len(course.sentence_vectors) < 2:
        return {}
    scores, ids = _nearest(np.asarray(course.sentence_vectors, dtype=np.float32), passage_ids)
    others: list[list[float]] = []
    for pid, row_scores, row_ids in zip(passage_ids, scores, ids, strict=True):
        paragraph = course.passages[pid].paragraph
        others.append(
            [
                float(s)
                for s, j in zip(row_scores, row_ids, strict=True)
                if j >= 0 and course.passages[int(j)].paragraph != paragraph
            ]
        )
    nearest = [row[0] for row in others if row]
    if not nearest:
        return {}
    typical = statistics.median(nearest)  # not np.median: it imports numpy's masked arrays
    return {
        pid: sum(s > typical for s in row) for pid, row in zip(passage_ids, others, strict=True)
    }


def salience(
    course: Course, items: list[QuizItem], records: Iterable[AuditRecord] = ()
) -> dict[str, Salience]:
    """Each item's (citations, restatements) of the sentence it asks about."""
    sentences = {i.quiz_id: _sentence_of(course, i) for i in items}
    pids = sorted({p.passage_id for p in sentences.values() if p is not None})
    cited = citation_counts(course, records)
    restated = restatement_counts(course, pids)
    return {
        quiz_id: (cited[p.passage_id], restated.get(p.passage_id, 0)) if p else (0, 0)
        for quiz_id, p in sentences.items()
    }
