"""A loaded course: documents, their sentences and the vectors that find them."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .answer_types import AnswerType, has_new_answer
from .domain import Document, Passage
from .errors import NotFound
from .ports import VectorIndex
from .text import content_stems, stem

SUBJECT_SHARE = 0.10  # a word in this share of the sentences is the course's subject…
SUBJECT_MIN = 5  # …and in at least this many (in a small course every word is frequent)
_CAPITALISED = re.compile(r"\b[A-ZА-ЯЁ][\w'’-]*")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]\s*$")


EMPTY_VERSION = "empty"  # the version of a course without documents (nothing indexed yet)


class _NoVectors:
    """The vector index of a course without documents."""

    @property
    def size(self) -> int:
        return 0

    def search(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        n = len(vectors)
        return np.zeros((n, 0), dtype=np.float32), np.zeros((n, 0), dtype=np.int64)


@dataclass(frozen=True)
class Course:
    """Everything retrieval needs, built once by `index` and read-only afterwards.

    `vocabulary` lists the course's content words, embedded one by one in
    `vocabulary_vectors`, so a question word can be matched softly ("built" ~ "erected").
    `sentence_vectors[i]` embeds passage i alone; `context_vectors[i]` embeds it with its
    section title and the sentence before it, so "Its span was 1.2 thousand m" is found by
    a question about the pipeline named one sentence earlier.
    """

    version: str
    documents: dict[str, Document]
    passages: tuple[Passage, ...]
    sentence_index: VectorIndex
    context_index: VectorIndex
    sentence_vectors: np.ndarray
    context_vectors: np.ndarray
    vocabulary: tuple[str, ...] = ()
    vocabulary_vectors: np.ndarray | None = None
    # the answer policy fitted to this course when it was indexed (see tutor/calibration.py)
    calibration: Mapping[str, object] | None = None
    # the re-ranking weights fitted alongside it, when they beat the prior (tutor/ranking_fit.py)
    ranking: Mapping[str, object] | None = None
    _by_paragraph: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _by_start: dict[str, tuple[list[int], tuple[Passage, ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # the course's words that are ordinary words of the model's vocabulary ("remained"), so
    # that one capitalised at a sentence's start is not taken for a name
    common_words: frozenset[str] = frozenset()
    # caches, not copied by dataclasses.replace (a copy with other words must work them out anew)
    _subject: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)
    _names: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def empty(cls, dim: int) -> Course:
        """A course without documents (a new one, before its first upload): its tutor
        answers nothing (NoDocuments) and takes uploads."""
        none = np.zeros((0, dim), dtype=np.float32)
        return cls(EMPTY_VERSION, {}, (), _NoVectors(), _NoVectors(), none, none, (), none)

    def __post_init__(self) -> None:
        groups: dict[int, list[int]] = {}
        by_doc: dict[str, list[Passage]] = {}
        for p in self.passages:
            groups.setdefault(p.paragraph, []).append(p.passage_id)
            by_doc.setdefault(p.doc_id, []).append(p)
        self._by_paragraph.update({k: tuple(v) for k, v in groups.items()})
        for doc_id, found in by_doc.items():
            found.sort(key=lambda p: p.start)
            self._by_start[doc_id] = ([p.start for p in found], tuple(found))

    def passage_at(self, doc_id: str, start: int, end: int) -> Passage | None:
        """The first sentence of a document that overlaps [start, end), by bisection."""
        starts, found = self._by_start.get(doc_id, ([], ()))
        i = bisect_right(starts, start) - 1
        if i >= 0 and start < found[i].end:
            return found[i]
        nxt = i + 1
        if nxt < len(found) and found[nxt].start < end:
            return found[nxt]
        return None

    def document(self, doc_id: str) -> Document:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise NotFound(f"no document {doc_id!r}; known: {sorted(self.documents)}") from None

    def paragraph_of(self, passage_id: int) -> tuple[Passage, ...]:
        """The sentences of the paragraph that holds `passage_id`, in order."""
        ids = self._by_paragraph[self.passages[passage_id].paragraph]
        return tuple(self.passages[i] for i in ids)

    def neighbour(self, passage_id: int, step: int) -> Passage | None:
        """The sentence `step` places away inside the same paragraph, if any."""
        p = self.passages[passage_id]
        j = passage_id + step
        if 0 <= j < len(self.passages) and self.passages[j].paragraph == p.paragraph:
            return self.passages[j]
        return None

    def section_titles(self) -> list[str]:
        seen: dict[str, None] = {}
        for doc in self.documents.values():
            for s in doc.sections:
                seen.setdefault(s.title, None)
        return list(seen)

    def subject_words(self) -> frozenset[str]:
        """Stems of the words in at least SUBJECT_SHARE of the sentences: the course's own
        subject ("Soviet" in a course on Soviet policy), which answers no "who" or "what"."""
        found = self._subject
        if found is None:
            counts: dict[str, int] = {}
            for p in self.passages:
                for word in set(content_stems(p.text)):
                    counts[word] = counts.get(word, 0) + 1
            least = max(SUBJECT_MIN, SUBJECT_SHARE * len(self.passages))
            found = frozenset(w for w, n in counts.items() if n >= least and w.isalpha())
            object.__setattr__(self, "_subject", found)
        return found

    def proper_names(self) -> frozenset[str]:
        """Stems of the words the course writes as names: capitalised inside a sentence, or
        at a sentence's start when the word is no ordinary word ("Okonkwo began…", but not
        "Remained in…")."""
        found = self._names
        if found is None:
            names = set()
            for p in self.passages:
                for m in _CAPITALISED.finditer(p.text):
                    word = m.group().lower()
                    opens = m.start() == 0 or _SENTENCE_END.search(p.text, 0, m.start())
                    if not opens or word not in self.common_words:
                        names.add(stem(word))
            found = frozenset(names)
            object.__setattr__(self, "_names", found)
        return found

    def has_new_answer(
        self, text: str, kind: AnswerType, question: str, asked: frozenset[str] | None = None
    ) -> bool:
        """answer_types.has_new_answer, knowing the course's names. (The course's subject is
        left to the evidence and the answer's lead: ranking a sentence that names only the
        subject lower let spurious names win, e.g. "South-Eastern" for "Who succeeded…?")"""
        return has_new_answer(text, kind, question, asked, names=self.proper_names())
