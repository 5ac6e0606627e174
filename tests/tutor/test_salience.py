"""Which items a learner meets first: those on sentences answers cite most, then those on
sentences the course restates."""

from __future__ import annotations

from tests.conftest import make_course
from tutor.course import Course
from tutor.domain import AuditRecord, Citation, QuizItem
from tutor.fakes import HashingEmbedder
from tutor.quiz import choose, generate_items
from tutor.quiz.salience import citation_counts, restatement_counts, salience
from tutor.service import Tutor
from tutor.stores.memory import MemoryStateStore

# Ours, made up: the summary restates the sentence on the harbour, nothing restates the rest.
LOOM = {
    "loom.md": (
        "# The Loom towns\n\n"
        "The Loom towns grew along the river Sallow.\n\n"
        "## Harbours\n\n"
        "In 1760, the bridge at Pellin was rebuilt in stone. "
        "The merchant Aldo Brenn shipped wool to Dunholt in 1751. "
        "In 1742, the harbour of Castmoor was deepened by the weavers guild.\n\n"
        "## Summary\n\n"
        "The weavers guild deepened the harbour of Castmoor in 1742.\n"
    )
}


def cite(course: Course, start_text: str) -> Citation:
    passage = next(p for p in course.passages if p.text.startswith(start_text))
    return Citation(passage.doc_id, passage.section, passage.start, passage.end, passage.text)


def record(citation: Citation, *, answerable: bool = True, flagged: bool = False) -> AuditRecord:
    return AuditRecord(0, 1.0, "http", "s", "q", "a", answerable, 0.9, (citation,), "v", flagged)


def sentence_of(course: Course, item: QuizItem) -> str:
    c = item.citation
    return course.documents[c.doc_id].text[c.start : c.end]


def test_citations_count_once_each_and_only_when_they_still_hold() -> None:
    course = make_course(LOOM)
    bridge = cite(course, "In 1760")
    moved = Citation(bridge.doc_id, bridge.section, bridge.start + 1, bridge.end, bridge.quote)
    counts = citation_counts(
        course,
        [
            record(bridge),
            record(bridge),
            record(bridge, flagged=True),  # a teacher said the answer was wrong
            record(bridge, answerable=False),
            record(moved),  # the document changed since: the quote is no longer there
        ],
    )
    pid = course.passage_at(bridge.doc_id, bridge.start, bridge.end).passage_id  # type: ignore[union-attr]
    assert counts == {pid: 2}


def test_a_sentence_the_course_restates_counts_more_than_one_it_says_once() -> None:
    course = make_course(LOOM)
    ids = {p.text[:7]: p.passage_id for p in course.passages}
    counts = restatement_counts(course, list(ids.values()))
    assert counts[ids["In 1742"]] > counts[ids["In 1760"]]
    assert counts[ids["In 1742"]] > counts[ids["The mer"]]


def test_the_most_cited_items_come_first_then_the_restated_ones() -> None:
    course = make_course(LOOM)
    items = generate_items(course)
    fresh = salience(course, items)
    first = choose(items, {}, {}, set(), 0.0, salience=lambda i: fresh[i.quiz_id])
    assert first is not None and "harbour of Castmoor" in sentence_of(course, first)
    assert sentence_of(course, items[0]).startswith("In 1760")  # first in course order
    cited = salience(course, items, [record(cite(course, "The merchant"))] * 3)
    first = choose(items, {}, {}, set(), 0.0, salience=lambda i: cited[i.quiz_id])
    assert first is not None and sentence_of(course, first).startswith("The merchant")
    assert salience(course, items) == fresh  # deterministic


def test_the_tutor_serves_first_what_answers_cited() -> None:
    embedder = HashingEmbedder()
    course = make_course(LOOM, embedder)
    store = MemoryStateStore()
    tutor = Tutor(course, embedder, store)
    store.record_answer(record(cite(course, "The merchant")))
    item, _ = tutor.quiz("s1")  # the bank is built now, after the answer was recorded
    assert sentence_of(course, item).startswith("The merchant")
