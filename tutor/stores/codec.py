"""JSON forms of the domain values the state stores keep."""

from __future__ import annotations

from typing import Any

from ..domain import Citation, QuizItem, Review


def item_to_dict(item: QuizItem) -> dict[str, Any]:
    c = item.citation
    return {
        "quiz_id": item.quiz_id,
        "kind": item.kind,
        "question": item.question,
        "answer": item.answer,
        "options": list(item.options) if item.options is not None else None,
        "topic": item.topic,
        "citation": {
            "doc_id": c.doc_id,
            "section": c.section,
            "start": c.start,
            "end": c.end,
            "quote": c.quote,
            "score": c.score,
        },
    }


def item_from_dict(data: dict[str, Any]) -> QuizItem:
    c = data["citation"]
    options = data.get("options")
    return QuizItem(
        quiz_id=data["quiz_id"],
        kind=data["kind"],
        question=data["question"],
        answer=data["answer"],
        citation=Citation(
            c["doc_id"], c["section"], c["start"], c["end"], c["quote"], c.get("score", 0.0)
        ),
        options=tuple(options) if options is not None else None,
        topic=data.get("topic", ""),
    )


def review_to_row(review: Review) -> tuple[int, float, float, float]:
    return (review.repetitions, review.interval_days, review.easiness, review.due_at)
