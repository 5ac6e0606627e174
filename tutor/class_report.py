"""The class view: how a whole class does, section by section of the course.

Per section: the questions asked, answered and refused (from the audit log); the quiz
attempts, the share of first tries that were right and how many learners practised (from
every learner's attempts); the items most often missed; and the refused questions grouped by
meaning. Sections come in course order, each one listed even with no activity, so a teacher
sees what nobody touched too.

A question's section is its first citation's. A refused question cites nothing, so it goes
to the section of the course sentence nearest to it (one batch of embeddings, searched in the
context index, which embeds each sentence with its section's title): a teacher sees where the
questions the course does not answer cluster, near which section the material is missing.

`class_report` is a pure function of those records; `ClassReports`, mixed into the `Tutor`
facade, reads them from the state store and places the refused questions.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .course import Course
from .domain import Attempt, AuditFilter, AuditRecord, QuizItem
from .operations import Parts
from .teaching import UncoveredTopic, group_by_meaning

# A section stands out when its first tries are right less often than this…
STRUGGLING_FIRST_TRY = 0.5
# …or when at least this share of the questions placed in it were refused…
STRUGGLING_REFUSED = 0.5
# …counted once it has this many first tries (or questions): one slip is not a pattern.
MIN_EVIDENCE = 2
MISSED_PER_SECTION = 3
MISSED_IN_CLASS = 10
CLASS_RECORDS = 50_000  # audit records read at the most (the newest); `since` narrows them

Group = Callable[[list[AuditRecord]], list[UncoveredTopic]]


@dataclass(frozen=True)
class MissedItem:
    """A quiz item learners got wrong: how often, out of how many attempts, by how many."""

    quiz_id: str
    question: str
    section: str
    misses: int  # wrong attempts
    attempts: int
    learners: int  # sessions with at least one wrong attempt at it


@dataclass(frozen=True)
class SectionReport:
    """One section's figures (or the whole class's, as `ClassReport.total`)."""

    section: str
    asked: int
    answered: int
    refused: int
    attempts: int
    correct_attempts: int
    first_attempts: int  # attempts that were a learner's first at the item
    correct_first_attempts: int
    learners: int  # sessions with quiz attempts here
    missed: tuple[MissedItem, ...]
    uncovered: tuple[UncoveredTopic, ...]  # refused questions placed here, grouped by meaning
    struggling: tuple[str, ...]  # why the section stands out; empty when it does not

    @property
    def first_try_correct(self) -> float | None:
        """Correct first attempts / first attempts; None when there were none."""
        if not self.first_attempts:
            return None
        return self.correct_first_attempts / self.first_attempts

    @property
    def refused_share(self) -> float | None:
        return self.refused / self.asked if self.asked else None

    @property
    def low_first_try(self) -> bool:
        """Enough first tries, and too few of them right."""
        share = self.first_try_correct
        return self.first_attempts >= MIN_EVIDENCE and (share or 0.0) < STRUGGLING_FIRST_TRY

    @property
    def many_refused(self) -> bool:
        """Enough questions, and too many of them not answered by the course."""
        share = self.refused_share
        return self.asked >= MIN_EVIDENCE and (share or 0.0) >= STRUGGLING_REFUSED


@dataclass(frozen=True)
class ClassReport:
    since: float | None  # seconds since the epoch; None: everything kept
    sections: tuple[SectionReport, ...]  # course order, then sections no longer in the course
    total: SectionReport  # the whole class: learners counted once, every uncovered group
    truncated: bool  # the audit log held more than CLASS_RECORDS records since `since`


def class_report(
    titles: Sequence[str],
    records: Sequence[AuditRecord],
    places: Mapping[int, str],
    attempts: Sequence[tuple[str, Attempt]],
    items: Mapping[str, QuizItem],
    group: Group,
    *,
    since: float | None = None,
    truncated: bool = False,
) -> ClassReport:
    """The class's figures per section of `titles` (the course's, in order).

    `places` gives the section of each record that cites nothing (by audit id); `items` the
    attempted quiz items (an attempt at an item not there counts nowhere); `group` groups
    refused questions by meaning. Questions and attempts on a section no longer in the course
    get a row of their own after the course's.
    """
    questions: dict[str, list[AuditRecord]] = defaultdict(list)
    for r in records:
        where = r.citations[0].section if r.citations else places.get(r.audit_id)
        if where is not None:
            questions[where].append(r)
    tries: dict[str, list[tuple[str, Attempt, QuizItem]]] = defaultdict(list)
    for session_id, a in attempts:
        item = items.get(a.quiz_id)
        if item is not None:
            tries[item.citation.section].append((session_id, a, item))
    gone = sorted((set(questions) | set(tries)) - set(titles))
    sections = tuple(
        _section(title, questions[title], tries[title], group, MISSED_PER_SECTION)
        for title in [*dict.fromkeys(titles), *gone]
    )
    everything = [t for found in tries.values() for t in found]
    total = _section("", list(records), everything, group, MISSED_IN_CLASS)
    return ClassReport(since, sections, total, truncated)


def _section(
    title: str,
    records: list[AuditRecord],
    tries: list[tuple[str, Attempt, QuizItem]],
    group: Group,
    top: int,
) -> SectionReport:
    refused = [r for r in records if not r.answerable]
    first = [a for _, a, _ in tries if a.number == 1]
    figures = SectionReport(
        section=title,
        asked=len(records),
        answered=len(records) - len(refused),
        refused=len(refused),
        attempts=len(tries),
        correct_attempts=sum(a.correct for _, a, _ in tries),
        first_attempts=len(first),
        correct_first_attempts=sum(a.correct for a in first),
        learners=len({s for s, _, _ in tries}),
        missed=_most_missed(tries, top),
        uncovered=tuple(group(refused)) if refused else (),
        struggling=(),
    )
    return _with_reasons(figures)


def _with_reasons(s: SectionReport) -> SectionReport:
    reasons = []
    if s.low_first_try:
        reasons.append(f"first tries right {s.correct_first_attempts} of {s.first_attempts} times")
    if s.many_refused:
        reasons.append(f"{s.refused} of {s.asked} questions not answered by the course")
    return dataclasses.replace(s, struggling=tuple(reasons))


def _most_missed(tries: list[tuple[str, Attempt, QuizItem]], top: int) -> tuple[MissedItem, ...]:
    """The items with the most wrong attempts; of two missed as often, the one tried less
    (missed a larger share of the time) first."""
    attempts: Counter[str] = Counter()
    misses: Counter[str] = Counter()
    missed_by: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, QuizItem] = {}
    for session_id, a, item in tries:
        attempts[a.quiz_id] += 1
        shown[a.quiz_id] = item
        if not a.correct:
            misses[a.quiz_id] += 1
            missed_by[a.quiz_id].add(session_id)
    ranked = sorted(misses, key=lambda q: (-misses[q], attempts[q], q))[:top]
    return tuple(
        MissedItem(
            q,
            shown[q].question,
            shown[q].citation.section,
            misses[q],
            attempts[q],
            len(missed_by[q]),
        )
        for q in ranked
    )


class ClassReports:
    """The class view, a part of the `Tutor` facade (it mixes this in)."""

    def class_report(self: Parts, since: float | None = None) -> ClassReport:
        """How the class did since `since` (seconds since the epoch; None: everything kept),
        section by section; see the module's docstring for where a question is placed."""
        records = self.store.audit(AuditFilter(since=since, limit=CLASS_RECORDS + 1))
        truncated = len(records) > CLASS_RECORDS
        records = records[:CLASS_RECORDS]
        # the refused questions (grouped by meaning) and any record without a citation (placed)
        uncited = [r for r in records if not r.citations or not r.answerable]
        vectors = (
            self.embedder.embed([r.question for r in uncited])
            if uncited
            else np.zeros((0, self.embedder.dim), dtype=np.float32)
        )
        course = self.course
        places = _nearest_sections(course, [r.audit_id for r in uncited], vectors)
        row_of = {r.audit_id: i for i, r in enumerate(uncited)}

        def group(refused: list[AuditRecord]) -> list[UncoveredTopic]:
            # every refused record has its row in `vectors`
            return group_by_meaning(refused, vectors[[row_of[r.audit_id] for r in refused]])

        attempts = self.store.attempts_since(since)
        items: dict[str, QuizItem] = {}
        for quiz_id in dict.fromkeys(a.quiz_id for _, a in attempts):
            item = self.quizzes.get(quiz_id) or self.store.item(quiz_id)
            if item is not None:
                items[quiz_id] = item
        return class_report(
            course.section_titles(),
            records,
            places,
            attempts,
            items,
            group,
            since=since,
            truncated=truncated,
        )


def _nearest_sections(course: Course, ids: list[int], vectors: np.ndarray) -> dict[int, str]:
    """The section of the course sentence nearest each vector, by audit id; none for a
    question with nothing in common with the course (no sentence is nearer than another)."""
    if not ids:
        return {}
    scores, found = course.context_index.search(vectors, 1)
    return {
        audit_id: course.passages[int(row[0])].section
        for audit_id, row, score in zip(ids, found, scores, strict=True)
        if row[0] >= 0 and score[0] > 0
    }
