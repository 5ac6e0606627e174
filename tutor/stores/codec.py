"""JSON forms of the domain values the state stores keep."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from ..domain import AuditFilter, AuditRecord, Citation, Correction, QuizItem, Reminder, Review
from ..quiz.scheduling import from_sm2


def citation_to_dict(c: Citation) -> dict[str, Any]:
    return {
        "doc_id": c.doc_id,
        "section": c.section,
        "start": c.start,
        "end": c.end,
        "quote": c.quote,
        "score": c.score,
    }


def citation_from_dict(c: dict[str, Any]) -> Citation:
    return Citation(
        c["doc_id"], c["section"], c["start"], c["end"], c["quote"], c.get("score", 0.0)
    )


def correction_to_dict(c: Correction) -> dict[str, Any]:
    return {
        "id": c.correction_id,
        "doc_id": c.doc_id,
        "start": c.start,
        "end": c.end,
        "note": c.note,
        "quote": c.quote,
        "created_at": c.created_at,
    }


def correction_from_dict(c: dict[str, Any]) -> Correction:
    return Correction(
        c["id"], c["doc_id"], c["start"], c["end"], c["note"], c["quote"], c["created_at"]
    )


def item_to_dict(item: QuizItem) -> dict[str, Any]:
    return {
        "quiz_id": item.quiz_id,
        "kind": item.kind,
        "question": item.question,
        "answer": item.answer,
        "options": list(item.options) if item.options is not None else None,
        "topic": item.topic,
        "citation": citation_to_dict(item.citation),
    }


def item_from_dict(data: dict[str, Any]) -> QuizItem:
    options = data.get("options")
    return QuizItem(
        quiz_id=data["quiz_id"],
        kind=data["kind"],
        question=data["question"],
        answer=data["answer"],
        citation=citation_from_dict(data["citation"]),
        options=tuple(options) if options is not None else None,
        topic=data.get("topic", ""),
    )


# A review schedule's fields, in the order of the SQLite columns.
REVIEW_FIELDS = ("due_at", "state", "step", "stability", "difficulty", "last_review", "pace")


def review_to_row(review: Review) -> tuple[object, ...]:
    return tuple(getattr(review, f) for f in REVIEW_FIELDS)


def review_from_row(row: Sequence[Any]) -> Review:
    due_at, state, step, stability, difficulty, last_review, pace = row
    return Review(
        float(due_at),
        str(state),
        None if step is None else int(step),
        None if stability is None else float(stability),
        None if difficulty is None else float(difficulty),
        None if last_review is None else float(last_review),
        None if pace is None else float(pace),
    )


def review_to_json(review: Review) -> str:
    return json.dumps(dict(zip(REVIEW_FIELDS, review_to_row(review), strict=True)))


def review_from_json(raw: str) -> Review:
    """A stored schedule: an FSRS card as written now, or an SM-2 one written before
    (`[repetitions, interval_days, easiness, due_at]`), read as the FSRS card it becomes."""
    data = json.loads(raw)
    if isinstance(data, list):
        repetitions, interval, easiness, due = data
        return from_sm2(int(repetitions), float(interval), float(easiness), float(due))
    return review_from_row([data.get(f) for f in REVIEW_FIELDS])


def citations_to_json(citations: tuple[Citation, ...]) -> list[dict[str, Any]]:
    return [citation_to_dict(c) for c in citations]


def citations_from_json(data: list[dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(citation_from_dict(c) for c in data)


def matches(record: AuditRecord, query: AuditFilter) -> bool:
    """Whether a record passes every filter that is set (the in-memory store's query)."""
    return (
        (query.since is None or record.at >= query.since)
        and (query.session_id is None or record.session_id == query.session_id)
        and (query.channel is None or record.channel == query.channel)
        and (query.answerable is None or record.answerable == query.answerable)
        and (query.flagged is None or record.flagged == query.flagged)
        and (query.max_confidence is None or record.confidence <= query.max_confidence)
    )


def reminder_to_json(r: Reminder) -> str:
    """A reminder without its `last_sent`, which the store keeps apart (see redis/reminders)."""
    fields = dataclasses.asdict(r)
    del fields["chat_id"], fields["last_sent"]  # the hash's key, and kept apart
    return json.dumps(fields, ensure_ascii=False)


def reminder_from_json(chat_id: str, raw: str, last_sent: str | None) -> Reminder:
    d = json.loads(raw)
    return Reminder(
        chat_id,
        d["session_id"],
        d["time_of_day"],
        d["zone"],
        d.get("quiet_hours", ""),
        bool(d.get("enabled", True)),
        last_sent or "",
        float(d.get("created_at", 0.0)),
    )
