"""The quiz bank (`QuizBook`), choosing items for a learner and summing up their progress.

The bank is every item the generator makes from the course, built once on first use, with
each item's salience (`salience`: how often answers cite its sentence, how often the course
restates it). Choosing, in order: items due for review (earliest first), then items of
sections the learner has not practised, then any item not yet shown, then the one shown
longest ago; among new items, the most salient first. A topic narrows the choice to items
on the passages retrieval finds for it; a kind narrows it to that kind.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable

from ..domain import Attempt, DueItem, Progress, QuizItem, Review, SectionProgress
from .salience import Salience


class QuizBook:
    """The course's quiz items, generated lazily and looked up by id or by span."""

    def __init__(
        self,
        generate: Callable[[], list[QuizItem]],
        rank: Callable[[list[QuizItem]], dict[str, Salience]] | None = None,
    ):
        self._generate = generate
        self._rank = rank
        self._salience: dict[str, Salience] = {}
        self._items: list[QuizItem] | None = None
        self._by_id: dict[str, QuizItem] = {}
        self._by_doc: dict[str, tuple[list[int], list[QuizItem]]] = {}
        self._order: dict[str, int] = {}
        self._longest = 0
        self._lock = threading.Lock()

    @property
    def items(self) -> list[QuizItem]:
        if self._items is None:
            with self._lock:
                if self._items is None:
                    items = self._generate()
                    self._by_id = {i.quiz_id: i for i in items}
                    by_doc: dict[str, list[QuizItem]] = {}
                    for item in sorted(items, key=lambda i: i.citation.start):
                        by_doc.setdefault(item.citation.doc_id, []).append(item)
                    # per document, items in order of start, for a bisect on every answer
                    self._by_doc = {
                        d: ([i.citation.start for i in found], found) for d, found in by_doc.items()
                    }
                    self._order = {i.quiz_id: n for n, i in enumerate(items)}
                    self._longest = max(
                        (i.citation.end - i.citation.start for i in items), default=0
                    )
                    self._salience = self._rank(items) if self._rank else {}
                    self._items = items
        return self._items

    def prepare(self) -> int:
        """Generate the items now (at start-up) rather than on first use; their number."""
        return len(self.items)

    def salience(self, item: QuizItem) -> Salience:
        """(answers citing the item's sentence, sentences restating it): more comes first."""
        _ = self.items
        return self._salience.get(item.quiz_id, (0, 0))

    def get(self, quiz_id: str) -> QuizItem | None:
        _ = self.items
        return self._by_id.get(quiz_id)

    def on_span(self, doc_id: str, start: int, end: int) -> list[QuizItem]:
        """Items whose cited span overlaps [start, end) of the document, in course order."""
        _ = self.items
        starts, found = self._by_doc.get(doc_id, ([], []))
        # An item starting at or after `end` cannot overlap, nor one starting more than the
        # longest quote before `start`: only that window is looked at.
        stop = bisect.bisect_left(starts, end)
        first = bisect.bisect_left(starts, start - self._longest)
        hits = [i for i in found[first:stop] if start < i.citation.end]
        return sorted(hits, key=lambda i: self._order[i.quiz_id])

    def sections(self) -> list[str]:
        return list(dict.fromkeys(i.citation.section for i in self.items))


def choose(
    candidates: Iterable[QuizItem],
    served: dict[str, float],
    reviews: dict[str, Review],
    practised_sections: set[str],
    now: float,
    recent_kinds: tuple[str, ...] = (),
    salience: Callable[[QuizItem], Salience] | None = None,
) -> QuizItem | None:
    """The next item for a learner among `candidates` (kept in their given order).

    Among new items, the most salient of a kind not among `recent_kinds` comes first (so a
    learner who keeps asking for quizzes meets every kind in turn), equally salient ones in
    the given order.
    """
    pool = list(candidates)
    if not pool:
        return None
    due = [i for i in pool if i.quiz_id in reviews and reviews[i.quiz_id].due_at <= now]
    if due:
        return min(due, key=lambda i: reviews[i.quiz_id].due_at)
    unseen = [i for i in pool if i.quiz_id not in served and i.quiz_id not in reviews]
    fresh_sections = [i for i in unseen if i.citation.section not in practised_sections]
    for tier in (fresh_sections, unseen):
        if tier:
            if salience is not None:
                # stable: equally salient items keep their order
                tier = sorted(tier, key=lambda i: salience(i), reverse=True)
            varied = [i for i in tier if i.kind not in recent_kinds]
            return (varied or tier)[0]
    return min(pool, key=lambda i: served.get(i.quiz_id, 0.0))


def progress(
    session_id: str,
    book: QuizBook,
    attempts: list[Attempt],
    reviews: dict[str, Review],
    item_of: Callable[[str], QuizItem | None],
    now: float,
) -> Progress:
    """Per-section attempts, first-attempt successes and mastery, and what is due."""
    per_section_items: dict[str, int] = {}
    for known in book.items:
        s = known.citation.section
        per_section_items[s] = per_section_items.get(s, 0) + 1
    latest: dict[str, bool] = {}
    stats: dict[str, list[int]] = {}  # section -> [attempts, correct, correct first]
    practised: dict[str, set[str]] = {}
    for a in attempts:
        item = item_of(a.quiz_id)
        section = item.citation.section if item else "(retired items)"
        row = stats.setdefault(section, [0, 0, 0])
        row[0] += 1
        row[1] += a.correct
        row[2] += a.correct and a.number == 1
        practised.setdefault(section, set()).add(a.quiz_id)
        latest[a.quiz_id] = a.correct
    sections = []
    for section in dict.fromkeys([*per_section_items, *stats]):
        n_items = per_section_items.get(section, 0)
        done = practised.get(section, set())
        right = sum(1 for q in done if latest.get(q))
        row = stats.get(section, [0, 0, 0])
        sections.append(
            SectionProgress(
                section=section,
                items=n_items,
                practised=len(done),
                attempts=row[0],
                correct_attempts=row[1],
                correct_first_attempts=row[2],
                mastery=round(right / n_items, 3) if n_items else 0.0,
            )
        )
    due = []
    for quiz_id, review in sorted(reviews.items(), key=lambda kv: kv[1].due_at):
        shown = item_of(quiz_id)
        if shown is not None and review.due_at <= now:
            due.append(DueItem(quiz_id, shown.question, shown.citation.section, review.due_at))
    return Progress(
        session_id=session_id,
        sections=tuple(sections),
        due=tuple(due),
        attempts=len(attempts),
        correct_attempts=sum(a.correct for a in attempts),
    )
