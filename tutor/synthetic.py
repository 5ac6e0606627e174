"""Questions made from a course's own text, to fit its answer policy without anyone writing
questions (see calibration).

Answerable ones come from the facts the quiz generator finds: the fact's span is taken out
of its sentence and a wh-word put in front ("In 1712, the mint was run by Hallam"
→ "Who in 1712 the mint was run by?"), then the question is cut to the words near the
fact and paraphrased the way students do: some words dropped, some replaced by the course's
nearest word in the model's space ("built" for "erected"). The word order is clumsy; what the
signals measure (similarity, the words covered, names, the kind of answer) does not depend
on it.

Unanswerable ones are of four kinds:
  name swap   a name of an answerable question replaced by one the course never uses
  year swap   its year moved to one the course never mentions
  type swap   a sentence without any date or number asked "when" or "how many": the words
              are the course's, the answer is not there
  general     questions on many subjects shipped with the package (tutor/resources)

Everything is deterministic: choices come from hashes of the text, not a random state.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .answer_types import DATE_RE, NUMBER_RE, YEAR_RE
from .course import Course
from .quiz import WH_WORD, Fact, FactType, course_facts
from .text import STOPWORDS, content_words, states_no_fact, stem, tokens

MAX_FACTS = 240  # answerable questions at most (spread evenly over the course)
WINDOW = 7  # words kept on each side of the fact
DROP_SHARE = 0.45  # content words a paraphrase drops
SWAP_SHARE = 0.3  # … and replaces by a near word of the course
NEAR = (0.5, 0.85)  # the cosine band of a replacement: related, not the same word
PER_KIND = 80  # unanswerable questions of each made kind at most

_WH = WH_WORD  # the wh-word a fact of each type answers, as the quiz asks it
_PREPOSITIONS = frozenset("in on at since by from to of during until after before".split())
_WORD = re.compile(r"\S+")
_CAPITAL = re.compile(r"^[A-Z][a-z]")


@dataclass(frozen=True)
class SyntheticQuestion:
    text: str
    answerable: bool
    kind: str  # fact, name-swap, year-swap, type-swap, general
    passage_id: int | None = None


def _h(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\0".join(parts).encode()).digest()[:8], "big")


def general_questions() -> list[str]:
    text = resources.files("tutor.resources").joinpath("general_questions.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _clip(words: list[str], centre: int) -> list[str]:
    return words[max(0, centre - WINDOW) : centre + WINDOW]


def fact_question(sentence: str, fact: Fact) -> tuple[str, list[str]] | None:
    """The wh-question a fact answers, as its wh-word and the words that follow it."""
    wh = _WH.get(fact.type)
    if wh is None:
        return None
    before = _WORD.findall(sentence[: fact.start])
    after = _WORD.findall(sentence[fact.end :])
    if before and before[-1].lower().strip(",") in _PREPOSITIONS:
        before = before[:-1]
    if before and _CAPITAL.match(before[0]) and before[0].lower() in STOPWORDS:
        before[0] = before[0].lower()
    words = after + before if fact.type is FactType.NUMBER else before + after
    centre = 0 if fact.type is FactType.NUMBER else len(before)
    words = [w.strip(',;:()"“”') for w in _clip(words, centre)]
    words = [w for w in words if w and w not in "-–—"]
    if len(content_words(" ".join(words))) < 2:
        return None
    return wh, words


class _NearWords:
    """The course word nearest to a word, within the NEAR band, from the course's vectors."""

    def __init__(self, course: Course):
        self.vocab = {w: i for i, w in enumerate(course.vocabulary)}
        self.words = course.vocabulary
        self.vectors = course.vocabulary_vectors
        self._cache: dict[str, str | None] = {}

    def __call__(self, word: str) -> str | None:
        if word in self._cache:
            return self._cache[word]
        found = None
        i = self.vocab.get(word)
        if i is not None and self.vectors is not None and len(self.vectors):
            sims = np.asarray(self.vectors) @ np.asarray(self.vectors[i])
            for j in np.argsort(-sims)[:12].tolist():
                other = self.words[j]
                if NEAR[0] <= sims[j] <= NEAR[1] and stem(other) != stem(word):
                    found = other
                    break
        self._cache[word] = found
        return found


def paraphrase(wh: str, words: list[str], near: Callable[[str], str | None], seed: str) -> str:
    """A student's version: some content words dropped, some replaced by near words."""
    out: list[str] = []
    kept_content = 0
    for n, word in enumerate(words):
        lower = word.lower()
        if lower in STOPWORDS or not lower.isalpha():
            out.append(word)
            continue
        roll = _h(seed, str(n), lower) % 1000 / 1000
        if roll < DROP_SHARE and kept_content >= 1:
            continue
        if roll < DROP_SHARE + SWAP_SHARE and word.islower():
            word = near(lower) or word
        out.append(word)
        kept_content += 1
    return f"{wh} {' '.join(out).rstrip(' .,;:')}?"


def _foreign_names(course: Course, general: list[str]) -> list[str]:
    """Capitalised words of the general questions that the course never uses."""
    known = set(course.vocabulary)
    names = []
    for question in general:
        for word in _WORD.findall(question)[1:]:
            word = word.strip("?,.'’s")
            if _CAPITAL.match(word) and word.lower() not in known and word.lower() not in STOPWORDS:
                names.append(word)
    return sorted(set(names))


def _course_years(course: Course) -> set[int]:
    years: set[int] = set()
    for doc in course.documents.values():
        years.update(
            int(m.group()[:4]) for m in DATE_RE.finditer(doc.text) if m.group()[:4].isdigit()
        )
    return years


def synthetic_questions(course: Course) -> list[SyntheticQuestion]:
    """The course's calibration set: answerable and unanswerable questions (module doc)."""
    near = _NearWords(course)
    # a question or an exercise of the course states nothing to ask about
    facts = [f for f in course_facts(course) if not states_no_fact(f[1])]
    subject = course.subject_words()  # the course's subject answers no question
    candidates: list[tuple[int, str, list[str]]] = []
    for passage, sentence, found in facts:
        for fact in found:
            if all(stem(w) in subject for w in tokens(fact.text)):
                continue
            made = fact_question(sentence, fact)
            if made:
                candidates.append((passage.passage_id, made[0], made[1]))
    step = max(1, len(candidates) // MAX_FACTS)
    chosen = candidates[::step][:MAX_FACTS]
    out = [
        SyntheticQuestion(paraphrase(wh, words, near, f"{pid}:{wh}"), True, "fact", pid)
        for pid, wh, words in chosen
    ]

    general = general_questions()
    foreign = _foreign_names(course, general)
    years = _course_years(course)
    name_swaps: list[SyntheticQuestion] = []
    year_swaps: list[SyntheticQuestion] = []
    for pid, wh, words in chosen:
        capitals = [
            i for i, w in enumerate(words) if _CAPITAL.match(w) and w.lower() not in STOPWORDS
        ]
        if capitals and foreign and len(name_swaps) < PER_KIND:
            i = capitals[_h("name", str(pid), wh) % len(capitals)]
            swapped = [*words[:i], foreign[_h(str(pid), words[i]) % len(foreign)], *words[i + 1 :]]
            name_swaps.append(
                SyntheticQuestion(
                    f"{wh} {' '.join(swapped).rstrip(' .,;:')}?", False, "name-swap", pid
                )
            )
        dated = [i for i, w in enumerate(words) if YEAR_RE.match(w.strip(".,"))]
        if dated and len(year_swaps) < PER_KIND:
            i = dated[0]
            year = int(words[i][:4])
            moved = next(
                (y for y in (year + d for d in (37, -41, 53, -29, 61)) if y not in years), None
            )
            if moved is not None:
                swapped = [*words[:i], str(moved), *words[i + 1 :]]
                year_swaps.append(
                    SyntheticQuestion(
                        f"{wh} {' '.join(swapped).rstrip(' .,;:')}?", False, "year-swap", pid
                    )
                )

    type_swaps: list[SyntheticQuestion] = []
    asks = (("When", DATE_RE), ("How many", NUMBER_RE))
    bare = [(p, s) for p, s, _ in facts if len(content_words(s)) >= 3]
    stride = max(1, len(bare) // (2 * PER_KIND))
    for passage, sentence in bare[::stride]:
        if len(type_swaps) >= PER_KIND:
            break
        window = [
            passage,
            course.neighbour(passage.passage_id, -1),
            course.neighbour(passage.passage_id, 1),
        ]
        lacking = [
            wh
            for wh, pattern in asks
            if not any(n is not None and pattern.search(n.text) for n in window)
        ]
        if not lacking:
            continue
        wh = lacking[_h("type", sentence) % len(lacking)]
        words = [w.strip(',;:()"“”') for w in _WORD.findall(sentence)][: 2 * WINDOW]
        text = paraphrase(
            wh, [w.lower() if i == 0 else w for i, w in enumerate(words)], near, sentence
        )
        type_swaps.append(SyntheticQuestion(text, False, "type-swap", passage.passage_id))

    out.extend(name_swaps)
    out.extend(year_swaps)
    out.extend(type_swaps)
    out.extend(SyntheticQuestion(q, False, "general") for q in general)
    return out
